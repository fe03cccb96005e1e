//! A parser for `@pattern` values, producing the syntax tree that
//! translation and lints work on, in either of two dialects:
//!
//! - [`Dialect::Ecma`]: ECMA-262 as `new RegExp(source)` reads it (without
//!   the `u` flag, with the web-compatibility rules of Annex B), which is
//!   what Smithy specifies;
//! - [`Dialect::Java`]: `java.util.regex`, which AWS's services run and in
//!   which AWS writes some of its patterns (inline flags, possessive
//!   quantifiers, POSIX classes, class intersections...).
//!
//! Both build the same tree, and where the dialects share syntax they build
//! the same nodes, with ECMA-262's meaning (`.`, `\s`, `\b`, `$`...). What
//! only Java has is resolved while parsing into nodes that need no flags:
//! under `(?i)` the letter `a` becomes the class `[aA]`, under `(?s)` `.`
//! becomes the class of every character, `\p{Print}` becomes `[ -~]`. Each
//! Java construct a reading depends on is described in [`Parsed::java`].

/// The regular-expression language a pattern is read in.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Dialect {
    /// ECMA-262 with Annex B, without the `u` flag.
    Ecma,
    /// Java's `java.util.regex`, with the default flags.
    Java,
}

/// A pattern's syntax tree.
#[derive(Clone, Debug, PartialEq)]
pub enum Node {
    Empty,
    Literal(char),
    /// `.`: any character but a line terminator.
    Any,
    Class(Class),
    /// A class escape outside brackets (`\d`, `\s`, ...).
    Set(Set),
    /// `^`: the start of the input.
    Start,
    /// `$`: the end of the input.
    End,
    /// `^` in Java's multi-line mode: the start of the input or of a line,
    /// that is after `\n`, or after `\r` not followed by `\n`.
    LineStart,
    /// `$` in Java's multi-line mode: the end of the input or of a line,
    /// that is before `\r`, or before `\n` not preceded by `\r`.
    LineEnd,
    /// `\b`, or `\B` when negated.
    WordBoundary {
        negated: bool,
    },
    /// `(?=`, `(?!`, `(?<=`, `(?<!`.
    Look {
        behind: bool,
        negated: bool,
        node: Box<Node>,
    },
    /// `(...)` when `capturing`, else `(?:...)`; capturing groups are
    /// numbered by their opening parenthesis, as in both dialects.
    Group {
        node: Box<Node>,
        capturing: bool,
    },
    /// `\1` or `\k<name>`, by group number.
    Backreference(u32),
    Repeat {
        node: Box<Node>,
        min: u32,
        max: Option<u32>,
        greedy: bool,
    },
    Concat(Vec<Node>),
    Alternation(Vec<Node>),
}

/// A bracketed character class.
#[derive(Clone, Debug, PartialEq)]
pub struct Class {
    pub negated: bool,
    /// The class is the union of these.
    pub items: Vec<ClassItem>,
}

impl Class {
    /// Every character (ECMA-262's `[^]`).
    pub fn any() -> Class {
        Class { negated: true, items: Vec::new() }
    }
}

#[derive(Clone, Debug, PartialEq)]
pub enum ClassItem {
    Char(char),
    Range(char, char),
    Set(Set),
    /// A class within the class (Java's `[a-c[x-z]]`, or a negated Java
    /// property such as `\P{Alpha}`).
    Class(Class),
    /// Java's intersection, `[a-z&&[^aeiou]]`: the characters in every one
    /// of these classes.
    Intersection(Vec<Class>),
}

/// Character class escapes.
#[derive(Clone, Debug, PartialEq)]
pub enum Set {
    Digit {
        negated: bool,
    },
    Word {
        negated: bool,
    },
    Space {
        negated: bool,
    },
    /// `\p{Name}` or `\P{Name}`: a Unicode property (see [`Parsed::unicode_properties`]).
    Property {
        name: String,
        negated: bool,
    },
}

/// A parsed pattern and what the parse noticed.
#[derive(Clone, Debug, PartialEq)]
pub struct Parsed {
    pub node: Node,
    /// Whether `\p{...}` occurs. ECMA-262 without the `u` flag reads `\p`
    /// as the letter `p`; Java, which AWS services run, reads a Unicode
    /// property. The generator follows Java here and says so in a warning.
    pub unicode_properties: bool,
    /// In the Java dialect, one sentence for each construct that ECMA-262
    /// lacks or reads otherwise, naming it and the reading chosen.
    pub java: Vec<String>,
}

/// Why a pattern could not be parsed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ParseError {
    pub message: String,
    /// The dialect defines what was found, but this generator does not
    /// support it (Java's `(?x)`, `\G`, Unicode blocks...).
    pub unsupported: bool,
}

/// Parses `source` as ECMA-262; the error names the offset and the problem.
pub fn parse(source: &str) -> Result<Parsed, String> {
    parse_in(source, Dialect::Ecma).map_err(|e| e.message)
}

/// Parses `source` in `dialect`.
pub fn parse_in(source: &str, dialect: Dialect) -> Result<Parsed, ParseError> {
    let mut java = Vec::new();
    let chars: Vec<char> = match dialect {
        Dialect::Ecma => source.chars().collect(),
        Dialect::Java => {
            let (chars, quoted) = remove_java_quotes(source);
            if quoted {
                java.push(
                    "uses Java's quotation `\\Q...\\E`, which ECMA-262 does not have; it is read as Java reads it: \
                     the characters between are literal"
                        .to_string(),
                );
            }
            chars
        }
    };
    let names = capture_groups(&chars);
    let mut parser = Parser {
        chars,
        at: 0,
        dialect,
        names,
        opened: Vec::new(),
        flags: Flags::default(),
        depth: 0,
        unicode_properties: false,
        java,
    };
    let node = parser.disjunction()?;
    if parser.at < parser.chars.len() {
        return Err(parser.invalid(format!("unmatched `)` at offset {}", parser.at)));
    }
    Ok(Parsed { node, unicode_properties: parser.unicode_properties, java: parser.java })
}

/// Java's flags that change what the nodes after them mean.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
struct Flags {
    /// `(?i)`: ASCII letters match either case.
    case_insensitive: bool,
    /// `(?m)`: `^` and `$` match at line breaks.
    multiline: bool,
    /// `(?s)`: `.` matches line terminators too.
    dot_all: bool,
}

struct Parser {
    chars: Vec<char>,
    at: usize,
    dialect: Dialect,
    /// ECMA-262: every capturing group's name (if any), in order, for
    /// back-references, which may look ahead.
    names: Vec<Option<String>>,
    /// Java: the capturing groups opened so far, which are all a
    /// back-reference may name.
    opened: Vec<Option<String>>,
    flags: Flags,
    /// How many groups enclose the parser's position.
    depth: usize,
    unicode_properties: bool,
    java: Vec<String>,
}

