//! DynamoDB's expression language, parsed: condition expressions (also
//! filters and key conditions), update expressions and projections, with
//! `#name` and `:value` placeholders resolved as they are read and
//! DynamoDB's messages for what it refuses.
//!
//! A recursive-descent parser over a small tokenizer: the grammar is
//! DynamoDB's (operators `= <> < <= > >=`, `BETWEEN ... AND ...`,
//! `IN (...)`, `AND`, `OR`, `NOT`, parentheses, the functions
//! `attribute_exists`, `attribute_not_exists`, `attribute_type`,
//! `begins_with`, `contains` and `size`; `SET`, `REMOVE`, `ADD` and
//! `DELETE` clauses with `+`, `-`, `list_append` and `if_not_exists`), and
//! names that are reserved words must be placeholders ([`super::reserved`]).

use std::collections::{BTreeMap, BTreeSet};

use emulator_generated::dynamodb::types::AttributeValue;
use emulator_generated::runtime::excerpt;

use super::reserved::is_reserved;

/// A step of a document path: an attribute (or map key), or a list index.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Step {
    Name(String),
    Index(usize),
}

/// A document path: `a.b[2].c`.
pub type Path = Vec<Step>;

/// What a comparison compares.
#[derive(Clone, Debug, PartialEq)]
pub enum Operand {
    Path(Path),
    Value(AttributeValue),
    Size(Path),
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Comparator {
    Eq,
    Ne,
    Lt,
    Le,
    Gt,
    Ge,
}

/// A condition: of ConditionExpression, FilterExpression or
/// KeyConditionExpression.
#[derive(Clone, Debug, PartialEq)]
pub enum Condition {
    Compare(Operand, Comparator, Operand),
    Between(Operand, Operand, Operand),
    In(Operand, Vec<Operand>),
    Exists(Path),
    NotExists(Path),
    Type(Path, Operand),
    BeginsWith(Operand, Operand),
    Contains(Operand, Operand),
    And(Box<Condition>, Box<Condition>),
    Or(Box<Condition>, Box<Condition>),
    Not(Box<Condition>),
}

/// A value SET assigns.
#[derive(Clone, Debug, PartialEq)]
pub enum SetValue {
    Operand(Operand),
    Plus(Box<SetValue>, Box<SetValue>),
    Minus(Box<SetValue>, Box<SetValue>),
    ListAppend(Box<SetValue>, Box<SetValue>),
    IfNotExists(Path, Box<SetValue>),
}

/// One action of an update expression.
#[derive(Clone, Debug, PartialEq)]
pub enum Action {
    Set(Path, SetValue),
    Remove(Path),
    Add(Path, AttributeValue),
    Delete(Path, AttributeValue),
}

/// The placeholders of one request, and which of them its expressions use
/// (DynamoDB refuses one given and not used).
pub struct Placeholders<'a> {
    names: Option<&'a BTreeMap<String, String>>,
    values: Option<&'a BTreeMap<String, AttributeValue>>,
    used_names: BTreeSet<String>,
    used_values: BTreeSet<String>,
}

impl<'a> Placeholders<'a> {
    pub fn new(
        names: Option<&'a BTreeMap<String, String>>,
        values: Option<&'a BTreeMap<String, AttributeValue>>,
    ) -> Self {
        Placeholders { names, values, used_names: BTreeSet::new(), used_values: BTreeSet::new() }
    }

    /// How many names and values the request gave, if it gave the maps.
    pub fn given(&self) -> (Option<usize>, Option<usize>) {
        (self.names.map(BTreeMap::len), self.values.map(BTreeMap::len))
    }

