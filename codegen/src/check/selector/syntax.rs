//! Selectors' syntax: the parsed form and the parser.

use std::fmt;

// ---------------------------------------------------------------------------
// The parsed form.
// ---------------------------------------------------------------------------

/// Expressions applied left to right, each to what the previous yielded.
/// Empty: yields its input (`*`).
pub(super) type Seq = Vec<Expr>;

#[derive(Clone, Debug)]
pub(super) enum Expr {
    Type(TypeTest),
    Attr(Attr),
    Scoped(Scoped),
    /// `>` (no names) or `-[names]->`.
    Forward(Option<Vec<String>>),
    /// `<` (no names) or `<-[names]-`.
    Reverse(Option<Vec<String>>),
    /// `~>`.
    Recursive,
    Function(Function),
    /// `$name(selector)`.
    VarSet(String, Seq),
    /// `${name}`.
    VarGet(String),
}

/// A shape type token.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum TypeTest {
    /// One shape type, by its name in the JSON AST; `string` also matches
    /// enums, `integer` intEnums and `list` (and `set`) sets, as in Smithy
    /// enums are strings and intEnums integers.
    Is(&'static str),
    Number,
    SimpleType,
    Collection,
    AggregateType,
    ServiceType,
    DataType,
}

const SIMPLE_TYPES: &[&str] = &[
    "blob",
    "boolean",
    "string",
    "enum",
    "byte",
    "short",
    "integer",
    "intEnum",
    "long",
    "float",
    "double",
    "bigInteger",
    "bigDecimal",
    "timestamp",
    "document",
];
const NUMBER_TYPES: &[&str] =
    &["byte", "short", "integer", "intEnum", "long", "float", "double", "bigInteger", "bigDecimal"];
const AGGREGATE_TYPES: &[&str] = &["list", "set", "map", "structure", "union"];
pub(super) const SERVICE_TYPES: &[&str] = &["service", "operation", "resource"];

impl TypeTest {
    fn from_name(name: &str) -> Option<TypeTest> {
        Some(match name {
            "number" => TypeTest::Number,
            "simpleType" => TypeTest::SimpleType,
            "collection" => TypeTest::Collection,
            "aggregateType" => TypeTest::AggregateType,
            "serviceType" => TypeTest::ServiceType,
            "dataType" => TypeTest::DataType,
            _ => TypeTest::Is(
                [SIMPLE_TYPES, AGGREGATE_TYPES, SERVICE_TYPES, &["member"]]
                    .into_iter()
                    .flatten()
                    .find(|t| **t == name)?,
            ),
        })
    }

    pub(super) fn matches(self, kind: &str) -> bool {
        match self {
            TypeTest::Is("string") => kind == "string" || kind == "enum",
            TypeTest::Is("integer") => kind == "integer" || kind == "intEnum",
            TypeTest::Is("list" | "set") => kind == "list" || kind == "set",
            TypeTest::Is(t) => kind == t,
            TypeTest::Number => NUMBER_TYPES.contains(&kind),
            TypeTest::SimpleType => SIMPLE_TYPES.contains(&kind),
            TypeTest::Collection => kind == "list" || kind == "set",
            TypeTest::AggregateType => AGGREGATE_TYPES.contains(&kind),
            TypeTest::ServiceType => SERVICE_TYPES.contains(&kind),
            TypeTest::DataType => SIMPLE_TYPES.contains(&kind) || AGGREGATE_TYPES.contains(&kind),
        }
    }
}

/// One step of an attribute path: a name or value (`trait`, `min`,
/// `smithy.api#length`, `'Reference Docs'`) or a function property
/// (`(keys)`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub(super) enum Segment {
    Key(String),
    Property(String),
}

/// `[path]` or `[path comparator values i]`.
#[derive(Clone, Debug)]
pub(super) struct Attr {
    pub(super) path: Vec<Segment>,
    pub(super) comparison: Option<Comparison>,
}