/// Java reads `\Q...\E` before anything else, as if each character between
/// were escaped; so does this, returning whether it found any.
fn remove_java_quotes(source: &str) -> (Vec<char>, bool) {
    let chars: Vec<char> = source.chars().collect();
    let mut out = Vec::with_capacity(chars.len());
    let mut quoted = false;
    let mut i = 0;
    while i < chars.len() {
        if chars[i] == '\\' && chars.get(i + 1) == Some(&'Q') {
            quoted = true;
            i += 2;
            while i < chars.len() && !(chars[i] == '\\' && chars.get(i + 1) == Some(&'E')) {
                let c = chars[i];
                if c.is_ascii_digit() {
                    // Escaped as a code, so that it cannot extend a back-reference.
                    out.extend(format!("\\x3{c}").chars());
                } else if c.is_ascii() && !c.is_ascii_alphabetic() {
                    out.extend(['\\', c]);
                } else {
                    out.push(c);
                }
                i += 1;
            }
            i += 2;
        } else {
            if chars[i] == '\\' {
                out.push('\\');
                i += 1;
            }
            if let Some(&c) = chars.get(i) {
                out.push(c);
            }
            i += 1;
        }
    }
    (out, quoted)
}

/// The capturing groups of an ECMA-262 pattern, with their names.
fn capture_groups(chars: &[char]) -> Vec<Option<String>> {
    let mut groups = Vec::new();
    let mut i = 0;
    let mut in_class = false;
    while i < chars.len() {
        match chars[i] {
            '\\' => i += 1,
            '[' => in_class = true,
            ']' => in_class = false,
            '(' if !in_class => {
                let named = chars.get(i + 1) == Some(&'?')
                    && chars.get(i + 2) == Some(&'<')
                    && !matches!(chars.get(i + 3), Some('=' | '!'));
                if named {
                    groups.push(Some(chars[i + 3..].iter().take_while(|&&c| c != '>').collect()));
                } else if chars.get(i + 1) != Some(&'?') {
                    groups.push(None);
                }
            }
            _ => {}
        }
        i += 1;
    }
    groups
}

/// An atom in a Java class: one character, which may start a range, or a
/// class escape.
enum ClassAtom {
    Char(char),
    /// The items a class escape adds, and whether it was a `\p` property.
    Items(Vec<ClassItem>, bool),
}

/// `\d \D \w \W \s \S` by letter.
fn simple_set(c: char) -> Set {
    let negated = c.is_ascii_uppercase();
    match c.to_ascii_lowercase() {
        'd' => Set::Digit { negated },
        'w' => Set::Word { negated },
        _ => Set::Space { negated },
    }
}

fn swap_case(c: char) -> char {
    if c.is_ascii_lowercase() { c.to_ascii_uppercase() } else { c.to_ascii_lowercase() }
}

impl Parser {
    fn java(&self) -> bool {
        self.dialect == Dialect::Java
    }

    fn invalid(&self, message: String) -> ParseError {
        ParseError { message, unsupported: false }
    }

    fn unsupported(&self, message: String) -> ParseError {
        ParseError { message, unsupported: true }
    }

    /// Records what a Java reading depends on (once).
    fn note(&mut self, text: String) {
        if !self.java.contains(&text) {
            self.java.push(text);
        }
    }

    fn written(&self, from: usize) -> String {
        self.chars[from..self.at].iter().collect()
    }

    fn peek(&self) -> Option<char> {
        self.chars.get(self.at).copied()
    }

    fn eat(&mut self, c: char) -> bool {
        if self.peek() == Some(c) {
            self.at += 1;
            true
        } else {
            false
        }
    }

    fn looking_at(&self, s: &str) -> bool {
        s.chars().enumerate().all(|(i, c)| self.chars.get(self.at + i) == Some(&c))
    }

    fn disjunction(&mut self) -> Result<Node, ParseError> {
        let mut alternatives = vec![self.alternative()?];
        while self.eat('|') {
            alternatives.push(self.alternative()?);
        }
        Ok(if alternatives.len() == 1 { alternatives.pop().unwrap() } else { Node::Alternation(alternatives) })
    }

    fn alternative(&mut self) -> Result<Node, ParseError> {
        let mut terms = Vec::new();
        while let Some(c) = self.peek() {
            if c == '|' || c == ')' {
                break;
            }
            if self.java() {
                if self.inline_flags()? {
                    continue;
                }
                // Java's repetitions of assertions and of nothing leave nothing.
                match self.term()? {
                    Node::Empty => {}
                    term => terms.push(term),
                }
            } else {
                terms.push(self.term()?);
            }
        }
        Ok(match terms.len() {
            0 => Node::Empty,
            1 => terms.pop().unwrap(),
            _ => Node::Concat(terms),
        })
    }

    fn term(&mut self) -> Result<Node, ParseError> {
        let start = self.at;
        let java = self.java();
        let atom = match self.peek().unwrap() {
            '^' => {
                self.at += 1;
                if !java {
                    return Ok(Node::Start);
                }
                if self.flags.multiline { Node::LineStart } else { Node::Start }
            }
            '$' => {
                self.at += 1;
                if !java {
                    return Ok(Node::End);
                }
                if self.flags.multiline { Node::LineEnd } else { Node::End }
            }
            '\\' if matches!(self.chars.get(self.at + 1), Some('b' | 'B')) => {
                let negated = self.chars[self.at + 1] == 'B';
                self.at += 2;
                if !java {
                    return Ok(Node::WordBoundary { negated });
                }
                Node::WordBoundary { negated }
            }
            '\\' if java && matches!(self.chars.get(self.at + 1), Some('A' | 'z' | 'Z' | 'G')) => self.java_anchor()?,
            '(' => self.group()?,
            '.' => {
                self.at += 1;
                if java && self.flags.dot_all { Node::Class(Class::any()) } else { Node::Any }
            }
            '[' => Node::Class(if java { self.java_class()? } else { self.class()? }),
            '\\' if java => self.java_atom_escape()?,
            '\\' => self.atom_escape()?,
            '*' | '+' | '?' => return Err(self.invalid(format!("nothing to repeat at offset {start}"))),
            // Java reads a repetition with nothing before it as repeating
            // the empty string (`a{2}{3}` is `a{2}`).
            '{' if java && self.quantifier_at(self.at).is_some() => Node::Empty,
            '{' if java => return Err(self.invalid(format!("`{{` starts no repetition at offset {start}"))),
            '{' if self.quantifier_at(self.at).is_some() => {
                return Err(self.invalid(format!("nothing to repeat at offset {start}")));
            }
            c => {
                self.at += 1;
                self.literal(c)
            }
        };
        // Annex B allows quantified look-aheads; look-behinds may not repeat.
        if !java
            && matches!(atom, Node::Look { behind: true, .. })
            && matches!(self.peek(), Some('*' | '+' | '?' | '{'))
            && self.quantifier_at(self.at).is_some()
        {
            return Err(self.invalid(format!("a look-behind cannot be repeated (offset {})", self.at)));
        }
        self.quantified(atom, start)
    }

