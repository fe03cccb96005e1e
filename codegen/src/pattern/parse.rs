//! A parser for ECMA-262 patterns as `new RegExp(source)` reads them
//! (without the `u` flag, with the web-compatibility rules of Annex B),
//! producing the syntax tree that translation and lints work on.

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
    /// `^`
    Start,
    /// `$`
    End,
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
    Group(Box<Node>),
    /// `\1` or `\k<name>`.
    Backreference,
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
    pub items: Vec<ClassItem>,
}

#[derive(Clone, Debug, PartialEq)]
pub enum ClassItem {
    Char(char),
    Range(char, char),
    Set(Set),
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
}

/// Parses `source`; the error names the offset and the problem.
pub fn parse(source: &str) -> Result<Parsed, String> {
    let chars: Vec<char> = source.chars().collect();
    let groups = count_capture_groups(&chars);
    let mut parser = Parser { chars, at: 0, groups, unicode_properties: false };
    let node = parser.disjunction()?;
    if parser.at < parser.chars.len() {
        return Err(format!("unmatched `)` at offset {}", parser.at));
    }
    Ok(Parsed { node, unicode_properties: parser.unicode_properties })
}

struct Parser {
    chars: Vec<char>,
    at: usize,
    groups: u32,
    unicode_properties: bool,
}

fn count_capture_groups(chars: &[char]) -> u32 {
    let mut count = 0;
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
                if chars.get(i + 1) != Some(&'?') || named {
                    count += 1;
                }
            }
            _ => {}
        }
        i += 1;
    }
    count
}

impl Parser {
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

    fn disjunction(&mut self) -> Result<Node, String> {
        let mut alternatives = vec![self.alternative()?];
        while self.eat('|') {
            alternatives.push(self.alternative()?);
        }
        Ok(if alternatives.len() == 1 { alternatives.pop().unwrap() } else { Node::Alternation(alternatives) })
    }

    fn alternative(&mut self) -> Result<Node, String> {
        let mut terms = Vec::new();
        while let Some(c) = self.peek() {
            if c == '|' || c == ')' {
                break;
            }
            terms.push(self.term()?);
        }
        Ok(match terms.len() {
            0 => Node::Empty,
            1 => terms.pop().unwrap(),
            _ => Node::Concat(terms),
        })
    }

    fn term(&mut self) -> Result<Node, String> {
        let start = self.at;
        let atom = match self.peek().unwrap() {
            '^' => {
                self.at += 1;
                return Ok(Node::Start);
            }
            '$' => {
                self.at += 1;
                return Ok(Node::End);
            }
            '\\' if matches!(self.chars.get(self.at + 1), Some('b' | 'B')) => {
                let negated = self.chars[self.at + 1] == 'B';
                self.at += 2;
                return Ok(Node::WordBoundary { negated });
            }
            '(' => self.group()?,
            '.' => {
                self.at += 1;
                Node::Any
            }
            '[' => Node::Class(self.class()?),
            '\\' => self.atom_escape()?,
            '*' | '+' | '?' => return Err(format!("nothing to repeat at offset {start}")),
            '{' if self.quantifier_at(self.at).is_some() => return Err(format!("nothing to repeat at offset {start}")),
            c => {
                self.at += 1;
                Node::Literal(c)
            }
        };
        // Annex B allows quantified look-aheads; look-behinds may not repeat.
        if matches!(atom, Node::Look { behind: true, .. })
            && matches!(self.peek(), Some('*' | '+' | '?' | '{'))
            && self.quantifier_at(self.at).is_some()
        {
            return Err(format!("a look-behind cannot be repeated (offset {})", self.at));
        }
        self.quantified(atom)
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

    fn quantified(&mut self, atom: Node) -> Result<Node, String> {
        let (min, max) = match self.peek() {
            Some('*') => (0, None),
            Some('+') => (1, None),
            Some('?') => (0, Some(1)),
            Some('{') => match self.quantifier_at(self.at) {
                Some((min, max, len)) => {
                    if max.is_some_and(|max| max < min) {
                        return Err(format!("numbers out of order in quantifier at offset {}", self.at));
                    }
                    self.at += len - 1;
                    (min, max)
                }
                // Annex B: a `{` that starts no quantifier is a literal.
                None => return Ok(atom),
            },
            _ => return Ok(atom),
        };
        self.at += 1;
        let greedy = !self.eat('?');
        if matches!(atom, Node::Start | Node::End | Node::WordBoundary { .. }) {
            return Err(format!("nothing to repeat at offset {}", self.at - 1));
        }
        Ok(Node::Repeat { node: Box::new(atom), min, max, greedy })
    }

    fn group(&mut self) -> Result<Node, String> {
        let open = self.at;
        self.at += 1;
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
        } else {
            if self.looking_at("?:") {
                self.at += 2;
            } else if self.looking_at("?<") {
                self.at += 2;
                let name: String = self.chars[self.at..].iter().take_while(|&&c| c != '>').collect();
                if name.is_empty()
                    || !name.chars().all(|c| c.is_alphanumeric() || c == '_' || c == '$')
                    || self.at + name.len() >= self.chars.len()
                {
                    return Err(format!("invalid capture group name at offset {open}"));
                }
                self.at += name.len() + 1;
            } else if self.peek() == Some('?') {
                return Err(format!("invalid group at offset {open}"));
            }
            Node::Group(Box::new(self.disjunction()?))
        };
        if !self.eat(')') {
            return Err(format!("unterminated group at offset {open}"));
        }
        Ok(node)
    }