#[derive(Clone, Debug)]
pub(super) struct Comparison {
    pub(super) comparator: Comparator,
    pub(super) values: Vec<String>,
    pub(super) insensitive: bool,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Comparator {
    Equals,
    NotEquals,
    StartsWith,
    EndsWith,
    Contains,
    Exists,
    Greater,
    GreaterOrEqual,
    Less,
    LessOrEqual,
    ProjectionEquals,
    ProjectionNotEquals,
    Subset,
    ProperSubset,
}

/// `[@path: assertion && assertion]`.
#[derive(Clone, Debug)]
pub(super) struct Scoped {
    pub(super) path: Vec<Segment>,
    pub(super) assertions: Vec<Assertion>,
}

#[derive(Clone, Debug)]
pub(super) struct Assertion {
    pub(super) lhs: ScopedValue,
    pub(super) comparator: Comparator,
    pub(super) rhs: Vec<ScopedValue>,
    pub(super) insensitive: bool,
}

#[derive(Clone, Debug)]
pub(super) enum ScopedValue {
    Literal(String),
    /// `@{path}`, relative to the scoped attribute.
    Context(Vec<Segment>),
}

#[derive(Clone, Debug)]
pub(super) struct Function {
    pub(super) kind: FunctionKind,
    pub(super) args: Vec<Seq>,
}

#[derive(Clone, Debug)]
pub(super) enum FunctionKind {
    Is,
    Not,
    Test,
    In,
    /// The index of its result among the selector's `:root` functions.
    Root(usize),
    TopDown,
    Recursive,
    /// An unknown function: parsed, yields nothing.
    Unknown,
}

pub(super) struct Parser {
    pub(super) chars: Vec<char>,
    pub(super) pos: usize,
    pub(super) roots: usize,
    pub(super) multiline: bool,
}

fn is_identifier_start(c: char) -> bool {
    c.is_ascii_alphabetic() || c == '_'
}

fn is_identifier_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || c == '_'
}

impl Parser {
    pub(super) fn peek(&self) -> Option<char> {
        self.chars.get(self.pos).copied()
    }

    fn peek_at(&self, offset: usize) -> Option<char> {
        self.chars.get(self.pos + offset).copied()
    }

    pub(super) fn eof(&self) -> bool {
        self.pos >= self.chars.len()
    }

    pub(super) fn ws(&mut self) {
        while self.peek().is_some_and(char::is_whitespace) {
            self.pos += 1;
        }
    }

    pub(super) fn error(&self, message: impl fmt::Display) -> String {
        self.error_at(self.pos, message)
    }

    fn error_at(&self, pos: usize, message: impl fmt::Display) -> String {
        let before = &self.chars[..pos.min(self.chars.len())];
        let line = before.iter().filter(|c| **c == '\n').count() + 1;
        let column = pos - before.iter().rposition(|c| *c == '\n').map_or(0, |i| i + 1) + 1;
        if self.multiline {
            format!("invalid selector: {message} at line {line}, column {column}")
        } else {
            format!("invalid selector: {message} at column {column}")
        }
    }

    /// What is at the current position, for messages.
    pub(super) fn found(&self) -> String {
        match self.peek() {
            Some(c) => format!("`{c}`"),
            None => "the end".to_string(),
        }
    }

    fn expect(&mut self, c: char) -> Result<(), String> {
        if self.peek() == Some(c) {
            self.pos += 1;
            Ok(())
        } else {
            Err(self.error(format!("expected `{c}`, found {}", self.found())))
        }
    }

    pub(super) fn identifier(&mut self, what: &str) -> Result<String, String> {
        if !self.peek().is_some_and(is_identifier_start) {
            return Err(self.error(format!("expected {what}, found {}", self.found())));
        }
        let start = self.pos;
        while self.peek().is_some_and(is_identifier_char) {
            self.pos += 1;
        }
        Ok(self.chars[start..self.pos].iter().collect())
    }

