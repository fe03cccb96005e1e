//! The command line, parsed in one place with `lexopt` (a small, strict
//! parser: it handles `--flag=value`, `--` and non-UTF-8 arguments, and
//! leaves the grammar to us).

use std::collections::BTreeSet;
use std::ffi::OsString;
use std::path::PathBuf;

use codegen::tools::sweep::parse_protocols;
use lexopt::prelude::*;

/// What was asked for, and how much to say.
#[derive(Debug)]
pub struct Invocation {
    pub command: Command,
    /// `--verbose`: every warning, not only their count by kind.
    pub verbose: bool,
}

/// One command of the command line.
#[derive(Debug)]
pub enum Command {
    Generate(Generate),
    /// `check`: `generate` that writes nothing.
    Check(Generate),
    Import(Import),
    Sweep(Sweep),
    OpenApi(OpenApi),
    Conformance,
    /// `help [COMMAND]`, `--help`, or `COMMAND --help`.
    Help(Option<String>),
    Version,
}

/// `generate --spec DIR --out DIR [...]` and `check --spec DIR [--out DIR] [...]`.
#[derive(Debug)]
pub struct Generate {
    pub spec: PathBuf,
    /// Required by `generate`; `check` compares the crate there when given.
    pub out: Option<PathBuf>,
    pub crate_name: Option<String>,
    pub runtime: Runtime,
}

/// Where a generated crate finds the runtime crate.
#[derive(Debug, Default, PartialEq, Eq)]
pub enum Runtime {
    /// The runtime of the awsgen checkout the command runs in, if any,
    /// otherwise the registry.
    #[default]
    Default,
    /// `--runtime-path DIR`.
    Path(String),
    /// `--runtime-registry`.
    Registry,
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

/// `openapi --spec DIR --out DIR`.
#[derive(Debug)]
pub struct OpenApi {
    pub spec: PathBuf,
    pub out: PathBuf,
}

/// The commands, as `help` lists them.
pub const COMMANDS: [&str; 6] = ["generate", "check", "import", "sweep", "openapi", "conformance"];

/// A wrong command line: what is wrong, and the command whose usage to show.
#[derive(Debug)]
pub struct Mistake {
    pub message: String,
    pub command: Option<String>,
}

/// Parses the arguments after the program's name.
pub fn parse(args: impl IntoIterator<Item = OsString>) -> Result<Invocation, Mistake> {
    let mut parser = lexopt::Parser::from_iter(std::iter::once(OsString::from("awsgen")).chain(args));
    let mistake = |message: String| Mistake { message, command: None };
    let mut verbose = false;
    let name = loop {
        match parser.next().map_err(|e| mistake(e.to_string()))? {
            Some(Value(name)) => break name.string().map_err(|e| mistake(e.to_string()))?,
            Some(Long("verbose") | Short('v')) => verbose = true,
            Some(Long("help") | Short('h')) => return Ok(Invocation { command: Command::Help(None), verbose }),
            Some(Long("version") | Short('V')) => return Ok(Invocation { command: Command::Version, verbose }),
            Some(other) => return Err(mistake(other.unexpected().to_string())),
            None => return Err(mistake("name a command".to_string())),
        }
    };
    let mut flags = Flags { parser, verbose, help: false };
    let command = match name.as_str() {
        "generate" => flags.generate(true).map(Command::Generate),
        "check" => flags.generate(false).map(Command::Check),
        "import" => flags.import().map(Command::Import),
        "sweep" => flags.sweep().map(Command::Sweep),
        "openapi" => flags.openapi().map(Command::OpenApi),
        "conformance" => flags.nothing().map(|()| Command::Conformance),
        "help" => flags.help_topic().map(Command::Help),
        other => return Err(mistake(format!("unknown command `{other}`"))),
    };
    // `COMMAND --help` wins over whatever else is wrong with the line.
    if flags.help {
        return Ok(Invocation { command: Command::Help(Some(name)), verbose: flags.verbose });
    }
    let command = command.map_err(|message| Mistake { message, command: Some(name) })?;
    Ok(Invocation { command, verbose: flags.verbose })
}

/// The parser, with the few readings every command needs.
struct Flags {
    parser: lexopt::Parser,
    verbose: bool,
    /// `--help` was among the command's flags.
    help: bool,
}

impl Flags {
    /// The next argument that is not a flag every command takes.
    fn next(&mut self) -> Result<Option<Flag>, String> {
        loop {
            match self.parser.next().map_err(|e| e.to_string())? {
                Some(Long("verbose") | Short('v')) => self.verbose = true,
                Some(Long("help") | Short('h')) => self.help = true,
                Some(Long(name)) => return Ok(Some(Flag::Long(name.to_string()))),
                Some(Short(c)) => return Ok(Some(Flag::Short(c))),
                Some(Value(value)) => return Ok(Some(Flag::Value(value))),
                None => return Ok(None),
            }
        }
    }

