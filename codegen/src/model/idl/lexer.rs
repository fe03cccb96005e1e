//! Splits Smithy IDL text into tokens, each with its line and column.
//!
//! The IDL is sensitive to line breaks and spaces in places (a statement
//! ends at a line break, a shape name follows its type after a space), so
//! spaces, commas, line breaks and comments are tokens too and the parser
//! decides where they matter. Token names follow the ones Smithy's own
//! messages use (`Expected COLON(':') but found DOT('.')`), so errors read
//! the same whichever tool reports them.

use std::fmt;

/// What a token is.
#[derive(Clone, Debug, PartialEq)]
pub enum Kind {
    /// Spaces and tabs.
    Space,
    Newline,
    Comma,
    /// `// ...`, with its line break.
    Comment,
    /// `/// ...`: the text after the slashes (and one space), without the line break.
    DocComment(String),
    Identifier,
    Dot,
    Pound,
    Dollar,
    At,
    LParen,
    RParen,
    LBrace,
    RBrace,
    LBracket,
    RBracket,
    Colon,
    /// `:=`
    Walrus,
    Equal,
    /// A quoted string, its escapes decoded.
    String(String),
    /// A `"""` text block, its indentation removed and escapes decoded.
    TextBlock(String),
    Number,
    /// A character no token starts with.
    Error,
    /// A malformed string, text block, number or identifier: the message.
    /// Tokenizing stops here; the parser reports it if it gets this far.
    Invalid(String),
    Eof,
}

/// One token: its kind, its text in the file and where it starts.
#[derive(Clone, Debug, PartialEq)]
pub struct Token {
    pub kind: Kind,
    /// Byte range in the file.
    pub start: usize,
    pub end: usize,
    pub line: usize,
    pub column: usize,
}

/// A syntax error in a token: where and what.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LexError {
    pub offset: usize,
    pub line: usize,
    pub column: usize,
    pub message: String,
}

impl Kind {
    /// The token's name as Smithy's messages print it, without its text.
    pub fn name(&self) -> &'static str {
        match self {
            Kind::Space => "SPACE",
            Kind::Newline => "NEWLINE",
            Kind::Comma => "COMMA",
            Kind::Comment => "COMMENT",
            Kind::DocComment(_) => "DOC_COMMENT",
            Kind::Identifier => "IDENTIFIER",
            Kind::Dot => "DOT",
            Kind::Pound => "POUND",
            Kind::Dollar => "DOLLAR",
            Kind::At => "AT",
            Kind::LParen => "LPAREN",
            Kind::RParen => "RPAREN",
            Kind::LBrace => "LBRACE",
            Kind::RBrace => "RBRACE",
            Kind::LBracket => "LBRACKET",
            Kind::RBracket => "RBRACKET",
            Kind::Colon => "COLON",
            Kind::Walrus => "WALRUS",
            Kind::Equal => "EQUAL",
            Kind::String(_) => "STRING",
            Kind::TextBlock(_) => "TEXT_BLOCK",
            Kind::Number => "NUMBER",
            Kind::Error | Kind::Invalid(_) => "ERROR",
            Kind::Eof => "EOF",
        }
    }

    /// How an expected token of this kind is described: `COLON(':')`.
    pub fn describe(&self) -> String {
        let text = match self {
            Kind::Space => " ",
            Kind::Comma => ",",
            Kind::Dot => ".",
            Kind::Pound => "#",
            Kind::Dollar => "$",
            Kind::At => "@",
            Kind::LParen => "(",
            Kind::RParen => ")",
            Kind::LBrace => "{",
            Kind::RBrace => "}",
            Kind::LBracket => "[",
            Kind::RBracket => "]",
            Kind::Colon => ":",
            Kind::Walrus => ":=",
            Kind::Equal => "=",
            Kind::String(_) => "\"",
            Kind::TextBlock(_) => "\"\"\"",
            _ => return self.name().to_string(),
        };
        format!("{}('{text}')", self.name())
    }
}

impl Token {
    /// How this token is described in a message: `IDENTIFIER('with')`, `EOF`.
    pub fn describe(&self, source: &str) -> String {
        match self.kind {
            Kind::Eof => "EOF".to_string(),
            _ => format!("{}('{}')", self.kind.name(), source[self.start..self.end].replace('\n', "\\n")),
        }
    }
}

impl fmt::Display for LexError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "line {}, column {}: {}", self.line, self.column, self.message)
    }
}

