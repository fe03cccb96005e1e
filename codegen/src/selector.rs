//! Smithy 2.0 selectors (<https://smithy.io/2.0/spec/selectors.html>): the
//! expressions a trait definition uses to say where the trait may be applied
//! (`@trait(selector: "structure > member")`), parsed and evaluated over a
//! loaded model.
//!
//! [`Selector::parse`] reads a selector; [`ShapeGraph`] indexes a model
//! (its shapes, their members, and the shapes the relationships lead to)
//! once; [`Selector::select`] evaluates a selector from every shape of the
//! graph and returns the ids of the shapes and members it ends on, and
//! [`Matcher`] answers "does this selector match this shape?" for many
//! selectors over one model, evaluating each selector once.
//!
//! # The shapes a selector sees
//!
//! Every shape of the model and every member (`ns#Shape$name`) is a
//! starting shape, together with Smithy's prelude (`smithy.api#String`,
//! `smithy.api#Unit`, the prelude's trait definitions, ...) and every shape
//! a relationship leads to that the model does not define but Smithy's
//! vocabularies do (a trait's definition, `aws.protocols#awsJson1_1`).
//! Those are part of the model in Smithy too: the prelude always, the
//! vocabularies when imported. References to shapes defined nowhere are
//! left out.
//!
//! # What is supported
//!
//! The whole grammar of the spec: shape types (with `number`,
//! `simpleType`, `collection`, and Smithy's `aggregateType`, `serviceType`
//! and `dataType`); attribute selectors on `id`, `trait`, `service` and
//! `var`, with `(keys)`, `(values)`, `(length)`, `(first)` and nested trait
//! values, every string, numeric and projection comparator and the `i`
//! flag; scoped attribute selectors (`[@trait|range: @{min} > @{max}]`);
//! `>`, `<`, `-[rel, ...]->`, `<-[rel, ...]-` and `~>`; `:is`, `:test`,
//! `:not`, `:in`, `:root`, `:topdown` and `:recursive`; variables
//! (`$name(...)`, `${name}`).
//!
//! # Choices and limits
//!
//! * The empty selector (only whitespace) matches every shape; Smithy's
//!   grammar requires at least one expression, so nothing meaningful is
//!   lost, and a trait whose selector is empty is then allowed everywhere.
//!   `*` matches every shape too.
//! * Relationships follow the spec's table. A resource's `operation`
//!   relationship leads to every operation bound to it (`operations`,
//!   `collectionOperations` and the lifecycle operations);
//!   `instanceOperation` to `operations`, `put`, `read`, `update` and
//!   `delete`; `collectionOperation` to `collectionOperations`, `create` and
//!   `list`. `bound` leads from an operation or resource to the service or
//!   resource binding it. `trait` and `bound` are followed only when named
//!   (`-[trait]->`); `>`, `<` and `~>` follow every other relationship.
//!   Operation input and output of `smithy.api#Unit` are no relationship.
//!   Mixins are flattened when a model is loaded, so `mixin` leads nowhere.
//!   Unknown relationship names parse and lead nowhere; unknown functions
//!   parse and yield nothing, as the spec requires.
//! * A comparison with several values matches when the attribute matches
//!   any of them (`[trait|error != client, server]` matches every error);
//!   numbers compare as `f64`.
//! * `:recursive(S)` yields what applying `S` one or more times yields.
//!   `:each` is an alias of `:is`.

use std::cell::RefCell;
use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};
use std::fmt;
use std::rc::Rc;

use serde_json::Value;

use crate::ast::{Member, Shape, Target, Traits};
use crate::load::{LoadedModel, LoadedShape};
use crate::vocabulary;

// ---------------------------------------------------------------------------
// The parsed form.
// ---------------------------------------------------------------------------

/// A parsed selector. Parse with [`Selector::parse`] (or `str::parse`),
/// evaluate with [`Selector::select`] or [`Selector::matches`].
#[derive(Clone, Debug)]
pub struct Selector {
    text: String,
    body: Seq,
    /// How many `:root` functions the selector holds (each evaluated once).
    roots: usize,
}

/// Expressions applied left to right, each to what the previous yielded.
/// Empty: yields its input (`*`).
type Seq = Vec<Expr>;

#[derive(Clone, Debug)]
enum Expr {
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
enum TypeTest {
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
const SERVICE_TYPES: &[&str] = &["service", "operation", "resource"];

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

