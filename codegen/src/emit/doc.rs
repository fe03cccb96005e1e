//! Doc comments: the model's documentation plus what the type system does
//! not show (constraints, defaults, sensitivity).

use proc_macro2::TokenStream;
use quote::quote;

use crate::ir::{Bounds, Default, Member, TimestampFormat, Type, TypeRef};

/// `///` lines for Markdown `lines`.
pub fn outer(lines: &[String]) -> TokenStream {
    let lines = lines.iter().map(|l| doc_line(l));
    quote! { #( #[doc = #lines] )* }
}

/// `//!` lines for Markdown `lines`.
pub fn inner(lines: &[String]) -> TokenStream {
    let lines = lines.iter().map(|l| doc_line(l));
    quote! { #( #![doc = #lines] )* }
}

/// One doc comment line: after a space, with no tab (clippy refuses them)
/// and no carriage return (rustdoc does), whatever text the model gave.
fn doc_line(line: &str) -> String {
    if line.is_empty() {
        return String::new();
    }
    format!(" {}", line.replace('\t', "    ").replace('\r', ""))
}

/// Appends a paragraph, with a blank line before it when needed.
pub fn push_paragraph(lines: &mut Vec<String>, paragraph: String) {
    if !lines.is_empty() {
        lines.push(String::new());
    }
    lines.push(paragraph);
}

/// `text` with its control characters as the escapes a pattern reads the
/// same (`\t`, `\r`, `\n`, `\u{7}`): doc comments may hold neither tabs
/// (clippy) nor carriage returns (rustdoc), and a line break would end the
/// code span. A pattern of AWS's may hold any of them literally.
pub fn escape_controls(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '\t' => out.push_str("\\t"),
            '\r' => out.push_str("\\r"),
            '\n' => out.push_str("\\n"),
            c if c.is_control() => out.push_str(&format!("\\u{{{:x}}}", c as u32)),
            c => out.push(c),
        }
    }
    out
}

/// A Markdown code span that survives backticks inside `text`.
pub fn code(text: &str) -> String {
    crate::model::docs::code_span(text)
}

/// A member's docs: the model's text, then its constraints and default.
/// A member the model leaves undocumented gets its target's summary
/// (`target_docs`), else a line saying what it holds (an error's
/// `message`, what Smithy means by it): generated crates document every
/// public item (`missing_docs`).
pub fn member(member: &Member, target_docs: &[String], of_error: bool) -> Vec<String> {
    let mut lines = member.docs.clone();
    if lines.is_empty() {
        let fallback = if of_error && member.name.eq_ignore_ascii_case("message") {
            "What went wrong, for people to read.".to_string()
        } else {
            crate::model::docs::summary(target_docs)
                .unwrap_or_else(|| format!("The `{}` member: {}.", member.name, held(&member.ty)))
        };
        lines.push(fallback);
    }
    if member.deprecated {
        push_paragraph(&mut lines, "**Deprecated.**".to_string());
    }
    let mut facts = Vec::new();
    let stream = member.ty.ty == Type::ByteStream;
    if stream {
        facts.push(
            "A byte stream: the message's whole body, read or sent as it arrives (empty when absent), outside any \
             JSON document; the validators do not check it."
                .to_string(),
        );
    }
    facts.extend(constraint_facts(&member.ty));
    if let Some(default) = member.default.as_ref().filter(|_| !stream) {
        facts.push(format!("Defaults to {}.", code(&default_text(default))));
    }
    if member.sensitive {
        facts.push("Sensitive: `Debug` never prints it.".to_string());
    }
    if member.idempotency_token {
        facts.push(
            "An idempotency token: repeating a request with the same token must not repeat its effect.".to_string(),
        );
    }
    if !facts.is_empty() {
        push_paragraph(&mut lines, facts.join(" "));
    }
    lines
}

