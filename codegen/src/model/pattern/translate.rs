//! Translates a parsed pattern into the syntax of the `regex` crate,
//! keeping ECMA's meaning: `\d` and `\w` are ASCII, `\b` is an ASCII word
//! boundary, `\s` is ECMA's white space and line terminators, `.` stops
//! only at line terminators, and `^`/`$` mean the ends of the input. Java's
//! readings arrive resolved into the tree (case-insensitive letters as
//! classes, for instance); its multi-line `^` and `$` become `regex`'s.

use std::fmt::Write;

use super::parse::{Class, ClassItem, Node, Set};

/// ECMA-262 WhiteSpace and LineTerminator, as `regex` class contents.
const SPACE: &str = r"\t\n\x0B\x0C\r \u{A0}\u{1680}\u{2000}-\u{200A}\u{2028}\u{2029}\u{202F}\u{205F}\u{3000}\u{FEFF}";
const LINE_TERMINATORS: &str = r"\n\r\u{2028}\u{2029}";
const DIGIT: &str = "0-9";
const WORD: &str = "0-9A-Za-z_";

/// The `regex` pattern for `node`.
pub fn to_regex(node: &Node) -> String {
    let mut out = String::new();
    write_node(node, &mut out);
    out
}

fn write_node(node: &Node, out: &mut String) {
    match node {
        Node::Empty => {}
        Node::Literal(c) => escape_into(*c, out),
        Node::Any => write!(out, "[^{LINE_TERMINATORS}]").unwrap(),
        Node::Class(class) => write_class(class, false, out),
        Node::Set(set) => {
            out.push('[');
            set_in_class(set, out);
            out.push(']');
        }
        Node::Start => out.push('^'),
        Node::End => out.push('$'),
        // CRLF mode: a line ends at `\r`, `\n` or `\r\n`, never between.
        Node::LineStart => out.push_str("(?mR:^)"),
        Node::LineEnd => out.push_str("(?mR:$)"),
        Node::WordBoundary { negated: false } => out.push_str(r"(?-u:\b)"),
        Node::WordBoundary { negated: true } => out.push_str(r"(?-u:\B)"),
        Node::Group { node, .. } => {
            out.push_str("(?:");
            write_node(node, out);
            out.push(')');
        }
        Node::Repeat { node, min, max, greedy } => {
            let atomic =
                matches!(**node, Node::Literal(_) | Node::Any | Node::Class(_) | Node::Set(_) | Node::Group { .. });
            if atomic {
                write_node(node, out);
            } else {
                out.push_str("(?:");
                write_node(node, out);
                out.push(')');
            }
            match (min, max) {
                (0, None) => out.push('*'),
                (1, None) => out.push('+'),
                (0, Some(1)) => out.push('?'),
                (min, None) => write!(out, "{{{min},}}").unwrap(),
                (min, Some(max)) if min == max => write!(out, "{{{min}}}").unwrap(),
                (min, Some(max)) => write!(out, "{{{min},{max}}}").unwrap(),
            }
            if !greedy {
                out.push('?');
            }
        }
        Node::Concat(nodes) => {
            for node in nodes {
                if matches!(node, Node::Alternation(_)) {
                    out.push_str("(?:");
                    write_node(node, out);
                    out.push(')');
                } else {
                    write_node(node, out);
                }
            }
        }
        Node::Alternation(nodes) => {
            for (i, node) in nodes.iter().enumerate() {
                if i > 0 {
                    out.push('|');
                }
                write_node(node, out);
            }
        }
        Node::Look { .. } | Node::Backreference(_) => unreachable!("such patterns run on the backtracking engine"),
    }
}