    /// Once every expression of the request is parsed: DynamoDB's message
    /// for a placeholder given and not used.
    pub fn check_unused(&self) -> Result<(), String> {
        let unused = |given: Option<Vec<&String>>, used: &BTreeSet<String>| -> Vec<String> {
            given.into_iter().flatten().filter(|key| !used.contains(*key)).cloned().collect()
        };
        let names = unused(self.names.map(|n| n.keys().collect()), &self.used_names);
        if !names.is_empty() {
            return Err(format!(
                "Value provided in ExpressionAttributeNames unused in expressions: keys: {{{}}}",
                names.join(", ")
            ));
        }
        let values = unused(self.values.map(|v| v.keys().collect()), &self.used_values);
        if !values.is_empty() {
            return Err(format!(
                "Value provided in ExpressionAttributeValues unused in expressions: keys: {{{}}}",
                values.join(", ")
            ));
        }
        Ok(())
    }
}

/// Why an expression is refused: DynamoDB's message (for a
/// `ValidationException`).
pub type Refused = String;

#[derive(Clone, Debug, PartialEq)]
enum Token {
    Word(String),
    Name(String),
    Value(String),
    Number(usize),
    Symbol(&'static str),
}

impl Token {
    fn text(&self) -> String {
        match self {
            Token::Word(word) => word.clone(),
            Token::Name(name) => name.clone(),
            Token::Value(value) => value.clone(),
            Token::Number(n) => n.to_string(),
            Token::Symbol(symbol) => symbol.to_string(),
        }
    }
}

/// Splits an expression into tokens, or DynamoDB's message for a character
/// it does not know.
fn tokens(kind: &str, text: &str) -> Result<Vec<(Token, usize, usize)>, Refused> {
    let chars: Vec<(usize, char)> = text.char_indices().collect();
    let mut out = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        let (at, c) = chars[i];
        if c.is_whitespace() {
            i += 1;
            continue;
        }
        let word_end = |from: usize| {
            let mut j = from;
            while j < chars.len() && (chars[j].1.is_ascii_alphanumeric() || chars[j].1 == '_') {
                j += 1;
            }
            j
        };
        let end_of = |j: usize| chars.get(j).map_or(text.len(), |(at, _)| *at);
        let token = match c {
            '#' | ':' => {
                let j = word_end(i + 1);
                if j == i + 1 {
                    let to = text[at..].char_indices().nth(2).map_or(text.len(), |(i, _)| at + i);
                    return Err(syntax(kind, &c.to_string(), &text[at..to]));
                }
                let word = text[at..end_of(j)].to_string();
                i = j;
                if c == '#' { Token::Name(word) } else { Token::Value(word) }
            }
            c if c.is_ascii_digit() => {
                let j = word_end(i);
                let word = &text[at..end_of(j)];
                i = j;
                match word.parse() {
                    Ok(n) => Token::Number(n),
                    Err(_) => Token::Word(word.to_string()),
                }
            }
            c if c.is_ascii_alphabetic() || c == '_' => {
                let j = word_end(i);
                let word = text[at..end_of(j)].to_string();
                i = j;
                Token::Word(word)
            }
            _ => {
                let next = chars.get(i + 1).map(|(_, c)| *c);
                let (symbol, width) = match (c, next) {
                    ('<', Some('>')) => ("<>", 2),
                    ('<', Some('=')) => ("<=", 2),
                    ('>', Some('=')) => (">=", 2),
                    ('=', _) => ("=", 1),
                    ('<', _) => ("<", 1),
                    ('>', _) => (">", 1),
                    ('(', _) => ("(", 1),
                    (')', _) => (")", 1),
                    ('[', _) => ("[", 1),
                    (']', _) => ("]", 1),
                    (',', _) => (",", 1),
                    ('.', _) => (".", 1),
                    ('+', _) => ("+", 1),
                    ('-', _) => ("-", 1),
                    _ => {
                        // From the token before to the character after.
                        let from = out.last().map_or(at, |(_, start, _): &(Token, usize, usize)| *start);
                        let to = text[at..].char_indices().nth(2).map_or(text.len(), |(i, _)| at + i);
                        return Err(syntax(kind, &c.to_string(), &text[from..to]));
                    }
                };
                i += width;
                Token::Symbol(symbol)
            }
        };
        let end = chars.get(i).map_or(text.len(), |(at, _)| *at);
        out.push((token, at, end));
    }
    Ok(out)
}