/// Splits `source` into tokens, ending with [`Kind::Eof`]. A character no
/// token starts with becomes an [`Kind::Error`] token, for the parser to
/// report where it was not expected; a malformed string, text block or
/// number ends the tokens with [`Kind::Invalid`] at the place of the error,
/// so that an earlier syntax error is still the one reported.
pub fn tokenize(source: &str) -> Vec<Token> {
    let mut lexer = Lexer { source, bytes: source.as_bytes(), offset: 0, line: 1, column: 1, tokens: Vec::new() };
    if let Err(e) = lexer.run() {
        lexer.tokens.push(Token {
            kind: Kind::Invalid(e.message),
            start: e.offset,
            end: e.offset,
            line: e.line,
            column: e.column,
        });
        lexer.tokens.push(Token {
            kind: Kind::Eof,
            start: source.len(),
            end: source.len(),
            line: e.line,
            column: e.column,
        });
    }
    lexer.tokens
}

struct Lexer<'a> {
    source: &'a str,
    bytes: &'a [u8],
    offset: usize,
    line: usize,
    column: usize,
    tokens: Vec<Token>,
}

impl Lexer<'_> {
    fn run(&mut self) -> Result<(), LexError> {
        while let Some(&byte) = self.bytes.get(self.offset) {
            let (start, line, column) = (self.offset, self.line, self.column);
            let kind = match byte {
                b' ' | b'\t' => {
                    while matches!(self.peek(0), Some(b' ' | b'\t')) {
                        self.advance();
                    }
                    Kind::Space
                }
                b'\n' => {
                    self.advance();
                    Kind::Newline
                }
                b'\r' => {
                    self.advance();
                    if self.peek(0) == Some(b'\n') {
                        self.advance();
                    }
                    Kind::Newline
                }
                b',' => self.single(Kind::Comma),
                b'/' if self.peek(1) == Some(b'/') => self.comment(),
                b'.' => self.single(Kind::Dot),
                b'#' => self.single(Kind::Pound),
                b'$' => self.single(Kind::Dollar),
                b'@' => self.single(Kind::At),
                b'(' => self.single(Kind::LParen),
                b')' => self.single(Kind::RParen),
                b'{' => self.single(Kind::LBrace),
                b'}' => self.single(Kind::RBrace),
                b'[' => self.single(Kind::LBracket),
                b']' => self.single(Kind::RBracket),
                b'=' => self.single(Kind::Equal),
                b':' if self.peek(1) == Some(b'=') => {
                    self.advance();
                    self.advance();
                    Kind::Walrus
                }
                b':' => self.single(Kind::Colon),
                b'"' if self.peek(1) == Some(b'"') && self.peek(2) == Some(b'"') => self.text_block()?,
                b'"' => self.string()?,
                b'-' | b'0'..=b'9' => self.number()?,
                b'A'..=b'Z' | b'a'..=b'z' | b'_' => {
                    while matches!(self.peek(0), Some(b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'_')) {
                        self.advance();
                    }
                    if self.source[start..self.offset].bytes().all(|b| b == b'_') {
                        // `_` alone is not an identifier: a letter or digit must follow.
                        let found =
                            self.source[self.offset..].chars().next().map_or("[EOF]".to_string(), |c| c.to_string());
                        return Err(self.error(format!("Expected a valid identifier character, but found '{found}'")));
                    }
                    Kind::Identifier
                }
                _ => {
                    self.advance();
                    Kind::Error
                }
            };
            self.tokens.push(Token { kind, start, end: self.offset, line, column });
        }
        let (start, line, column) = (self.offset, self.line, self.column);
        self.tokens.push(Token { kind: Kind::Eof, start, end: start, line, column });
        Ok(())
    }

    fn peek(&self, ahead: usize) -> Option<u8> {
        self.bytes.get(self.offset + ahead).copied()
    }

    /// Moves past one character (all of its bytes), keeping line and column.
    fn advance(&mut self) {
        let Some(c) = self.source[self.offset..].chars().next() else { return };
        self.offset += c.len_utf8();
        if c == '\n' {
            self.line += 1;
            self.column = 1;
        } else {
            self.column += 1;
        }
    }

    fn single(&mut self, kind: Kind) -> Kind {
        self.advance();
        kind
    }

    fn error(&self, message: impl Into<String>) -> LexError {
        LexError { offset: self.offset, line: self.line, column: self.column, message: message.into() }
    }

    /// `//` to the end of the line, the line break included; `///` is a
    /// documentation comment, whose text is kept.
    fn comment(&mut self) -> Kind {
        let doc = self.peek(2) == Some(b'/');
        let text_start = self.offset + if doc { 3 } else { 2 };
        while !matches!(self.peek(0), None | Some(b'\n' | b'\r')) {
            self.advance();
        }
        let text = &self.source[text_start..self.offset];
        if doc {
            // The line break ends the comment but stays a token of its own,
            // so that a doc comment also ends a statement.
            return Kind::DocComment(text.strip_prefix(' ').unwrap_or(text).to_string());
        }
        if self.peek(0) == Some(b'\r') {
            self.advance();
        }
        if self.peek(0) == Some(b'\n') {
            self.advance();
        }
        Kind::Comment
    }

    fn number(&mut self) -> Result<Kind, LexError> {
        let start = self.offset;
        let (line, column) = (self.line, self.column);
        let at_start = |message: String| LexError { offset: start, line, column, message };
        if self.peek(0) == Some(b'-') {
            self.advance();
            if !matches!(self.peek(0), Some(b'0'..=b'9')) {
                return Err(at_start("Invalid number '-': '-' must be followed by a digit".into()));
            }
        }
        let digits = |lexer: &mut Self| {
            while matches!(lexer.peek(0), Some(b'0'..=b'9')) {
                lexer.advance();
            }
        };
        digits(self);
        if self.peek(0) == Some(b'.') {
            self.advance();
            if !matches!(self.peek(0), Some(b'0'..=b'9')) {
                let text = &self.source[start..self.offset];
                return Err(at_start(format!("Invalid number '{text}': '.' must be followed by a digit")));
            }
            digits(self);
        }
        if matches!(self.peek(0), Some(b'e' | b'E')) {
            self.advance();
            if matches!(self.peek(0), Some(b'+' | b'-')) {
                self.advance();
            }
            if !matches!(self.peek(0), Some(b'0'..=b'9')) {
                let text = &self.source[start..self.offset];
                return Err(at_start(format!(
                    "Invalid number '{text}': 'e', '+', and '-' must be followed by a digit"
                )));
            }
            digits(self);
        }
        Ok(Kind::Number)
    }

    /// A quoted string: `"..."` with JSON's escapes and escaped line breaks.
    fn string(&mut self) -> Result<Kind, LexError> {
        let (start, line, column) = (self.offset, self.line, self.column);
        self.advance();
        let body_start = self.offset;
        loop {
            match self.peek(0) {
                None => return Err(self.error("Expected: '\"', but found '[EOF]'")),
                Some(b'"') => break,
                Some(b'\\') => {
                    self.advance();
                    self.advance();
                }
                Some(_) => self.advance(),
            }
        }
        let raw = &self.source[body_start..self.offset];
        self.advance();
        let value = unescape(raw).map_err(|message| LexError {
            offset: start,
            line,
            column,
            message: format!("Error parsing quoted string: {message}"),
        })?;
        Ok(Kind::String(value))
    }

    /// A text block: `"""`, a line break, lines whose common indentation is
    /// removed, and `"""`.
    fn text_block(&mut self) -> Result<Kind, LexError> {
        let (start, line, column) = (self.offset, self.line, self.column);
        for _ in 0..3 {
            self.advance();
        }
        let body_start = self.offset;
        loop {
            match self.peek(0) {
                None => return Err(self.error("Expected: '\"', but found '[EOF]'")),
                Some(b'"') if self.peek(1) == Some(b'"') && self.peek(2) == Some(b'"') => break,
                Some(b'\\') => {
                    self.advance();
                    self.advance();
                }
                Some(_) => self.advance(),
            }
        }
        let raw = &self.source[body_start..self.offset];
        for _ in 0..3 {
            self.advance();
        }
        let fail = |message: String| LexError {
            offset: start,
            line,
            column,
            message: format!("Error parsing text block: {message}"),
        };
        if raw.is_empty() {
            return Err(fail("Text block is empty".into()));
        }
        let raw = raw.replace("\r\n", "\n");
        let Some(body) = raw.strip_prefix('\n') else {
            return Err(fail("Text block must start with a new line".into()));
        };
        Ok(Kind::TextBlock(unescape(&dedent(body)).map_err(fail)?))
    }
}