    fn path(&mut self) -> Result<PathBuf, String> {
        self.parser.value().map(PathBuf::from).map_err(|e| e.to_string())
    }

    fn string(&mut self) -> Result<String, String> {
        self.parser.value().map_err(|e| e.to_string())?.string().map_err(|e| e.to_string())
    }

    fn nothing(&mut self) -> Result<(), String> {
        match self.next()? {
            None => Ok(()),
            Some(arg) => Err(arg.unexpected()),
        }
    }

    fn help_topic(&mut self) -> Result<Option<String>, String> {
        let topic = match self.next()? {
            Some(Flag::Value(topic)) => Some(topic.into_string().map_err(|t| format!("{t:?} is not UTF-8"))?),
            Some(arg) => return Err(arg.unexpected()),
            None => None,
        };
        self.nothing()?;
        match topic {
            Some(topic) if !COMMANDS.contains(&topic.as_str()) => Err(format!("no command is named `{topic}`")),
            topic => Ok(topic),
        }
    }

    fn generate(&mut self, writes: bool) -> Result<Generate, String> {
        let (mut spec, mut out, mut crate_name, mut runtime) = (None, None, None, Runtime::Default);
        while let Some(arg) = self.next()? {
            match arg.long() {
                Some("spec") => spec = Some(self.path()?),
                Some("out") => out = Some(self.path()?),
                Some("crate-name") => crate_name = Some(self.string()?),
                Some("runtime-path" | "runtime-registry") if runtime != Runtime::Default => {
                    return Err("--runtime-path and --runtime-registry are one choice".to_string());
                }
                Some("runtime-path") => runtime = Runtime::Path(self.string()?),
                Some("runtime-registry") => runtime = Runtime::Registry,
                _ => return Err(arg.unexpected()),
            }
        }
        let spec = spec.ok_or("--spec DIR is required: the spec directory to read")?;
        if writes && out.is_none() {
            return Err("--out DIR is required: where to write the crate".to_string());
        }
        Ok(Generate { spec, out, crate_name, runtime })
    }

    fn import(&mut self) -> Result<Import, String> {
        let (mut source, mut operations, mut out) = (None, None, None);
        while let Some(arg) = self.next()? {
            match arg.long() {
                Some("smithy" | "botocore") if source.is_some() => {
                    return Err("give one of --smithy FILE and --botocore FILE".to_string());
                }
                Some("smithy") => source = Some(ImportSource::Smithy(self.path()?)),
                Some("botocore") => source = Some(ImportSource::Botocore(self.path()?)),
                Some("operations") => operations = Some(self.string()?.split(',').map(str::to_string).collect()),
                Some("out") => out = Some(self.path()?),
                _ => return Err(arg.unexpected()),
            }
        }
        let source = source.ok_or("give one of --smithy FILE and --botocore FILE")?;
        Ok(Import { source, operations, out })
    }

    fn sweep(&mut self) -> Result<Sweep, String> {
        let (mut dir, mut build, mut protocols) = (None, false, None);
        while let Some(arg) = self.next()? {
            match arg.long() {
                Some("build") => build = true,
                Some("protocol") => protocols = Some(parse_protocols(&self.string()?)?),
                Some(_) => return Err(arg.unexpected()),
                None => match arg {
                    Flag::Value(path) if dir.is_none() => dir = Some(PathBuf::from(path)),
                    Flag::Value(_) => return Err("sweep takes one directory".to_string()),
                    arg => return Err(arg.unexpected()),
                },
            }
        }
        Ok(Sweep { dir: dir.ok_or("sweep needs a directory")?, build, protocols })
    }