/// DynamoDB's syntax error: the token, and the text `near` it (from the
/// token before to the token after, as DynamoDB quotes it).
fn syntax(kind: &str, token: &str, near: &str) -> Refused {
    format!("Invalid {kind}: Syntax error; token: \"{}\", near: \"{}\"", excerpt(token), excerpt(near))
}

/// A parser over one expression's tokens.
struct Parser<'p, 'a> {
    kind: &'static str,
    text: &'p str,
    tokens: Vec<(Token, usize, usize)>,
    at: usize,
    placeholders: &'p mut Placeholders<'a>,
    /// The first error of meaning (a reserved word, a placeholder not
    /// defined): DynamoDB reports it once the expression has parsed, so a
    /// syntax error anywhere comes first.
    meaning: Option<Refused>,
}

impl Parser<'_, '_> {
    fn peek(&self) -> Option<&Token> {
        self.tokens.get(self.at).map(|(token, _, _)| token)
    }

    fn peek_word(&self, word: &str) -> bool {
        matches!(self.peek(), Some(Token::Word(w)) if w.eq_ignore_ascii_case(word))
    }

    fn peek_symbol(&self, symbol: &str) -> bool {
        matches!(self.peek(), Some(Token::Symbol(s)) if *s == symbol)
    }

    fn next(&mut self) -> Option<Token> {
        let token = self.tokens.get(self.at).map(|(token, _, _)| token.clone());
        self.at += 1;
        token
    }

    /// DynamoDB's syntax error at the current token (`<EOF>` at the end).
    fn error(&self) -> Refused {
        let at = self.at.min(self.tokens.len());
        let from = self.tokens.get(at.saturating_sub(1)).map_or(0, |(_, start, _)| *start);
        let to = self.tokens.get(at + 1).or(self.tokens.get(at)).map_or(self.text.len(), |(_, _, end)| *end);
        let token = self.tokens.get(at).map_or("<EOF>".to_string(), |(token, _, _)| token.text());
        syntax(self.kind, &token, &self.text[from..to.max(from)])
    }

    fn expect_symbol(&mut self, symbol: &str) -> Result<(), Refused> {
        if self.peek_symbol(symbol) {
            self.at += 1;
            Ok(())
        } else {
            Err(self.error())
        }
    }

    fn expect_end(&self) -> Result<(), Refused> {
        if self.at < self.tokens.len() { Err(self.error()) } else { Ok(()) }
    }

    /// A name: an attribute's, or a `#placeholder`'s.
    fn name(&mut self) -> Result<String, Refused> {
        match self.next() {
            Some(Token::Word(word)) => {
                if is_reserved(&word) {
                    self.meaning.get_or_insert_with(|| {
                        format!(
                            "Invalid {}: Attribute name is a reserved keyword; reserved keyword: {}",
                            self.kind,
                            excerpt(&word)
                        )
                    });
                }
                Ok(word)
            }
            Some(Token::Name(placeholder)) => {
                let name = self.placeholders.names.and_then(|names| names.get(&placeholder)).cloned();
                if name.is_none() {
                    self.meaning.get_or_insert_with(|| {
                        format!(
                            "Invalid {}: An expression attribute name used in the document path is not defined; attribute name: {}",
                            self.kind,
                            excerpt(&placeholder)
                        )
                    });
                }
                self.placeholders.used_names.insert(placeholder.clone());
                Ok(name.unwrap_or(placeholder))
            }
            _ => {
                self.at -= 1;
                Err(self.error())
            }
        }
    }

