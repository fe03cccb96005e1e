//! Converts Smithy documentation (HTML in AWS models) to Markdown that
//! rustdoc renders cleanly with warnings denied: no accidental doctests,
//! intra-doc links, bare URLs or unknown HTML tags.

/// Line width that paragraphs are wrapped to.
const WIDTH: usize = 96;

/// Converts documentation HTML to Markdown lines (blank lines between
/// blocks, no trailing blank line).
pub fn to_markdown(html: &str) -> Vec<String> {
    // Doc comments hold neither tabs (rustdoc's width for them varies;
    // clippy refuses them) nor carriage returns (bare CRs are not allowed
    // in doc comments): a tab is four spaces, a CR a line break.
    let html = html.replace("\r\n", "\n").replace('\r', "\n").replace('\t', "    ");
    let nodes = parse(&html);
    let blocks = render_blocks(&nodes);
    let mut lines = Vec::new();
    for block in blocks {
        if !lines.is_empty() {
            lines.push(String::new());
        }
        lines.extend(block.lines().map(|l| l.trim_end().to_string()));
    }
    lines
}

#[derive(Debug)]
enum Node {
    Text(String),
    Element { tag: String, href: Option<String>, children: Vec<Node> },
}

/// Tags read as HTML; anything else that looks like a tag (`<region>`) is text.
#[rustfmt::skip]
const KNOWN_TAGS: &[&str] = &[
    "a", "b", "br", "code", "dd", "div", "dl", "dt", "em", "fullname", "h1", "h2", "h3", "h4", "h5", "h6", "i",
    "important", "li", "note", "ol", "p", "pre", "span", "strong", "sub", "sup", "tt", "u", "ul",
];
const VOID_TAGS: &[&str] = &["br"];
#[rustfmt::skip]
const BLOCK_TAGS: &[&str] = &[
    "p", "div", "ul", "ol", "li", "dl", "dt", "dd", "note", "important", "pre", "br", "h1", "h2", "h3", "h4", "h5",
    "h6", "fullname",
];

/// A tolerant HTML parser: unknown or unbalanced tags never fail, they
/// become text or are closed where their parent closes.
fn parse(html: &str) -> Vec<Node> {
    // Each open element: tag, href, children so far.
    let mut stack: Vec<(String, Option<String>, Vec<Node>)> = vec![(String::new(), None, Vec::new())];
    let mut text = String::new();
    let mut rest = html;
    while !rest.is_empty() {
        if let Some((tag, closing, href, len)) = tag_at(rest) {
            if !text.is_empty() {
                stack.last_mut().unwrap().2.push(Node::Text(decode_entities(&std::mem::take(&mut text))));
            }
            rest = &rest[len..];
            if closing {
                if let Some(depth) = stack.iter().rposition(|(t, _, _)| *t == tag) {
                    while stack.len() > depth {
                        let (tag, href, children) = stack.pop().unwrap();
                        stack.last_mut().unwrap().2.push(Node::Element { tag, href, children });
                    }
                }
            } else if VOID_TAGS.contains(&tag.as_str()) {
                stack.last_mut().unwrap().2.push(Node::Element { tag, href, children: Vec::new() });
            } else {
                stack.push((tag, href, Vec::new()));
            }
            continue;
        }
        let c = rest.chars().next().unwrap();
        text.push(c);
        rest = &rest[c.len_utf8()..];
    }
    if !text.is_empty() {
        stack.last_mut().unwrap().2.push(Node::Text(decode_entities(&text)));
    }
    while stack.len() > 1 {
        let (tag, href, children) = stack.pop().unwrap();
        stack.last_mut().unwrap().2.push(Node::Element { tag, href, children });
    }
    stack.pop().unwrap().2
}

/// Recognises a known tag at the start of `s`: (name, closing, href, length).
fn tag_at(s: &str) -> Option<(String, bool, Option<String>, usize)> {
    let inner = s.strip_prefix('<')?;
    let (closing, inner) = match inner.strip_prefix('/') {
        Some(after) => (true, after),
        None => (false, inner),
    };
    let name_len = inner.find(|c: char| !c.is_ascii_alphanumeric()).unwrap_or(inner.len());
    let name = inner[..name_len].to_ascii_lowercase();
    if !KNOWN_TAGS.contains(&name.as_str()) {
        return None;
    }
    let after_name = &inner[name_len..];
    if !after_name.starts_with(['>', ' ', '\n', '\t', '/']) {
        return None;
    }
    let end = after_name.find('>')?;
    let attrs = &after_name[..end];
    let len = s.len() - after_name.len() + end + 1;
    Some((name, closing, attribute(attrs, "href"), len))
}