    /// One or more expressions, up to `,`, `]`, `)` or the end.
    pub(super) fn seq(&mut self) -> Result<Seq, String> {
        let mut exprs = Vec::new();
        let mut any = false;
        loop {
            self.ws();
            match self.peek() {
                None | Some(',' | ']' | ')') => break,
                _ => {}
            }
            if let Some(expr) = self.expr()? {
                exprs.push(expr);
            }
            any = true;
        }
        if !any {
            return Err(self.error(format!("expected a selector, found {}", self.found())));
        }
        Ok(exprs)
    }

    /// One expression; `None` for `*`, which yields its input.
    pub(super) fn expr(&mut self) -> Result<Option<Expr>, String> {
        let start = self.pos;
        let Some(c) = self.peek() else {
            return Err(self.error("expected a selector, found the end"));
        };
        self.pos += 1;
        let expr = match c {
            '*' => return Ok(None),
            ':' => Expr::Function(self.function(start)?),
            '[' if self.peek() == Some('@') => {
                self.pos += 1;
                Expr::Scoped(self.scoped()?)
            }
            '[' => Expr::Attr(self.attr()?),
            '>' => Expr::Forward(None),
            '<' if self.peek() == Some('-') => {
                self.pos += 1;
                self.expect('[')?;
                let names = self.relationships()?;
                self.expect('-')?;
                Expr::Reverse(Some(names))
            }
            '<' => Expr::Reverse(None),
            '~' => {
                self.expect('>')?;
                Expr::Recursive
            }
            '-' => {
                self.expect('[')?;
                let names = self.relationships()?;
                self.expect('-')?;
                self.expect('>')?;
                Expr::Forward(Some(names))
            }
            '$' => {
                self.ws();
                if self.peek() == Some('{') {
                    self.pos += 1;
                    self.ws();
                    let name = self.identifier("a variable name")?;
                    self.ws();
                    self.expect('}')?;
                    Expr::VarGet(name)
                } else {
                    let name = self.identifier("a variable name")?;
                    self.ws();
                    self.expect('(')?;
                    let body = self.seq()?;
                    self.ws();
                    self.expect(')')?;
                    Expr::VarSet(name, body)
                }
            }
            c if is_identifier_start(c) => {
                self.pos = start;
                let name = self.identifier("a shape type")?;
                match TypeTest::from_name(&name) {
                    Some(test) => Expr::Type(test),
                    None => return Err(self.error_at(start, format!("unknown shape type `{name}`"))),
                }
            }
            c => return Err(self.error_at(start, format!("unexpected `{c}`: expected a selector"))),
        };
        Ok(Some(expr))
    }

    /// `name, name]` after `-[` or `<-[`, through the `]`.
    pub(super) fn relationships(&mut self) -> Result<Vec<String>, String> {
        let mut names = Vec::new();
        loop {
            self.ws();
            names.push(self.identifier("a relationship name")?);
            self.ws();
            match self.peek() {
                Some(',') => self.pos += 1,
                Some(']') => {
                    self.pos += 1;
                    return Ok(names);
                }
                _ => return Err(self.error(format!("expected `,` or `]`, found {}", self.found()))),
            }
        }
    }

    /// After `:`: `name(selector, ...)`.
    pub(super) fn function(&mut self, start: usize) -> Result<Function, String> {
        let name = self.identifier("a function name")?;
        self.ws();
        self.expect('(')?;
        let mut args = Vec::new();
        loop {
            args.push(self.seq()?);
            self.ws();
            match self.peek() {
                Some(',') => self.pos += 1,
                Some(')') => {
                    self.pos += 1;
                    break;
                }
                _ => return Err(self.error(format!("expected `,` or `)`, found {}", self.found()))),
            }
        }
        let one = |parser: &Parser, kind: FunctionKind| {
            if args.len() == 1 {
                Ok(kind)
            } else {
                Err(parser.error_at(start, format!("`:{name}` takes one selector, found {}", args.len())))
            }
        };
        let kind = match name.as_str() {
            "is" | "each" => FunctionKind::Is,
            "test" => FunctionKind::Test,
            "not" => one(self, FunctionKind::Not)?,
            "in" => one(self, FunctionKind::In)?,
            "recursive" => one(self, FunctionKind::Recursive)?,
            "root" => {
                let kind = one(self, FunctionKind::Root(self.roots))?;
                self.roots += 1;
                kind
            }
            "topdown" if args.len() > 2 => {
                return Err(
                    self.error_at(start, format!("`:topdown` takes one or two selectors, found {}", args.len()))
                );
            }
            "topdown" => FunctionKind::TopDown,
            _ => FunctionKind::Unknown,
        };
        Ok(Function { kind, args })
    }