    fn openapi(&mut self) -> Result<OpenApi, String> {
        let (mut spec, mut out) = (None, None);
        while let Some(arg) = self.next()? {
            match arg.long() {
                Some("spec") => spec = Some(self.path()?),
                Some("out") => out = Some(self.path()?),
                _ => return Err(arg.unexpected()),
            }
        }
        let spec = spec.ok_or("--spec DIR is required: the spec directory to read")?;
        let out = out.ok_or("--out DIR is required: where to write the documents")?;
        Ok(OpenApi { spec, out })
    }
}

/// One argument, owned: lexopt lends a flag's name only until the next
/// argument is read.
enum Flag {
    Long(String),
    Short(char),
    Value(OsString),
}

impl Flag {
    fn long(&self) -> Option<&str> {
        match self {
            Flag::Long(name) => Some(name),
            _ => None,
        }
    }

    fn unexpected(&self) -> String {
        match self {
            Flag::Long(name) => format!("invalid option '--{name}'"),
            Flag::Short(c) => format!("invalid option '-{c}'"),
            Flag::Value(value) => format!("unexpected argument {value:?}"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(args: &str) -> Result<Invocation, Mistake> {
        super::parse(args.split_whitespace().map(OsString::from))
    }

    fn command(args: &str) -> Command {
        parse(args).map(|i| i.command).unwrap_or_else(|m| panic!("{args}: {}", m.message))
    }

    #[test]
    fn commands_read_their_flags() {
        let Command::Generate(g) = command("generate --spec s --out=o --runtime-registry") else { panic!() };
        assert_eq!((g.spec, g.out), (PathBuf::from("s"), Some(PathBuf::from("o"))));
        assert_eq!(g.runtime, Runtime::Registry);
        let Command::Check(c) = command("check --spec s") else { panic!() };
        assert!(c.out.is_none() && c.runtime == Runtime::Default);
        let Command::Import(import) = command("import --botocore b.json --operations A,B") else { panic!() };
        assert!(matches!(import.source, ImportSource::Botocore(_)));
        assert_eq!(import.operations, Some(vec!["A".to_string(), "B".to_string()]));
        let Command::Sweep(sweep) = command("sweep models --build --protocol awsJson") else { panic!() };
        assert!(sweep.build && sweep.dir == std::path::Path::new("models"));
        assert!(matches!(command("openapi --spec s --out o"), Command::OpenApi(_)));
        assert!(matches!(command("conformance"), Command::Conformance));
    }

    #[test]
    fn verbose_and_help_go_anywhere() {
        assert!(parse("-v check --spec s").unwrap().verbose);
        assert!(parse("check --spec s --verbose").unwrap().verbose);
        assert!(matches!(command("--help"), Command::Help(None)));
        assert!(matches!(command("help sweep"), Command::Help(Some(c)) if c == "sweep"));
        // Even on a line that is otherwise wrong.
        assert!(matches!(command("generate --help"), Command::Help(Some(c)) if c == "generate"));
        assert!(matches!(command("import -h --nope"), Command::Help(Some(c)) if c == "import"));
        assert!(matches!(command("--version"), Command::Version));
    }

    #[test]
    fn mistakes_say_what_is_wrong_and_whose_usage_to_show() {
        let error = |args| parse(args).err().map(|m| (m.message, m.command)).unwrap();
        assert_eq!(error("generate --nope").1.as_deref(), Some("generate"));
        assert!(error("generate --nope").0.contains("--nope"));
        assert!(error("generate --spec").0.contains("--spec"));
        assert!(error("generate --spec s").0.contains("--out DIR is required"));
        assert!(error("check --out o").0.contains("--spec DIR is required"));
        assert!(error("generate --runtime-path a --runtime-registry --spec s --out o").0.contains("one choice"));
        assert!(error("import --smithy a --botocore b").0.contains("one of"));
        assert!(error("import").0.contains("one of"));
        assert!(error("sweep").0.contains("needs a directory"));
        assert!(error("sweep a b").0.contains("one directory"));
        assert!(error("sweep a --protocol nope").0.contains("nope"));
        assert!(error("conformance extra").0.contains("extra"));
        assert!(error("help frobnicate").0.contains("frobnicate"));
        assert_eq!(error("frobnicate"), ("unknown command `frobnicate`".to_string(), None));
        assert_eq!(error("").0, "name a command");
    }
}
