//! Prints a syntax tree as an ECMA-262 pattern for the `u` flag, with
//! every class explicit: what `regress` runs for a pattern read as Java
//! that needs look-around or back-references. `u` mode counts code points
//! (as `@length` and Java do) and knows `\p{...}`.
//!
//! Java's nested classes and intersections, which ECMA-262 has only with
//! the `v` flag, are printed as look-arounds over one character:
//! `[a-z&&[^aeiou]]` as `(?:(?=[^aeiou])[a-z])`.

use std::fmt::Write;

use super::parse::{Class, ClassItem, Node, Set};

/// The `u`-mode ECMA-262 pattern for `node`.
pub fn to_ecma(node: &Node) -> String {
    let mut out = String::new();
    write_node(node, &mut out);
    out
}

fn write_node(node: &Node, out: &mut String) {
    match node {
        Node::Empty => {}
        Node::Literal(c) => escape(*c, false, out),
        Node::Any => out.push('.'),
        Node::Class(class) => out.push_str(&class_atom(class)),
        Node::Set(set) => out.push_str(&set_escape(set)),
        Node::Start => out.push('^'),
        Node::End => out.push('$'),
        // As the `regex` crate's `(?mR:^)` and `(?mR:$)`, which the linear
        // translation uses: never between `\r` and `\n`.
        Node::LineStart => out.push_str(r"(?:^|(?<=\n)|(?<=\r)(?!\n))"),
        Node::LineEnd => out.push_str(r"(?:$|(?=\r)|(?<!\r)(?=\n))"),
        Node::WordBoundary { negated } => out.push_str(if *negated { r"\B" } else { r"\b" }),
        Node::Look { behind, negated, node } => {
            out.push_str(match (behind, negated) {
                (false, false) => "(?=",
                (false, true) => "(?!",
                (true, false) => "(?<=",
                (true, true) => "(?<!",
            });
            write_node(node, out);
            out.push(')');
        }
        Node::Group { node, capturing } => {
            out.push_str(if *capturing { "(" } else { "(?:" });
            write_node(node, out);
            out.push(')');
        }
        // In a group, so that a digit after it cannot extend the number.
        Node::Backreference(n) => write!(out, r"(?:\{n})").unwrap(),
        Node::Repeat { node, min, max, greedy } => {
            // `u` mode repeats only atoms (not even a look-ahead).
            let atom = matches!(
                **node,
                Node::Literal(_)
                    | Node::Any
                    | Node::Class(_)
                    | Node::Set(_)
                    | Node::Group { .. }
                    | Node::Backreference(_)
            );
            if atom {
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
    }
}

fn set_escape(set: &Set) -> String {
    match set {
        Set::Digit { negated } => (if *negated { r"\D" } else { r"\d" }).to_string(),
        Set::Word { negated } => (if *negated { r"\W" } else { r"\w" }).to_string(),
        Set::Space { negated } => (if *negated { r"\S" } else { r"\s" }).to_string(),
        Set::Property { name, negated } => format!(r"\{}{{{name}}}", if *negated { 'P' } else { 'p' }),
    }
}

fn negate(set: &Set) -> Set {
    match set.clone() {
        Set::Digit { negated } => Set::Digit { negated: !negated },
        Set::Word { negated } => Set::Word { negated: !negated },
        Set::Space { negated } => Set::Space { negated: !negated },
        Set::Property { name, negated } => Set::Property { name, negated: !negated },
    }
}

/// A class as one atom matching one character.
fn class_atom(class: &Class) -> String {
    if let Some(flat) = flat_items(&class.items) {
        return format!("[{}{flat}]", if class.negated { "^" } else { "" });
    }
    let mut flat = String::new();
    let mut parts = Vec::new();
    for item in &class.items {
        match (flat_item(item), item) {
            (Some(text), _) => flat.push_str(&text),
            (None, ClassItem::Class(nested)) => parts.push(class_atom(nested)),
            (None, ClassItem::Intersection(classes)) => {
                let (last, rest) = classes.split_last().expect("an intersection has operands");
                let mut text = String::from("(?:");
                for class in rest {
                    write!(text, "(?={})", class_atom(class)).unwrap();
                }
                text.push_str(&class_atom(last));
                text.push(')');
                parts.push(text);
            }
            (None, _) => unreachable!("characters, ranges and sets are flat"),
        }
    }
    if !flat.is_empty() {
        parts.insert(0, format!("[{flat}]"));
    }
    let union = if parts.len() == 1 { parts.pop().unwrap() } else { format!("(?:{})", parts.join("|")) };
    if class.negated { format!("(?:(?!{union})[^])") } else { union }
}

/// The items as the inside of one bracketed class, if they can be.
fn flat_items(items: &[ClassItem]) -> Option<String> {
    items.iter().map(flat_item).collect()
}

fn flat_item(item: &ClassItem) -> Option<String> {
    Some(match item {
        ClassItem::Char(c) => {
            let mut out = String::new();
            escape(*c, true, &mut out);
            out
        }
        ClassItem::Range(a, b) => {
            let mut out = String::new();
            escape(*a, true, &mut out);
            out.push('-');
            escape(*b, true, &mut out);
            out
        }
        ClassItem::Set(set) => set_escape(set),
        ClassItem::Class(class) if !class.negated => flat_items(&class.items)?,
        ClassItem::Class(Class { items, .. }) => match items.as_slice() {
            [ClassItem::Set(set)] => set_escape(&negate(set)),
            _ => return None,
        },
        ClassItem::Intersection(_) => return None,
    })
}

/// Writes `c` so that `u` mode reads it as itself.
fn escape(c: char, in_class: bool, out: &mut String) {
    let special = if in_class {
        matches!(c, '\\' | ']' | '[' | '^' | '-')
    } else {
        matches!(c, '\\' | '^' | '$' | '.' | '*' | '+' | '?' | '(' | ')' | '[' | ']' | '{' | '}' | '|' | '/')
    };
    if special {
        out.push('\\');
        out.push(c);
    } else if !(' '..='~').contains(&c) || c == ' ' {
        write!(out, r"\u{{{:X}}}", c as u32).unwrap();
    } else {
        out.push(c);
    }
}