    /// A literal character; under Java's `(?i)` an ASCII letter is the
    /// class of both its cases.
    fn literal(&self, c: char) -> Node {
        if self.flags.case_insensitive && c.is_ascii_alphabetic() {
            let (lower, upper) = (c.to_ascii_lowercase(), c.to_ascii_uppercase());
            Node::Class(Class { negated: false, items: vec![ClassItem::Char(lower), ClassItem::Char(upper)] })
        } else {
            Node::Literal(c)
        }
    }

    /// `{n}`, `{n,}` or `{n,m}` at `at`: (min, max, length).
    fn quantifier_at(&self, at: usize) -> Option<(u32, Option<u32>, usize)> {
        if self.chars.get(at) != Some(&'{') {
            return None;
        }
        let rest: String = self.chars[at + 1..].iter().take_while(|&&c| c != '}').collect();
        if at + 1 + rest.len() >= self.chars.len() {
            return None;
        }
        let number = |s: &str| {
            if !s.is_empty() && s.chars().all(|c| c.is_ascii_digit()) {
                s.parse::<u32>().ok().or(Some(u32::MAX))
            } else {
                None
            }
        };
        let (min, max) = match rest.split_once(',') {
            None => (number(&rest)?, Some(number(&rest)?)),
            Some((min, "")) => (number(min)?, None),
            Some((min, max)) => (number(min)?, Some(number(max)?)),
        };
        Some((min, max, rest.len() + 2))
    }

    /// `atom` (written from `start`) with the quantifier that follows, if any.
    fn quantified(&mut self, atom: Node, start: usize) -> Result<Node, ParseError> {
        let java = self.java();
        let atom_text = self.written(start);
        let from = self.at;
        let (min, max) = match self.peek() {
            Some('*') => (0, None),
            Some('+') => (1, None),
            Some('?') => (0, Some(1)),
            Some('{') => match self.quantifier_at(self.at) {
                Some((min, max, len)) => {
                    if max.is_some_and(|max| max < min) {
                        return Err(self.invalid(format!("numbers out of order in quantifier at offset {}", self.at)));
                    }
                    self.at += len - 1;
                    (min, max)
                }
                None if java => {
                    return Err(self.invalid(format!("`{{` starts no repetition at offset {}", self.at)));
                }
                // Annex B: a `{` that starts no quantifier is a literal.
                None => return Ok(atom),
            },
            _ => return Ok(atom),
        };
        self.at += 1;
        let greedy = !self.eat('?');
        if !java {
            if matches!(atom, Node::Start | Node::End | Node::WordBoundary { .. }) {
                return Err(self.invalid(format!("nothing to repeat at offset {}", self.at - 1)));
            }
            return Ok(Node::Repeat { node: Box::new(atom), min, max, greedy });
        }
        if greedy && self.eat('+') {
            let quantifier = self.written(from);
            let greedy_form = &quantifier[..quantifier.len() - 1];
            let same = if max == Some(min) {
                "same match set here"
            } else {
                "Java's never gives back what it took, so it may refuse some values this accepts"
            };
            self.note(format!(
                "uses Java's possessive quantifier `{quantifier}`, which ECMA-262 does not have; it is read as the \
                 greedy `{greedy_form}` ({same})"
            ));
        }
        let quantifier = self.written(from);
        match atom {
            // The empty string, repeated, is the empty string.
            Node::Empty => {
                self.note(format!(
                    "uses `{quantifier}` with nothing to repeat, which ECMA-262 refuses; Java applies it to the empty \
                     string, so it has no effect, and it is read that way"
                ));
                Ok(Node::Empty)
            }
            // So is an assertion.
            Node::Start
            | Node::End
            | Node::LineStart
            | Node::LineEnd
            | Node::WordBoundary { .. }
            | Node::Look { behind: true, .. } => {
                let reading = if min == 0 {
                    "matching the empty string (it may be repeated zero times)".to_string()
                } else {
                    format!("`{atom_text}` (an assertion repeated is the assertion)")
                };
                self.note(format!(
                    "repeats the assertion `{atom_text}` with `{quantifier}`, which ECMA-262 refuses; Java accepts it, \
                     and it is read as {reading}"
                ));
                Ok(if min == 0 { Node::Empty } else { atom })
            }
            atom => Ok(Node::Repeat { node: Box::new(atom), min, max, greedy }),
        }
    }

    /// Java's `(?flags)`, which sets flags to the end of the enclosing
    /// group; returns whether there was one.
    fn inline_flags(&mut self) -> Result<bool, ParseError> {
        if !self.looking_at("(?") {
            return Ok(false);
        }
        let letters: String =
            self.chars[self.at + 2..].iter().take_while(|&&c| c.is_ascii_alphabetic() || c == '-').collect();
        if self.chars.get(self.at + 2 + letters.len()) != Some(&')') {
            return Ok(false);
        }
        let start = self.at;
        self.set_flags(&letters, start)?;
        self.at += letters.len() + 3;
        let scope = if self.depth == 0 { "the end of the pattern" } else { "the end of the enclosing group" };
        let written = self.written(start);
        let clauses = flag_clauses(&letters);
        if !clauses.is_empty() {
            let (flag, it) = if letters.chars().filter(|c| *c != '-').count() > 1 {
                ("flags", "they are read as Java reads them")
            } else {
                ("flag", "it is read as Java reads it")
            };
            self.note(format!(
                "uses Java's inline {flag} `{written}`, which ECMA-262 does not have; {it}: {clauses}, from there to \
                 {scope}"
            ));
        }
        Ok(true)
    }

    /// Applies Java flag letters such as `ms` or `-s` (written at `start`).
    fn set_flags(&mut self, letters: &str, start: usize) -> Result<(), ParseError> {
        let mut on = true;
        for c in letters.chars() {
            match c {
                '-' if on => on = false,
                'i' => self.flags.case_insensitive = on,
                'm' => self.flags.multiline = on,
                's' => self.flags.dot_all = on,
                'x' | 'u' | 'U' | 'd' => {
                    return Err(self.unsupported(format!("Java's flag `{c}` (at offset {start})")));
                }
                _ => return Err(self.invalid(format!("unknown inline flag `{c}` at offset {start}"))),
            }
        }
        Ok(())
    }