/// Removes a text block's incidental indentation: the least indentation of
/// its lines that hold more than white space (and of its closing line), and
/// every line's trailing white space.
fn dedent(body: &str) -> String {
    let lines: Vec<&str> = body.split('\n').collect();
    let last = lines.len() - 1;
    let indent = |line: &str| line.chars().take_while(|c| *c == ' ' || *c == '\t').count();
    let closing_line_blank = lines[last].trim_matches([' ', '\t']).is_empty();
    let common = lines
        .iter()
        .enumerate()
        .filter(|(i, line)| !line.trim_matches([' ', '\t']).is_empty() || (*i == last && closing_line_blank))
        .map(|(_, line)| indent(line))
        .min()
        .unwrap_or(0);
    let mut out = Vec::with_capacity(lines.len());
    for (i, line) in lines.iter().enumerate() {
        let blank = line.trim_matches([' ', '\t']).is_empty();
        if blank {
            out.push(String::new());
            continue;
        }
        let kept: String = line.chars().skip(common).collect();
        // Trailing spaces go, except in the closing line, where they are
        // before the delimiter and so part of the text.
        out.push(if i == last { kept } else { kept.trim_end_matches([' ', '\t']).to_string() });
    }
    out.join("\n")
}

/// Decodes a string's escapes: JSON's (`\n`, `\"`, `\uXXXX`, ...) and a
/// backslash before a line break, which removes both.
fn unescape(raw: &str) -> Result<String, String> {
    if !raw.contains(['\\', '\r']) {
        return Ok(raw.to_string());
    }
    let mut out = String::with_capacity(raw.len());
    let mut chars = raw.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\r' => {
                // Line breaks in strings are written as `\n`, whatever the file uses.
                if chars.peek() == Some(&'\n') {
                    chars.next();
                }
                out.push('\n');
            }
            '\\' => match chars.next() {
                Some('"') => out.push('"'),
                Some('\\') => out.push('\\'),
                Some('/') => out.push('/'),
                Some('b') => out.push('\u{8}'),
                Some('f') => out.push('\u{c}'),
                Some('n') => out.push('\n'),
                Some('r') => out.push('\r'),
                Some('t') => out.push('\t'),
                Some('\n') => {}
                Some('\r') => {
                    if chars.peek() == Some(&'\n') {
                        chars.next();
                    }
                }
                Some('u') => {
                    let unit = hex4(&mut chars)?;
                    let c = if (0xD800..0xDC00).contains(&unit) {
                        // A surrogate pair, written as two escapes.
                        let low = match (chars.next(), chars.next()) {
                            (Some('\\'), Some('u')) => hex4(&mut chars)?,
                            _ => return Err("Invalid unicode escape: a high surrogate without its low half".into()),
                        };
                        char::from_u32(0x10000 + ((unit - 0xD800) << 10) + (low.wrapping_sub(0xDC00) & 0x3FF))
                    } else {
                        char::from_u32(unit)
                    };
                    out.push(c.ok_or("Invalid unicode escape: not a character")?);
                }
                Some(other) => return Err(format!("Invalid escape found in string: `\\{other}`")),
                None => return Err("Invalid escape found in string: `\\`".into()),
            },
            c => out.push(c),
        }
    }
    Ok(out)
}