    fn path(&mut self) -> Result<Path, Refused> {
        let mut path = vec![Step::Name(self.name()?)];
        loop {
            if self.peek_symbol(".") {
                self.at += 1;
                path.push(Step::Name(self.name()?));
            } else if self.peek_symbol("[") {
                self.at += 1;
                match self.next() {
                    Some(Token::Number(n)) => path.push(Step::Index(n)),
                    _ => {
                        self.at -= 1;
                        return Err(self.error());
                    }
                }
                self.expect_symbol("]")?;
            } else {
                return Ok(path);
            }
        }
    }

    fn value(&mut self, placeholder: String) -> Result<AttributeValue, Refused> {
        let value = self.placeholders.values.and_then(|values| values.get(&placeholder)).cloned();
        if value.is_none() {
            self.meaning.get_or_insert_with(|| {
                format!(
                    "Invalid {}: An expression attribute value used in expression is not defined; attribute value: {}",
                    self.kind,
                    excerpt(&placeholder)
                )
            });
        }
        self.placeholders.used_values.insert(placeholder);
        Ok(value.unwrap_or(AttributeValue::Null(true)))
    }

    /// Once parsed: the first error of meaning, if there was one.
    fn meaningful<T>(&mut self, parsed: T) -> Result<T, Refused> {
        match self.meaning.take() {
            Some(error) => Err(error),
            None => Ok(parsed),
        }
    }

    fn operand(&mut self) -> Result<Operand, Refused> {
        match self.peek().cloned() {
            Some(Token::Value(placeholder)) => {
                self.at += 1;
                Ok(Operand::Value(self.value(placeholder)?))
            }
            Some(Token::Word(word))
                if word.eq_ignore_ascii_case("size")
                    && self.tokens.get(self.at + 1).is_some_and(|(t, _, _)| *t == Token::Symbol("(")) =>
            {
                self.at += 2;
                let path = self.path()?;
                self.expect_symbol(")")?;
                Ok(Operand::Size(path))
            }
            _ => Ok(Operand::Path(self.path()?)),
        }
    }

    fn condition(&mut self) -> Result<Condition, Refused> {
        let mut left = self.and()?;
        while self.peek_word("OR") {
            self.at += 1;
            left = Condition::Or(Box::new(left), Box::new(self.and()?));
        }
        Ok(left)
    }

    fn and(&mut self) -> Result<Condition, Refused> {
        let mut left = self.not()?;
        while self.peek_word("AND") {
            self.at += 1;
            left = Condition::And(Box::new(left), Box::new(self.not()?));
        }
        Ok(left)
    }

    fn not(&mut self) -> Result<Condition, Refused> {
        if self.peek_word("NOT") {
            self.at += 1;
            return Ok(Condition::Not(Box::new(self.not()?)));
        }
        self.primary()
    }

