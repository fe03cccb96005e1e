//! Evaluating a parsed selector over a shape graph.

use std::cell::RefCell;
use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};
use std::rc::Rc;

use serde_json::Value;

use super::graph::*;
use super::syntax::*;

/// Variables in scope: name to the shapes stored.
pub(super) type Vars = BTreeMap<String, Rc<BTreeSet<usize>>>;

/// Shapes being evaluated, grouped by the variables in scope for them
/// (one group when the selector uses none).
pub(super) type Groups = Vec<(Rc<Vars>, BTreeSet<usize>)>;

/// Builds [`Groups`], merging the shapes of equal variables.
#[derive(Default)]
pub(super) struct Collect {
    pub(super) groups: Groups,
    pub(super) index: HashMap<Rc<Vars>, usize>,
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
pub(super) struct TopDown<'s> {
    pub(super) qualifier: &'s [Expr],
    pub(super) disqualifier: Option<&'s [Expr]>,
    pub(super) vars: &'s Rc<Vars>,
    pub(super) seen: HashSet<(usize, bool)>,
    pub(super) found: BTreeSet<usize>,
}

pub(super) struct Eval<'g, 'm> {
    pub(super) graph: &'g ShapeGraph<'m>,
    /// The result of each `:root` function, once evaluated.
    pub(super) roots: RefCell<Vec<Option<Rc<BTreeSet<usize>>>>>,
}

impl Eval<'_, '_> {
    pub(super) fn seq(&self, seq: &[Expr], mut groups: Groups) -> Groups {
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
pub(super) enum AttrValue<'a> {
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