    fn group(&mut self) -> Result<Node, ParseError> {
        let open = self.at;
        self.at += 1;
        // Flags set inside a group end with it.
        let saved = self.flags;
        self.depth += 1;
        let look = if self.looking_at("?=") {
            Some((false, false, 2))
        } else if self.looking_at("?!") {
            Some((false, true, 2))
        } else if self.looking_at("?<=") {
            Some((true, false, 3))
        } else if self.looking_at("?<!") {
            Some((true, true, 3))
        } else {
            None
        };
        let node = if let Some((behind, negated, len)) = look {
            self.at += len;
            let inner = self.disjunction()?;
            Node::Look { behind, negated, node: Box::new(inner) }
        } else if self.looking_at("?:") {
            self.at += 2;
            Node::Group { node: Box::new(self.disjunction()?), capturing: false }
        } else if self.looking_at("?<") {
            self.at += 2;
            let name: String = self.chars[self.at..].iter().take_while(|&&c| c != '>').collect();
            let valid = if self.java() {
                name.chars().next().is_some_and(|c| c.is_ascii_alphabetic())
                    && name.chars().all(|c| c.is_ascii_alphanumeric())
            } else {
                !name.is_empty() && name.chars().all(|c| c.is_alphanumeric() || c == '_' || c == '$')
            };
            if !valid || self.at + name.len() >= self.chars.len() {
                return Err(self.invalid(format!("invalid capture group name at offset {open}")));
            }
            if self.java() {
                if self.opened.contains(&Some(name.clone())) {
                    return Err(self.invalid(format!("a second group named `{name}` at offset {open}")));
                }
                self.opened.push(Some(name.clone()));
            }
            self.at += name.len() + 1;
            Node::Group { node: Box::new(self.disjunction()?), capturing: true }
        } else if self.java() && self.looking_at("?>") {
            return Err(self.unsupported(format!("Java's atomic group `(?>...)` (at offset {open})")));
        } else if self.java() && self.peek() == Some('?') {
            // `(?flags:...)`: flags for the group's contents only.
            let letters: String =
                self.chars[self.at + 1..].iter().take_while(|&&c| c.is_ascii_alphabetic() || c == '-').collect();
            if self.chars.get(self.at + 1 + letters.len()) != Some(&':') {
                return Err(self.invalid(format!("invalid group at offset {open}")));
            }
            self.set_flags(&letters, open)?;
            self.at += letters.len() + 2;
            let clauses = flag_clauses(&letters);
            if !clauses.is_empty() {
                self.note(format!(
                    "uses the flag group `(?{letters}:...)`; it is read as Java reads it: {clauses}, inside the group"
                ));
            }
            Node::Group { node: Box::new(self.disjunction()?), capturing: false }
        } else if self.peek() == Some('?') {
            return Err(self.invalid(format!("invalid group at offset {open}")));
        } else {
            if self.java() {
                self.opened.push(None);
            }
            Node::Group { node: Box::new(self.disjunction()?), capturing: true }
        };
        if !self.eat(')') {
            return Err(self.invalid(format!("unterminated group at offset {open}")));
        }
        self.depth -= 1;
        self.flags = saved;
        Ok(node)
    }

    fn atom_escape(&mut self) -> Result<Node, ParseError> {
        let start = self.at;
        self.at += 1;
        let Some(c) = self.peek() else {
            return Err(self.invalid(format!("`\\` at the end of the pattern (offset {start})")));
        };
        if let Some(set) = self.set_escape(c)? {
            return Ok(Node::Set(set));
        }
        if c.is_ascii_digit() && c != '0' {
            let digits: String = self.chars[self.at..].iter().take_while(|c| c.is_ascii_digit()).collect();
            if let Some(n) = digits.parse::<u32>().ok().filter(|&n| n as usize <= self.names.len()) {
                self.at += digits.len();
                return Ok(Node::Backreference(n));
            }
            // Annex B: otherwise a legacy octal escape or an identity escape.
        }
        if c == 'k' && self.chars.get(self.at + 1) == Some(&'<') && self.has_named_groups() {
            let name: String = self.chars[self.at + 2..].iter().take_while(|&&c| c != '>').collect();
            let Some(index) = self.names.iter().position(|n| n.as_deref() == Some(name.as_str())) else {
                return Err(self.invalid(format!("no group is named `{name}` (offset {start})")));
            };
            self.at += name.len() + 3;
            return Ok(Node::Backreference(index as u32 + 1));
        }
        Ok(Node::Literal(self.character_escape(false)?))
    }

    fn has_named_groups(&self) -> bool {
        self.names.iter().any(Option::is_some)
    }

    /// `\d \D \w \W \s \S \p{..} \P{..}` (the `\` already consumed).
    fn set_escape(&mut self, c: char) -> Result<Option<Set>, ParseError> {
        let negated = c.is_ascii_uppercase();
        let set = match c {
            'd' | 'D' => Set::Digit { negated },
            'w' | 'W' => Set::Word { negated },
            's' | 'S' => Set::Space { negated },
            'p' | 'P' if self.chars.get(self.at + 1) == Some(&'{') => {
                let name: String = self.chars[self.at + 2..].iter().take_while(|&&c| c != '}').collect();
                if self.at + 2 + name.len() >= self.chars.len() || name.is_empty() {
                    return Ok(None);
                }
                self.at += name.len() + 2;
                self.unicode_properties = true;
                Set::Property { name, negated }
            }
            _ => return Ok(None),
        };
        self.at += 1;
        Ok(Some(set))
    }

    /// A character escape after `\` (the `\` already consumed).
    fn character_escape(&mut self, in_class: bool) -> Result<char, ParseError> {
        let c = self.chars[self.at];
        self.at += 1;
        let hex = |parser: &mut Parser, len: usize| -> Option<char> {
            let digits: String = parser.chars.get(parser.at..parser.at + len)?.iter().collect();
            let value = u32::from_str_radix(&digits, 16).ok()?;
            parser.at += len;
            char::from_u32(value)
        };
        Ok(match c {
            'f' => '\u{c}',
            'n' => '\n',
            'r' => '\r',
            't' => '\t',
            'v' => '\u{b}',
            'b' if in_class => '\u{8}',
            '0' if !self.peek().is_some_and(|c| c.is_ascii_digit()) => '\0',
            'c' => match self.peek() {
                Some(letter) if letter.is_ascii_alphabetic() => {
                    self.at += 1;
                    char::from_u32(letter as u32 % 32).unwrap()
                }
                // Annex B: `\c` without a letter is a literal backslash.
                _ => {
                    self.at -= 1;
                    '\\'
                }
            },
            'x' => hex(self, 2).unwrap_or('x'),
            'u' => hex(self, 4).unwrap_or('u'),
            d if d.is_digit(8) => {
                // Annex B legacy octal: up to three digits, at most 0o377.
                let mut value = d.to_digit(8).unwrap();
                for _ in 0..2 {
                    match self.peek().and_then(|c| c.to_digit(8)) {
                        Some(next) if value * 8 + next <= 0o377 => {
                            value = value * 8 + next;
                            self.at += 1;
                        }
                        _ => break,
                    }
                }
                char::from_u32(value).unwrap()
            }
            other => other,
        })
    }

    fn class(&mut self) -> Result<Class, ParseError> {
        let open = self.at;
        self.at += 1;
        let negated = self.eat('^');
        let mut items = Vec::new();
        loop {
            let Some(c) = self.peek() else {
                return Err(self.invalid(format!("unterminated character class at offset {open}")));
            };
            if c == ']' {
                self.at += 1;
                break;
            }
            let first = self.class_atom()?;
            // A range `a-b`, unless `-` is last or an end is a class escape.
            if self.peek() == Some('-') && self.chars.get(self.at + 1).is_some_and(|&c| c != ']') {
                let save = self.at;
                self.at += 1;
                let second = self.class_atom()?;
                match (&first, &second) {
                    (ClassItem::Char(a), ClassItem::Char(b)) => {
                        if a > b {
                            return Err(self.invalid(format!("range out of order in character class at offset {save}")));
                        }
                        items.push(ClassItem::Range(*a, *b));
                    }
                    // Annex B: with a class escape, `-` is a literal.
                    _ => {
                        items.push(first);
                        items.push(ClassItem::Char('-'));
                        items.push(second);
                    }
                }
                continue;
            }
            items.push(first);
        }
        Ok(Class { negated, items })
    }