    fn primary(&mut self) -> Result<Condition, Refused> {
        if self.peek_symbol("(") {
            self.at += 1;
            let inner = self.condition()?;
            self.expect_symbol(")")?;
            return Ok(inner);
        }
        if let Some(Token::Word(word)) = self.peek().cloned() {
            let function = word.to_ascii_lowercase();
            let called = self.tokens.get(self.at + 1).is_some_and(|(t, _, _)| *t == Token::Symbol("("));
            if called && function != "size" {
                self.at += 2;
                let condition = match function.as_str() {
                    "attribute_exists" => Condition::Exists(self.path()?),
                    "attribute_not_exists" => Condition::NotExists(self.path()?),
                    "attribute_type" => {
                        let path = self.path()?;
                        self.expect_symbol(",")?;
                        Condition::Type(path, self.operand()?)
                    }
                    "begins_with" => {
                        let path = self.operand()?;
                        self.expect_symbol(",")?;
                        Condition::BeginsWith(path, self.operand()?)
                    }
                    "contains" => {
                        let path = self.operand()?;
                        self.expect_symbol(",")?;
                        Condition::Contains(path, self.operand()?)
                    }
                    _ => {
                        return Err(format!(
                            "Invalid {}: Invalid function name; function: {}",
                            self.kind,
                            excerpt(&word)
                        ));
                    }
                };
                self.expect_symbol(")")?;
                return Ok(condition);
            }
        }
        let left = self.operand()?;
        if self.peek_word("BETWEEN") {
            self.at += 1;
            let low = self.operand()?;
            if !self.peek_word("AND") {
                return Err(self.error());
            }
            self.at += 1;
            return Ok(Condition::Between(left, low, self.operand()?));
        }
        if self.peek_word("IN") {
            self.at += 1;
            self.expect_symbol("(")?;
            let mut list = vec![self.operand()?];
            while self.peek_symbol(",") {
                self.at += 1;
                list.push(self.operand()?);
            }
            self.expect_symbol(")")?;
            if list.len() > 100 {
                return Err(format!(
                    "Invalid {}: The IN operator is provided with too many operands; number of operands: {}",
                    self.kind,
                    list.len()
                ));
            }
            return Ok(Condition::In(left, list));
        }
        let comparator = match self.next() {
            Some(Token::Symbol("=")) => Comparator::Eq,
            Some(Token::Symbol("<>")) => Comparator::Ne,
            Some(Token::Symbol("<")) => Comparator::Lt,
            Some(Token::Symbol("<=")) => Comparator::Le,
            Some(Token::Symbol(">")) => Comparator::Gt,
            Some(Token::Symbol(">=")) => Comparator::Ge,
            _ => {
                self.at -= 1;
                return Err(self.error());
            }
        };
        Ok(Condition::Compare(left, comparator, self.operand()?))
    }

    fn set_value(&mut self) -> Result<SetValue, Refused> {
        let mut left = self.set_operand()?;
        loop {
            if self.peek_symbol("+") {
                self.at += 1;
                left = SetValue::Plus(Box::new(left), Box::new(self.set_operand()?));
            } else if self.peek_symbol("-") {
                self.at += 1;
                left = SetValue::Minus(Box::new(left), Box::new(self.set_operand()?));
            } else {
                return Ok(left);
            }
        }
    }

    fn set_operand(&mut self) -> Result<SetValue, Refused> {
        if let Some(Token::Word(word)) = self.peek().cloned() {
            let called = self.tokens.get(self.at + 1).is_some_and(|(t, _, _)| *t == Token::Symbol("("));
            match word.to_ascii_lowercase().as_str() {
                "list_append" if called => {
                    self.at += 2;
                    let first = self.set_value()?;
                    self.expect_symbol(",")?;
                    let second = self.set_value()?;
                    self.expect_symbol(")")?;
                    return Ok(SetValue::ListAppend(Box::new(first), Box::new(second)));
                }
                "if_not_exists" if called => {
                    self.at += 2;
                    let path = self.path()?;
                    self.expect_symbol(",")?;
                    let value = self.set_value()?;
                    self.expect_symbol(")")?;
                    return Ok(SetValue::IfNotExists(path, Box::new(value)));
                }
                _ if called && !word.eq_ignore_ascii_case("size") => {
                    return Err(format!("Invalid {}: Invalid function name; function: {}", self.kind, excerpt(&word)));
                }
                _ => {}
            }
        }
        Ok(SetValue::Operand(self.operand()?))
    }

