//! The command line, parsed in one place with `lexopt` (a small, strict
//! parser: it handles `--flag=value`, `--` and non-UTF-8 arguments, and
//! leaves the grammar to us).

use std::collections::BTreeSet;
use std::ffi::OsString;
use std::path::PathBuf;

use codegen::RuntimeSource;
use codegen::tools::sweep::parse_protocols;
use lexopt::Arg;
use lexopt::prelude::*;

/// What was asked for.
#[derive(Debug)]
pub enum Task {
    Codegen(Codegen),
    Import(Import),
    Sweep(Sweep),
    Conformance,
    Measure(Measure),
    Help,
}

/// `codegen [--check] [--spec DIR --out DIR [--crate-name NAME] [--runtime-path DIR | --runtime-registry]]`.
#[derive(Debug)]
pub struct Codegen {
    pub check: bool,
    /// `--spec` with `--out`; `None` means the workspace's own crates.
    pub target: Option<(PathBuf, PathBuf)>,
    pub crate_name: Option<String>,
    /// Where a `--out` crate finds the runtime crate; `None` for this
    /// workspace's.
    pub runtime: Option<RuntimeSource>,
}

/// `import (--smithy FILE|DIR | --botocore FILE) [--operations A,B] [--out DIR]`.
#[derive(Debug)]
pub struct Import {
    pub source: ImportSource,
    pub operations: Option<Vec<String>>,
    pub out: Option<PathBuf>,
}

#[derive(Debug)]
pub enum ImportSource {
    Smithy(PathBuf),
    Botocore(PathBuf),
}

/// `sweep DIR [--build] [--protocol P[,P...]]`.
#[derive(Debug)]
pub struct Sweep {
    pub dir: PathBuf,
    pub build: bool,
    /// Only models of these protocols (`parse_protocols`' names).
    pub protocols: Option<BTreeSet<String>>,
}

/// `measure [--corpus DIR]`.
#[derive(Debug)]
pub struct Measure {
    pub corpus: Option<PathBuf>,
}

/// Parses the arguments after `cargo xtask`; the error says what is wrong.
pub fn parse(args: impl IntoIterator<Item = OsString>) -> Result<Task, String> {
    let mut parser = lexopt::Parser::from_iter(std::iter::once(OsString::from("xtask")).chain(args));
    let task = match parser.next().map_err(|e| e.to_string())? {
        Some(Value(task)) => task.string().map_err(|e| e.to_string())?,
        Some(Long("help") | Short('h')) => return Ok(Task::Help),
        Some(other) => return Err(other.unexpected().to_string()),
        None => return Err("name a task".to_string()),
    };
    let mut parser = Flags(parser);
    match task.as_str() {
        "codegen" => parser.codegen().map(Task::Codegen),
        "import" => parser.import().map(Task::Import),
        "sweep" => parser.sweep().map(Task::Sweep),
        "measure" => parser.measure().map(Task::Measure),
        "conformance" => parser.nothing().map(|()| Task::Conformance),
        other => Err(format!("unknown task `{other}`")),
    }
}

/// The parser, with the few readings every task needs.
struct Flags(lexopt::Parser);