fn attribute(attrs: &str, name: &str) -> Option<String> {
    let at = attrs.find(&format!("{name}="))?;
    let value = &attrs[at + name.len() + 1..];
    let quote = value.chars().next().filter(|c| *c == '"' || *c == '\'')?;
    let value = &value[1..];
    Some(decode_entities(&value[..value.find(quote)?]))
}

fn decode_entities(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut rest = s;
    while let Some(at) = rest.find('&') {
        out.push_str(&rest[..at]);
        rest = &rest[at..];
        let decoded = rest.find(';').filter(|&end| end <= 10).and_then(|end| {
            let entity = &rest[1..end];
            let c = match entity {
                "lt" => '<',
                "gt" => '>',
                "amp" => '&',
                "quot" => '"',
                "apos" => '\'',
                "nbsp" => ' ',
                _ => {
                    let code = if let Some(hex) = entity.strip_prefix("#x").or_else(|| entity.strip_prefix("#X")) {
                        u32::from_str_radix(hex, 16).ok()?
                    } else {
                        entity.strip_prefix('#')?.parse().ok()?
                    };
                    char::from_u32(code)?
                }
            };
            Some((c, end + 1))
        });
        match decoded {
            Some((c, len)) => {
                out.push(c);
                rest = &rest[len..];
            }
            None => {
                out.push('&');
                rest = &rest[1..];
            }
        }
    }
    out.push_str(rest);
    out
}

/// Renders nodes as Markdown blocks (paragraphs, lists, quotes, code).
fn render_blocks(nodes: &[Node]) -> Vec<String> {
    let mut blocks = Vec::new();
    let mut inline = String::new();
    for node in nodes {
        match node {
            Node::Element { tag, children, .. } if BLOCK_TAGS.contains(&tag.as_str()) => {
                flush_paragraph(&mut inline, &mut blocks);
                blocks.extend(render_block(tag, children));
            }
            _ => render_inline(node, &mut inline),
        }
    }
    flush_paragraph(&mut inline, &mut blocks);
    blocks
}

fn render_block(tag: &str, children: &[Node]) -> Vec<String> {
    match tag {
        "ul" | "ol" | "dl" => {
            let items = render_list(tag, children);
            if items.is_empty() { Vec::new() } else { vec![items.join("\n")] }
        }
        "note" | "important" => {
            let label = if tag == "note" { "**Note:**" } else { "**Important:**" };
            let inner = render_blocks(children);
            let body = if inner.is_empty() { label.to_string() } else { format!("{label} {}", inner.join("\n\n")) };
            vec![
                body.lines()
                    .map(|l| if l.is_empty() { ">".to_string() } else { format!("> {l}") })
                    .collect::<Vec<_>>()
                    .join("\n"),
            ]
        }
        "pre" => {
            let mut code = String::new();
            collect_text(children, &mut code);
            let code = code.trim_matches('\n');
            if code.trim().is_empty() {
                return Vec::new();
            }
            let fence = "`".repeat(longest_run(code, '`').max(2) + 1);
            // `text` keeps rustdoc from compiling the block as a doctest.
            vec![format!("{fence}text\n{code}\n{fence}")]
        }
        "h1" | "h2" | "h3" | "h4" | "h5" | "h6" | "dt" => {
            let mut text = String::new();
            for child in children {
                render_inline(child, &mut text);
            }
            let text = collapse(&text);
            if text.is_empty() { Vec::new() } else { vec![format!("**{text}**")] }
        }
        "br" => Vec::new(),
        _ => render_blocks(children),
    }
}

/// List items for `ul`/`ol` (`li` children) and `dl` (`dt` terms followed
/// by `dd` descriptions). Loose text between items becomes an item too.
fn render_list(tag: &str, children: &[Node]) -> Vec<String> {
    let mut items: Vec<String> = Vec::new();
    let mut number = 0;
    for child in children {
        let (item_tag, blocks) = match child {
            Node::Element { tag, children, .. } if tag == "li" || tag == "dd" => {
                (tag.as_str(), render_blocks(children))
            }
            Node::Element { tag, children, .. } if tag == "dt" => ("dt", render_block("dt", children)),
            node => ("text", render_blocks(std::slice::from_ref(node))),
        };
        if blocks.is_empty() {
            continue;
        }
        let body = blocks.join("\n\n");
        if item_tag == "dd" && !items.is_empty() {
            // A description continues the term's item, indented under it.
            let last = items.last_mut().unwrap();
            last.push_str("\n\n");
            last.push_str(&indent(&body, "  "));
            continue;
        }
        let marker = if tag == "ol" {
            number += 1;
            format!("{number}. ")
        } else {
            "- ".to_string()
        };
        let pad = " ".repeat(marker.len());
        let indented = indent(&body, &pad);
        items.push(format!("{marker}{}", &indented[pad.len()..]));
    }
    items
}