    /// After `[`: `key|path]` or `key|path comparator values [i]]`.
    pub(super) fn attr(&mut self) -> Result<Attr, String> {
        self.ws();
        let path = self.key_path()?;
        self.ws();
        if self.peek() == Some(']') {
            self.pos += 1;
            return Ok(Attr { path, comparison: None });
        }
        let comparator = self.comparator()?;
        let mut values = vec![self.value()?];
        self.ws();
        while self.peek() == Some(',') {
            self.pos += 1;
            values.push(self.value()?);
            self.ws();
        }
        let insensitive = self.insensitive();
        self.expect(']')?;
        Ok(Attr { path, comparison: Some(Comparison { comparator, values, insensitive }) })
    }

    /// An `i` after a comparison's values.
    pub(super) fn insensitive(&mut self) -> bool {
        self.ws();
        let flag = self.peek() == Some('i') && !self.peek_at(1).is_some_and(is_identifier_char);
        if flag {
            self.pos += 1;
            self.ws();
        }
        flag
    }

    /// `identifier *("|" segment)`.
    fn key_path(&mut self) -> Result<Vec<Segment>, String> {
        let mut path = vec![Segment::Key(self.identifier("an attribute name (`id`, `trait`, `service`, `var`)")?)];
        self.path_rest(&mut path)?;
        Ok(path)
    }

    /// `*("|" segment)`.
    fn path_rest(&mut self, path: &mut Vec<Segment>) -> Result<(), String> {
        loop {
            self.ws();
            if self.peek() != Some('|') {
                return Ok(());
            }
            self.pos += 1;
            path.push(self.segment()?);
        }
    }

    pub(super) fn segment(&mut self) -> Result<Segment, String> {
        self.ws();
        if self.peek() == Some('(') {
            self.pos += 1;
            self.ws();
            let name = self.identifier("a function property name")?;
            self.ws();
            self.expect(')')?;
            Ok(Segment::Property(name))
        } else {
            Ok(Segment::Key(self.value()?))
        }
    }

    pub(super) fn comparator(&mut self) -> Result<Comparator, String> {
        let start = self.pos;
        let rest: String = self.chars[self.pos..self.chars.len().min(self.pos + 4)].iter().collect();
        let tokens: &[(&str, Comparator)] = &[
            ("{<<}", Comparator::ProperSubset),
            ("{!=}", Comparator::ProjectionNotEquals),
            ("{=}", Comparator::ProjectionEquals),
            ("{<}", Comparator::Subset),
            ("^=", Comparator::StartsWith),
            ("$=", Comparator::EndsWith),
            ("*=", Comparator::Contains),
            ("!=", Comparator::NotEquals),
            ("?=", Comparator::Exists),
            (">=", Comparator::GreaterOrEqual),
            ("<=", Comparator::LessOrEqual),
            ("=", Comparator::Equals),
            (">", Comparator::Greater),
            ("<", Comparator::Less),
        ];
        for (token, comparator) in tokens {
            if rest.starts_with(token) {
                self.pos += token.chars().count();
                return Ok(*comparator);
            }
        }
        Err(self
            .error_at(start, format!("expected `]` or a comparator (`=`, `!=`, `^=`, ...), found {}", self.found())))
    }

