//! Errors and warnings about a spec, each pointing at the file and shape at fault.

use std::fmt;
use std::path::PathBuf;

/// How serious a [`Diagnostic`] is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Severity {
    /// The spec is usable, but probably does not mean what it says.
    Warning,
    /// The spec cannot be generated; nothing is written.
    Error,
}

/// One finding about a spec: where it is, what is wrong and how to fix it.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct Diagnostic {
    pub severity: Severity,
    /// The spec file, when the finding belongs to one.
    pub file: Option<PathBuf>,
    /// Where in the file, for files read as text (IDL).
    pub position: Option<Box<Position>>,
    /// The shape id (with `$member` where relevant).
    pub shape: Option<String>,
    pub message: String,
    /// What to change to fix it.
    pub help: Option<String>,
}

impl Diagnostic {
    pub fn error(message: impl Into<String>) -> Self {
        Diagnostic {
            severity: Severity::Error,
            file: None,
            position: None,
            shape: None,
            message: message.into(),
            help: None,
        }
    }

    pub fn warning(message: impl Into<String>) -> Self {
        Diagnostic { severity: Severity::Warning, ..Diagnostic::error(message) }
    }

    pub fn in_file(mut self, file: impl Into<PathBuf>) -> Self {
        self.file = Some(file.into());
        self
    }

    /// Points at `line` and `column` (1-based, in characters) of `source`,
    /// the text of the diagnostic's file, and quotes that line.
    pub fn at_position(mut self, source: &str, line: usize, column: usize) -> Self {
        let text = source.lines().nth(line.saturating_sub(1)).unwrap_or("").trim_end_matches('\r');
        // A long line is quoted around the column only.
        const SIDE: usize = 60;
        let chars: Vec<char> = text.chars().collect();
        let at = column.saturating_sub(1).min(chars.len());
        let (start, end) = (at.saturating_sub(SIDE), (at + SIDE).min(chars.len()));
        let mut excerpt: String = chars[start..end].iter().collect();
        let mut caret = at - start;
        if start > 0 {
            excerpt.insert(0, '…');
            caret += 1;
        }
        if end < chars.len() {
            excerpt.push('…');
        }
        self.position = Some(Box::new(Position { line, column, excerpt, caret }));
        self
    }

    pub fn at_shape(mut self, shape: impl Into<String>) -> Self {
        self.shape = Some(shape.into());
        self
    }

    pub fn help(mut self, help: impl Into<String>) -> Self {
        self.help = Some(help.into());
        self
    }

    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self.severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
        })?;
        if let Some(file) = &self.file {
            write!(f, ": {}", file.display())?;
            if let Some(position) = &self.position {
                write!(f, ":{}:{}", position.line, position.column)?;
            }
        }
        if let Some(shape) = &self.shape {
            write!(f, ": {shape}")?;
        }
        write!(f, ": {}", self.message)?;
        if let Some(position) = &self.position {
            // The line, and a caret under the column (tabs kept, so that the
            // caret lines up however the terminal shows them).
            let number = position.line.to_string();
            let pad = " ".repeat(number.len());
            let lead: String =
                position.excerpt.chars().take(position.caret).map(|c| if c == '\t' { '\t' } else { ' ' }).collect();
            write!(f, "\n{pad} |\n{number} | {}\n{pad} | {lead}^", position.excerpt)?;
        }
        if let Some(help) = &self.help {
            write!(f, "\n  help: {help}")?;
        }
        Ok(())
    }
}

/// A line and column in a file, and that line's text.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct Position {
    pub line: usize,
    pub column: usize,
    /// The line, or the part of a long line around the column.
    pub excerpt: String,
    /// Where in the excerpt the column is, in characters.
    pub caret: usize,
}

/// Every finding of one run, errors and warnings, in a stable order.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Diagnostics(Vec<Diagnostic>);

impl Diagnostics {
    pub fn push(&mut self, diagnostic: Diagnostic) {
        self.0.push(diagnostic);
    }

    pub fn extend(&mut self, other: Diagnostics) {
        self.0.extend(other.0);
    }

    pub fn has_errors(&self) -> bool {
        self.0.iter().any(Diagnostic::is_error)
    }

    pub fn errors(&self) -> impl Iterator<Item = &Diagnostic> {
        self.0.iter().filter(|d| d.is_error())
    }

    pub fn warnings(&self) -> impl Iterator<Item = &Diagnostic> {
        self.0.iter().filter(|d| !d.is_error())
    }

    /// Changes each diagnostic in place.
    pub fn for_each(&mut self, f: impl FnMut(&mut Diagnostic)) {
        self.0.iter_mut().for_each(f);
    }

    pub fn iter(&self) -> impl Iterator<Item = &Diagnostic> {
        self.0.iter()
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// Sorts by file, shape and message so the report does not depend on
    /// the order in which checks happened to run.
    pub fn sort(&mut self) {
        // Errors first, then by place.
        self.0.sort_by(|a, b| {
            b.severity.cmp(&a.severity).then_with(|| {
                (&a.file, &a.position, &a.shape, &a.message).cmp(&(&b.file, &b.position, &b.shape, &b.message))
            })
        });
        self.0.dedup();
    }
}

impl From<Diagnostic> for Diagnostics {
    fn from(diagnostic: Diagnostic) -> Self {
        Diagnostics(vec![diagnostic])
    }
}

impl fmt::Display for Diagnostics {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, d) in self.0.iter().enumerate() {
            if i > 0 {
                writeln!(f)?;
            }
            write!(f, "{d}")?;
        }
        Ok(())
    }
}

impl std::error::Error for Diagnostics {}
