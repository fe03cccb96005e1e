//! The Smithy IDL (`.smithy` files), read without Smithy's Java tooling.
//!
//! [`lexer`] splits the text into tokens, [`parser`] builds a [`syntax`]
//! tree of one file, and [`resolve`](mod@resolve) turns that into the same JSON AST
//! shapes a `.json` spec file holds, so that everything after loading is
//! the same whichever form a shape was written in.
//!
//! Written by hand: of the Rust crates that read the IDL, `ironsmith-parser`
//! 0.1.0 failed 103 of Smithy's 317 valid loader-test and protocol-test
//! files (text blocks, optional commas, trait definitions) and accepted 45
//! of the 181 invalid ones, and `atelier_smithy` 0.2.13 panicked on a
//! loader test; neither reports line and column with the shape at fault.

pub mod lexer;
pub mod parser;
pub mod resolve;
pub mod syntax;
pub mod write;

use std::path::Path;

use crate::diagnostic::Diagnostic;
use syntax::{Body, Document, IoRef, Pos, ShapeDef};

/// Parses one `.smithy` file; a syntax error names the file, line and
/// column and quotes the line.
pub fn parse(file: &Path, source: &str) -> Result<Document, Diagnostic> {
    parser::parse(source).map_err(|e| {
        let help = help_for(&e.message);
        let d = at(file, source, e.pos, format!("syntax error: {}", e.message));
        match help {
            Some(help) => d.help(help),
            None => d,
        }
    })
}

/// Every shape id a parsed file defines, inline inputs and outputs included.
pub fn defined_ids(doc: &Document) -> Vec<String> {
    let namespace = doc.namespace.as_deref().unwrap_or("");
    let mut out = Vec::new();
    let mut add = |shape: &ShapeDef| out.push(format!("{namespace}#{}", shape.name));
    for shape in &doc.shapes {
        add(shape);
        if let Body::Operation(op) = &shape.body {
            for io in [&op.input, &op.output].into_iter().flatten() {
                if let IoRef::Inline(inline) = io {
                    add(inline);
                }
            }
        }
    }
    out
}

/// Resolves a parsed file against the shapes `known` says exist.
pub fn resolve(
    file: &Path,
    source: &str,
    doc: &Document,
    known: &dyn resolve::Known,
) -> Result<resolve::Resolved, Diagnostic> {
    resolve::resolve(doc, known).map_err(|e| {
        let mut d = at(file, source, e.pos, e.message);
        if let Some(shape) = e.shape {
            d = d.at_shape(shape);
        }
        match e.help {
            Some(help) => d.help(help),
            None => d,
        }
    })
}

/// An error at `pos` of `file`.
pub fn at(file: &Path, source: &str, pos: Pos, message: impl Into<String>) -> Diagnostic {
    Diagnostic::error(message).in_file(file).at_position(source, pos.line, pos.column)
}

/// A fix for the syntax errors that have an obvious one.
fn help_for(message: &str) -> Option<&'static str> {
    Some(if message.starts_with("Expected a line break") {
        "each statement (and a member's `= value`) ends its line: start the next one on a new line"
    } else if message.starts_with("Expected a namespace definition") {
        "after control statements and metadata, a file that defines shapes starts with `namespace example.ns`"
    } else if message.starts_with("Unknown shape type") {
        "shape statements start with a shape type (structure, string, operation, ...); \
         `use` and `namespace` come before every shape"
    } else if message.contains("version 1.0") || message.contains("version `1.0`") {
        "start the file with `$version: \"2\"` (a file without `$version` is Smithy 1.0)"
    } else if message.starts_with("Expected: '\"'") {
        "close the string with `\"`"
    } else if message.contains("Invalid escape") {
        "escape a backslash as `\\\\`; strings take JSON's escapes and `\\` before a line break"
    } else {
        return None;
    })
}

#[cfg(test)]
mod tests;