fn indent(text: &str, pad: &str) -> String {
    text.lines().map(|l| if l.is_empty() { String::new() } else { format!("{pad}{l}") }).collect::<Vec<_>>().join("\n")
}

fn flush_paragraph(inline: &mut String, blocks: &mut Vec<String>) {
    let text = collapse(inline);
    inline.clear();
    if !text.is_empty() {
        blocks.push(wrap(&protect_line_start(&text)));
    }
}

fn render_inline(node: &Node, out: &mut String) {
    match node {
        Node::Text(text) => out.push_str(&escape_text(text)),
        Node::Element { tag, href, children } => match tag.as_str() {
            "code" | "tt" => {
                let mut code = String::new();
                collect_text(children, &mut code);
                let code = collapse(&code);
                if !code.is_empty() {
                    out.push_str(&code_span(&code));
                }
            }
            "i" | "em" | "b" | "strong" => {
                let mut inner = String::new();
                for child in children {
                    render_inline(child, &mut inner);
                }
                let mark = if matches!(tag.as_str(), "i" | "em") { "*" } else { "**" };
                wrap_emphasis(&inner, mark, out);
            }
            "a" => {
                let mut inner = String::new();
                for child in children {
                    render_inline(child, &mut inner);
                }
                match href.as_deref().map(str::trim).filter(|h| h.starts_with("http://") || h.starts_with("https://")) {
                    Some(url) if !collapse(&inner).is_empty() => {
                        let url = url.replace(' ', "%20");
                        let text = collapse(&inner);
                        let (lead, trail) = edge_spaces(&inner);
                        out.push_str(&format!("{lead}[{text}](<{url}>){trail}"));
                    }
                    Some(url) => out.push_str(&format!("<{}>", url.replace(' ', "%20"))),
                    // Relative links and shape references (`<a>Shape</a>`)
                    // would break as intra-doc links; keep their text.
                    None => out.push_str(&inner),
                }
            }
            "br" => out.push(' '),
            _ => {
                for child in children {
                    render_inline(child, out);
                }
            }
        },
    }
}

fn wrap_emphasis(inner: &str, mark: &str, out: &mut String) {
    let text = collapse(inner);
    if text.is_empty() {
        out.push_str(inner);
        return;
    }
    let (lead, trail) = edge_spaces(inner);
    out.push_str(&format!("{lead}{mark}{text}{mark}{trail}"));
}

fn edge_spaces(s: &str) -> (&'static str, &'static str) {
    let lead = if s.starts_with(char::is_whitespace) { " " } else { "" };
    let trail = if s.ends_with(char::is_whitespace) { " " } else { "" };
    (lead, trail)
}

fn collect_text(nodes: &[Node], out: &mut String) {
    for node in nodes {
        match node {
            Node::Text(text) => out.push_str(text),
            Node::Element { children, .. } => collect_text(children, out),
        }
    }
}

/// The first sentence of `docs`' first paragraph, for one-line summaries
/// (an operation's module, an error's line, an OpenAPI `summary`): its
/// lines joined, up to the first `. ` that does not end a list number;
/// `None` when the paragraph is a quote, list, code or heading.
pub fn summary(docs: &[String]) -> Option<String> {
    let paragraph: Vec<&str> = docs.iter().map(|line| line.trim()).take_while(|line| !line.is_empty()).collect();
    let text = paragraph.join(" ");
    // Not at a numbered list's `1. `.
    let mut ends = text.match_indices(". ").map(|(at, _)| at);
    let end = ends.find(|at| !text[..*at].ends_with(|c: char| c.is_ascii_digit())).map_or(text.len(), |at| at + 1);
    let sentence = text[..end].trim();
    let plain = !sentence.is_empty() && !sentence.starts_with(['>', '-', '`', '#', '*']);
    plain.then(|| sentence.to_string())
}