    fn matches(self, kind: &str) -> bool {
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
enum Segment {
    Key(String),
    Property(String),
}

/// `[path]` or `[path comparator values i]`.
#[derive(Clone, Debug)]
struct Attr {
    path: Vec<Segment>,
    comparison: Option<Comparison>,
}

#[derive(Clone, Debug)]
struct Comparison {
    comparator: Comparator,
    values: Vec<String>,
    insensitive: bool,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Comparator {
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
struct Scoped {
    path: Vec<Segment>,
    assertions: Vec<Assertion>,
}

#[derive(Clone, Debug)]
struct Assertion {
    lhs: ScopedValue,
    comparator: Comparator,
    rhs: Vec<ScopedValue>,
    insensitive: bool,
}

#[derive(Clone, Debug)]
enum ScopedValue {
    Literal(String),
    /// `@{path}`, relative to the scoped attribute.
    Context(Vec<Segment>),
}

#[derive(Clone, Debug)]
struct Function {
    kind: FunctionKind,
    args: Vec<Seq>,
}

#[derive(Clone, Debug)]
enum FunctionKind {
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

// ---------------------------------------------------------------------------
// Parsing.
// ---------------------------------------------------------------------------

impl Selector {
    /// Parses a selector. The error says what was expected and where (the
    /// column, and the line when the selector spans several).
    pub fn parse(text: &str) -> Result<Selector, String> {
        let mut parser = Parser { chars: text.chars().collect(), pos: 0, roots: 0, multiline: text.contains('\n') };
        parser.ws();
        let body = if parser.eof() { Vec::new() } else { parser.seq()? };
        parser.ws();
        if let Some(c) = parser.peek() {
            return Err(parser.error(format!("unexpected `{c}`")));
        }
        Ok(Selector { text: text.to_string(), body, roots: parser.roots })
    }

    /// The selector as written.
    pub fn text(&self) -> &str {
        &self.text
    }

    /// Evaluates the selector from every shape and member of `graph` and
    /// returns the ids of every shape and member it yields.
    pub fn select(&self, graph: &ShapeGraph<'_>) -> BTreeSet<String> {
        self.select_nodes(graph).into_iter().map(|n| graph.nodes[n].id.clone()).collect()
    }

    /// Whether the selector yields the shape or member `id` (`ns#Name` or
    /// `ns#Name$member`) when evaluated from every shape of `graph`. Each
    /// call evaluates the whole selector: to ask about many shapes, use
    /// [`Selector::select`] or a [`Matcher`].
    pub fn matches(&self, graph: &ShapeGraph<'_>, id: &str) -> bool {
        match graph.index.get(id) {
            Some(n) => self.select_nodes(graph).contains(n),
            None => false,
        }
    }

    fn select_nodes(&self, graph: &ShapeGraph<'_>) -> HashSet<usize> {
        let eval = Eval { graph, roots: RefCell::new(vec![None; self.roots]) };
        let start: Groups = vec![(Rc::new(Vars::new()), (0..graph.nodes.len()).collect())];
        eval.seq(&self.body, start).into_iter().flat_map(|(_, nodes)| nodes).collect()
    }
}

impl std::str::FromStr for Selector {
    type Err = String;

    fn from_str(text: &str) -> Result<Selector, String> {
        Selector::parse(text)
    }
}

impl fmt::Display for Selector {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.text)
    }
}

struct Parser {
    chars: Vec<char>,
    pos: usize,
    roots: usize,
    multiline: bool,
}

fn is_identifier_start(c: char) -> bool {
    c.is_ascii_alphabetic() || c == '_'
}

fn is_identifier_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || c == '_'
}

impl Parser {
    fn peek(&self) -> Option<char> {
        self.chars.get(self.pos).copied()
    }

    fn peek_at(&self, offset: usize) -> Option<char> {
        self.chars.get(self.pos + offset).copied()
    }

    fn eof(&self) -> bool {
        self.pos >= self.chars.len()
    }

    fn ws(&mut self) {
        while self.peek().is_some_and(char::is_whitespace) {
            self.pos += 1;
        }
    }

    fn error(&self, message: impl fmt::Display) -> String {
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
    fn found(&self) -> String {
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

    fn identifier(&mut self, what: &str) -> Result<String, String> {
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
    fn seq(&mut self) -> Result<Seq, String> {
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
    fn expr(&mut self) -> Result<Option<Expr>, String> {
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
    fn relationships(&mut self) -> Result<Vec<String>, String> {
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
    fn function(&mut self, start: usize) -> Result<Function, String> {
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
    fn attr(&mut self) -> Result<Attr, String> {
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
    fn insensitive(&mut self) -> bool {
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

    fn segment(&mut self) -> Result<Segment, String> {
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

    fn comparator(&mut self) -> Result<Comparator, String> {
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
    fn value(&mut self) -> Result<String, String> {
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

    fn number(&mut self) -> Result<String, String> {
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
    fn scoped(&mut self) -> Result<Scoped, String> {
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

    fn scoped_value(&mut self) -> Result<ScopedValue, String> {
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

// ---------------------------------------------------------------------------
// The model as a graph.
// ---------------------------------------------------------------------------

/// A model indexed for selectors: every shape and member as a node, and
/// the relationships between them both ways. Build it once per model and
/// evaluate any number of selectors over it.
pub struct ShapeGraph<'m> {
    nodes: Vec<Node<'m>>,
    index: HashMap<String, usize>,
    /// Relationships from each node.
    out: Vec<Vec<(Rel, usize)>>,
    /// Relationships to each node (the node at the other end).
    inc: Vec<Vec<(Rel, usize)>>,
}

struct Node<'m> {
    /// `ns#Name`, or `ns#Name$member`.
    id: String,
    /// The shape type (`structure`), or `member`.
    kind: &'m str,
    traits: &'m Traits,
    /// The shape; `None` for a member.
    shape: Option<&'m Shape>,
}

/// A relationship from one shape to another.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Rel {
    /// An aggregate shape to its member.
    Member,
    /// A member to its target (no relationship name).
    Target,
    Input,
    Output,
    Error,
    /// A service to an operation.
    Operation,
    /// A service or resource to a resource.
    Resource,
    Identifier,
    Property,
    Create,
    Put,
    Read,
    Update,
    Delete,
    List,
    /// A resource to an operation of its `operations`.
    InstanceOperation,
    /// A resource to an operation of its `collectionOperations`.
    CollectionOperation,
    /// A shape to the definition of a trait applied to it.
    Trait,
    /// An operation or resource to the service or resource binding it.
    Bound,
}

impl Rel {
    /// The names that select this relationship in `-[...]->`.
    fn names(self) -> &'static [&'static str] {
        match self {
            Rel::Member => &["member"],
            Rel::Target => &[],
            Rel::Input => &["input"],
            Rel::Output => &["output"],
            Rel::Error => &["error"],
            Rel::Operation => &["operation"],
            Rel::Resource => &["resource"],
            Rel::Identifier => &["identifier"],
            Rel::Property => &["property"],
            Rel::Create => &["create", "operation", "collectionOperation"],
            Rel::List => &["list", "operation", "collectionOperation"],
            Rel::Put => &["put", "operation", "instanceOperation"],
            Rel::Read => &["read", "operation", "instanceOperation"],
            Rel::Update => &["update", "operation", "instanceOperation"],
            Rel::Delete => &["delete", "operation", "instanceOperation"],
            Rel::InstanceOperation => &["operation", "instanceOperation"],
            Rel::CollectionOperation => &["operation", "collectionOperation"],
            Rel::Trait => &["trait"],
            Rel::Bound => &["bound"],
        }
    }

    /// Whether `>`, `<` and `~>` follow it.
    fn undirected(self) -> bool {
        !matches!(self, Rel::Trait | Rel::Bound)
    }

    fn selected_by(self, names: Option<&[String]>) -> bool {
        match names {
            None => self.undirected(),
            Some(names) => names.iter().any(|name| self.names().contains(&name.as_str())),
        }
    }
}

const UNIT: &str = "smithy.api#Unit";
const PRELUDE_PREFIX: &str = "smithy.api#";

/// The members of a shape, by name, in order.
fn members(shape: &Shape) -> Vec<(&str, &Member)> {
    let mut out: Vec<(&str, &Member)> = shape.members.iter().flat_map(|m| m.iter()).collect();
    out.extend(shape.member.iter().map(|m| ("member", m)));
    out.extend(shape.key.iter().map(|m| ("key", m)));
    out.extend(shape.value.iter().map(|m| ("value", m)));
    out
}

/// The relationships a shape's own fields name (not members or traits).
fn references(shape: &Shape) -> Vec<(Rel, &str)> {
    fn push<'s>(out: &mut Vec<(Rel, &'s str)>, rel: Rel, targets: impl IntoIterator<Item = &'s Target>) {
        out.extend(targets.into_iter().map(|t| (rel, t.target.as_str())));
    }
    let mut out = Vec::new();
    push(&mut out, Rel::Input, shape.input.iter().filter(|t| t.target != UNIT));
    push(&mut out, Rel::Output, shape.output.iter().filter(|t| t.target != UNIT));
    push(&mut out, Rel::Error, &shape.errors);
    let operations = if shape.kind == "resource" { Rel::InstanceOperation } else { Rel::Operation };
    push(&mut out, operations, &shape.operations);
    push(&mut out, Rel::CollectionOperation, &shape.collection_operations);
    push(&mut out, Rel::Resource, &shape.resources);
    push(&mut out, Rel::Identifier, shape.identifiers.iter().flat_map(|m| m.values()));
    push(&mut out, Rel::Property, shape.properties.iter().flat_map(|m| m.values()));
    push(&mut out, Rel::Create, &shape.create);
    push(&mut out, Rel::Put, &shape.put);
    push(&mut out, Rel::Read, &shape.read);
    push(&mut out, Rel::Update, &shape.update);
    push(&mut out, Rel::Delete, &shape.delete);
    push(&mut out, Rel::List, &shape.list);
    out
}

impl<'m> ShapeGraph<'m> {
    /// The graph of a loaded model, with Smithy's prelude and the
    /// vocabulary shapes the model's relationships lead to.
    pub fn new(model: &'m LoadedModel) -> ShapeGraph<'m> {
        ShapeGraph::from_shapes(&model.shapes, Some(vocabulary::shapes()))
    }

    /// The graph of `shapes`, with the `smithy.api` shapes of `outside` and
    /// the shapes of `outside` that relationships lead to (a shape of
    /// `shapes` wins over one of `outside` with the same id).
    pub fn from_shapes(
        shapes: &'m BTreeMap<String, LoadedShape>,
        outside: Option<&'m BTreeMap<String, LoadedShape>>,
    ) -> ShapeGraph<'m> {
        let lookup = |id: &str| shapes.get_key_value(id).or_else(|| outside.and_then(|o| o.get_key_value(id)));
        let mut graph = ShapeGraph { nodes: Vec::new(), index: HashMap::new(), out: Vec::new(), inc: Vec::new() };
        let mut pending: Vec<&'m str> = shapes.keys().map(String::as_str).collect();
        pending.extend(
            outside.iter().flat_map(|o| o.keys()).filter(|id| id.starts_with(PRELUDE_PREFIX)).map(String::as_str),
        );
        pending.reverse();
        let mut seen: HashSet<&'m str> = HashSet::new();
        while let Some(id) = pending.pop() {
            if !seen.insert(id) {
                continue;
            }
            let Some((id, loaded)) = lookup(id) else { continue };
            let shape = &loaded.shape;
            graph.add(id.clone(), &shape.kind, &shape.traits, Some(shape));
            pending.extend(shape.traits.keys().map(String::as_str));
            pending.extend(references(shape).into_iter().map(|(_, target)| target));
            for (name, member) in members(shape) {
                graph.add(format!("{id}${name}"), "member", &member.traits, None);
                pending.push(&member.target);
                pending.extend(member.traits.keys().map(String::as_str));
            }
        }
        graph.link();
        graph
    }

    fn add(&mut self, id: String, kind: &'m str, traits: &'m Traits, shape: Option<&'m Shape>) {
        self.index.insert(id.clone(), self.nodes.len());
        self.nodes.push(Node { id, kind, traits, shape });
    }

    /// Builds the relationships once every node is known.
    fn link(&mut self) {
        let count = self.nodes.len();
        let mut edges: Vec<(usize, Rel, usize)> = Vec::new();
        for from in 0..count {
            let node = &self.nodes[from];
            for trait_id in node.traits.keys() {
                if let Some(&to) = self.index.get(trait_id) {
                    edges.push((from, Rel::Trait, to));
                }
            }
            let Some(shape) = node.shape else { continue };
            for (name, member) in members(shape) {
                let Some(&m) = self.index.get(&format!("{}${name}", node.id)) else { continue };
                edges.push((from, Rel::Member, m));
                if let Some(&target) = self.index.get(&member.target) {
                    edges.push((m, Rel::Target, target));
                }
            }
            for (rel, target) in references(shape) {
                let Some(&to) = self.index.get(target) else { continue };
                edges.push((from, rel, to));
                let binds = matches!(
                    rel,
                    Rel::Operation
                        | Rel::Resource
                        | Rel::InstanceOperation
                        | Rel::CollectionOperation
                        | Rel::Create
                        | Rel::Put
                        | Rel::Read
                        | Rel::Update
                        | Rel::Delete
                        | Rel::List
                );
                if binds {
                    edges.push((to, Rel::Bound, from));
                }
            }
        }
        self.out = vec![Vec::new(); count];
        self.inc = vec![Vec::new(); count];
        for (from, rel, to) in edges {
            if !self.out[from].contains(&(rel, to)) {
                self.out[from].push((rel, to));
                self.inc[to].push((rel, from));
            }
        }
    }

    /// Whether the graph has the shape or member `id`.
    pub fn contains(&self, id: &str) -> bool {
        self.index.contains_key(id)
    }

    /// The ids of every shape and member in the graph.
    pub fn ids(&self) -> impl Iterator<Item = &str> {
        self.nodes.iter().map(|n| n.id.as_str())
    }

    /// The neighbors of `n` by the relationships `names` selects (every
    /// undirected one when `None`), forward or reverse.
    fn neighbors<'a>(
        &'a self,
        n: usize,
        names: Option<&'a [String]>,
        forward: bool,
    ) -> impl Iterator<Item = usize> + 'a {
        let edges = if forward { &self.out[n] } else { &self.inc[n] };
        edges.iter().filter(move |(rel, _)| rel.selected_by(names)).map(|(_, m)| *m)
    }
}

// ---------------------------------------------------------------------------
// Evaluation.
// ---------------------------------------------------------------------------

/// Variables in scope: name to the shapes stored.
type Vars = BTreeMap<String, Rc<BTreeSet<usize>>>;

/// Shapes being evaluated, grouped by the variables in scope for them
/// (one group when the selector uses none).
type Groups = Vec<(Rc<Vars>, BTreeSet<usize>)>;

/// Builds [`Groups`], merging the shapes of equal variables.
#[derive(Default)]
struct Collect {
    groups: Groups,
    index: HashMap<Rc<Vars>, usize>,
}

impl Collect {
    fn add(&mut self, vars: &Rc<Vars>, nodes: impl IntoIterator<Item = usize>) {
        match self.index.get(vars) {
            Some(&i) => self.groups[i].1.extend(nodes),
            None => {
                let nodes: BTreeSet<usize> = nodes.into_iter().collect();
                if !nodes.is_empty() {
                    self.index.insert(vars.clone(), self.groups.len());
                    self.groups.push((vars.clone(), nodes));
                }
            }
        }
    }
}

fn single(vars: &Rc<Vars>, n: usize) -> Groups {
    vec![(vars.clone(), BTreeSet::from([n]))]
}

fn nodes_of(groups: &Groups) -> BTreeSet<usize> {
    groups.iter().flat_map(|(_, nodes)| nodes.iter().copied()).collect()
}

/// The state of one `:topdown` walk.
struct TopDown<'s> {
    qualifier: &'s [Expr],
    disqualifier: Option<&'s [Expr]>,
    vars: &'s Rc<Vars>,
    seen: HashSet<(usize, bool)>,
    found: BTreeSet<usize>,
}

struct Eval<'g, 'm> {
    graph: &'g ShapeGraph<'m>,
    /// The result of each `:root` function, once evaluated.
    roots: RefCell<Vec<Option<Rc<BTreeSet<usize>>>>>,
}

impl Eval<'_, '_> {
    fn seq(&self, seq: &[Expr], mut groups: Groups) -> Groups {
        for expr in seq {
            groups.retain(|(_, nodes)| !nodes.is_empty());
            if groups.is_empty() {
                break;
            }
            groups = self.expr(expr, groups);
        }
        groups
    }

    /// Whether `seq` yields anything from `n`.
    fn yields(&self, seq: &[Expr], vars: &Rc<Vars>, n: usize) -> bool {
        self.seq(seq, single(vars, n)).iter().any(|(_, nodes)| !nodes.is_empty())
    }

    /// Keeps the shapes `keep` accepts.
    fn filter(&self, groups: Groups, keep: impl Fn(&Rc<Vars>, usize) -> bool) -> Groups {
        groups
            .into_iter()
            .map(|(vars, nodes)| {
                let nodes = nodes.into_iter().filter(|n| keep(&vars, *n)).collect();
                (vars, nodes)
            })
            .collect()
    }

    /// Replaces each shape by what `step` yields from it.
    fn map(&self, groups: Groups, step: impl Fn(&Rc<Vars>, usize, &mut Collect)) -> Groups {
        let mut out = Collect::default();
        for (vars, nodes) in &groups {
            for n in nodes {
                step(vars, *n, &mut out);
            }
        }
        out.groups
    }

    fn expr(&self, expr: &Expr, groups: Groups) -> Groups {
        let graph = self.graph;
        match expr {
            Expr::Type(test) => self.filter(groups, |_, n| test.matches(graph.nodes[n].kind)),
            Expr::Attr(attr) => self.filter(groups, |vars, n| self.attr(attr, vars, n)),
            Expr::Scoped(scoped) => self.filter(groups, |vars, n| self.scoped(scoped, vars, n)),
            Expr::Forward(names) | Expr::Reverse(names) => {
                let forward = matches!(expr, Expr::Forward(_));
                let names = names.as_deref();
                groups
                    .into_iter()
                    .map(|(vars, nodes)| {
                        let next = nodes.iter().flat_map(|n| graph.neighbors(*n, names, forward)).collect();
                        (vars, next)
                    })
                    .collect()
            }
            Expr::Recursive => groups
                .into_iter()
                .map(|(vars, nodes)| {
                    let reached = self.reach(&nodes, |n, next| next.extend(graph.neighbors(n, None, true)));
                    (vars, reached)
                })
                .collect(),
            Expr::VarGet(name) => groups
                .into_iter()
                .map(|(vars, _)| {
                    let stored = vars.get(name).map(|s| (**s).clone()).unwrap_or_default();
                    (vars, stored)
                })
                .collect(),
            Expr::VarSet(name, body) => self.map(groups, |vars, n, out| {
                let stored = nodes_of(&self.seq(body, single(vars, n)));
                let mut with = (**vars).clone();
                with.insert(name.clone(), Rc::new(stored));
                out.add(&Rc::new(with), [n]);
            }),
            Expr::Function(function) => self.function(function, groups),
        }
    }

    /// Every node reached from `start` by one or more applications of
    /// `step` (which adds the nodes one application reaches from a node).
    fn reach(&self, start: &BTreeSet<usize>, step: impl Fn(usize, &mut Vec<usize>)) -> BTreeSet<usize> {
        let mut reached = BTreeSet::new();
        let mut frontier: Vec<usize> = start.iter().copied().collect();
        let mut next = Vec::new();
        while let Some(n) = frontier.pop() {
            step(n, &mut next);
            for m in next.drain(..) {
                if reached.insert(m) {
                    frontier.push(m);
                }
            }
        }
        reached
    }

    fn function(&self, function: &Function, groups: Groups) -> Groups {
        let args = &function.args;
        match function.kind {
            FunctionKind::Is => {
                let mut out = Collect::default();
                for arg in args {
                    for (vars, nodes) in self.seq(arg, groups.clone()) {
                        out.add(&vars, nodes);
                    }
                }
                out.groups
            }
            FunctionKind::Test => self.filter(groups, |vars, n| args.iter().any(|arg| self.yields(arg, vars, n))),
            FunctionKind::Not => self.filter(groups, |vars, n| !self.yields(&args[0], vars, n)),
            FunctionKind::In => {
                self.filter(groups, |vars, n| nodes_of(&self.seq(&args[0], single(vars, n))).contains(&n))
            }
            FunctionKind::Root(index) => {
                let cached = self.roots.borrow()[index].clone();
                let result = match cached {
                    Some(result) => result,
                    None => {
                        let all = vec![(Rc::new(Vars::new()), (0..self.graph.nodes.len()).collect())];
                        let result = Rc::new(nodes_of(&self.seq(&args[0], all)));
                        self.roots.borrow_mut()[index] = Some(result.clone());
                        result
                    }
                };
                groups.into_iter().map(|(vars, _)| (vars, (*result).clone())).collect()
            }
            FunctionKind::TopDown => self.map(groups, |vars, n, out| {
                let mut walk = TopDown {
                    qualifier: &args[0],
                    disqualifier: args.get(1).map(Vec::as_slice),
                    vars,
                    seen: HashSet::new(),
                    found: BTreeSet::new(),
                };
                self.topdown(&mut walk, n, false);
                out.add(vars, walk.found);
            }),
            FunctionKind::Recursive => self.map(groups, |vars, n, out| {
                let reached = self.reach(&BTreeSet::from([n]), |m, next| {
                    next.extend(nodes_of(&self.seq(&args[0], single(vars, m))));
                });
                out.add(vars, reached);
            }),
            FunctionKind::Unknown => Groups::new(),
        }
    }

    /// `:topdown(qualifier, disqualifier)` from `n`: marks each service,
    /// resource and operation in the containment hierarchy under `n`
    /// (inclusive) that the qualifier matches or that inherits the mark of
    /// the shape binding it, unless the disqualifier matches it.
    fn topdown(&self, walk: &mut TopDown<'_>, n: usize, inherited: bool) {
        if !SERVICE_TYPES.contains(&self.graph.nodes[n].kind) || !walk.seen.insert((n, inherited)) {
            return;
        }
        let mut marked = inherited || self.yields(walk.qualifier, walk.vars, n);
        if walk.disqualifier.is_some_and(|d| self.yields(d, walk.vars, n)) {
            marked = false;
        }
        if marked {
            walk.found.insert(n);
        }
        let binds = |rel: Rel| rel.names().iter().any(|name| *name == "operation" || *name == "resource");
        for &(rel, child) in &self.graph.out[n] {
            if binds(rel) {
                self.topdown(walk, child, marked);
            }
        }
    }

    fn attr(&self, attr: &Attr, vars: &Vars, n: usize) -> bool {
        let value = self.path(AttrValue::Shape(n), &attr.path, vars);
        match &attr.comparison {
            None => value.exists(),
            Some(c) => {
                let rhs: Vec<AttrValue> = c.values.iter().map(|v| AttrValue::Text(v.clone())).collect();
                compare(self.graph, &value, c.comparator, &rhs, c.insensitive)
            }
        }
    }

    fn scoped(&self, scoped: &Scoped, vars: &Vars, n: usize) -> bool {
        let context = if scoped.path.is_empty() {
            AttrValue::Shape(n)
        } else {
            self.path(AttrValue::Shape(n), &scoped.path, vars)
        };
        let candidates = match context {
            AttrValue::Projection(_) => context.flatten(),
            other => vec![other],
        };
        candidates.iter().any(|c| {
            scoped.assertions.iter().all(|a| {
                let lhs = self.scoped_value(c, &a.lhs, vars);
                let rhs: Vec<AttrValue> = a.rhs.iter().map(|v| self.scoped_value(c, v, vars)).collect();
                compare(self.graph, &lhs, a.comparator, &rhs, a.insensitive)
            })
        })
    }

    fn scoped_value<'a>(&'a self, context: &AttrValue<'a>, value: &ScopedValue, vars: &'a Vars) -> AttrValue<'a> {
        match value {
            ScopedValue::Literal(text) => AttrValue::Text(text.clone()),
            ScopedValue::Context(path) => self.path(context.clone(), path, vars),
        }
    }

    fn path<'a>(&'a self, mut value: AttrValue<'a>, path: &[Segment], vars: &'a Vars) -> AttrValue<'a> {
        for segment in path {
            value = self.get(value, segment, vars);
        }
        value
    }

    /// One step of an attribute path.
    fn get<'a>(&'a self, value: AttrValue<'a>, segment: &Segment, vars: &'a Vars) -> AttrValue<'a> {
        use AttrValue as V;
        use Segment::{Key, Property};
        let graph = self.graph;
        let length = |n: usize| V::Text(n.to_string());
        match (value, segment) {
            (V::Empty, _) => V::Empty,
            (V::Projection(items), Property(p)) if p == "first" => {
                V::Projection(items).flatten().into_iter().next().unwrap_or(V::Empty)
            }
            (V::Projection(items), _) => {
                let items: Vec<V> = items.into_iter().map(|item| self.get(item, segment, vars)).collect();
                V::Projection(V::Projection(items).flatten())
            }
            (V::Shape(n), Key(k)) => match k.as_str() {
                "id" => V::Id(graph.nodes[n].id.clone()),
                "trait" => V::Traits(n),
                "service" if graph.nodes[n].kind == "service" => V::Service(n),
                "var" => V::Vars(vars),
                _ => V::Empty,
            },
            (V::Id(id), Key(k)) => {
                let (shape, member) = match id.split_once('$') {
                    Some((shape, member)) => (shape, Some(member)),
                    None => (id.as_str(), None),
                };
                let (namespace, name) = shape.split_once('#').unwrap_or(("", shape));
                match k.as_str() {
                    "namespace" => V::Text(namespace.to_string()),
                    "name" => V::Text(name.to_string()),
                    "member" => member.map_or(V::Empty, |m| V::Text(m.to_string())),
                    _ => V::Empty,
                }
            }
            (V::Id(id) | V::Text(id), Property(p)) if p == "length" => length(id.chars().count()),
            (V::Service(n), Key(k)) => match k.as_str() {
                "id" => V::Id(graph.nodes[n].id.clone()),
                "version" => match graph.nodes[n].shape.and_then(|s| s.version.as_ref()) {
                    Some(version) => V::Text(version.clone()),
                    None => V::Empty,
                },
                _ => V::Empty,
            },
            (V::Traits(n), Property(p)) => {
                let traits = graph.nodes[n].traits;
                match p.as_str() {
                    "keys" => V::Projection(traits.keys().map(|k| V::Id(k.clone())).collect()),
                    "values" => V::Projection(traits.values().map(V::Node).collect()),
                    "length" => length(traits.len()),
                    _ => V::Empty,
                }
            }
            (V::Traits(n), Key(k)) => {
                let id = if k.contains('#') { k.clone() } else { format!("{PRELUDE_PREFIX}{k}") };
                graph.nodes[n].traits.get(&id).map_or(V::Empty, V::Node)
            }
            (V::Node(node), Property(p)) => match (p.as_str(), node) {
                ("keys", Value::Object(o)) => V::Projection(o.keys().map(|k| V::Text(k.clone())).collect()),
                ("values", Value::Object(o)) => V::Projection(o.values().map(V::Node).collect()),
                ("values", Value::Array(a)) => V::Projection(a.iter().map(V::Node).collect()),
                ("length", Value::Object(o)) => length(o.len()),
                ("length", Value::Array(a)) => length(a.len()),
                ("length", Value::String(s)) => length(s.chars().count()),
                _ => V::Empty,
            },
            (V::Node(Value::Object(o)), Key(k)) => o.get(k).map_or(V::Empty, V::Node),
            (V::Vars(vars), Key(k)) => match vars.get(k) {
                Some(stored) => V::Projection(stored.iter().map(|n| V::Shape(*n)).collect()),
                None => V::Empty,
            },
            _ => V::Empty,
        }
    }
}

/// The value of an attribute path.
#[derive(Clone, Debug)]
enum AttrValue<'a> {
    /// Nothing there: fails existence checks and every comparison.
    Empty,
    /// A shape (the current one, or one stored in a variable).
    Shape(usize),
    /// A shape id; `namespace`, `name`, `member`, `(length)`.
    Id(String),
    /// The `service` attribute of a service shape.
    Service(usize),
    /// The `trait` attribute of a shape.
    Traits(usize),
    /// A trait value or part of one.
    Node(&'a Value),
    /// Text: a literal, a name, a length.
    Text(String),
    /// The `var` attribute.
    Vars(&'a Vars),
    /// `(keys)`, `(values)`, a variable's shapes.
    Projection(Vec<AttrValue<'a>>),
}

impl<'a> AttrValue<'a> {
    fn exists(&self) -> bool {
        match self {
            AttrValue::Empty | AttrValue::Node(Value::Null) => false,
            AttrValue::Projection(_) => !self.clone().flatten().is_empty(),
            _ => true,
        }
    }

    /// The values of a projection, nested projections flattened and empty
    /// values left out; a value on its own for anything else.
    fn flatten(self) -> Vec<AttrValue<'a>> {
        match self {
            AttrValue::Projection(items) => items.into_iter().flat_map(AttrValue::flatten).collect(),
            AttrValue::Empty => Vec::new(),
            other => vec![other],
        }
    }

    /// The value as string comparators see it; `None` when it does not
    /// exist.
    fn text(&self, graph: &ShapeGraph<'_>) -> Option<String> {
        match self {
            AttrValue::Empty | AttrValue::Projection(_) | AttrValue::Node(Value::Null) => None,
            AttrValue::Shape(n) | AttrValue::Service(n) => Some(graph.nodes[*n].id.clone()),
            AttrValue::Id(text) | AttrValue::Text(text) => Some(text.clone()),
            AttrValue::Node(Value::String(s)) => Some(s.clone()),
            AttrValue::Node(Value::Number(n)) => Some(n.to_string()),
            AttrValue::Node(Value::Bool(b)) => Some(b.to_string()),
            AttrValue::Node(_) | AttrValue::Traits(_) | AttrValue::Vars(_) => Some(String::new()),
        }
    }

    /// Each value's text (the values of a projection).
    fn texts(&self, graph: &ShapeGraph<'_>) -> Vec<String> {
        self.clone().flatten().iter().filter_map(|v| v.text(graph)).collect()
    }
}

/// A Smithy number: `-? digits (. digits)? ([eE] [+-]? digits)?`.
fn number(text: &str) -> Option<f64> {
    let rest = text.strip_prefix('-').unwrap_or(text);
    let (mantissa, exponent) = match rest.find(['e', 'E']) {
        Some(i) => (&rest[..i], Some(&rest[i + 1..])),
        None => (rest, None),
    };
    let (int, frac) = match mantissa.split_once('.') {
        Some((int, frac)) => (int, Some(frac)),
        None => (mantissa, None),
    };
    let digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
    let exponent_ok = exponent.is_none_or(|e| digits(e.strip_prefix(['+', '-']).unwrap_or(e)));
    if digits(int) && frac.is_none_or(digits) && exponent_ok { text.parse().ok() } else { None }
}

fn compare(
    graph: &ShapeGraph<'_>,
    lhs: &AttrValue<'_>,
    comparator: Comparator,
    rhs: &[AttrValue<'_>],
    insensitive: bool,
) -> bool {
    use Comparator as C;
    let fold = |s: String| if insensitive { s.to_lowercase() } else { s };
    match comparator {
        C::Exists => {
            let exists = lhs.exists();
            rhs.iter().filter_map(|r| r.text(graph)).any(|r| match r.as_str() {
                "true" => exists,
                "false" => !exists,
                _ => false,
            })
        }
        C::ProjectionEquals | C::ProjectionNotEquals | C::Subset | C::ProperSubset => {
            let projections = |r: &AttrValue<'_>| -> Option<(BTreeSet<String>, BTreeSet<String>)> {
                match (lhs, r) {
                    (AttrValue::Projection(_), AttrValue::Projection(_)) => Some((
                        lhs.texts(graph).into_iter().map(fold).collect(),
                        r.texts(graph).into_iter().map(fold).collect(),
                    )),
                    _ => None,
                }
            };
            rhs.iter().any(|r| match (comparator, projections(r)) {
                (C::ProjectionNotEquals, None) => true,
                (C::ProjectionNotEquals, Some((l, r))) => l != r,
                (C::ProjectionEquals, Some((l, r))) => l == r,
                (C::Subset, Some((l, r))) => l.is_subset(&r),
                (C::ProperSubset, Some((l, r))) => l.is_subset(&r) && l != r,
                _ => false,
            })
        }
        _ => {
            let left: Vec<String> = lhs.texts(graph).into_iter().map(fold).collect();
            let right: Vec<String> = rhs.iter().flat_map(|r| r.texts(graph)).map(fold).collect();
            left.iter().any(|l| {
                right.iter().any(|r| match comparator {
                    C::Equals => l == r,
                    C::NotEquals => l != r,
                    C::StartsWith => l.starts_with(r.as_str()),
                    C::EndsWith => l.ends_with(r.as_str()),
                    C::Contains => l.contains(r.as_str()),
                    _ => match (number(l), number(r)) {
                        (Some(l), Some(r)) => match comparator {
                            C::Greater => l > r,
                            C::GreaterOrEqual => l >= r,
                            C::Less => l < r,
                            _ => l <= r,
                        },
                        _ => false,
                    },
                })
            })
        }
    }
}

// ---------------------------------------------------------------------------
// Many questions about one model.
// ---------------------------------------------------------------------------

/// Answers whether shapes match selectors, for one model: each distinct
/// selector is parsed and evaluated once, then every question about it is
/// a lookup.
pub struct Matcher<'m> {
    graph: ShapeGraph<'m>,
    cache: HashMap<String, Result<HashSet<usize>, String>>,
}

impl<'m> Matcher<'m> {
    /// A matcher over a loaded model (with Smithy's prelude and
    /// vocabularies, as [`ShapeGraph::new`]).
    pub fn new(model: &'m LoadedModel) -> Matcher<'m> {
        Matcher::with_graph(ShapeGraph::new(model))
    }

    /// A matcher over a graph already built.
    pub fn with_graph(graph: ShapeGraph<'m>) -> Matcher<'m> {
        Matcher { graph, cache: HashMap::new() }
    }

    /// The graph the matcher evaluates over.
    pub fn graph(&self) -> &ShapeGraph<'m> {
        &self.graph
    }

    /// Whether `selector` matches the shape or member `id`; the error is
    /// the selector's parse error (the same each time it is asked about).
    pub fn matches(&mut self, selector: &str, id: &str) -> Result<bool, String> {
        if !self.cache.contains_key(selector) {
            let result = Selector::parse(selector).map(|s| s.select_nodes(&self.graph));
            self.cache.insert(selector.to_string(), result);
        }
        match &self.cache[selector] {
            Ok(matched) => Ok(self.graph.index.get(id).is_some_and(|n| matched.contains(n))),
            Err(e) => Err(e.clone()),
        }
    }
}

#[cfg(test)]
mod tests {
    use std::borrow::Cow;
    use std::path::{Path, PathBuf};

    use super::*;
    use crate::load::load_texts;

    fn load(source: &str) -> LoadedModel {
        let texts = [(PathBuf::from("spec/a.smithy"), Ok(Cow::Borrowed(source)))];
        match load_texts(Path::new("spec"), texts.into_iter(), Some(vocabulary::shapes())) {
            Ok(model) => model,
            Err(e) => panic!("the test model did not load: {e}"),
        }
    }

    const MODEL: &str = r#"$version: "2"
namespace ex

@internal
service Svc {
    version: "2024-01-01"
    operations: [PutDoc]
    resources: [Thing]
    errors: [ServiceError]
}

@deprecated
resource Thing {
    identifiers: { thingId: ThingId }
    properties: { name: String }
    read: GetThing
    list: ListThings
    operations: [Touch]
}

@readonly
operation GetThing {
    input := {
        @required
        thingId: ThingId
    }
    output := {
        name: String
        tags: Tags
    }
    errors: [NotFound]
}

@readonly
operation ListThings {
    input := {}
    output := { items: Tags }
}

@internal
operation Touch {
    input := {
        @required
        thingId: ThingId
    }
}

operation PutDoc {
    input := {
        doc: Doc
        payload: Payload
    }
}

@length(min: 1, max: 64)
string ThingId

list Tags { member: String }

map Attrs {
    key: String
    value: Integer
}

document Doc

union Payload {
    text: String
    raw: Blob
}

enum Color {
    RED
    GREEN
}

intEnum Level {
    LOW = 1
    HIGH = 2
}

@error("client")
structure NotFound { message: String }

@error("server")
structure ServiceError {}

structure Plain {
    @length(min: 1)
    name: String
    count: Integer
    attrs: Attrs
    extra: Doc
    @deprecated(message: "use name", since: "2020")
    old: String
}
"#;

    fn model() -> &'static LoadedModel {
        static MODEL_CELL: std::sync::OnceLock<LoadedModel> = std::sync::OnceLock::new();
        MODEL_CELL.get_or_init(|| load(MODEL))
    }

    /// The ids `selector` matches in the test model, in the `ex` namespace
    /// unless `all`.
    fn select_in(selector: &str, all: bool) -> Vec<String> {
        let graph = ShapeGraph::new(model());
        let selector = Selector::parse(selector).unwrap_or_else(|e| panic!("{e}"));
        selector.select(&graph).into_iter().filter(|id| all || id.starts_with("ex#")).collect()
    }

    fn select(selector: &str) -> Vec<String> {
        select_in(selector, false)
    }

    fn ids(ids: &[&str]) -> Vec<String> {
        let mut ids: Vec<String> = ids.iter().map(|id| format!("ex#{id}")).collect();
        ids.sort();
        ids
    }

    /// Every selector of a `@trait(selector: ...)` in Smithy's trait
    /// definitions, quoted or in a text block.
    fn trait_selectors() -> BTreeSet<String> {
        let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/../models/smithy/traits");
        let mut found = BTreeSet::new();
        let mut entries: Vec<PathBuf> = std::fs::read_dir(dir).unwrap().map(|e| e.unwrap().path()).collect();
        entries.sort();
        for path in entries.iter().filter(|p| p.extension().is_some_and(|e| e == "smithy")) {
            let text = std::fs::read_to_string(path).unwrap();
            let mut rest = text.as_str();
            while let Some(at) = rest.find("selector:") {
                rest = rest[at + "selector:".len()..].trim_start();
                let (open, close) = if rest.starts_with("\"\"\"") { ("\"\"\"", "\"\"\"") } else { ("\"", "\"") };
                if !rest.starts_with(open) {
                    continue;
                }
                let body = &rest[open.len()..];
                let end = body.find(close).unwrap_or_else(|| panic!("unclosed selector in {}", path.display()));
                found.insert(body[..end].to_string());
                rest = &body[end + close.len()..];
            }
        }
        found
    }

    #[test]
    fn every_trait_definition_selector_parses_and_evaluates() {
        let selectors = trait_selectors();
        assert!(selectors.len() > 80, "found only {} selectors", selectors.len());
        assert!(selectors.iter().any(|s| s.contains('\n')), "text-block selectors are read too");
        let graph = ShapeGraph::from_shapes(vocabulary::shapes(), None);
        let test_graph = ShapeGraph::new(model());
        for text in &selectors {
            let selector = Selector::parse(text).unwrap_or_else(|e| panic!("{text:?}: {e}"));
            selector.select(&graph);
            selector.select(&test_graph);
        }
    }

    /// Every trait applied in a model is applied where its definition's
    /// selector allows.
    fn applied_traits_fit(model: &LoadedModel) {
        let mut matcher = Matcher::new(model);
        let mut checked = 0;
        let mut failures = Vec::new();
        let mut sites: Vec<(String, &Traits)> = Vec::new();
        for (id, loaded) in &model.shapes {
            sites.push((id.clone(), &loaded.shape.traits));
            for (name, member) in members(&loaded.shape) {
                sites.push((format!("{id}${name}"), &member.traits));
            }
        }
        for (id, traits) in sites {
            for trait_id in traits.keys() {
                let definition = model.shapes.get(trait_id).or_else(|| vocabulary::shapes().get(trait_id));
                let Some(definition) = definition else { continue };
                let Some(config) = definition.shape.traits.get("smithy.api#trait") else { continue };
                let selector = config.get("selector").and_then(Value::as_str).unwrap_or("*");
                checked += 1;
                if !matcher.matches(selector, &id).unwrap() {
                    failures.push(format!("{trait_id} on {id}: {selector}"));
                }
            }
        }
        assert!(checked > 0);
        assert!(failures.is_empty(), "{failures:#?}");
    }

    #[test]
    fn the_test_models_traits_fit_their_selectors() {
        applied_traits_fit(model());
    }

    /// SSM's spec directory and AWS's 114 published JSON models: every
    /// trait AWS applies is where its definition allows.
    #[test]
    fn real_models_traits_fit_their_selectors() {
        use std::io::Read;

        let root = Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/.."));
        let ssm = crate::load::load_dir(&root.join("specs/ssm")).unwrap_or_else(|e| panic!("specs/ssm: {e}"));
        applied_traits_fit(&ssm);
        let mut paths: Vec<PathBuf> = std::fs::read_dir(root.join("models/aws"))
            .unwrap()
            .map(|e| e.unwrap().path())
            .filter(|p| p.to_string_lossy().ends_with(".json.gz"))
            .collect();
        paths.sort();
        assert!(paths.len() > 100, "{}", paths.len());
        for path in paths {
            let mut text = String::new();
            flate2::read::GzDecoder::new(std::fs::File::open(&path).unwrap()).read_to_string(&mut text).unwrap();
            let texts = [(PathBuf::from("aws/model.json"), Ok(Cow::Owned(text)))];
            let model = load_texts(Path::new("aws"), texts.into_iter(), Some(vocabulary::shapes()))
                .unwrap_or_else(|e| panic!("{}: {e}", path.display()));
            applied_traits_fit(&model);
        }
    }

    #[test]
    fn shape_types() {
        assert_eq!(select("structure > member"), select("structure>member"));
        let members = select("structure > member");
        assert!(members.contains(&"ex#Plain$name".to_string()), "{members:?}");
        assert!(members.contains(&"ex#NotFound$message".to_string()));
        assert!(members.contains(&"ex#GetThingInput$thingId".to_string()));
        assert!(!members.contains(&"ex#Tags$member".to_string()));
        assert!(!members.contains(&"ex#Attrs$key".to_string()));
        assert!(!members.contains(&"ex#Plain".to_string()));
        assert_eq!(select("list"), ids(&["Tags"]));
        assert_eq!(select("collection"), ids(&["Tags"]));
        assert_eq!(select("map > member"), ids(&["Attrs$key", "Attrs$value"]));
        assert_eq!(
            select(":is(enum, intEnum) > member"),
            ids(&["Color$GREEN", "Color$RED", "Level$HIGH", "Level$LOW"])
        );
        // Enums are strings, intEnums integers (and numbers).
        assert_eq!(select("string"), ids(&["Color", "ThingId"]));
        assert_eq!(select("string :not(enum)"), ids(&["ThingId"]));
        assert_eq!(select("number"), ids(&["Level"]));
        assert!(select_in("number", true).contains(&"smithy.api#Integer".to_string()));
        assert_eq!(select("simpleType"), ids(&["Color", "Doc", "Level", "ThingId"]));
        assert_eq!(select("resource"), ids(&["Thing"]));
        let data = select("dataType");
        assert!(data.contains(&"ex#Plain".to_string()) && data.contains(&"ex#Tags".to_string()));
        assert!(!data.contains(&"ex#Svc".to_string()) && !data.contains(&"ex#Plain$name".to_string()));
        assert_eq!(select("*"), select(""));
        assert!(select("").contains(&"ex#Plain$name".to_string()), "the empty selector matches everything");
    }

    #[test]
    fn test_function() {
        let found = select(":test(string, member > string)");
        for id in ["ThingId", "Color", "Plain$name", "Tags$member", "Attrs$key", "GetThingInput$thingId"] {
            assert!(found.contains(&format!("ex#{id}")), "{id}: {found:?}");
        }
        for id in ["Plain", "Plain$count", "Attrs$value", "Tags"] {
            assert!(!found.contains(&format!("ex#{id}")), "{id}");
        }
        assert_eq!(select("list :test(> member > string)"), ids(&["Tags"]));
        assert_eq!(select("map :test(> member > string)"), ids(&["Attrs"]));
        assert_eq!(select("map :test(> member > blob)"), ids(&[]));
    }

    #[test]
    fn directed_relationships() {
        assert_eq!(
            select("operation -[input]-> structure > member"),
            ids(&["GetThingInput$thingId", "PutDocInput$doc", "PutDocInput$payload", "TouchInput$thingId"])
        );
        assert_eq!(
            select("operation -[output]-> structure > member"),
            ids(&["GetThingOutput$name", "GetThingOutput$tags", "ListThingsOutput$items"])
        );
        // Unit output is no relationship.
        assert_eq!(select("operation :not(-[output]->)"), ids(&["PutDoc", "Touch"]));
        assert_eq!(select("operation -[error]->"), ids(&["NotFound"]));
        assert_eq!(select("service -[error]->"), ids(&["ServiceError"]));
        assert_eq!(select("service -[operation]->"), ids(&["PutDoc"]));
        assert_eq!(select("service -[resource]->"), ids(&["Thing"]));
        assert_eq!(select("resource -[identifier]->"), ids(&["ThingId"]));
        assert_eq!(select_in("resource -[property]->", true), vec!["smithy.api#String".to_string()]);
        assert_eq!(select("resource -[read]->"), ids(&["GetThing"]));
        assert_eq!(select("resource -[list]->"), ids(&["ListThings"]));
        assert_eq!(select("resource -[put, create]->"), ids(&[]));
        assert_eq!(select("resource -[operation]->"), ids(&["GetThing", "ListThings", "Touch"]));
        assert_eq!(select("resource -[instanceOperation]->"), ids(&["GetThing", "Touch"]));
        assert_eq!(select("resource -[collectionOperation]->"), ids(&["ListThings"]));
        assert_eq!(select("resource:test(-[read]->)"), ids(&["Thing"]));
        assert_eq!(select("operation -[bound]-> resource"), ids(&["Thing"]));
        assert_eq!(select("[id|name = PutDoc] -[bound]->"), ids(&["Svc"]));
        assert_eq!(select("resource -[bound]->"), ids(&["Svc"]));
        assert_eq!(select("structure -[member]-> [id|member = message]"), ids(&["NotFound$message"]));
        assert_eq!(select("-[unknownRelationship]->"), ids(&[]));
        // Trait relationships only when named.
        assert_eq!(select_in("[id|name = NotFound] -[trait]->", true), vec!["smithy.api#error".to_string()]);
        assert_eq!(select_in("structure [id|name = NotFound] > *", true), ids(&["NotFound$message"]));
        assert_eq!(select("structure :test(-[trait]-> [id = smithy.api#error])"), ids(&["NotFound", "ServiceError"]));
    }

    #[test]
    fn undirected_and_reverse_neighbors() {
        assert_eq!(select("service > *"), ids(&["PutDoc", "ServiceError", "Thing"]));
        assert_eq!(select("[id|name = GetThing] > *"), ids(&["GetThingInput", "GetThingOutput", "NotFound"]));
        assert_eq!(select("[id|name = Thing] > *"), ids(&["GetThing", "ListThings", "ThingId", "Touch"]));
        assert_eq!(
            select_in("string :test(< member < list [id|namespace = ex])", true),
            vec!["smithy.api#String".to_string()]
        );
        assert_eq!(
            select("structure :test(<-[input]-)"),
            ids(&["GetThingInput", "ListThingsInput", "PutDocInput", "TouchInput"])
        );
        assert_eq!(select("[id|name = ThingId] <"), ids(&["GetThingInput$thingId", "Thing", "TouchInput$thingId"]));
        assert_eq!(
            select("[id|name = ThingId] < member < structure <-[input]- operation"),
            ids(&["GetThing", "Touch"])
        );
        assert_eq!(select("member < map"), ids(&["Attrs"]));
        assert_eq!(select("[id|name = Attrs] > member <"), ids(&["Attrs"]));
    }

    #[test]
    fn recursive_neighbors() {
        assert_eq!(select("service ~> member :test(> document)"), ids(&["PutDocInput$doc"]));
        // Plain is outside every service's closure.
        assert!(select("~> member :test(> document)").contains(&"ex#Plain$extra".to_string()));
        assert_eq!(select("service ~> operation"), ids(&["GetThing", "ListThings", "PutDoc", "Touch"]));
        assert_eq!(select("list :not(> member ~> :is(float, double, document))"), ids(&["Tags"]));
        assert_eq!(select("structure :test(~> document)"), ids(&["Plain", "PutDocInput"]));
    }

    #[test]
    fn not_function() {
        let found = select("structure > member :not([trait|required])");
        assert!(found.contains(&"ex#Plain$count".to_string()));
        assert!(!found.contains(&"ex#GetThingInput$thingId".to_string()));
        let found = select(":not(member)");
        assert!(found.contains(&"ex#Plain".to_string()) && !found.contains(&"ex#Plain$name".to_string()));
        assert_eq!(
            select("operation :not(-[input, output]-> structure > member > union)"),
            ids(&["GetThing", "ListThings", "Touch"])
        );
        assert_eq!(select(":not(:test(service, operation, resource, member)) [trait|deprecated]"), ids(&[]));
        assert_eq!(select("structure :not([trait|input]) :not([trait|output]) :not([trait|error])"), ids(&["Plain"]));
    }

    #[test]
    fn trait_attributes() {
        assert_eq!(select("[trait|error]"), ids(&["NotFound", "ServiceError"]));
        assert_eq!(select("structure[trait|error]"), ids(&["NotFound", "ServiceError"]));
        assert_eq!(select("structure [trait|error]"), ids(&["NotFound", "ServiceError"]));
        assert_eq!(select("[trait|smithy.api#error]"), ids(&["NotFound", "ServiceError"]));
        assert_eq!(select("string[trait|error]"), ids(&[]));
        assert_eq!(select("[trait|unknown.ns#error]"), ids(&[]));
        assert_eq!(select("[trait|error = client]"), ids(&["NotFound"]));
        assert_eq!(select("[trait|error != client]"), ids(&["ServiceError"]));
        assert_eq!(select("[trait|error = CLIENT]"), ids(&[]));
        assert_eq!(select("[trait|error = CLIENT i]"), ids(&["NotFound"]));
        assert_eq!(select("[trait|error ^= 'ser']"), ids(&["ServiceError"]));
        assert_eq!(select("[trait|error $= nt]"), ids(&["NotFound"]));
        assert_eq!(select("[trait|error *= \"lie\"]"), ids(&["NotFound"]));
        assert_eq!(select("[trait|error = client, server]"), ids(&["NotFound", "ServiceError"]));
        assert_eq!(select("[trait|length|min = 1]"), ids(&["Plain$name", "ThingId"]));
        assert_eq!(select("[trait|length|max >= 64]"), ids(&["ThingId"]));
        assert_eq!(select("[trait|length|max < 64]"), ids(&[]));
        assert_eq!(select("[trait|length|max > 'not a number']"), ids(&[]));
        assert_eq!(select("[trait|length|max ?= true]"), ids(&["ThingId"]));
        assert_eq!(select("member [trait|length] [trait|length|max ?= false]"), ids(&["Plain$name"]));
        assert_eq!(select("member [trait|required ?= true]"), ids(&["GetThingInput$thingId", "TouchInput$thingId"]));
        assert_eq!(select("[trait|deprecated|since = 2020]"), ids(&["Plain$old"]));
        assert_eq!(select("[trait|deprecated|message|(length) = 8]"), ids(&["Plain$old"]));
        assert_eq!(select("[trait|deprecated|invalid|child = Hi]"), ids(&[]));
        assert_eq!(select("[trait|length|(keys) = max]"), ids(&["ThingId"]));
        assert_eq!(select("[trait|length|(values) = 64]"), ids(&["ThingId"]));
        assert_eq!(select("[trait|(keys) = smithy.api#length]"), ids(&["Plain$name", "ThingId"]));
        assert_eq!(select("[trait|(keys)|name = error]"), ids(&["NotFound", "ServiceError"]));
        assert_eq!(select("[trait|(length) > 1]"), select("[trait|(length) >= 2]"));
        assert_eq!(select("[trait|(values)|since]"), ids(&["Plain$old"]));
        assert_eq!(select("[trait|(values)|(first)|since = 2020]"), ids(&["Plain$old"]));
    }

    #[test]
    fn id_and_service_attributes() {
        assert_eq!(select_in("[id=smithy.api#Unit]", true), vec!["smithy.api#Unit".to_string()]);
        assert_eq!(select_in("[id = 'smithy.api#Unit']", true), vec!["smithy.api#Unit".to_string()]);
        assert_eq!(select("[id=smithy.api#Unit]"), ids(&[]));
        assert_eq!(select("[id = ex#Plain]"), ids(&["Plain"]));
        assert_eq!(select("[id = 'ex#Plain$name']"), ids(&["Plain$name"]));
        assert_eq!(select("[id|namespace = ex] :not(member) [id|name ^= Tag]"), ids(&["Tags"]));
        assert!(select_in("[id|namespace != ex]", true).contains(&"smithy.api#String".to_string()));
        assert!(!select_in("[id|namespace != ex]", true).iter().any(|id| id.starts_with("ex#")));
        assert_eq!(
            select("[id|name $= Input] :not(member)"),
            ids(&["GetThingInput", "ListThingsInput", "PutDocInput", "TouchInput"])
        );
        assert_eq!(select("[id|member = thingId]"), ids(&["GetThingInput$thingId", "TouchInput$thingId"]));
        assert_eq!(
            select("[id|member|(length) > 6]"),
            ids(&["GetThingInput$thingId", "NotFound$message", "PutDocInput$payload", "TouchInput$thingId"])
        );
        assert_eq!(select("[id|name *= Thing] resource"), ids(&["Thing"]));
        assert_eq!(select("[service]"), ids(&["Svc"]));
        assert_eq!(select("[service = ex#Svc]"), ids(&["Svc"]));
        assert_eq!(select("[service|version ^= '2024-']"), ids(&["Svc"]));
        assert_eq!(select("[service|id|name = Svc]"), ids(&["Svc"]));
    }

    #[test]
    fn scoped_attributes() {
        assert_eq!(select("[@trait|length: @{min} = 1 && @{max} ?= false]"), ids(&["Plain$name"]));
        assert_eq!(select("[@trait|length: @{min} < @{max}]"), ids(&["ThingId"]));
        assert_eq!(select("[@: @{id} = 'ex#Plain']"), ids(&["Plain"]));
        assert_eq!(select("[@trait|(values): @{since} = 2020 && @{message} = 'USE NAME' i]"), ids(&["Plain$old"]));
        assert_eq!(select("[@trait|(values): @{since} = 2020 && @{message} = 'USE NAME']"), ids(&[]));
        assert_eq!(
            select("[@: @{trait|(keys)} {=} @{trait|(keys)}] [trait|error]"),
            ids(&["NotFound", "ServiceError"])
        );
        assert_eq!(
            select("[trait|error] [@: @{trait|(keys)} {<} @{trait|(keys)}]"),
            ids(&["NotFound", "ServiceError"])
        );
        assert_eq!(select("[trait|error] [@: @{trait|(keys)} {<<} @{trait|(keys)}]"), ids(&[]));
        assert_eq!(select("[trait|error] [@: @{trait|(keys)} {!=} @{id}]"), ids(&["NotFound", "ServiceError"]));
    }

    #[test]
    fn functions_and_variables() {
        assert_eq!(select(":is(structure, union) > member [id|name = Payload]"), ids(&["Payload$raw", "Payload$text"]));
        assert_eq!(select(":each(list, map)"), ids(&["Attrs", "Tags"]));
        assert_eq!(select(":unknownFunction(string)"), ids(&[]));
        assert_eq!(select("service $errors(-[error]->) ~> structure :in(${errors})"), ids(&["ServiceError"]));
        assert_eq!(
            select("service $svc(*) ~> operation [@: @{var|svc|id} = 'ex#Svc']"),
            ids(&["GetThing", "ListThings", "PutDoc", "Touch"])
        );
        assert_eq!(
            select("operation $op(*) -[input]-> structure ${op}"),
            ids(&["GetThing", "ListThings", "PutDoc", "Touch"])
        );
        assert_eq!(select("${unset}"), ids(&[]));
        assert_eq!(
            select("structure :in(:root(operation -[input]->)) :not([trait|required])"),
            ids(&["GetThingInput", "ListThingsInput", "PutDocInput", "TouchInput"])
        );
        assert_eq!(select("number :not(:in(:root(structure > member > *)))"), ids(&["Level"]));
        // Svc is marked, so PutDoc inherits; Thing is disqualified, Touch
        // marked on its own.
        assert_eq!(select(":topdown([trait|internal], [trait|deprecated])"), ids(&["PutDoc", "Svc", "Touch"]));
        assert_eq!(
            select(":topdown([trait|internal])"),
            ids(&["GetThing", "ListThings", "PutDoc", "Svc", "Thing", "Touch"])
        );
        assert_eq!(select("resource :topdown([trait|internal], [trait|deprecated])"), ids(&["Touch"]));
        assert_eq!(
            select("service :recursive(-[resource, operation]->)"),
            ids(&["GetThing", "ListThings", "PutDoc", "Thing", "Touch"])
        );
    }

    #[test]
    fn matcher_caches_and_reports_errors() {
        let mut matcher = Matcher::new(model());
        assert_eq!(matcher.matches("structure > member", "ex#Plain$name"), Ok(true));
        assert_eq!(matcher.matches("structure > member", "ex#Plain"), Ok(false));
        assert_eq!(matcher.matches("structure > member", "ex#Missing"), Ok(false));
        assert_eq!(matcher.matches("[id=smithy.api#Unit]", "smithy.api#Unit"), Ok(true));
        assert_eq!(matcher.matches("structure >", "ex#Plain$name"), Ok(true));
        assert!(matcher.matches("structure [", "ex#Plain").unwrap_err().contains("column 12"));
        let selector = Selector::parse("structure[trait|error]").unwrap();
        let graph = ShapeGraph::new(model());
        assert!(selector.matches(&graph, "ex#NotFound"));
        assert!(!selector.matches(&graph, "ex#Plain"));
        assert!(graph.contains("ex#Plain$name") && graph.contains("smithy.api#String"));
        assert_eq!("structure".parse::<Selector>().unwrap().to_string(), "structure");
    }

    #[test]
    fn parse_errors_name_the_column() {
        let error = |text: &str| Selector::parse(text).unwrap_err();
        assert_eq!(error("strukture"), "invalid selector: unknown shape type `strukture` at column 1");
        assert_eq!(
            error("structure > [trait|error"),
            "invalid selector: expected `]` or a comparator (`=`, `!=`, `^=`, ...), found the end at column 25"
        );
        assert_eq!(error(":not(string, integer)"), "invalid selector: `:not` takes one selector, found 2 at column 1");
        assert_eq!(error(":test()"), "invalid selector: expected a selector, found `)` at column 7");
        assert_eq!(error(":is(string,)"), "invalid selector: expected a selector, found `)` at column 12");
        assert_eq!(error("operation -[input->"), "invalid selector: expected `,` or `]`, found `-` at column 18");
        assert_eq!(error("operation -input"), "invalid selector: expected `[`, found `i` at column 12");
        assert_eq!(error("string )"), "invalid selector: unexpected `)` at column 8");
        assert_eq!(error("[id = 'unclosed]"), "invalid selector: unclosed ' at column 7");
        assert_eq!(
            error("[trait|error = ]"),
            "invalid selector: expected a value (quoted text, a number or a shape id), found `]` at column 16"
        );
        assert_eq!(error("string\n  %"), "invalid selector: unexpected `%`: expected a selector at line 2, column 3");
        assert_eq!(
            error(":topdown(list, map, union)").split(" at ").next(),
            Some("invalid selector: `:topdown` takes one or two selectors, found 3")
        );
        assert!(Selector::parse("").is_ok() && Selector::parse("  ").is_ok());
        assert!(Selector::parse("-[unknown]-> :unknown(*)").is_ok());
        assert!(Selector::parse("[trait|range|min > -1.5e3]").is_ok());
        assert!(Selector::parse("[@trait|idRef: @{failWhenMissing} = true && @{errorMessage} ?= false]").is_ok());
    }
}