    /// A value: quoted text, a number, or a shape id (`client`,
    /// `smithy.api#Unit`).
    pub(super) fn value(&mut self) -> Result<String, String> {
        self.ws();
        match self.peek() {
            Some(quote @ ('\'' | '"')) => {
                let start = self.pos;
                self.pos += 1;
                let from = self.pos;
                while self.peek().is_some_and(|c| c != quote) {
                    self.pos += 1;
                }
                if self.eof() {
                    return Err(self.error_at(start, format!("unclosed {quote}")));
                }
                let text = self.chars[from..self.pos].iter().collect();
                self.pos += 1;
                Ok(text)
            }
            Some(c) if c == '-' || c.is_ascii_digit() => self.number(),
            Some(c) if is_identifier_start(c) => self.shape_id(),
            _ => {
                Err(self
                    .error(format!("expected a value (quoted text, a number or a shape id), found {}", self.found())))
            }
        }
    }

    pub(super) fn number(&mut self) -> Result<String, String> {
        let start = self.pos;
        if self.peek() == Some('-') {
            self.pos += 1;
        }
        let digits = |parser: &mut Parser| {
            let from = parser.pos;
            while parser.peek().is_some_and(|c| c.is_ascii_digit()) {
                parser.pos += 1;
            }
            parser.pos > from
        };
        if !digits(self) {
            return Err(self.error("expected a digit"));
        }
        if self.peek() == Some('.') {
            self.pos += 1;
            if !digits(self) {
                return Err(self.error("expected a digit after `.`"));
            }
        }
        if matches!(self.peek(), Some('e' | 'E')) {
            self.pos += 1;
            if matches!(self.peek(), Some('+' | '-')) {
                self.pos += 1;
            }
            if !digits(self) {
                return Err(self.error("expected the exponent's digits"));
            }
        }
        Ok(self.chars[start..self.pos].iter().collect())
    }

    /// `identifier *("." identifier) ["#" identifier]`.
    fn shape_id(&mut self) -> Result<String, String> {
        let mut id = self.identifier("a shape id")?;
        while self.peek() == Some('.') {
            self.pos += 1;
            id.push('.');
            id.push_str(&self.identifier("an identifier after `.`")?);
        }
        if self.peek() == Some('#') {
            self.pos += 1;
            id.push('#');
            id.push_str(&self.identifier("a shape name after `#`")?);
        }
        Ok(id)
    }

    /// After `[@`: `[key|path] : assertion *("&&" assertion) ]`.
    pub(super) fn scoped(&mut self) -> Result<Scoped, String> {
        self.ws();
        let path = if self.peek() == Some(':') { Vec::new() } else { self.key_path()? };
        self.ws();
        self.expect(':')?;
        let mut assertions = vec![self.assertion()?];
        loop {
            self.ws();
            if self.peek() == Some('&') {
                self.pos += 1;
                self.expect('&')?;
                assertions.push(self.assertion()?);
            } else {
                self.expect(']')?;
                return Ok(Scoped { path, assertions });
            }
        }
    }

    fn assertion(&mut self) -> Result<Assertion, String> {
        let lhs = self.scoped_value()?;
        self.ws();
        let comparator = self.comparator()?;
        let mut rhs = vec![self.scoped_value()?];
        self.ws();
        while self.peek() == Some(',') {
            self.pos += 1;
            rhs.push(self.scoped_value()?);
            self.ws();
        }
        let insensitive = self.insensitive();
        Ok(Assertion { lhs, comparator, rhs, insensitive })
    }

    pub(super) fn scoped_value(&mut self) -> Result<ScopedValue, String> {
        self.ws();
        if self.peek() == Some('@') {
            self.pos += 1;
            self.expect('{')?;
            let mut path = vec![self.segment()?];
            self.path_rest(&mut path)?;
            self.ws();
            self.expect('}')?;
            Ok(ScopedValue::Context(path))
        } else {
            Ok(ScopedValue::Literal(self.value()?))
        }
    }
}
