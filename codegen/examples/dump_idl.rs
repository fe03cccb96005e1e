fn main() {
    let dir = std::path::PathBuf::from(std::env::args().nth(1).unwrap());
    let model = codegen::load::load_dir(&dir).unwrap();
    for (ns, text) in codegen::idl::write::to_idl(&model) { println!("// {ns}\n{text}"); }
}
