//! docs/guide/getting-started.md, run as written: its files written and
//! its commands run in an empty directory outside the clone, the server
//! started in the background, and the answers compared with the page's.
//! The install step is the one thing not run: this test's own build of
//! `awsgen` is put on PATH instead (installing would build it again).

use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use crate::docs::{Block, blocks};
use crate::{root, text};

/// Runs a shell block in `dir` with the guide's environment.
fn shell(dir: &Path, script: &str) -> Command {
    let awsgen = Path::new(env!("CARGO_BIN_EXE_awsgen")).parent().unwrap();
    let path = format!("{}:{}", awsgen.display(), std::env::var("PATH").unwrap_or_default());
    let mut command = Command::new("sh");
    command
        .args(["-ec", script])
        .current_dir(dir)
        .env("PATH", path)
        .env("AWSGEN", root())
        // Dependencies shared with the other standalone builds.
        .env("CARGO_TARGET_DIR", root().join("target/standalone"))
        .env("CARGO_PROFILE_DEV_DEBUG", "line-tables-only");
    command
}

/// The server started by the guide, stopped (with cargo around it) when dropped.
struct Background(Child);

impl Drop for Background {
    fn drop(&mut self) {
        // The shell, cargo and the server share the process group.
        let _ = Command::new("kill").args(["-TERM", "--", &format!("-{}", self.0.id())]).status();
        let _ = self.0.wait();
    }
}

#[test]
fn the_getting_started_guide_works_as_written() {
    let guide = std::fs::read_to_string(root().join("docs/guide/getting-started.md")).unwrap();
    let dir = std::env::temp_dir().join(format!("awsgen-getting-started-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    let blocks = blocks(&guide);
    let mut server: Option<Background> = None;
    let mut ran = 0;
    for (i, block) in blocks.iter().enumerate() {
        let Block { comment, info, text: body, line } = block;
        let comment = comment.as_deref().unwrap_or_default();
        if let Some(file) = comment.strip_prefix("file:") {
            let path = dir.join(file.trim());
            std::fs::create_dir_all(path.parent().unwrap()).unwrap();
            std::fs::write(path, body).unwrap();
            continue;
        }
        if info != "sh" {
            continue;
        }
        assert!(comment.starts_with("run by: getting-started"), "line {line}: {comment}");
        if comment.contains("(installs") {
            continue;
        }
        if comment.contains("(in the background") {
            let mut command = shell(&dir, body);
            std::os::unix::process::CommandExt::process_group(&mut command, 0);
            let child = command.stdout(Stdio::null()).stderr(Stdio::piped()).spawn().unwrap();
            server = Some(Background(child));
            continue;
        }
        // The page's expected output, if the next block is one.
        let expected = blocks.get(i + 1).filter(|b| b.comment.as_deref() == Some("output")).map(|b| b.text.trim_end());
        let started = Instant::now();
        let output = loop {
            let output = shell(&dir, body).output().unwrap();
            // While the server builds, curl finds nothing listening (exit 7).
            let waiting = server.is_some() && output.status.code() == Some(7);
            if !waiting || started.elapsed() > Duration::from_secs(900) {
                break output;
            }
            if let Some(Background(child)) = &mut server {
                if let Some(status) = child.try_wait().unwrap() {
                    let mut stderr = String::new();
                    std::io::Read::read_to_string(child.stderr.as_mut().unwrap(), &mut stderr).unwrap();
                    panic!("the server stopped ({status}):\n{stderr}");
                }
            }
            std::thread::sleep(Duration::from_millis(500));
        };
        assert!(output.status.success(), "line {line}: {body}\n{}{}", text(&output.stdout), text(&output.stderr));
        if let Some(expected) = expected {
            assert_eq!(text(&output.stdout).trim_end(), expected, "line {line}: {body}");
        }
        ran += 1;
    }
    assert!(server.is_some() && ran >= 3, "the guide's steps were not all found");
    drop(server);
    std::fs::remove_dir_all(&dir).unwrap();
}