/// Writes a class; a `nested` one may not start with `:` (`regex` would
/// read `[[:alnum:]]` as a POSIX class, which Java has not).
fn write_class(class: &Class, nested: bool, out: &mut String) {
    if class.items.is_empty() {
        // ECMA `[]` matches nothing and `[^]` anything; `regex` has no
        // empty class, so spell both out.
        out.push_str(if class.negated { r"[\x00-\u{10FFFF}]" } else { r"[^\x00-\u{10FFFF}]" });
        return;
    }
    out.push('[');
    if class.negated {
        out.push('^');
    }
    // `regex` negates an intersection as a whole, as Java does.
    if let [ClassItem::Intersection(classes)] = class.items.as_slice() {
        for (i, class) in classes.iter().enumerate() {
            if i > 0 {
                out.push_str("&&");
            }
            write_class(class, true, out);
        }
        out.push(']');
        return;
    }
    for (i, item) in class.items.iter().enumerate() {
        match item {
            ClassItem::Char(':') if nested && i == 0 && !class.negated => out.push_str(r"\:"),
            ClassItem::Char(c) => escape_into(*c, out),
            ClassItem::Range(a, b) => {
                escape_into(*a, out);
                out.push('-');
                escape_into(*b, out);
            }
            ClassItem::Set(set) => set_in_class(set, out),
            // `regex` reads a class in a class as a union, as Java does.
            ClassItem::Class(nested) => write_class(nested, true, out),
            ClassItem::Intersection(classes) => {
                out.push('[');
                for (i, class) in classes.iter().enumerate() {
                    if i > 0 {
                        out.push_str("&&");
                    }
                    write_class(class, true, out);
                }
                out.push(']');
            }
        }
    }
    out.push(']');
}

/// A class escape as the contents of a `regex` class (negated ones as a
/// nested class, which `regex` unions with its surroundings).
fn set_in_class(set: &Set, out: &mut String) {
    let (contents, negated) = match set {
        Set::Digit { negated } => (DIGIT.to_string(), *negated),
        Set::Word { negated } => (WORD.to_string(), *negated),
        Set::Space { negated } => (SPACE.to_string(), *negated),
        Set::Property { name, negated } => (format!(r"\p{{{name}}}"), *negated),
    };
    if negated {
        write!(out, "[^{contents}]").unwrap();
    } else {
        out.push_str(&contents);
    }
}

/// Writes `c` so that `regex` reads it as itself, in or out of a class.
fn escape_into(c: char, out: &mut String) {
    match c {
        '\\' | '.' | '+' | '*' | '?' | '(' | ')' | '|' | '[' | ']' | '{' | '}' | '^' | '$' | '#' | '&' | '-' | '~' => {
            out.push('\\');
            out.push(c);
        }
        c if c.is_control() || c.is_whitespace() => write!(out, r"\u{{{:X}}}", c as u32).unwrap(),
        c => out.push(c),
    }
}

#[cfg(test)]
mod tests {
    use super::super::parse::{Dialect, parse, parse_in};
    use super::*;

    fn translate(source: &str) -> String {
        to_regex(&parse(source).unwrap().node)
    }

    #[test]
    fn ecma_classes_become_explicit() {
        assert_eq!(translate(r"^\d+\w$"), r"^[0-9]+[0-9A-Za-z_]$");
        assert_eq!(translate(r"^[\w\-.]{3,128}$"), r"^[0-9A-Za-z_\-\.]{3,128}$");
        assert_eq!(translate(r"^[\s\S]*\S$"), format!(r"^[{SPACE}[^{SPACE}]]*[[^{SPACE}]]$"));
        assert_eq!(translate("a.b"), r"a[^\n\r\u{2028}\u{2029}]b");
        assert_eq!(translate(r"\bx\B"), r"(?-u:\b)x(?-u:\B)");
    }

    #[test]
    fn alternation_and_groups_keep_their_precedence() {
        assert_eq!(translate("^(?i)a|b$".replace("(?i)", "").as_str()), "^a|b$");
        assert_eq!(translate("^(ab|c)+$"), "^(?:ab|c)+$");
        assert_eq!(translate("^a(?:b|c){2,}$"), "^a(?:b|c){2,}$");
    }

    #[test]
    fn case_insensitive_folds_ascii_letters() {
        let node = parse_in("^(?i)all|[0-9a-c]{2}$", Dialect::Java).unwrap().node;
        assert_eq!(to_regex(&node), "^[aA][lL][lL]|[0-9a-cA-C]{2}$");
    }

    #[test]
    fn empty_classes_match_nothing_or_anything() {
        assert_eq!(translate("^[]$"), r"^[^\x00-\u{10FFFF}]$");
        assert_eq!(translate("^[^]$"), r"^[\x00-\u{10FFFF}]$");
        let any = regex::Regex::new(&translate("^[^]$")).unwrap();
        assert!(any.is_match("\n") && any.is_match("\u{10FFFF}") && !any.is_match(""));
        assert!(!regex::Regex::new(&translate("[]")).unwrap().is_match("a"));
    }

    #[test]
    fn literals_are_escaped() {
        assert_eq!(translate(r"^\$\.\{a\}-#&~ $"), r"^\$\.\{a\}\-\#\&\~\u{20}$");
        assert_eq!(translate("a{b"), r"a\{b");
    }
}