    fn update(&mut self) -> Result<Vec<Action>, Refused> {
        let mut actions = Vec::new();
        let mut clauses = BTreeSet::new();
        while self.at < self.tokens.len() {
            let clause = match self.next() {
                Some(Token::Word(word)) => word.to_ascii_uppercase(),
                _ => {
                    self.at -= 1;
                    return Err(self.error());
                }
            };
            if !matches!(clause.as_str(), "SET" | "REMOVE" | "ADD" | "DELETE") {
                self.at -= 1;
                return Err(self.error());
            }
            if !clauses.insert(clause.clone()) {
                return Err(format!(
                    "Invalid {}: The \"{clause}\" section can only be used once in an update expression;",
                    self.kind
                ));
            }
            loop {
                let action = match clause.as_str() {
                    "SET" => {
                        let path = self.path()?;
                        self.expect_symbol("=")?;
                        Action::Set(path, self.set_value()?)
                    }
                    "REMOVE" => Action::Remove(self.path()?),
                    _ => {
                        let path = self.path()?;
                        let value = match self.next() {
                            Some(Token::Value(placeholder)) => self.value(placeholder)?,
                            _ => {
                                self.at -= 1;
                                return Err(self.error());
                            }
                        };
                        if clause == "ADD" { Action::Add(path, value) } else { Action::Delete(path, value) }
                    }
                };
                actions.push(action);
                if self.peek_symbol(",") {
                    self.at += 1;
                } else {
                    break;
                }
            }
        }
        if actions.is_empty() {
            return Err(self.error());
        }
        check_overlaps(self.kind, &actions)?;
        Ok(actions)
    }
}

/// DynamoDB refuses an update whose paths overlap (`a` and `a.b`, or one
/// path twice).
fn check_overlaps(kind: &str, actions: &[Action]) -> Result<(), Refused> {
    let paths: Vec<&Path> = actions
        .iter()
        .map(|action| match action {
            Action::Set(path, _) | Action::Remove(path) | Action::Add(path, _) | Action::Delete(path, _) => path,
        })
        .collect();
    for (i, one) in paths.iter().enumerate() {
        for two in &paths[i + 1..] {
            let shorter = one.len().min(two.len());
            if one[..shorter] == two[..shorter] {
                let show = |path: &Path| {
                    path.iter()
                        .map(|step| match step {
                            Step::Name(name) => name.clone(),
                            Step::Index(index) => format!("[{index}]"),
                        })
                        .collect::<Vec<_>>()
                        .join(", ")
                };
                return Err(format!(
                    "Invalid {kind}: Two document paths overlap with each other; must remove or rewrite one of these paths; path one: [{}], path two: [{}]",
                    show(one),
                    show(two)
                ));
            }
        }
    }
    Ok(())
}

fn parser<'p, 'a>(
    kind: &'static str,
    text: &'p str,
    placeholders: &'p mut Placeholders<'a>,
) -> Result<Parser<'p, 'a>, Refused> {
    if text.trim().is_empty() {
        return Err(format!("Invalid {kind}: The expression can not be empty;"));
    }
    Ok(Parser { kind, text, tokens: tokens(kind, text)?, at: 0, placeholders, meaning: None })
}

/// A condition expression (`kind` names it in messages:
/// `ConditionExpression`, `FilterExpression`, `KeyConditionExpression`).
pub fn condition(kind: &'static str, text: &str, placeholders: &mut Placeholders<'_>) -> Result<Condition, Refused> {
    let mut parser = parser(kind, text, placeholders)?;
    let condition = parser.condition()?;
    parser.expect_end()?;
    parser.meaningful(condition)
}

/// An update expression.
pub fn update(text: &str, placeholders: &mut Placeholders<'_>) -> Result<Vec<Action>, Refused> {
    let mut parser = parser("UpdateExpression", text, placeholders)?;
    let actions = parser.update()?;
    parser.meaningful(actions)
}