    fn class_atom(&mut self) -> Result<ClassItem, ParseError> {
        let c = self.peek().unwrap();
        if c != '\\' {
            self.at += 1;
            return Ok(ClassItem::Char(c));
        }
        self.at += 1;
        let Some(next) = self.peek() else {
            return Err(self.invalid("`\\` at the end of the pattern".to_string()));
        };
        if let Some(set) = self.set_escape(next)? {
            return Ok(ClassItem::Set(set));
        }
        Ok(ClassItem::Char(self.character_escape(true)?))
    }

    // Java's syntax, where it differs.

    /// `\A`, `\z`, `\Z` or `\G`.
    fn java_anchor(&mut self) -> Result<Node, ParseError> {
        let start = self.at;
        let c = self.chars[self.at + 1];
        self.at += 2;
        let (node, reading) = match c {
            'A' => (Node::Start, "the start of the input, as `^`"),
            'z' => (Node::End, "the end of the input, as `$`"),
            'Z' => {
                // The end of the input, or before a line terminator there.
                let terminator = Node::Alternation(vec![
                    Node::Concat(vec![Node::Literal('\r'), Node::Literal('\n')]),
                    Node::Class(java_class_of(&[
                        ('\n', '\n'),
                        ('\r', '\r'),
                        ('\u{85}', '\u{85}'),
                        ('\u{2028}', '\u{2029}'),
                    ])),
                ]);
                let optional = Node::Repeat {
                    node: Box::new(Node::Group { node: Box::new(terminator), capturing: false }),
                    min: 0,
                    max: Some(1),
                    greedy: true,
                };
                (
                    Node::Look {
                        behind: false,
                        negated: false,
                        node: Box::new(Node::Concat(vec![optional, Node::End])),
                    },
                    "the end of the input, or before a line terminator that ends it",
                )
            }
            _ => {
                return Err(self.unsupported(format!("Java's `\\G` (at offset {start})")));
            }
        };
        self.note(format!(
            "uses Java's `\\{c}`, which ECMA-262 reads as the letter `{c}`; it is read as Java reads it: {reading}"
        ));
        Ok(node)
    }

    /// An escape outside brackets other than an anchor.
    fn java_atom_escape(&mut self) -> Result<Node, ParseError> {
        let start = self.at;
        self.at += 1;
        let Some(c) = self.peek() else {
            return Err(self.invalid(format!("`\\` at the end of the pattern (offset {start})")));
        };
        match c {
            'd' | 'D' | 'w' | 'W' | 's' | 'S' => {
                self.at += 1;
                Ok(Node::Set(simple_set(c)))
            }
            'h' | 'H' | 'v' | 'V' => {
                self.at += 1;
                let class = self.java_space(c, start);
                Ok(Node::Class(class))
            }
            'p' | 'P' => {
                let (items, negated) = self.java_property(start)?;
                Ok(match items.as_slice() {
                    [ClassItem::Set(Set::Property { name, negated: false })] => {
                        Node::Set(Set::Property { name: name.clone(), negated })
                    }
                    _ => Node::Class(Class { negated, items }),
                })
            }
            'k' => {
                let name: String = self.chars[self.at + 1..].iter().take_while(|&&c| c != '>').collect();
                if self.chars.get(self.at + 1) != Some(&'<') || self.at + 1 + name.len() >= self.chars.len() {
                    return Err(self.invalid(format!("`\\k` without a group name at offset {start}")));
                }
                let name = &name[1..];
                let Some(index) = self.opened.iter().position(|n| n.as_deref() == Some(name)) else {
                    return Err(self.invalid(format!("no group named `{name}` before offset {start}")));
                };
                self.at += name.len() + 3;
                self.backreference(index as u32 + 1, start)
            }
            '1'..='9' => {
                // Java takes further digits while they name a group opened so far.
                let mut number = c.to_digit(10).unwrap();
                self.at += 1;
                while let Some(digit) = self.peek().and_then(|c| c.to_digit(10)) {
                    let longer = number * 10 + digit;
                    if longer as usize > self.opened.len() {
                        break;
                    }
                    number = longer;
                    self.at += 1;
                }
                if number as usize > self.opened.len() {
                    return Err(self.invalid(format!("`\\{number}` names no group opened before it (offset {start})")));
                }
                self.backreference(number, start)
            }
            'G' | 'X' | 'R' | 'N' => Err(self.unsupported(format!("Java's `\\{c}` (at offset {start})"))),
            _ => {
                let c = self.java_character_escape(start)?;
                Ok(self.literal(c))
            }
        }
    }

    fn backreference(&self, number: u32, start: usize) -> Result<Node, ParseError> {
        if self.flags.case_insensitive {
            return Err(self.unsupported(format!("a back-reference under Java's `(?i)` (at offset {start})")));
        }
        Ok(Node::Backreference(number))
    }