    fn atom_escape(&mut self) -> Result<Node, String> {
        let start = self.at;
        self.at += 1;
        let Some(c) = self.peek() else {
            return Err(format!("`\\` at the end of the pattern (offset {start})"));
        };
        if let Some(set) = self.set_escape(c)? {
            return Ok(Node::Set(set));
        }
        if c.is_ascii_digit() && c != '0' {
            let digits: String = self.chars[self.at..].iter().take_while(|c| c.is_ascii_digit()).collect();
            if digits.parse::<u32>().is_ok_and(|n| n <= self.groups) {
                self.at += digits.len();
                return Ok(Node::Backreference);
            }
            // Annex B: otherwise a legacy octal escape or an identity escape.
        }
        if c == 'k' && self.chars.get(self.at + 1) == Some(&'<') && self.has_named_groups() {
            let name: String = self.chars[self.at + 2..].iter().take_while(|&&c| c != '>').collect();
            self.at += name.len() + 3;
            return Ok(Node::Backreference);
        }
        Ok(Node::Literal(self.character_escape(false)?))
    }

    fn has_named_groups(&self) -> bool {
        self.chars.windows(3).any(|w| w[0] == '(' && w[1] == '?' && w[2] == '<')
    }

    /// `\d \D \w \W \s \S \p{..} \P{..}` (the `\` already consumed).
    fn set_escape(&mut self, c: char) -> Result<Option<Set>, String> {
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
    fn character_escape(&mut self, in_class: bool) -> Result<char, String> {
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

    fn class(&mut self) -> Result<Class, String> {
        let open = self.at;
        self.at += 1;
        let negated = self.eat('^');
        let mut items = Vec::new();
        loop {
            let Some(c) = self.peek() else {
                return Err(format!("unterminated character class at offset {open}"));
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
                            return Err(format!("range out of order in character class at offset {save}"));
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

    fn class_atom(&mut self) -> Result<ClassItem, String> {
        let c = self.peek().unwrap();
        if c != '\\' {
            self.at += 1;
            return Ok(ClassItem::Char(c));
        }
        self.at += 1;
        let Some(next) = self.peek() else {
            return Err("`\\` at the end of the pattern".to_string());
        };
        if let Some(set) = self.set_escape(next)? {
            return Ok(ClassItem::Set(set));
        }
        Ok(ClassItem::Char(self.character_escape(true)?))
    }
}

impl Node {
    /// Whether matching needs look-around or back-references, which no
    /// finite automaton can do.
    pub fn needs_backtracking(&self) -> bool {
        match self {
            Node::Look { .. } | Node::Backreference => true,
            Node::Group(node) | Node::Repeat { node, .. } => node.needs_backtracking(),
            Node::Concat(nodes) | Node::Alternation(nodes) => nodes.iter().any(Node::needs_backtracking),
            _ => false,
        }
    }
}