/// What a value of `ty` is, in a few words.
fn held(ty: &TypeRef) -> String {
    match &ty.ty {
        Type::String => "text".to_string(),
        Type::Boolean => "true or false".to_string(),
        Type::Byte | Type::Short | Type::Integer | Type::Long => "a whole number".to_string(),
        Type::Float | Type::Double => "a number".to_string(),
        Type::BigInteger => "a whole number of any size".to_string(),
        Type::BigDecimal => "a decimal number of any precision".to_string(),
        Type::Timestamp(_) => "a point in time".to_string(),
        Type::Blob => "bytes".to_string(),
        Type::Document => "a document (any JSON-like value)".to_string(),
        Type::Unit => "no value".to_string(),
        Type::Named(id) => format!("a {}", code(crate::model::shape_id::name(id))),
        Type::EventStream(_) => "an event stream".to_string(),
        Type::ByteStream => "a byte stream".to_string(),
        Type::List(_) => "a list".to_string(),
        Type::Map(..) => "a map".to_string(),
    }
}

/// Constraints as sentences for docs (`Length: exactly 36.`).
pub fn constraint_facts(ty: &TypeRef) -> Vec<String> {
    let c = &ty.constraints;
    let mut facts = Vec::new();
    if let Some(length) = &c.length {
        let what = match ty.ty {
            Type::List(_) => "Items",
            Type::Map(..) => "Entries",
            Type::Blob => "Length in bytes",
            _ => "Length",
        };
        facts.push(format!("{what}: {}.", bounds_text(length)));
    }
    if let Some(range) = &c.range {
        facts.push(format!("Range: {}.", bounds_text(range)));
    }
    if let Some(pattern) = &c.pattern {
        facts.push(format!("Pattern: {}.", code(&escape_controls(&pattern.source))));
    }
    if c.unique_items {
        facts.push("Items are unique.".to_string());
    }
    if ty.sparse {
        facts.push("Entries may be null.".to_string());
    }
    if let Some(values) = &c.values {
        let listed: Vec<String> = values.iter().map(|v| code(&v.value)).collect();
        facts.push(format!("One of {}.", listed.join(", ")));
    }
    match ty.ty {
        Type::Timestamp(TimestampFormat::DateTime) => facts.push("Written as RFC 3339 text.".to_string()),
        Type::Timestamp(TimestampFormat::HttpDate) => facts.push("Written as an HTTP date.".to_string()),
        _ => {}
    }
    // Constraints inside collections, one level down per level.
    let mut inner = |label: &str, t: &TypeRef| {
        let nested = constraint_facts(t);
        if !nested.is_empty() {
            facts.push(format!("{label}: {}", nested.join(" ")));
        }
    };
    match &ty.ty {
        Type::List(member) => inner("Each item", member),
        Type::Map(key, value) => {
            inner("Each key", key);
            inner("Each value", value);
        }
        _ => {}
    }
    facts
}

fn bounds_text(b: &Bounds) -> String {
    match (&b.min, &b.max) {
        (Some(min), Some(max)) if min == max => format!("exactly {min}"),
        (Some(min), Some(max)) => format!("{min} to {max}"),
        (Some(min), None) => format!("at least {min}"),
        (None, Some(max)) => format!("at most {max}"),
        (None, None) => "any".to_string(),
    }
}

fn default_text(default: &Default) -> String {
    match default {
        Default::Boolean(b) => b.to_string(),
        Default::Number(n) => n.to_string(),
        Default::String(s) | Default::EnumValue(s) => format!("{s:?}"),
        Default::EmptyList => "[]".to_string(),
        Default::EmptyMap => "{}".to_string(),
        Default::Document(v) => v.to_string(),
        Default::Blob(bytes) => format!("{} bytes", bytes.len()),
        Default::Timestamp(seconds, 0) => format!("{seconds} (epoch seconds)"),
        Default::Timestamp(seconds, nanos) => format!("{seconds}.{nanos:09} (epoch seconds)"),
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn control_characters_in_patterns_are_shown_as_escapes() {
        assert_eq!(super::escape_controls("^[ \t\r\na\u{7}]*$"), "^[ \\t\\r\\na\\u{7}]*$");
    }
}
