//! The syntax tree of one IDL file: statements as written, shape ids not yet
//! resolved. [`super::parser`] builds it; [`super::resolve`](mod@super::resolve) turns it into
//! the JSON AST's shapes.

use serde_json::Number;

/// Where something starts in its file.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Pos {
    /// Byte offset.
    pub offset: usize,
    pub line: usize,
    pub column: usize,
}

/// An IDL version: the `$version` control statement (1.0 when absent).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Version {
    V1,
    V2,
}

/// One parsed file.
#[derive(Clone, Debug)]
pub struct Document {
    pub version: Version,
    /// What inline operation inputs and outputs are named after:
    /// `$operationInputSuffix`, `$operationOutputSuffix`.
    pub input_suffix: String,
    pub output_suffix: String,
    pub metadata: Vec<(String, Node)>,
    pub namespace: Option<String>,
    /// `use` statements: absolute shape ids.
    pub uses: Vec<(String, Pos)>,
    pub shapes: Vec<ShapeDef>,
    pub applies: Vec<Apply>,
    /// Control statements this reader does not know (Smithy ignores them).
    pub unknown_controls: Vec<(String, Pos)>,
}

/// A node value: a trait's value, metadata, a default.
#[derive(Clone, Debug, PartialEq)]
pub enum Node {
    Null,
    Bool(bool),
    Number(Number),
    String(String),
    /// An unquoted shape id, resolved against the model when it is loaded.
    ShapeId(String, Pos),
    Array(Vec<Node>),
    /// Entries in file order.
    Object(Vec<(String, Node)>),
}

/// `@id` or `@id(value)`.
#[derive(Clone, Debug)]
pub struct TraitApp {
    /// The trait's shape id as written.
    pub id: String,
    pub pos: Pos,
    /// `None` when written without a value (`@required`, `@deprecated()`).
    pub value: Option<Node>,
}

/// A shape statement.
#[derive(Clone, Debug)]
pub struct ShapeDef {
    /// The shape type as written: `structure`, `string`, `operation`, ...
    pub kind: String,
    pub name: String,
    pub pos: Pos,
    /// From `///` comments before the traits.
    pub docs: Option<String>,
    pub traits: Vec<TraitApp>,
    /// `with [...]`
    pub mixins: Vec<(String, Pos)>,
    /// `for Resource`
    pub for_resource: Option<(String, Pos)>,
    pub body: Body,
}

impl ShapeDef {
    /// A shape with no mixins, resource or body yet.
    pub fn new(kind: String, name: String, pos: Pos, docs: Option<String>, traits: Vec<TraitApp>) -> Self {
        ShapeDef { kind, name, pos, docs, traits, mixins: Vec::new(), for_resource: None, body: Body::None }
    }
}

/// What a shape holds after its name.
#[derive(Clone, Debug)]
pub enum Body {
    /// Simple shapes.
    None,
    /// Structures, unions, lists, maps, enums and intEnums.
    Members(Vec<MemberDef>),
    /// Services and resources: their properties as a node object.
    Properties(Vec<(String, Node, Pos)>),
    Operation(OperationBody),
}

/// A member of an aggregate or enum shape.
#[derive(Clone, Debug)]
pub struct MemberDef {
    pub name: String,
    pub pos: Pos,
    pub docs: Option<String>,
    pub traits: Vec<TraitApp>,
    /// The target as written; `None` when elided (`$name`).
    pub target: Option<(String, Pos)>,
    /// `= value`: a structure member's default or an enum member's value.
    pub value: Option<(Node, Pos)>,
}

/// An operation's properties.
#[derive(Clone, Debug, Default)]
pub struct OperationBody {
    pub input: Option<IoRef>,
    pub output: Option<IoRef>,
    pub errors: Option<Vec<(String, Pos)>>,
}

/// An operation's input or output.
#[derive(Clone, Debug)]
pub enum IoRef {
    Target(String, Pos),
    /// `:= { ... }`: a structure defined in place, named after the operation.
    Inline(Box<ShapeDef>),
}

/// `apply Target @trait` or `apply Target { @a @b }`.
#[derive(Clone, Debug)]
pub struct Apply {
    pub target: String,
    pub pos: Pos,
    pub traits: Vec<TraitApp>,
}