    /// Java's character escapes, after `\` (at `start`).
    fn java_character_escape(&mut self, start: usize) -> Result<char, ParseError> {
        let c = self.chars[self.at];
        self.at += 1;
        let hex = |parser: &Parser, from: usize, to: usize| -> Option<char> {
            let digits: String = parser.chars.get(from..to)?.iter().collect();
            if digits.is_empty() || !digits.chars().all(|c| c.is_ascii_hexdigit()) {
                return None;
            }
            char::from_u32(u32::from_str_radix(&digits, 16).ok()?)
        };
        let bad = |parser: &Parser| parser.invalid(format!("Java refuses the escape at offset {start}"));
        Ok(match c {
            't' => '\t',
            'n' => '\n',
            'r' => '\r',
            'f' => '\u{c}',
            'a' | 'e' => {
                let (value, name) = if c == 'a' { ('\u{7}', "U+0007 (bell)") } else { ('\u{1b}', "U+001B (escape)") };
                self.note(format!(
                    "uses Java's `\\{c}`, which ECMA-262 reads as the letter `{c}`; it is read as Java reads it: {name}"
                ));
                value
            }
            '0' => {
                // `\0n`, `\0nn` or `\0mnn` with m at most 3.
                let mut value = 0;
                let mut digits = 0;
                while let Some(d) = self.peek().and_then(|c| c.to_digit(8)) {
                    if digits == 3 || (digits == 2 && value > 0o37) {
                        break;
                    }
                    value = value * 8 + d;
                    digits += 1;
                    self.at += 1;
                }
                if digits == 0 {
                    return Err(bad(self));
                }
                char::from_u32(value).unwrap()
            }
            'c' => {
                let Some(letter) = self.peek() else { return Err(bad(self)) };
                self.at += 1;
                char::from_u32(letter as u32 ^ 64).ok_or_else(|| bad(self))?
            }
            'x' if self.peek() == Some('{') => {
                let digits = self.chars[self.at + 1..].iter().take_while(|&&c| c != '}').count();
                let value = hex(self, self.at + 1, self.at + 1 + digits).ok_or_else(|| bad(self))?;
                if self.at + 1 + digits >= self.chars.len() {
                    return Err(bad(self));
                }
                self.at += digits + 2;
                let written = self.written(start);
                self.note(format!(
                    "uses Java's `{written}`, which ECMA-262 reads as `{}`; it is read as Java reads it: U+{:04X}",
                    &written[1..],
                    value as u32
                ));
                value
            }
            'x' => {
                let value = hex(self, self.at, self.at + 2).ok_or_else(|| bad(self))?;
                self.at += 2;
                value
            }
            'u' => {
                let digits: String = self.chars.get(self.at..self.at + 4).unwrap_or_default().iter().collect();
                if digits.len() != 4 || !digits.chars().all(|c| c.is_ascii_hexdigit()) {
                    return Err(bad(self));
                }
                self.at += 4;
                let high = u32::from_str_radix(&digits, 16).unwrap();
                // A surrogate pair written as two escapes is one character.
                if (0xD800..0xDC00).contains(&high) && self.looking_at("\\u") {
                    let low: String = self.chars.get(self.at + 2..self.at + 6).unwrap_or_default().iter().collect();
                    match u32::from_str_radix(&low, 16) {
                        Ok(low) if (0xDC00..0xE000).contains(&low) => {
                            self.at += 6;
                            let c = char::from_u32(0x10000 + ((high - 0xD800) << 10) + (low - 0xDC00)).unwrap();
                            let written = self.written(start);
                            self.note(format!(
                                "writes U+{:X} as the surrogate pair `{written}`, which ECMA-262 without the `u` flag \
                                 reads as two characters; it is read as Java reads it: one character",
                                c as u32
                            ));
                            return Ok(c);
                        }
                        _ => {}
                    }
                }
                char::from_u32(high).ok_or_else(|| bad(self))?
            }
            // Java refuses escapes of letters and digits it does not define.
            c if c.is_ascii_alphanumeric() => return Err(bad(self)),
            c => c,
        })
    }

    /// Java's `\h`, `\v` and their complements (the letter consumed).
    fn java_space(&mut self, c: char, start: usize) -> Class {
        let (ranges, reading): (&[(char, char)], &str) = match c.to_ascii_lowercase() {
            'h' => (
                &[
                    ('\t', '\t'),
                    (' ', ' '),
                    ('\u{a0}', '\u{a0}'),
                    ('\u{1680}', '\u{1680}'),
                    ('\u{180e}', '\u{180e}'),
                    ('\u{2000}', '\u{200a}'),
                    ('\u{202f}', '\u{202f}'),
                    ('\u{205f}', '\u{205f}'),
                    ('\u{3000}', '\u{3000}'),
                ],
                "horizontal white space",
            ),
            _ => (
                &[('\n', '\r'), ('\u{85}', '\u{85}'), ('\u{2028}', '\u{2029}')],
                "vertical white space (`\\n`, U+000B, U+000C, `\\r`, U+0085, U+2028, U+2029)",
            ),
        };
        let ecma = if c == 'v' { "U+000B".to_string() } else { format!("the letter `{c}`") };
        let written = self.written(start);
        let complement = if c.is_ascii_uppercase() { "anything but " } else { "" };
        self.note(format!(
            "uses Java's `{written}`, which ECMA-262 reads as {ecma}; it is read as Java reads it: {complement}{reading}"
        ));
        let mut class = java_class_of(ranges);
        class.negated = c.is_ascii_uppercase();
        class
    }

    /// `\p{Name}`, `\pL`, `\P{Name}` (at `start`): the items of the class
    /// and whether it is negated.
    fn java_property(&mut self, start: usize) -> Result<(Vec<ClassItem>, bool), ParseError> {
        let negated = self.chars[self.at] == 'P';
        self.at += 1;
        let braced = self.eat('{');
        let name: String = if braced {
            let name: String = self.chars[self.at..].iter().take_while(|&&c| c != '}').collect();
            if name.is_empty() || self.at + name.len() >= self.chars.len() {
                return Err(self.invalid(format!("unterminated or empty `\\p{{...}}` at offset {start}")));
            }
            self.at += name.len() + 1;
            name
        } else {
            match self.peek() {
                Some(c) => {
                    self.at += 1;
                    c.to_string()
                }
                None => return Err(self.invalid(format!("`\\p` without a name at offset {start}"))),
            }
        };
        let written = self.written(start);
        let property = java_property_named(&name).map_err(|(message, unsupported)| ParseError {
            message: format!("`{written}` (at offset {start}), {message}"),
            unsupported,
        })?;
        if property.unicode {
            self.unicode_properties = true;
        }
        match (property.reading, braced) {
            (Some(reading), _) => self.note(format!(
                "uses Java's `{written}`, which ECMA-262 does not have; it is read as Java reads it: {reading}"
            )),
            (None, false) => self.note(format!(
                "uses Java's `{written}`, which ECMA-262 reads as `{}`; it is read as Java reads it: the Unicode \
                 property {name}",
                &written[1..]
            )),
            (None, true) => {}
        }
        let mut items = Vec::new();
        for part in property.parts {
            match part {
                Part::Property(name) => items.push(ClassItem::Set(Set::Property { name, negated: false })),
                Part::Range(a, b) if a == b => self.push_char(&mut items, a),
                Part::Range(a, b) => self.push_range(&mut items, a, b),
            }
        }
        Ok((items, negated))
    }

    fn push_char(&self, items: &mut Vec<ClassItem>, c: char) {
        items.push(ClassItem::Char(c));
        if self.flags.case_insensitive && c.is_ascii_alphabetic() {
            items.push(ClassItem::Char(swap_case(c)));
        }
    }

    fn push_range(&self, items: &mut Vec<ClassItem>, a: char, b: char) {
        items.push(ClassItem::Range(a, b));
        if self.flags.case_insensitive {
            for (lo, hi) in [('a', 'z'), ('A', 'Z')] {
                let (from, to) = (a.max(lo), b.min(hi));
                if from <= to {
                    items.push(ClassItem::Range(swap_case(from), swap_case(to)));
                }
            }
        }
    }