/// A Markdown code span for `text`, fenced with more backticks than it
/// holds in a row (padded when it starts or ends with one).
pub fn code_span(text: &str) -> String {
    let fence = "`".repeat(longest_run(text, '`') + 1);
    let pad = if text.starts_with('`') || text.ends_with('`') { " " } else { "" };
    format!("{fence}{pad}{text}{pad}{fence}")
}

fn longest_run(s: &str, c: char) -> usize {
    s.split(|x| x != c).map(str::len).max().unwrap_or(0)
}

/// Collapses runs of white space to one space and trims the ends.
fn collapse(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Escapes Markdown syntax in plain text and turns bare URLs into autolinks
/// (rustdoc warns about bare URLs).
fn escape_text(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while !rest.is_empty() {
        let word_end = rest.find(char::is_whitespace).unwrap_or(rest.len());
        let word = &rest[..word_end];
        // A URL may follow punctuation: `"https://..."`, `(https://...)`.
        let url_start = ["http://", "https://"]
            .iter()
            .filter_map(|scheme| word.find(scheme))
            .min()
            .filter(|&at| !word[..at].chars().any(char::is_alphanumeric));
        if let Some(at) = url_start {
            let url = word[at..].trim_end_matches(['.', ',', ';', ':', ')', '"', '\'']);
            out.push_str(&escape_chars(&word[..at]));
            out.push_str(&format!("<{url}>"));
            out.push_str(&escape_chars(&word[at + url.len()..]));
        } else {
            out.push_str(&escape_chars(word));
        }
        let space_end = rest[word_end..].find(|c: char| !c.is_whitespace()).map_or(rest.len(), |i| word_end + i);
        out.push_str(&rest[word_end..space_end]);
        rest = &rest[space_end..];
    }
    out
}

fn escape_chars(word: &str) -> String {
    let chars: Vec<char> = word.chars().collect();
    let mut out = String::with_capacity(word.len());
    for (i, &c) in chars.iter().enumerate() {
        let escape = match c {
            '\\' | '`' | '*' | '[' | ']' | '<' | '>' | '|' => true,
            // `_` only starts or ends emphasis next to something that is not
            // a letter or digit; inside `snake_case` words it is literal.
            '_' => {
                let before = i.checked_sub(1).map(|j| chars[j]);
                let after = chars.get(i + 1);
                !before.is_some_and(|b| b.is_alphanumeric()) || !after.is_some_and(|a| a.is_alphanumeric())
            }
            _ => false,
        };
        if escape {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

/// A paragraph must not start like a heading, list item or quote.
fn protect_line_start(text: &str) -> String {
    let starts_block = text.starts_with(['#', '-', '+', '=', '>'])
        || (text.starts_with(|c: char| c.is_ascii_digit())
            && text.trim_start_matches(|c: char| c.is_ascii_digit()).starts_with(['.', ')']));
    if !starts_block {
        return text.to_string();
    }
    let digits = text.find(|c: char| !c.is_ascii_digit()).unwrap_or(0);
    format!("{}\\{}", &text[..digits], &text[digits..])
}

/// Wraps a paragraph at [`WIDTH`], never starting a line with something
/// Markdown would read as a block marker, and never inside a link or code.
fn wrap(text: &str) -> String {
    let mut lines: Vec<String> = Vec::new();
    let mut line = String::new();
    for word in atoms(text) {
        let risky = word.starts_with(|c: char| !c.is_alphanumeric() || c.is_ascii_digit());
        if !line.is_empty() && line.len() + 1 + word.len() > WIDTH && !risky {
            lines.push(std::mem::take(&mut line));
        }
        if !line.is_empty() {
            line.push(' ');
        }
        line.push_str(&word);
    }
    if !line.is_empty() {
        lines.push(line);
    }
    lines.join("\n")
}

/// Splits a paragraph at spaces, keeping code spans and links whole.
fn atoms(text: &str) -> Vec<String> {
    let mut atoms = Vec::new();
    let mut current = String::new();
    let mut in_code: Option<usize> = None;
    let mut link_depth = 0usize;
    let chars: Vec<char> = text.chars().collect();
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        if c == '\\' && i + 1 < chars.len() {
            current.push(c);
            current.push(chars[i + 1]);
            i += 2;
            continue;
        }
        if c == '`' {
            let run = chars[i..].iter().take_while(|&&x| x == '`').count();
            in_code = match in_code {
                None => Some(run),
                Some(open) if open == run => None,
                other => other,
            };
            current.extend(std::iter::repeat_n('`', run));
            i += run;
            continue;
        }
        if in_code.is_none() {
            match c {
                '[' | '<' | '(' => link_depth += 1,
                ']' | '>' | ')' => link_depth = link_depth.saturating_sub(1),
                _ => {}
            }
        }
        if c == ' ' && in_code.is_none() && link_depth == 0 {
            if !current.is_empty() {
                atoms.push(std::mem::take(&mut current));
            }
        } else {
            current.push(c);
        }
        i += 1;
    }
    if !current.is_empty() {
        atoms.push(current);
    }
    atoms
}

#[cfg(test)]
mod tests {
    #[test]
    fn tabs_and_carriage_returns_do_not_reach_doc_comments() {
        let lines = super::to_markdown("<p>a\tb\r\nc\rd</p><pre><code>\tindented\r\n</code></pre>");
        assert!(lines.iter().all(|l| !l.contains(['\t', '\r'])), "{lines:?}");
    }

    use super::*;

    fn md(html: &str) -> String {
        to_markdown(html).join("\n")
    }

    #[test]
    fn paragraphs_code_and_emphasis() {
        assert_eq!(
            md("<p>The ID of the <code>Task</code>\n   execution. Default is <i>false</i>.</p><p>Second.</p>"),
            "The ID of the `Task` execution. Default is *false*.\n\nSecond."
        );
    }

    #[test]
    fn notes_lists_and_shape_references() {
        let html = "<p>The parameters.</p>\n<note>\n<p>\n<code>TaskParameters</code> has been deprecated, see <a>MaintenanceWindowTaskInvocationParameters</a>.</p>\n</note>\n<ul><li><p><code>Key</code>: string</p></li><li><p>Value: strings</p></li></ul>";
        assert_eq!(
            md(html),
            "The parameters.\n\n> **Note:** `TaskParameters` has been deprecated, see MaintenanceWindowTaskInvocationParameters.\n\n- `Key`: string\n- Value: strings"
        );
    }

    #[test]
    fn quoted_urls_are_links_too() {
        assert_eq!(
            md("<p>see \"https://docs.aws.amazon.com/a.html\" (Guide) or (https://example.com/b).</p>"),
            "see \"<https://docs.aws.amazon.com/a.html>\" (Guide) or (<https://example.com/b>)."
        );
    }

    #[test]
    fn links_and_bare_urls() {
        assert_eq!(
            md("<p>See <a href=\"https://docs.aws.amazon.com/x.html#y\">quotas</a> and https://example.com/a.</p>"),
            "See [quotas](<https://docs.aws.amazon.com/x.html#y>) and <https://example.com/a>."
        );
        assert_eq!(md("<p>See <a href=\"#local\">here</a>.</p>"), "See here.");
    }

    #[test]
    fn markdown_and_html_lookalikes_are_escaped() {
        assert_eq!(
            md("<p>arn:aws:ssm:<region>:[id] a*b _x_ snake_case</p>"),
            "arn:aws:ssm:\\<region\\>:\\[id\\] a\\*b \\_x\\_ snake_case"
        );
        assert_eq!(md("<p>&lt;b&gt; &amp; &#39;q&#x27;</p>"), "\\<b\\> & 'q'");
        assert_eq!(
            md("<p>- not a list</p><p>1. not a list</p><p># not a heading</p>"),
            "\\- not a list\n\n1\\. not a list\n\n\\# not a heading"
        );
    }

    #[test]
    fn code_blocks_are_never_doctests() {
        assert_eq!(md("<pre><code>{\n  \"a\": 1\n}</code></pre>"), "```text\n{\n  \"a\": 1\n}\n```");
    }

    #[test]
    fn definition_lists() {
        assert_eq!(md("<dl><dt>Key</dt><dd><p>The key.</p></dd></dl>"), "- **Key**\n\n  The key.");
    }

    #[test]
    fn unbalanced_tags_do_not_lose_text() {
        assert_eq!(md("<p>one <b>two</p> three"), "one **two**\n\nthree");
        assert_eq!(md("a </i> b"), "a b");
    }

    #[test]
    fn long_paragraphs_wrap_without_starting_blocks() {
        let text = format!("<p>{} - 1. # x</p>", "word ".repeat(30));
        for line in to_markdown(&text) {
            assert!(line.len() <= WIDTH + 10, "{line}");
            assert!(!line.starts_with(['-', '#', '1']), "{line}");
        }
    }
}
