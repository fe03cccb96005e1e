//! A recursive-descent parser for the Smithy IDL (versions 1.0 and 2.0),
//! from tokens to a [`Document`]. It stops at the first error: a message in
//! Smithy's own words (`Expected COLON(':') but found DOT('.')`) and the
//! position of the token at fault.

use serde_json::Number;

use super::lexer::{Kind, Token, tokenize};
use super::syntax::*;

/// A syntax error: where, and what was expected.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ParseError {
    pub pos: Pos,
    pub message: String,
}

type Result<T> = std::result::Result<T, ParseError>;

/// Parses one file.
pub fn parse(source: &str) -> Result<Document> {
    // A byte-order mark is not part of the text; line 1's columns count
    // from after it.
    let source = source.strip_prefix('\u{feff}').unwrap_or(source);
    let tokens = tokenize(source);
    let mut parser = Parser { source, tokens, at: 0, depth: 0 };
    parser.document()
}

const SIMPLE_TYPES: &[&str] = &[
    "blob",
    "boolean",
    "document",
    "string",
    "byte",
    "short",
    "integer",
    "long",
    "float",
    "double",
    "bigInteger",
    "bigDecimal",
    "timestamp",
];
const ENUM_TYPES: &[&str] = &["enum", "intEnum"];
const AGGREGATE_TYPES: &[&str] = &["list", "set", "map", "structure", "union"];
const ENTITY_TYPES: &[&str] = &["service", "resource"];

const NODE_VALUE_START: &str =
    "Expected one of STRING('\"'), TEXT_BLOCK('\"\"\"'), NUMBER, IDENTIFIER, LBRACE('{'), LBRACKET('[');";
/// What may start an object's entry.
const OBJECT_KEY: &str = "RBRACE('}'), STRING('\"'), IDENTIFIER";
/// The same, as Smithy words it inside a trait's parentheses.
const TRAIT_VALUE_START: &str =
    "Expected one of LBRACE('{'), LBRACKET('['), TEXT_BLOCK('\"\"\"'), STRING('\"'), NUMBER, IDENTIFIER;";

struct Parser<'a> {
    source: &'a str,
    tokens: Vec<Token>,
    at: usize,
    /// How deep the node value being read is nested.
    depth: usize,
}

/// The deepest a node value may nest: far beyond any real trait value, and
/// far within the stack a recursive reader needs.
const MAX_DEPTH: usize = 256;