    /// A bracketed class as Java reads it: nested classes join the union,
    /// `&&` intersects, and `]` first is a literal.
    fn java_class(&mut self) -> Result<Class, ParseError> {
        let open = self.at;
        self.at += 1;
        let negated = self.eat('^');
        let mut operands = Vec::new();
        let mut items = Vec::new();
        let mut first = true;
        let mut after_and = false;
        loop {
            let Some(c) = self.peek() else {
                return Err(self.invalid(format!("unterminated character class at offset {open}")));
            };
            match c {
                ']' if !first => {
                    self.at += 1;
                    break;
                }
                '[' => {
                    let nested_start = self.at;
                    let nested = self.java_class()?;
                    let written = self.written(nested_start);
                    if written.len() > 4 && written.starts_with("[:") && written.ends_with(":]") {
                        self.note(format!(
                            "writes `{written}`, which is no POSIX class in Java (nor in ECMA-262); it is read as Java \
                             reads it: a class of the characters between the brackets"
                        ));
                    } else if !after_and {
                        self.note(
                            "nests a class in a class, which ECMA-262 reads as a literal `[` and an early end; it is \
                             read as Java reads it: the union of the two"
                                .to_string(),
                        );
                    }
                    items.push(ClassItem::Class(nested));
                }
                '&' if self.chars.get(self.at + 1) == Some(&'&') => {
                    self.at += 2;
                    self.note(
                        "uses Java's class intersection `&&`, which ECMA-262 reads as two `&`; it is read as Java \
                         reads it: the characters in both operands"
                            .to_string(),
                    );
                    operands.push(std::mem::take(&mut items));
                    after_and = true;
                    first = false;
                    continue;
                }
                _ => self.java_class_range(&mut items)?,
            }
            first = false;
            after_and = false;
        }
        operands.push(items);
        operands.retain(|items| !items.is_empty());
        let items = match operands.len() {
            0 => return Err(self.invalid(format!("empty character class at offset {open}"))),
            1 => operands.pop().unwrap(),
            _ => vec![ClassItem::Intersection(
                operands
                    .into_iter()
                    .map(|mut items| match items.as_slice() {
                        [ClassItem::Class(_)] => match items.pop() {
                            Some(ClassItem::Class(class)) => class,
                            _ => unreachable!(),
                        },
                        _ => Class { negated: false, items },
                    })
                    .collect(),
            )],
        };
        Ok(Class { negated, items })
    }

    /// A character, a range or a class escape in a Java class.
    fn java_class_range(&mut self, items: &mut Vec<ClassItem>) -> Result<(), ParseError> {
        let start = self.at;
        match self.java_class_atom()? {
            ClassAtom::Items(set, property) => {
                // Java reads the `-` after a class escape as a literal, like
                // Annex B; without `u`, ECMA-262 reads `\p{Z}-_` as `}-_`.
                if property && self.peek() == Some('-') && self.chars.get(self.at + 1).is_some_and(|&c| c != ']') {
                    let written = self.written(start);
                    self.note(format!(
                        "has `-` right after `{written}` in a class; Java reads it as a literal `-` (ECMA-262 without \
                         the `u` flag reads `}}-` as the start of a range), and so is it read"
                    ));
                }
                items.extend(set);
            }
            ClassAtom::Char(a) => {
                let ends_range = matches!(self.chars.get(self.at + 1), Some(&c) if c != ']' && c != '[');
                if self.peek() == Some('-') && ends_range {
                    let dash = self.at;
                    self.at += 1;
                    match self.java_class_atom()? {
                        ClassAtom::Char(b) if a <= b => self.push_range(items, a, b),
                        ClassAtom::Char(_) => {
                            return Err(self.invalid(format!("range out of order in character class at offset {dash}")));
                        }
                        ClassAtom::Items(..) => {
                            return Err(self.invalid(format!("a range ends in a class escape at offset {dash}")));
                        }
                    }
                } else {
                    self.push_char(items, a);
                }
            }
        }
        Ok(())
    }

    fn java_class_atom(&mut self) -> Result<ClassAtom, ParseError> {
        let start = self.at;
        let c = self.peek().unwrap();
        if c != '\\' {
            self.at += 1;
            return Ok(ClassAtom::Char(c));
        }
        self.at += 1;
        let Some(next) = self.peek() else {
            return Err(self.invalid("`\\` at the end of the pattern".to_string()));
        };
        Ok(match next {
            'd' | 'D' | 'w' | 'W' | 's' | 'S' => {
                self.at += 1;
                ClassAtom::Items(vec![ClassItem::Set(simple_set(next))], false)
            }
            'h' | 'H' | 'v' | 'V' => {
                self.at += 1;
                let class = self.java_space(next, start);
                ClassAtom::Items(if class.negated { vec![ClassItem::Class(class)] } else { class.items }, false)
            }
            'p' | 'P' => {
                let (items, negated) = self.java_property(start)?;
                let items = match items.as_slice() {
                    [ClassItem::Set(Set::Property { name, negated: false })] => {
                        vec![ClassItem::Set(Set::Property { name: name.clone(), negated })]
                    }
                    _ if negated => vec![ClassItem::Class(Class { negated, items })],
                    _ => items,
                };
                ClassAtom::Items(items, true)
            }
            _ => ClassAtom::Char(self.java_character_escape(start)?),
        })
    }
}

/// What `(?flags)` means, for the warning: one clause per flag.
fn flag_clauses(letters: &str) -> String {
    let mut on = true;
    let mut clauses = Vec::new();
    for c in letters.chars() {
        let clause = match (c, on) {
            ('-', _) => {
                on = false;
                continue;
            }
            ('i', true) => "ASCII letters match either case",
            ('i', false) => "letters match only as written",
            ('s', true) => "`.` also matches line terminators",
            ('s', false) => "`.` does not match line terminators",
            ('m', true) => {
                "`^` and `$` also match where a line starts and ends, after and before `\\n`, `\\r` or `\\r\\n` \
                 (Java also breaks lines at U+0085, U+2028 and U+2029, and has no `^` after a final line break)"
            }
            ('m', false) => "`^` and `$` match only at the ends of the input",
            _ => continue,
        };
        clauses.push(clause);
    }
    clauses.join("; ")
}

fn java_class_of(ranges: &[(char, char)]) -> Class {
    let items = ranges.iter().map(|&(a, b)| if a == b { ClassItem::Char(a) } else { ClassItem::Range(a, b) }).collect();
    Class { negated: false, items }
}

/// A part of a Java property: a Unicode property both `regex` and
/// ECMA-262's `u` mode know by this name, or a range of characters.
enum Part {
    Property(String),
    Range(char, char),
}

struct JavaProperty {
    parts: Vec<Part>,
    /// How it is read, when ECMA-262 has no property of this name.
    reading: Option<String>,
    /// Whether it is a Unicode property (rather than ASCII ranges).
    unicode: bool,
}

/// The general categories Java knows by their short names, which `regex`
/// and ECMA-262 know by the same names.
const GENERAL_CATEGORIES: &[&str] = &[
    "Cn", "Lu", "Ll", "Lt", "Lm", "Lo", "Mn", "Me", "Mc", "Nd", "Nl", "No", "Zs", "Zl", "Zp", "Cc", "Cf", "Co", "Cs",
    "Pd", "Ps", "Pe", "Pc", "Po", "Sm", "Sc", "Sk", "So", "Pi", "Pf", "L", "M", "N", "Z", "C", "P", "S", "LC",
];

/// Inclusive ranges of characters.
type Ranges = &'static [(char, char)];