impl Flags {
    fn next(&mut self) -> Result<Option<Arg<'_>>, String> {
        self.0.next().map_err(|e| e.to_string())
    }

    fn path(&mut self) -> Result<PathBuf, String> {
        self.0.value().map(PathBuf::from).map_err(|e| e.to_string())
    }

    fn string(&mut self) -> Result<String, String> {
        self.0.value().map_err(|e| e.to_string())?.string().map_err(|e| e.to_string())
    }

    fn nothing(&mut self) -> Result<(), String> {
        match self.next()? {
            None => Ok(()),
            Some(arg) => Err(arg.unexpected().to_string()),
        }
    }

    fn codegen(&mut self) -> Result<Codegen, String> {
        let (mut check, mut spec, mut out, mut crate_name, mut runtime) = (false, None, None, None, None);
        while let Some(arg) = self.next()? {
            match arg {
                Long("check") => check = true,
                Long("spec") => spec = Some(self.path()?),
                Long("out") => out = Some(self.path()?),
                Long("crate-name") => crate_name = Some(self.string()?),
                Long("runtime-path" | "runtime-registry") if runtime.is_some() => {
                    return Err("--runtime-path and --runtime-registry are one choice".to_string());
                }
                Long("runtime-path") => runtime = Some(RuntimeSource::Path(self.string()?)),
                Long("runtime-registry") => runtime = Some(RuntimeSource::Registry),
                arg => return Err(arg.unexpected().to_string()),
            }
        }
        let target = match (spec, out) {
            (Some(spec), Some(out)) => Some((spec, out)),
            (None, None) if crate_name.is_none() && runtime.is_none() => None,
            _ => return Err("--spec, --out, --crate-name and --runtime-* go together".to_string()),
        };
        Ok(Codegen { check, target, crate_name, runtime })
    }

    fn import(&mut self) -> Result<Import, String> {
        let (mut source, mut operations, mut out) = (None, None, None);
        while let Some(arg) = self.next()? {
            match arg {
                Long("smithy" | "botocore") if source.is_some() => {
                    return Err("give one of --smithy FILE and --botocore FILE".to_string());
                }
                Long("smithy") => source = Some(ImportSource::Smithy(self.path()?)),
                Long("botocore") => source = Some(ImportSource::Botocore(self.path()?)),
                Long("operations") => operations = Some(self.string()?.split(',').map(str::to_string).collect()),
                Long("out") => out = Some(self.path()?),
                arg => return Err(arg.unexpected().to_string()),
            }
        }
        let source = source.ok_or("give one of --smithy FILE and --botocore FILE")?;
        Ok(Import { source, operations, out })
    }

    fn sweep(&mut self) -> Result<Sweep, String> {
        let (mut dir, mut build, mut protocols) = (None, false, None);
        while let Some(arg) = self.next()? {
            match arg {
                Long("build") => build = true,
                Long("protocol") => protocols = Some(parse_protocols(&self.string()?)?),
                Value(path) if dir.is_none() => dir = Some(PathBuf::from(path)),
                Value(_) => return Err("sweep takes one directory".to_string()),
                arg => return Err(arg.unexpected().to_string()),
            }
        }
        Ok(Sweep { dir: dir.ok_or("sweep needs a directory")?, build, protocols })
    }

    fn measure(&mut self) -> Result<Measure, String> {
        let mut corpus = None;
        while let Some(arg) = self.next()? {
            match arg {
                Long("corpus") => corpus = Some(self.path()?),
                arg => return Err(arg.unexpected().to_string()),
            }
        }
        Ok(Measure { corpus })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(args: &str) -> Result<Task, String> {
        super::parse(args.split_whitespace().map(OsString::from))
    }

    #[test]
    fn tasks_read_their_flags() {
        let Ok(Task::Codegen(codegen)) = parse("codegen --check") else { panic!() };
        assert!(codegen.check && codegen.target.is_none());
        let Ok(Task::Codegen(codegen)) = parse("codegen --spec s --out=o --runtime-registry") else { panic!() };
        assert_eq!(codegen.target, Some((PathBuf::from("s"), PathBuf::from("o"))));
        assert_eq!(codegen.runtime, Some(RuntimeSource::Registry));
        let Ok(Task::Import(import)) = parse("import --botocore b.json --operations A,B") else { panic!() };
        assert!(matches!(import.source, ImportSource::Botocore(_)));
        assert_eq!(import.operations, Some(vec!["A".to_string(), "B".to_string()]));
        let Ok(Task::Sweep(sweep)) = parse("sweep models --build --protocol awsJson") else { panic!() };
        assert!(sweep.build && sweep.dir == std::path::Path::new("models"));
        assert!(matches!(parse("measure --corpus c"), Ok(Task::Measure(Measure { corpus: Some(_) }))));
        assert!(matches!(parse("--help"), Ok(Task::Help)));
    }

    #[test]
    fn mistakes_say_what_is_wrong() {
        let error = |args| parse(args).err().unwrap_or_default();
        assert!(error("codegen --nope").contains("--nope"));
        assert!(error("codegen --spec").contains("--spec"));
        assert!(error("codegen --out o").contains("go together"));
        assert!(error("codegen --runtime-path a --runtime-registry --spec s --out o").contains("one choice"));
        assert!(error("import --smithy a --botocore b").contains("one of"));
        assert!(error("import").contains("one of"));
        assert!(error("sweep").contains("needs a directory"));
        assert!(error("sweep a b").contains("one directory"));
        assert!(error("sweep a --protocol nope").contains("nope"));
        assert!(error("conformance extra").contains("extra"));
        assert!(error("frobnicate").contains("unknown task"));
    }
}