fn hex4(chars: &mut std::iter::Peekable<std::str::Chars<'_>>) -> Result<u32, String> {
    let mut value = 0;
    for _ in 0..4 {
        let c = chars.next().ok_or("Invalid unclosed unicode escape found in string")?;
        let digit = c.to_digit(16).ok_or_else(|| format!("Invalid unicode escape character: `{c}`"))?;
        value = value * 16 + digit;
    }
    Ok(value)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kinds(source: &str) -> Vec<Kind> {
        tokenize(source).into_iter().map(|t| t.kind).collect()
    }

    /// The error that ends the tokens, and where.
    fn error(source: &str) -> (String, usize, usize) {
        let tokens = tokenize(source);
        let t = tokens.iter().find(|t| matches!(t.kind, Kind::Invalid(_))).expect("an error");
        let Kind::Invalid(message) = &t.kind else { unreachable!() };
        (message.clone(), t.line, t.column)
    }

    #[test]
    fn splits_statements() {
        assert_eq!(
            kinds("a: b := {}//x\n"),
            [
                Kind::Identifier,
                Kind::Colon,
                Kind::Space,
                Kind::Identifier,
                Kind::Space,
                Kind::Walrus,
                Kind::Space,
                Kind::LBrace,
                Kind::RBrace,
                Kind::Comment,
                Kind::Eof
            ]
        );
        assert_eq!(kinds("/// doc\n"), [Kind::DocComment("doc".into()), Kind::Newline, Kind::Eof]);
    }

    #[test]
    fn decodes_strings_and_text_blocks() {
        assert_eq!(kinds(r#""a\n\u00e9\"""#)[0], Kind::String("a\né\"".into()));
        assert_eq!(kinds("\"\"\"\n    Hello\n      there\n    \"\"\"")[0], Kind::TextBlock("Hello\n  there\n".into()));
        assert_eq!(kinds("\"\"\"\n    Hi \\\n    there\"\"\"")[0], Kind::TextBlock("Hi there".into()));
        assert_eq!(kinds("\"\"\"\n  a\n      \"\"\"")[0], Kind::TextBlock("a\n".into()));
    }

    #[test]
    fn reports_malformed_tokens_where_they_start() {
        assert_eq!(error("x\n  1."), ("Invalid number '1.': '.' must be followed by a digit".into(), 2, 3));
        assert_eq!(error("\"\\'\"").0, "Error parsing quoted string: Invalid escape found in string: `\\'`");
        assert!(error("\"abc").0.contains("[EOF]"));
        assert_eq!(error("\"\"\"x\"\"\"").0, "Error parsing text block: Text block must start with a new line");
        assert_eq!(error("_ x").0, "Expected a valid identifier character, but found ' '");
    }
}