/// Java's POSIX classes: US-ASCII only (Java's default, without
/// `UNICODE_CHARACTER_CLASS`).
const POSIX: &[(&str, Ranges, &str)] = &[
    ("Lower", &[('a', 'z')], "lower-case ASCII letters, `[a-z]`"),
    ("Upper", &[('A', 'Z')], "upper-case ASCII letters, `[A-Z]`"),
    ("Alpha", &[('a', 'z'), ('A', 'Z')], "ASCII letters, `[a-zA-Z]`"),
    ("Digit", &[('0', '9')], "ASCII digits, `[0-9]`"),
    ("Alnum", &[('a', 'z'), ('A', 'Z'), ('0', '9')], "ASCII letters and digits, `[a-zA-Z0-9]`"),
    (
        "Punct",
        &[('!', '/'), (':', '@'), ('[', '`'), ('{', '~')],
        "ASCII punctuation, U+0021 to U+002F, U+003A to U+0040, U+005B to U+0060 and U+007B to U+007E",
    ),
    ("Graph", &[('!', '~')], "visible ASCII characters, U+0021 to U+007E"),
    ("Print", &[(' ', '~')], "printable ASCII characters, U+0020 to U+007E"),
    ("Blank", &[(' ', ' '), ('\t', '\t')], "a space or a tab"),
    ("Cntrl", &[('\0', '\u{1f}'), ('\u{7f}', '\u{7f}')], "ASCII control characters, U+0000 to U+001F and U+007F"),
    ("XDigit", &[('0', '9'), ('a', 'f'), ('A', 'F')], "hexadecimal digits, `[0-9a-fA-F]`"),
    ("Space", &[(' ', ' '), ('\t', '\r')], "ASCII white space, `[ \\t\\n\\x0B\\f\\r]`"),
];

/// Resolves a Java property name; the error says why and whether Java would
/// have accepted it.
fn java_property_named(name: &str) -> Result<JavaProperty, (String, bool)> {
    if let Some((key, value)) = name.split_once('=') {
        return match key.to_ascii_lowercase().as_str() {
            "sc" | "script" => {
                java_script(value).ok_or_else(|| ("which names no script Java knows".to_string(), false))
            }
            "gc" | "general_category" => java_plain_property(value),
            "blk" | "block" => Err(("a Unicode block".to_string(), true)),
            _ => Err(("which names no property Java knows".to_string(), false)),
        };
    }
    if name.starts_with("In") {
        return Err(("a Unicode block".to_string(), true));
    }
    if let Some(rest) = name.strip_prefix("Is") {
        let unicode = |ecma: &str, what: &str| JavaProperty {
            parts: vec![Part::Property(ecma.to_string())],
            reading: Some(format!("{what} {ecma}")),
            unicode: true,
        };
        // Java's binary properties, by upper-case name.
        return match rest.to_ascii_uppercase().as_str() {
            "ALPHABETIC" => Ok(unicode("Alphabetic", "the Unicode property")),
            "IDEOGRAPHIC" => Ok(unicode("Ideographic", "the Unicode property")),
            "LOWERCASE" => Ok(unicode("Lowercase", "the Unicode property")),
            "UPPERCASE" => Ok(unicode("Uppercase", "the Unicode property")),
            "WHITE_SPACE" | "WHITESPACE" => Ok(unicode("White_Space", "the Unicode property")),
            "JOIN_CONTROL" | "JOINCONTROL" => Ok(unicode("Join_Control", "the Unicode property")),
            "NONCHARACTER_CODE_POINT" | "NONCHARACTERCODEPOINT" => {
                Ok(unicode("Noncharacter_Code_Point", "the Unicode property"))
            }
            "LETTER" => Ok(unicode("L", "the Unicode general category")),
            "TITLECASE" => Ok(unicode("Lt", "the Unicode general category")),
            "CONTROL" => Ok(unicode("Cc", "the Unicode general category")),
            "PUNCTUATION" => Ok(unicode("P", "the Unicode general category")),
            "DIGIT" => Ok(unicode("Nd", "the Unicode general category")),
            "HEX_DIGIT" | "HEXDIGIT" | "ASSIGNED" | "ALNUM" | "BLANK" | "GRAPH" | "PRINT" | "WORD" => {
                Err(("a property as Java defines it for itself".to_string(), true))
            }
            _ => match java_plain_property(rest) {
                Ok(mut property) => {
                    if property.reading.is_none() {
                        property.reading = Some(format!("the Unicode general category {rest}"));
                    }
                    Ok(property)
                }
                Err(_) => java_script(rest).ok_or_else(|| ("which names no property Java knows".to_string(), false)),
            },
        };
    }
    java_plain_property(name)
}

/// A property name without `Is` or `In`: a general category, one of Java's
/// own (`LD`, `L1`, `all`) or a POSIX class.
fn java_plain_property(name: &str) -> Result<JavaProperty, (String, bool)> {
    let ranges = |ranges: &[(char, char)], reading: &str| JavaProperty {
        parts: ranges.iter().map(|&(a, b)| Part::Range(a, b)).collect(),
        reading: Some(reading.to_string()),
        unicode: false,
    };
    if GENERAL_CATEGORIES.contains(&name) || name == "ASCII" {
        return Ok(JavaProperty { parts: vec![Part::Property(name.to_string())], reading: None, unicode: true });
    }
    if let Some((_, class, reading)) = POSIX.iter().find(|(n, ..)| *n == name) {
        return Ok(ranges(class, reading));
    }
    match name {
        "LD" => Ok(JavaProperty {
            parts: vec![Part::Property("L".to_string()), Part::Property("Nd".to_string())],
            reading: Some("letters and decimal digits, `\\p{L}` or `\\p{Nd}`".to_string()),
            unicode: true,
        }),
        "L1" => Ok(ranges(&[('\0', '\u{ff}')], "Latin-1, U+0000 to U+00FF")),
        "all" => Ok(ranges(&[('\0', char::MAX)], "any character")),
        _ if name.starts_with("java") => Err(("a property from java.lang.Character".to_string(), true)),
        _ => Err(("which names no property Java knows".to_string(), false)),
    }
}

/// A script, by any of the names Java accepts (any case): `Latin`,
/// `LATIN`, `Latn`.
fn java_script(name: &str) -> Option<JavaProperty> {
    let canonical: Vec<String> = name
        .split('_')
        .map(|part| {
            let mut chars = part.chars();
            chars
                .next()
                .map(|c| c.to_ascii_uppercase().to_string() + &chars.as_str().to_ascii_lowercase())
                .unwrap_or_default()
        })
        .collect();
    let ecma = format!("Script={}", canonical.join("_"));
    let probe = format!("\\p{{{ecma}}}");
    if regress::Regex::with_flags(&probe, "u").is_err() || regex::Regex::new(&probe).is_err() {
        return None;
    }
    Some(JavaProperty {
        reading: Some(format!("the Unicode script {}", canonical.join("_"))),
        parts: vec![Part::Property(ecma)],
        unicode: true,
    })
}

impl Node {
    /// Whether matching needs look-around or back-references, which no
    /// finite automaton can do.
    pub fn needs_backtracking(&self) -> bool {
        match self {
            Node::Look { .. } | Node::Backreference(_) => true,
            Node::Group { node, .. } | Node::Repeat { node, .. } => node.needs_backtracking(),
            Node::Concat(nodes) | Node::Alternation(nodes) => nodes.iter().any(Node::needs_backtracking),
            _ => false,
        }
    }
}
