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

/// The kinds of warnings, as a model's suppressions name them (Smithy's
/// `suppressions` metadata and `@suppress` trait take these ids).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum WarningKind {
    /// A trait outside `smithy.api` that the generator does not know: ignored.
    UnknownTrait,
    /// A trait's value has a member its definition does not (outside the traits the generator reads).
    TraitValue,
    /// A `@pattern` that reads differently in Java and ECMA-262 (inline flags, alternatives anchored apart).
    Pattern,
    /// An operation with a byte or event stream its protocol cannot carry or the routers do not serve yet.
    NotServed,
    /// A Rust name already taken in its scope: the item is generated under another.
    NameConflict,
    /// An HTTP binding trait where it does not apply: the member travels in the body.
    HttpBindingIgnored,
    /// An `@httpHeader` naming a header HTTP itself or authentication sets.
    RestrictedHeader,
    /// A restJson1 service none of whose operations has `@http`.
    HttpBindingsMissing,
    /// botocore import: shape names that differ only in case.
    CaseCollision,
    /// botocore import: a signature version Smithy has no auth trait for.
    AuthNotModelled,
    /// OpenAPI: a service whose first protocol is not restJson1 has no document.
    OpenApiServiceSkipped,
    /// OpenAPI: an operation with no route OpenAPI can express is left out.
    OpenApiOperationLeftOut,
}

impl WarningKind {
    /// Every kind, for documentation and tests.
    pub const ALL: [WarningKind; 12] = [
        WarningKind::UnknownTrait,
        WarningKind::TraitValue,
        WarningKind::Pattern,
        WarningKind::NotServed,
        WarningKind::NameConflict,
        WarningKind::HttpBindingIgnored,
        WarningKind::RestrictedHeader,
        WarningKind::HttpBindingsMissing,
        WarningKind::CaseCollision,
        WarningKind::AuthNotModelled,
        WarningKind::OpenApiServiceSkipped,
        WarningKind::OpenApiOperationLeftOut,
    ];

    /// The id suppressions name: the variant's name.
    pub fn as_str(self) -> &'static str {
        match self {
            WarningKind::UnknownTrait => "UnknownTrait",
            WarningKind::TraitValue => "TraitValue",
            WarningKind::Pattern => "Pattern",
            WarningKind::NotServed => "NotServed",
            WarningKind::NameConflict => "NameConflict",
            WarningKind::HttpBindingIgnored => "HttpBindingIgnored",
            WarningKind::RestrictedHeader => "RestrictedHeader",
            WarningKind::HttpBindingsMissing => "HttpBindingsMissing",
            WarningKind::CaseCollision => "CaseCollision",
            WarningKind::AuthNotModelled => "AuthNotModelled",
            WarningKind::OpenApiServiceSkipped => "OpenApiServiceSkipped",
            WarningKind::OpenApiOperationLeftOut => "OpenApiOperationLeftOut",
        }
    }
}

/// One finding about a spec: where it is, what is wrong and how to fix it.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct Diagnostic {
    pub severity: Severity,
    /// A warning's kind: what summaries count and what the model's
    /// `suppressions` name.
    pub id: Option<WarningKind>,
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
            id: None,
            file: None,
            position: None,
            shape: None,
            message: message.into(),
            help: None,
        }
    }

    /// A warning of kind `id`.
    pub fn warning(id: WarningKind, message: impl Into<String>) -> Self {
        Diagnostic { severity: Severity::Warning, id: Some(id), ..Diagnostic::error(message) }
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
        if let Some(id) = self.id {
            write!(f, "[{}]", id.as_str())?;
        }
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

/// Every finding of one run, errors and warnings, in a stable order, and
/// how many warnings the model's suppressions silenced.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Diagnostics {
    list: Vec<Diagnostic>,
    suppressed: usize,
}

impl Diagnostics {
    pub fn push(&mut self, diagnostic: Diagnostic) {
        self.list.push(diagnostic);
    }

    pub fn extend(&mut self, other: Diagnostics) {
        self.list.extend(other.list);
        self.suppressed += other.suppressed;
    }

    pub fn has_errors(&self) -> bool {
        self.list.iter().any(Diagnostic::is_error)
    }

    pub fn errors(&self) -> impl Iterator<Item = &Diagnostic> {
        self.list.iter().filter(|d| d.is_error())
    }

    pub fn warnings(&self) -> impl Iterator<Item = &Diagnostic> {
        self.list.iter().filter(|d| !d.is_error())
    }

    /// Changes each diagnostic in place.
    pub fn for_each(&mut self, f: impl FnMut(&mut Diagnostic)) {
        self.list.iter_mut().for_each(f);
    }

    pub fn iter(&self) -> impl Iterator<Item = &Diagnostic> {
        self.list.iter()
    }

    /// Drops the warnings `silenced` says are suppressed, counting them.
    pub fn suppress(&mut self, mut silenced: impl FnMut(&Diagnostic) -> bool) {
        let before = self.list.len();
        self.list.retain(|d| d.is_error() || !silenced(d));
        self.suppressed += before - self.list.len();
    }

    /// How many warnings the model's suppressions silenced.
    pub fn suppressed(&self) -> usize {
        self.suppressed
    }

    /// The warnings by kind, with how many of each, by kind name.
    pub fn warning_counts(&self) -> std::collections::BTreeMap<&'static str, usize> {
        let mut counts = std::collections::BTreeMap::new();
        for warning in self.warnings() {
            *counts.entry(warning.id.map_or("Warning", WarningKind::as_str)).or_insert(0) += 1;
        }
        counts
    }

    pub fn is_empty(&self) -> bool {
        self.list.is_empty()
    }

    /// Sorts by file, shape and message so the report does not depend on
    /// the order in which checks happened to run.
    pub fn sort(&mut self) {
        // Errors first, then by place.
        self.list.sort_by(|a, b| {
            b.severity.cmp(&a.severity).then_with(|| {
                (&a.file, &a.position, &a.shape, &a.message).cmp(&(&b.file, &b.position, &b.shape, &b.message))
            })
        });
        self.list.dedup();
    }
}

impl From<Diagnostic> for Diagnostics {
    fn from(diagnostic: Diagnostic) -> Self {
        Diagnostics { list: vec![diagnostic], suppressed: 0 }
    }
}

impl fmt::Display for Diagnostics {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, d) in self.list.iter().enumerate() {
            if i > 0 {
                writeln!(f)?;
            }
            write!(f, "{d}")?;
        }
        Ok(())
    }
}

impl std::error::Error for Diagnostics {}