impl Parser<'_> {
    // ---- tokens -------------------------------------------------------

    fn peek(&self) -> &Token {
        &self.tokens[self.at]
    }

    fn kind(&self) -> &Kind {
        &self.peek().kind
    }

    fn pos(&self) -> Pos {
        let t = self.peek();
        Pos { offset: t.start, line: t.line, column: t.column }
    }

    fn text(&self) -> &str {
        let t = self.peek();
        &self.source[t.start..t.end]
    }

    fn bump(&mut self) -> Token {
        let token = self.tokens[self.at].clone();
        if token.kind != Kind::Eof {
            self.at += 1;
        }
        token
    }

    fn is_identifier(&self, word: &str) -> bool {
        *self.kind() == Kind::Identifier && self.text() == word
    }

    fn fail<T>(&self, message: impl Into<String>) -> Result<T> {
        // Reaching a malformed token, whatever was expected, reports it.
        match self.kind() {
            Kind::Invalid(message) => return Err(ParseError { pos: self.pos(), message: message.clone() }),
            Kind::Error => {
                return Err(ParseError {
                    pos: self.pos(),
                    message: format!("Unexpected character: '{}'", self.text()),
                });
            }
            _ => {}
        }
        Err(ParseError { pos: self.pos(), message: message.into() })
    }

    fn found(&self) -> String {
        self.peek().describe(self.source)
    }

    fn expected<T>(&self, what: &str) -> Result<T> {
        self.fail(format!("Expected {what} but found {}", self.found()))
    }

    fn expect(&mut self, kind: Kind) -> Result<Token> {
        if std::mem::discriminant(self.kind()) == std::mem::discriminant(&kind) {
            Ok(self.bump())
        } else {
            self.expected(&kind.describe())
        }
    }

    // ---- white space --------------------------------------------------

    /// Spaces and tabs only.
    fn spaces(&mut self) {
        while *self.kind() == Kind::Space {
            self.bump();
        }
    }

    /// Spaces and commas (the IDL's `sp`).
    fn sp(&mut self) {
        while matches!(self.kind(), Kind::Space | Kind::Comma) {
            self.bump();
        }
    }

    /// Any white space, commas and comments; returns the `///` lines of
    /// the last run of documentation comments met.
    fn ws(&mut self) -> Option<String> {
        let mut docs: Vec<String> = Vec::new();
        let mut in_docs = false;
        loop {
            match self.kind() {
                Kind::Space | Kind::Comma | Kind::Newline | Kind::Comment => {}
                Kind::DocComment(text) => {
                    if !in_docs {
                        docs.clear();
                    }
                    docs.push(text.clone());
                    in_docs = true;
                    self.bump();
                    continue;
                }
                _ => break,
            }
            if *self.kind() == Kind::Comment {
                in_docs = false;
            }
            self.bump();
        }
        if docs.is_empty() { None } else { Some(docs.join("\n")) }
    }

    /// At least one white-space token.
    fn require_ws(&mut self) -> Result<Option<String>> {
        if !matches!(
            self.kind(),
            Kind::Space | Kind::Comma | Kind::Newline | Kind::Comment | Kind::DocComment(_) | Kind::Eof
        ) {
            return self.fail(format!("Expected one or more whitespace characters, but found {}", self.found()));
        }
        Ok(self.ws())
    }

    /// At least one space (`string Foo`).
    fn require_space(&mut self) -> Result<()> {
        if *self.kind() != Kind::Space {
            return self.expected("SPACE(' ')");
        }
        self.spaces();
        Ok(())
    }

    /// The end of a statement: spaces and commas, then a line break (or a
    /// comment, which ends its line, or the end of the file), then any
    /// white space. Returns documentation comments met.
    fn br(&mut self) -> Result<Option<String>> {
        self.sp();
        if let Kind::DocComment(_) = self.kind() {
            // Documentation at the end of a statement's line documents nothing.
            self.bump();
        }
        match self.kind() {
            Kind::Newline | Kind::Comment | Kind::Eof => Ok(self.ws()),
            _ => self.fail(format!("Expected a line break, but found {}", self.found())),
        }
    }

    // ---- names --------------------------------------------------------

    fn identifier(&mut self) -> Result<String> {
        if *self.kind() != Kind::Identifier {
            return self.expected("IDENTIFIER");
        }
        let token = self.bump();
        Ok(self.source[token.start..token.end].to_string())
    }

    /// `a.b.c`
    fn namespace(&mut self) -> Result<String> {
        let mut out = self.identifier()?;
        while *self.kind() == Kind::Dot {
            self.bump();
            out.push('.');
            out.push_str(&self.identifier()?);
        }
        Ok(out)
    }

    /// A shape id as written: `Name`, `ns.a#Name`, with `$member` when
    /// `members` allows it.
    fn shape_id(&mut self, members: bool) -> Result<(String, Pos)> {
        let pos = self.pos();
        let mut out = self.namespace()?;
        if *self.kind() == Kind::Pound {
            self.bump();
            out.push('#');
            out.push_str(&self.identifier()?);
        }
        if members && *self.kind() == Kind::Dollar {
            self.bump();
            out.push('$');
            out.push_str(&self.identifier()?);
        }
        Ok((out, pos))
    }

    // ---- nodes --------------------------------------------------------

    fn node_value(&mut self) -> Result<Node> {
        if matches!(self.kind(), Kind::LBracket | Kind::LBrace) {
            if self.depth == MAX_DEPTH {
                return self.fail(format!("Node values may nest at most {MAX_DEPTH} levels deep"));
            }
            self.depth += 1;
            let value = self.node_value_inner();
            self.depth -= 1;
            return value;
        }
        self.node_value_inner()
    }

    fn node_value_inner(&mut self) -> Result<Node> {
        match self.kind().clone() {
            Kind::LBracket => {
                self.bump();
                self.ws();
                let mut items = Vec::new();
                while *self.kind() != Kind::RBracket {
                    items.push(self.node_value()?);
                    self.ws();
                }
                self.bump();
                Ok(Node::Array(items))
            }
            Kind::LBrace => self.node_object(),
            Kind::String(s) | Kind::TextBlock(s) => {
                self.bump();
                Ok(Node::String(s))
            }
            Kind::Number => {
                let text = self.text().to_string();
                let pos = self.pos();
                self.bump();
                number(&text).ok_or(ParseError { pos, message: format!("Invalid number '{text}'") }).map(Node::Number)
            }
            Kind::Identifier => {
                let (id, pos) = self.shape_id(true)?;
                Ok(match id.as_str() {
                    "true" => Node::Bool(true),
                    "false" => Node::Bool(false),
                    "null" => Node::Null,
                    _ => Node::ShapeId(id, pos),
                })
            }
            _ => self.fail(format!("{NODE_VALUE_START} but found {}", self.found())),
        }
    }

    fn node_object(&mut self) -> Result<Node> {
        let entries = self.object_entries()?;
        Ok(Node::Object(entries.into_iter().map(|(key, value, _)| (key, value)).collect()))
    }

    /// `{ key: value, ... }`: each entry with where its key is; a key may
    /// appear once.
    fn object_entries(&mut self) -> Result<Vec<(String, Node, Pos)>> {
        self.expect(Kind::LBrace)?;
        self.ws();
        let mut entries: Vec<(String, Node, Pos)> = Vec::new();
        while *self.kind() != Kind::RBrace {
            let (key, pos) = self.object_key(OBJECT_KEY)?;
            self.ws();
            self.expect(Kind::Colon)?;
            self.ws();
            let value = self.node_value()?;
            if entries.iter().any(|(k, _, _)| *k == key) {
                return Err(ParseError { pos, message: format!("Duplicate member of object: `{key}`") });
            }
            entries.push((key, value, pos));
            self.ws();
        }
        self.bump();
        Ok(entries)
    }

    /// An object key: an identifier or a quoted string. `expected` lists
    /// what may stand here, for the message when neither does.
    fn object_key(&mut self, expected: &str) -> Result<(String, Pos)> {
        let pos = self.pos();
        match self.kind().clone() {
            Kind::Identifier => Ok((self.identifier()?, pos)),
            Kind::String(s) => {
                self.bump();
                Ok((s, pos))
            }
            _ => self.fail(format!("Expected one of {expected}; but found {}", self.found())),
        }
    }

    // ---- traits -------------------------------------------------------

    /// Traits before a shape, member or inline structure, and the
    /// documentation comments written before the first of them.
    fn trait_statements(&mut self, docs: Option<String>) -> Result<(Option<String>, Vec<TraitApp>)> {
        let mut traits = Vec::new();
        while *self.kind() == Kind::At {
            traits.push(self.trait_app()?);
            // Documentation after a trait is a comment.
            self.ws();
        }
        Ok((docs, traits))
    }

    fn trait_app(&mut self) -> Result<TraitApp> {
        self.expect(Kind::At)?;
        let (id, pos) = self.shape_id(false)?;
        if *self.kind() != Kind::LParen {
            return Ok(TraitApp { id, pos, value: None });
        }
        self.bump();
        self.ws();
        if *self.kind() == Kind::RParen {
            self.bump();
            return Ok(TraitApp { id, pos, value: None });
        }
        let value = if self.starts_structure() {
            let mut entries: Vec<(String, Node)> = Vec::new();
            while *self.kind() != Kind::RParen {
                let (key, key_pos) = self.object_key("IDENTIFIER, STRING('\"')")?;
                self.ws();
                self.expect(Kind::Colon)?;
                self.ws();
                let value = self.node_value()?;
                if entries.iter().any(|(k, _)| *k == key) {
                    return Err(ParseError { pos: key_pos, message: format!("Duplicate member of trait: `{key}`") });
                }
                entries.push((key, value));
                self.ws();
                if *self.kind() == Kind::Eof {
                    return self.expected("RPAREN(')')");
                }
            }
            Node::Object(entries)
        } else {
            if !matches!(
                self.kind(),
                Kind::LBrace | Kind::LBracket | Kind::TextBlock(_) | Kind::String(_) | Kind::Number | Kind::Identifier
            ) {
                return self.fail(format!("{TRAIT_VALUE_START} but found {}", self.found()));
            }
            let value = self.node_value()?;
            self.ws();
            if *self.kind() != Kind::RParen {
                return self.expected("RPAREN(')')");
            }
            value
        };
        self.bump();
        Ok(TraitApp { id, pos, value: Some(value) })
    }

    /// Whether a trait's value is a structure: it starts with what could be
    /// a key (an identifier or a quoted string) that is not the whole value.
    fn starts_structure(&self) -> bool {
        if !matches!(self.kind(), Kind::Identifier | Kind::String(_)) {
            return false;
        }
        let mut i = self.at + 1;
        if matches!(self.tokens[i].kind, Kind::Dot | Kind::Pound | Kind::Dollar) {
            // A shape id, which cannot be a key.
            return false;
        }
        while matches!(
            self.tokens[i].kind,
            Kind::Space | Kind::Newline | Kind::Comma | Kind::Comment | Kind::DocComment(_)
        ) {
            i += 1;
        }
        self.tokens[i].kind != Kind::RParen
    }

    // ---- statements ---------------------------------------------------

    fn document(&mut self) -> Result<Document> {
        let mut doc = Document {
            version: Version::V1,
            input_suffix: "Input".into(),
            output_suffix: "Output".into(),
            metadata: Vec::new(),
            namespace: None,
            uses: Vec::new(),
            shapes: Vec::new(),
            applies: Vec::new(),
            unknown_controls: Vec::new(),
        };
        self.ws();
        self.control_section(&mut doc)?;
        self.metadata_section(&mut doc)?;
        if *self.kind() == Kind::Eof {
            return Ok(doc);
        }
        if !self.is_identifier("namespace") {
            return self.fail(format!("Expected a namespace definition but found {}", self.found()));
        }
        self.bump();
        self.require_space()?;
        doc.namespace = Some(self.namespace()?);
        let mut docs = self.br()?;
        while self.is_identifier("use") {
            self.bump();
            self.require_space()?;
            let (id, pos) = self.shape_id(false)?;
            if !id.contains('#') {
                return self.expected("POUND('#')");
            }
            if *self.kind() == Kind::Dollar {
                return Err(ParseError { pos, message: "Use statements cannot use members".into() });
            }
            doc.uses.push((id, pos));
            docs = self.br()?;
        }
        while *self.kind() != Kind::Eof {
            docs = self.shape_or_apply(&mut doc, docs)?;
        }
        Ok(doc)
    }

    fn control_section(&mut self, doc: &mut Document) -> Result<()> {
        let mut seen: Vec<String> = Vec::new();
        while *self.kind() == Kind::Dollar {
            self.bump();
            let (key, pos) = self.object_key("STRING('\"'), IDENTIFIER")?;
            self.spaces();
            self.expect(Kind::Colon)?;
            self.spaces();
            let value_pos = self.pos();
            let value = self.node_value()?;
            if seen.contains(&key) {
                return Err(ParseError { pos: value_pos, message: format!("Duplicate control statement `{key}`") });
            }
            seen.push(key.clone());
            match key.as_str() {
                "version" => {
                    let Node::String(version) = &value else {
                        return Err(ParseError {
                            pos: value_pos,
                            message: format!(
                                "The $version control statement must have a string value, but found {}",
                                describe_node(&value)
                            ),
                        });
                    };
                    doc.version = match version.as_str() {
                        "1" | "1.0" => Version::V1,
                        "2" | "2.0" => Version::V2,
                        other => {
                            return Err(ParseError {
                                pos: self.pos(),
                                message: format!("Unsupported Smithy version number: {other}"),
                            });
                        }
                    };
                }
                "operationInputSuffix" | "operationOutputSuffix" => {
                    let Node::String(suffix) = value else {
                        return Err(ParseError {
                            pos: value_pos,
                            message: format!("The ${key} control statement must have a string value"),
                        });
                    };
                    if key == "operationInputSuffix" {
                        doc.input_suffix = suffix;
                    } else {
                        doc.output_suffix = suffix;
                    }
                }
                _ => doc.unknown_controls.push((key, pos)),
            }
            self.br()?;
        }
        Ok(())
    }

    fn metadata_section(&mut self, doc: &mut Document) -> Result<()> {
        while self.is_identifier("metadata") {
            self.bump();
            self.require_space()?;
            let (key, _) = self.object_key("STRING('\"'), IDENTIFIER")?;
            self.spaces();
            self.expect(Kind::Equal)?;
            self.spaces();
            let value = self.node_value()?;
            doc.metadata.push((key, value));
            self.br()?;
        }
        Ok(())
    }

    /// One shape or apply statement, with the white space after it;
    /// returns the documentation comments that end that white space.
    fn shape_or_apply(&mut self, doc: &mut Document, docs: Option<String>) -> Result<Option<String>> {
        let (docs, traits) = self.trait_statements(docs)?;
        if *self.kind() == Kind::Eof {
            // Traits must be followed by what they apply to.
            return self.expected("IDENTIFIER");
        }
        if *self.kind() != Kind::Identifier {
            return self.expected("IDENTIFIER");
        }
        let keyword = self.text().to_string();
        let keyword_pos = self.pos();
        if keyword == "apply" {
            if !traits.is_empty() {
                return self.fail("Traits applied to apply statement");
            }
            self.bump();
            self.require_space()?;
            let (target, pos) = self.shape_id(true)?;
            self.require_ws()?;
            let traits = match self.kind() {
                Kind::At => vec![self.trait_app()?],
                Kind::LBrace => {
                    self.bump();
                    self.ws();
                    let (_, traits) = self.trait_statements(None)?;
                    self.expect(Kind::RBrace)?;
                    traits
                }
                _ => return self.fail(format!("Expected one of AT('@'), LBRACE('{{'); but found {}", self.found())),
            };
            doc.applies.push(Apply { target, pos, traits });
            return self.br();
        }
        let kind = keyword.as_str();
        let known = SIMPLE_TYPES.contains(&kind)
            || ENUM_TYPES.contains(&kind)
            || AGGREGATE_TYPES.contains(&kind)
            || ENTITY_TYPES.contains(&kind)
            || kind == "operation";
        if !known {
            return self.fail(format!("Unknown shape type: {keyword}"));
        }
        if doc.version == Version::V1 && ENUM_TYPES.contains(&kind) {
            return Err(ParseError {
                pos: keyword_pos,
                message: format!("{kind} shapes cannot be used in Smithy version 1.0"),
            });
        }
        if doc.version == Version::V2 && kind == "set" {
            return Err(ParseError {
                pos: keyword_pos,
                message: "set shapes cannot be used in Smithy version 2.0; use a list with @uniqueItems".into(),
            });
        }
        self.bump();
        self.require_space()?;
        let pos = self.pos();
        let name = self.identifier()?;
        if matches!(self.kind(), Kind::Dot | Kind::Pound | Kind::Dollar) {
            // `string a.b`: a shape name is one identifier.
            return if SIMPLE_TYPES.contains(&kind) {
                self.fail(format!("Expected a line break, but found {}", self.found()))
            } else {
                self.expected("LBRACE('{')")
            };
        }
        let mut shape = ShapeDef::new(keyword.clone(), name, pos, docs, traits);
        if AGGREGATE_TYPES.contains(&kind) {
            shape.for_resource = self.for_resource(doc)?;
        }
        shape.mixins = self.mixins(doc)?;
        if SIMPLE_TYPES.contains(&kind) {
            doc.shapes.push(shape);
            return self.br();
        }
        self.ws();
        shape.body = if ENUM_TYPES.contains(&kind) {
            Body::Members(self.members(doc, true)?)
        } else if AGGREGATE_TYPES.contains(&kind) {
            Body::Members(self.members(doc, false)?)
        } else if ENTITY_TYPES.contains(&kind) {
            self.properties()?
        } else {
            let name = shape.name.clone();
            Body::Operation(self.operation_body(doc, &name)?)
        };
        doc.shapes.push(shape);
        self.br()
    }

    /// ` for Resource`, on the shape's line.
    fn for_resource(&mut self, doc: &Document) -> Result<Option<(String, Pos)>> {
        let save = self.at;
        self.spaces();
        if !self.is_identifier("for") {
            self.at = save;
            return Ok(None);
        }
        if doc.version == Version::V1 {
            return self.fail(
                "Structures can only be bound to resources with Smithy version 2 or later. Attempted to bind a \
                 structure to a resource with version `1.0`.",
            );
        }
        self.bump();
        self.require_space()?;
        Ok(Some(self.shape_id(false)?))
    }

    /// ` with [A B]`, on the shape's line.
    fn mixins(&mut self, doc: &Document) -> Result<Vec<(String, Pos)>> {
        let save = self.at;
        self.spaces();
        if !self.is_identifier("with") {
            self.at = save;
            return Ok(Vec::new());
        }
        self.mixin_list(doc)
    }

    /// `with [A B]`, at `with`.
    fn mixin_list(&mut self, doc: &Document) -> Result<Vec<(String, Pos)>> {
        if doc.version == Version::V1 {
            return self.fail(
                "Mixins can only be used with Smithy version 2 or later. Attempted to use mixins with version `1.0`.",
            );
        }
        self.bump();
        self.ws();
        self.expect(Kind::LBracket)?;
        self.ws();
        let mut mixins = Vec::new();
        loop {
            mixins.push(self.shape_id(false)?);
            self.ws();
            if *self.kind() == Kind::RBracket {
                self.bump();
                return Ok(mixins);
            }
        }
    }

    /// `{ a: Target, $b, @trait c: Target = value }`, or for an enum
    /// (`is_enum`) `{ A, B = "b" }`.
    fn members(&mut self, doc: &Document, is_enum: bool) -> Result<Vec<MemberDef>> {
        self.expect(Kind::LBrace)?;
        let mut docs = self.ws();
        let mut members: Vec<MemberDef> = Vec::new();
        while *self.kind() != Kind::RBrace {
            if *self.kind() == Kind::Eof {
                return self.expected("RBRACE('}')");
            }
            let (member_docs, traits) = self.trait_statements(docs.take())?;
            let pos = self.pos();
            let (name, target) = if is_enum {
                (self.identifier()?, None)
            } else if *self.kind() == Kind::Dollar {
                if doc.version == Version::V1 {
                    return self.fail("Members can only elide targets in IDL version 2 or later");
                }
                self.bump();
                (self.identifier()?, None)
            } else {
                let name = self.identifier()?;
                self.ws();
                if *self.kind() == Kind::Walrus {
                    return self.expected("COLON(':')");
                }
                self.expect(Kind::Colon)?;
                self.ws();
                (name, Some(self.shape_id(false)?))
            };
            let mut member = MemberDef { name, pos, docs: member_docs, traits, target, value: None };
            // `= value` is on the member's line, and ends it.
            let save = self.at;
            self.spaces();
            if *self.kind() == Kind::Equal {
                if !is_enum && doc.version == Version::V1 {
                    return self.fail("@default assignment is only supported in IDL version 2 or later");
                }
                self.bump();
                self.spaces();
                let value_pos = self.pos();
                member.value = Some((self.node_value()?, value_pos));
                docs = self.br()?;
            } else {
                self.at = save;
                docs = self.ws();
            }
            if members.iter().any(|m| m.name == member.name) {
                return Err(ParseError { pos, message: format!("Found conflicting member name, `{}`", member.name) });
            }
            members.push(member);
        }
        self.bump();
        Ok(members)
    }

    /// A service's or resource's properties: a node object.
    fn properties(&mut self) -> Result<Body> {
        if *self.kind() != Kind::LBrace {
            return self.expected("LBRACE('{')");
        }
        Ok(Body::Properties(self.object_entries()?))
    }

    fn operation_body(&mut self, doc: &Document, operation: &str) -> Result<OperationBody> {
        if *self.kind() != Kind::LBrace {
            return self.expected("LBRACE('{')");
        }
        self.bump();
        self.ws();
        let mut body = OperationBody::default();
        while *self.kind() != Kind::RBrace {
            let pos = self.pos();
            let key = self.identifier()?;
            let ns = doc.namespace.as_deref().unwrap_or("");
            let duplicate = |what: &str| ParseError {
                pos,
                message: format!("Duplicate operation {what} property for `{ns}#{operation}`"),
            };
            self.ws();
            match key.as_str() {
                "input" | "output" => {
                    let io = if *self.kind() == Kind::Walrus {
                        if doc.version == Version::V1 {
                            return self.fail(
                                "Inlined operation inputs and outputs can only be used with Smithy version 2 or \
                                 later. Attempted to use inlined IO with version `1.0`.",
                            );
                        }
                        self.bump();
                        let docs = self.ws();
                        let suffix = if key == "input" { &doc.input_suffix } else { &doc.output_suffix };
                        IoRef::Inline(Box::new(self.inline_structure(doc, docs, format!("{operation}{suffix}"))?))
                    } else {
                        self.expect(Kind::Colon)?;
                        self.ws();
                        let (id, pos) = self.shape_id(false)?;
                        IoRef::Target(id, pos)
                    };
                    let slot = if key == "input" { &mut body.input } else { &mut body.output };
                    if slot.is_some() {
                        return Err(duplicate(&key));
                    }
                    *slot = Some(io);
                }
                "errors" => {
                    self.expect(Kind::Colon)?;
                    self.ws();
                    self.expect(Kind::LBracket)?;
                    self.ws();
                    let mut errors = Vec::new();
                    while *self.kind() != Kind::RBracket {
                        errors.push(self.shape_id(false)?);
                        self.ws();
                    }
                    self.bump();
                    if body.errors.is_some() {
                        return Err(duplicate("errors"));
                    }
                    body.errors = Some(errors);
                }
                _ => {
                    return Err(ParseError { pos, message: format!("Unknown property {key} for {ns}#{operation}") });
                }
            }
            if *self.kind() != Kind::RBrace {
                self.require_ws()?;
            }
        }
        self.bump();
        Ok(body)
    }

    /// `:= @traits for R with [M] { members }`, after the walrus.
    fn inline_structure(&mut self, doc: &Document, docs: Option<String>, name: String) -> Result<ShapeDef> {
        let pos = self.pos();
        let (docs, traits) = self.trait_statements(docs)?;
        let mut shape = ShapeDef::new("structure".into(), name, pos, docs, traits);
        if self.is_identifier("for") {
            self.bump();
            self.require_space()?;
            shape.for_resource = Some(self.shape_id(false)?);
            self.ws();
        }
        if self.is_identifier("with") {
            shape.mixins = self.mixin_list(doc)?;
            self.ws();
        }
        shape.body = Body::Members(self.members(doc, false)?);
        Ok(shape)
    }
}

/// A number token's value: an integer when it is one, else a float.
fn number(text: &str) -> Option<Number> {
    if !text.contains(['.', 'e', 'E']) {
        if let Ok(n) = text.parse::<i64>() {
            return Some(n.into());
        }
        if let Ok(n) = text.parse::<u64>() {
            return Some(n.into());
        }
    }
    Number::from_f64(text.parse::<f64>().ok()?)
}

/// A node as a message shows it.
pub fn describe_node(node: &Node) -> String {
    match node {
        Node::Null => "null".into(),
        Node::Bool(b) => b.to_string(),
        Node::Number(n) => n.to_string(),
        Node::String(s) => format!("{s:?}"),
        Node::ShapeId(id, _) => id.clone(),
        Node::Array(_) => "an array".into(),
        Node::Object(_) => "an object".into(),
    }
}