/// A projection expression: the paths to answer.
pub fn projection(text: &str, placeholders: &mut Placeholders<'_>) -> Result<Vec<Path>, Refused> {
    let mut parser = parser("ProjectionExpression", text, placeholders)?;
    let mut paths = vec![parser.path()?];
    while parser.peek_symbol(",") {
        parser.at += 1;
        paths.push(parser.path()?);
    }
    parser.expect_end()?;
    parser.meaningful(paths)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn values() -> BTreeMap<String, AttributeValue> {
        BTreeMap::from([
            (":v".to_string(), AttributeValue::N("1".into())),
            (":s".to_string(), AttributeValue::S("x".into())),
        ])
    }

    fn names() -> BTreeMap<String, String> {
        BTreeMap::from([("#n".to_string(), "name".to_string())])
    }

    fn parse(text: &str) -> Result<Condition, Refused> {
        let (names, values) = (names(), values());
        condition("ConditionExpression", text, &mut Placeholders::new(Some(&names), Some(&values)))
    }

    #[test]
    fn conditions() {
        let name = |n: &str| Operand::Path(vec![Step::Name(n.into())]);
        assert_eq!(
            parse("a = :v").unwrap(),
            Condition::Compare(name("a"), Comparator::Eq, Operand::Value(AttributeValue::N("1".into())))
        );
        assert!(matches!(parse("a = :v AND b <> :s OR NOT c < :v").unwrap(), Condition::Or(..)));
        assert!(matches!(parse("attribute_not_exists(#n)").unwrap(), Condition::NotExists(_)));
        assert!(matches!(parse("a BETWEEN :v AND :v").unwrap(), Condition::Between(..)));
        assert!(matches!(parse("a IN (:v, :s)").unwrap(), Condition::In(_, list) if list.len() == 2));
        assert!(
            matches!(parse("size(a.b[1]) > :v").unwrap(), Condition::Compare(Operand::Size(path), ..) if path.len() == 3)
        );
        assert!(matches!(parse("(begins_with(a, :s))").unwrap(), Condition::BeginsWith(..)));
    }

    #[test]
    fn dynamodbs_messages() {
        assert_eq!(
            parse("a =").unwrap_err(),
            "Invalid ConditionExpression: Syntax error; token: \"<EOF>\", near: \"=\""
        );
        // From the token before to the token after, as AWS quotes them.
        assert_eq!(parse("a-b").unwrap_err(), "Invalid ConditionExpression: Syntax error; token: \"-\", near: \"a-b\"");
        assert_eq!(
            parse("a !! b").unwrap_err(),
            "Invalid ConditionExpression: Syntax error; token: \"!\", near: \"a !!\""
        );
        assert_eq!(
            parse("name = :v").unwrap_err(),
            "Invalid ConditionExpression: Attribute name is a reserved keyword; reserved keyword: name"
        );
        assert_eq!(
            parse("a = :missing").unwrap_err(),
            "Invalid ConditionExpression: An expression attribute value used in expression is not defined; attribute value: :missing"
        );
        assert_eq!(
            parse("#missing = :v").unwrap_err(),
            "Invalid ConditionExpression: An expression attribute name used in the document path is not defined; attribute name: #missing"
        );
        assert_eq!(parse("frob(a)").unwrap_err(), "Invalid ConditionExpression: Invalid function name; function: frob");
        assert!(
            parse("a = :v :v").unwrap_err().starts_with("Invalid ConditionExpression: Syntax error; token: \":v\"")
        );
        assert_eq!(parse(" ").unwrap_err(), "Invalid ConditionExpression: The expression can not be empty;");
        // A syntax error comes before an error of meaning.
        assert_eq!(
            parse("name =").unwrap_err(),
            "Invalid ConditionExpression: Syntax error; token: \"<EOF>\", near: \"=\""
        );
        let (names, values) = (names(), values());
        let mut placeholders = Placeholders::new(Some(&names), Some(&values));
        condition("ConditionExpression", "a = :v", &mut placeholders).unwrap();
        assert_eq!(
            placeholders.check_unused().unwrap_err(),
            "Value provided in ExpressionAttributeNames unused in expressions: keys: {#n}"
        );
    }

    #[test]
    fn updates() {
        let (names, values) = (names(), values());
        let mut placeholders = Placeholders::new(Some(&names), Some(&values));
        let actions =
            update("SET a = a + :v, #n = if_not_exists(#n, :s) REMOVE c[0] ADD d :v", &mut placeholders).unwrap();
        assert_eq!(actions.len(), 4);
        assert!(matches!(&actions[0], Action::Set(_, SetValue::Plus(..))));
        assert_eq!(
            update("SET a = :v, a.b = :v", &mut placeholders).unwrap_err(),
            "Invalid UpdateExpression: Two document paths overlap with each other; must remove or rewrite one of these paths; path one: [a], path two: [a, b]"
        );
        assert!(
            update("SET a = :v SET b = :v", &mut placeholders)
                .unwrap_err()
                .contains("\"SET\" section can only be used once")
        );
        assert_eq!(projection("a, b.c, #n[2]", &mut placeholders).unwrap().len(), 3);
    }

    /// Whatever text a request carries, parsing and evaluating it answers,
    /// and never panics: 30,000 random sentences of the language's tokens
    /// (a fixed seed, so that a failure repeats), parsed as each kind of
    /// expression, and what parses evaluated against an item.
    #[test]
    fn random_text_is_answered_never_a_panic() {
        const TOKENS: [&str; 44] = [
            "a",
            "b",
            "#n",
            ":v",
            ":s",
            ":l",
            "(",
            ")",
            "=",
            "<>",
            "<",
            "<=",
            ">",
            ">=",
            "AND",
            "OR",
            "NOT",
            "BETWEEN",
            "IN",
            "SET",
            "REMOVE",
            "ADD",
            "DELETE",
            ",",
            ".",
            "[",
            "0",
            "7",
            "]",
            "+",
            "-",
            "size",
            "attribute_exists",
            "attribute_not_exists",
            "attribute_type",
            "begins_with",
            "contains",
            "list_append",
            "if_not_exists",
            " ",
            "status",
            "a.b[1].c",
            "\u{e9}",
            "99999999999999999999",
        ];
        let names = names();
        let values = BTreeMap::from([
            (":v".to_string(), AttributeValue::N("1".into())),
            (":s".to_string(), AttributeValue::S("x".into())),
            (":l".to_string(), AttributeValue::L(vec![AttributeValue::N("2".into())])),
        ]);
        let item: super::super::item::Item = BTreeMap::from([
            ("a".to_string(), AttributeValue::N("5".into())),
            ("b".to_string(), AttributeValue::L(vec![AttributeValue::S("y".into())])),
            ("name".to_string(), AttributeValue::M(BTreeMap::from([("c".to_string(), AttributeValue::Bool(true))]))),
        ]);
        let mut seed: u64 = 0x9e37_79b9_7f4a_7c15;
        let mut next = || {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            seed
        };
        let mut parsed = [0usize; 3];
        for _ in 0..30_000 {
            // A start that most sentences of a kind begin with, then tokens.
            const STARTS: [&str; 9] = [
                "",
                "SET a = ",
                "SET #n = :v, b = ",
                "REMOVE ",
                "ADD a ",
                "DELETE b ",
                "a = :v AND ",
                "size(a) > ",
                "a, ",
            ];
            let start = STARTS[(next() % STARTS.len() as u64) as usize];
            let length = 1 + (next() % 8) as usize;
            let tail: Vec<&str> = (0..length).map(|_| TOKENS[(next() % TOKENS.len() as u64) as usize]).collect();
            let text = format!("{start}{}", tail.join(if next() % 2 == 0 { " " } else { "" }));
            let mut placeholders = Placeholders::new(Some(&names), Some(&values));
            if let Ok(condition) = condition("ConditionExpression", &text, &mut placeholders) {
                parsed[0] += 1;
                let _ = super::super::eval::holds(&item, &condition);
            }
            if let Ok(actions) = update(&text, &mut placeholders) {
                parsed[1] += 1;
                let _ = super::super::eval::apply(&item, &actions, &["a"]);
            }
            if let Ok(paths) = projection(&text, &mut placeholders) {
                parsed[2] += 1;
                let _ = super::super::eval::project(&item, &paths);
            }
            let _ = placeholders.check_unused();
        }
        // Some of each kind parsed, so evaluation was driven too.
        assert!(parsed.iter().all(|n| *n > 100), "parsed: {parsed:?}");
    }
}
