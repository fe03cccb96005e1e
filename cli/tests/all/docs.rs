//! The docs cannot drift: every shell command in README.md,
//! CONTRIBUTING.md and docs/ is run by CI or by a test, and says which in
//! the comment before its block (`<!-- run by: ... -->`); this test checks
//! that each named test exists and each CI command is in `.ci/run`.
//! `getting_started.rs` runs docs/guide/getting-started.md itself.

use std::path::PathBuf;

use crate::root;

/// One fenced block of a Markdown file: the comment before it (if any),
/// its info string, its text, and the line it starts on.
pub struct Block {
    pub comment: Option<String>,
    pub info: String,
    pub text: String,
    pub line: usize,
}

/// The fenced blocks of `markdown`, with the HTML comment on the line
/// before each (blank lines between allowed).
pub fn blocks(markdown: &str) -> Vec<Block> {
    let mut blocks = Vec::new();
    let mut comment: Option<String> = None;
    let mut lines = markdown.lines().enumerate();
    while let Some((n, line)) = lines.next() {
        let trimmed = line.trim();
        if let Some(info) = trimmed.strip_prefix("```") {
            let mut text = String::new();
            for (_, line) in lines.by_ref() {
                if line.trim() == "```" {
                    break;
                }
                text.push_str(line);
                text.push('\n');
            }
            blocks.push(Block { comment: comment.take(), info: info.trim().to_string(), text, line: n + 1 });
        } else if let Some(inner) = trimmed.strip_prefix("<!--").and_then(|c| c.strip_suffix("-->")) {
            comment = Some(inner.trim().to_string());
        } else if !trimmed.is_empty() {
            comment = None;
        }
    }
    blocks
}

fn markdown_files() -> Vec<PathBuf> {
    let mut files = vec![root().join("README.md"), root().join("CONTRIBUTING.md")];
    let mut dirs = vec![root().join("docs")];
    while let Some(dir) = dirs.pop() {
        for entry in std::fs::read_dir(&dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                dirs.push(path);
            } else if path.extension().is_some_and(|e| e == "md") {
                files.push(path);
            }
        }
    }
    files.sort();
    files
}

/// The commands of a shell block: its lines without comments, blank lines
/// and continuation breaks.
fn commands(text: &str) -> Vec<String> {
    text.replace("\\\n", " ")
        .lines()
        .map(|line| line.split(" #").next().unwrap_or_default().split_whitespace().collect::<Vec<_>>().join(" "))
        .filter(|line| !line.is_empty() && !line.starts_with('#'))
        .collect()
}

#[test]
fn every_shell_command_in_the_docs_is_run_by_ci_or_a_test() {
    let ci = std::fs::read_to_string(root().join(".ci/run")).unwrap();
    let mut problems = Vec::new();
    let mut checked = 0;
    for file in markdown_files() {
        let shown = file.strip_prefix(root()).unwrap().display().to_string();
        let text = std::fs::read_to_string(&file).unwrap();
        for block in blocks(&text).into_iter().filter(|b| b.info == "sh") {
            let at = format!("{shown}:{}", block.line);
            checked += 1;
            let Some(comment) = block.comment.as_deref().and_then(|c| c.strip_prefix("run by:")) else {
                problems.push(format!("{at}: no `<!-- run by: ... -->` before the block"));
                continue;
            };
            let runner: Vec<&str> = comment.split_whitespace().collect();
            match runner.as_slice() {
                ["ci", ..] => {
                    for command in commands(&block.text) {
                        if !commands(&ci).contains(&command) {
                            problems.push(format!("{at}: `{command}` is not a line of .ci/run"));
                        }
                    }
                }
                ["test", path, function, ..] => {
                    let source = std::fs::read_to_string(root().join(path)).unwrap_or_default();
                    if !source.contains(&format!("fn {function}(")) {
                        problems.push(format!("{at}: no test `{function}` in {path}"));
                    }
                }
                ["getting-started", ..] if shown == "docs/guide/getting-started.md" => {}
                _ => problems.push(format!("{at}: `run by:{comment}` names no test, `ci` or `getting-started`")),
            }
        }
    }
    assert!(checked > 10, "only {checked} shell blocks found");
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

#[test]
fn blocks_keep_the_comment_before_them() {
    let found = blocks("<!-- run by: ci -->\n\n```sh\ncargo test\n```\ntext\n```text\nout\n```\n");
    assert_eq!(found.len(), 2);
    assert_eq!(
        (found[0].comment.as_deref(), found[0].info.as_str(), found[0].text.as_str()),
        (Some("run by: ci"), "sh", "cargo test\n")
    );
    assert_eq!(found[1].comment, None);
    assert_eq!(commands("a \\\n  b # note\n# c\n\nd"), ["a b", "d"]);
}
