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

mod eval;
mod graph;
mod syntax;
#[cfg(test)]
mod tests;

use std::cell::RefCell;
use std::collections::{BTreeSet, HashMap, HashSet};
use std::fmt;
use std::rc::Rc;

use crate::model::load::LoadedModel;
use eval::{Eval, Groups, Vars};
pub use graph::ShapeGraph;
use syntax::{Parser, Seq};

/// A parsed selector. Parse with [`Selector::parse`] (or `str::parse`),
/// evaluate with [`Selector::select`] or [`Selector::matches`].
#[derive(Clone, Debug)]
pub struct Selector {
    text: String,
    body: Seq,
    /// How many `:root` functions the selector holds (each evaluated once).
    roots: usize,
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
