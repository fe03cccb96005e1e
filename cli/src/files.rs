//! Writing files as the xtask does: whole or not at all.

use std::fs;
use std::io;
use std::path::Path;

/// Writes `contents` to `path` through a temporary file beside it, renamed
/// into place, so that no reader sees half a file; creates the directory.
pub fn write_atomically(path: &Path, contents: &str) -> io::Result<()> {
    let dir = path.parent().filter(|dir| !dir.as_os_str().is_empty()).unwrap_or(Path::new("."));
    fs::create_dir_all(dir)?;
    let name = path.file_name().ok_or_else(|| io::Error::other(format!("{} names no file", path.display())))?;
    let temporary = dir.join(format!(".{}.tmp", name.to_string_lossy()));
    fs::write(&temporary, contents)?;
    fs::rename(&temporary, path)
}

#[cfg(test)]
mod tests {
    #[test]
    fn a_file_is_written_whole_and_no_temporary_is_left() {
        let dir = std::env::temp_dir().join(format!("xtask-files-{}", std::process::id()));
        let path = dir.join("a/b.txt");
        super::write_atomically(&path, "one").unwrap();
        super::write_atomically(&path, "two").unwrap();
        assert_eq!(std::fs::read_to_string(&path).unwrap(), "two");
        assert_eq!(std::fs::read_dir(dir.join("a")).unwrap().count(), 1);
        std::fs::remove_dir_all(dir).unwrap();
    }
}
