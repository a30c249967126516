//! Files the program writes for the user (bundles, exports): atomically, privately, and never
//! through a symbolic link or over something that is not a regular file.
//!
//! The text goes to a temporary file in the target's folder (mode 0600 on unix, as `tempfile`
//! creates it), is synced, and only then renamed into place: a full disk or a crash leaves the old
//! file as it was. Without [`Overwrite::Replace`] the rename refuses an existing file, however
//! late it appeared (`renameat2(RENAME_NOREPLACE)` or link + unlink, `tempfile::persist_noclobber`).

use std::io::{self, Write};
use std::path::{Path, PathBuf};

/// What to do when the target exists.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Overwrite {
    /// Refuse (`bundle -o FILE` without `--force`).
    Refuse,
    /// Replace an existing regular file (`--force`).
    Replace,
    /// Write next to it under a numbered name (`name-2.json`): exports never replace each other.
    NumberNew,
}

/// Checks that `path` may receive a file: its folder exists, and it is either absent or a regular
/// file that `overwrite` allows replacing. Symbolic links, folders and devices are refused.
pub fn check_target(path: &Path, overwrite: Overwrite) -> io::Result<()> {
    let folder = folder_of(path);
    if !folder.is_dir() {
        return Err(refused(format!(
            "the folder {} does not exist",
            folder.display()
        )));
    }
    let meta = match std::fs::symlink_metadata(path) {
        Ok(meta) => meta,
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(()),
        Err(e) => return Err(e),
    };
    let kind = meta.file_type();
    if kind.is_symlink() {
        return Err(refused(
            "it is a symbolic link; give the path of a new file".into(),
        ));
    }
    if kind.is_dir() {
        return Err(refused("it is a folder; give a file name".into()));
    }
    if !kind.is_file() {
        return Err(refused(
            "it is not a regular file (a device, pipe or socket)".into(),
        ));
    }
    if overwrite == Overwrite::Refuse {
        return Err(io::Error::new(
            io::ErrorKind::AlreadyExists,
            "it already exists; give --force to replace it",
        ));
    }
    Ok(())
}

/// Writes `bytes` to `path` as described in the module; returns the path written (another one
/// with [`Overwrite::NumberNew`] when `path` was taken).
pub fn write_private(path: &Path, bytes: &[u8], overwrite: Overwrite) -> io::Result<PathBuf> {
    check_target(path, overwrite)?;
    let mut temp = tempfile::Builder::new()
        .prefix(".acs-chat-inspector-")
        .suffix(".tmp")
        .tempfile_in(folder_of(path))?;
    temp.write_all(bytes)?;
    temp.as_file().sync_all()?;
    match overwrite {
        Overwrite::Replace => {
            check_target(path, overwrite)?;
            temp.persist(path).map_err(|e| e.error)?;
            Ok(path.to_path_buf())
        }
        Overwrite::Refuse => {
            temp.persist_noclobber(path).map_err(|e| e.error)?;
            Ok(path.to_path_buf())
        }
        Overwrite::NumberNew => persist_numbered(temp, path),
    }
}

/// Most numbered names tried before giving up.
const MAX_NUMBERED: u32 = 1000;

fn persist_numbered(mut temp: tempfile::NamedTempFile, path: &Path) -> io::Result<PathBuf> {
    for n in 1..=MAX_NUMBERED {
        let candidate = if n == 1 {
            path.to_path_buf()
        } else {
            numbered(path, n)
        };
        match temp.persist_noclobber(&candidate) {
            Ok(_) => return Ok(candidate),
            Err(e) if e.error.kind() == io::ErrorKind::AlreadyExists => temp = e.file,
            Err(e) => return Err(e.error),
        }
    }
    Err(io::Error::new(
        io::ErrorKind::AlreadyExists,
        format!("{MAX_NUMBERED} files of this name already exist"),
    ))
}

/// `dir/name-2.json` for `dir/name.json`.
fn numbered(path: &Path, n: u32) -> PathBuf {
    let stem = path.file_stem().unwrap_or_default().to_string_lossy();
    let name = match path.extension() {
        Some(ext) => format!("{stem}-{n}.{}", ext.to_string_lossy()),
        None => format!("{stem}-{n}"),
    };
    path.with_file_name(name)
}

fn folder_of(path: &Path) -> &Path {
    path.parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."))
}

fn refused(why: String) -> io::Error {
    io::Error::new(io::ErrorKind::InvalidInput, why)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_new_file_is_private_and_complete() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("b.json");
        let written = write_private(&path, b"{}", Overwrite::Refuse).unwrap();
        assert_eq!(written, path);
        assert_eq!(std::fs::read(&path).unwrap(), b"{}");
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(&path).unwrap().permissions().mode();
            assert_eq!(mode & 0o777, 0o600);
        }
        assert_eq!(
            std::fs::read_dir(dir.path()).unwrap().count(),
            1,
            "no temporary file left"
        );
    }

    #[test]
    fn an_existing_file_is_kept_unless_replacing() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("b.json");
        std::fs::write(&path, "old").unwrap();
        let err = write_private(&path, b"new", Overwrite::Refuse).unwrap_err();
        assert!(err.to_string().contains("--force"), "{err}");
        assert_eq!(std::fs::read(&path).unwrap(), b"old");
        write_private(&path, b"new", Overwrite::Replace).unwrap();
        assert_eq!(std::fs::read(&path).unwrap(), b"new");
    }

    #[test]
    fn numbered_names_never_replace_a_file() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("e.json");
        for (i, body) in ["a", "b", "c"].iter().enumerate() {
            let written = write_private(&path, body.as_bytes(), Overwrite::NumberNew).unwrap();
            let expected = match i {
                0 => path.clone(),
                n => dir.path().join(format!("e-{}.json", n + 1)),
            };
            assert_eq!(written, expected);
            assert_eq!(std::fs::read(&written).unwrap(), body.as_bytes());
        }
    }

    #[cfg(unix)]
    #[test]
    fn links_folders_and_devices_are_refused() {
        let dir = tempfile::tempdir().unwrap();
        let target = dir.path().join("target");
        std::fs::write(&target, "keep").unwrap();
        let link = dir.path().join("link.json");
        std::os::unix::fs::symlink(&target, &link).unwrap();
        for (path, why) in [
            (link.as_path(), "symbolic link"),
            (dir.path(), "folder"),
            (Path::new("/dev/null"), "not a regular file"),
        ] {
            for overwrite in [Overwrite::Refuse, Overwrite::Replace] {
                let err = write_private(path, b"x", overwrite).unwrap_err();
                assert!(err.to_string().contains(why), "{path:?}: {err}");
            }
        }
        assert_eq!(std::fs::read(&target).unwrap(), b"keep");
        let missing = dir.path().join("no/such/folder/b.json");
        let err = check_target(&missing, Overwrite::Refuse).unwrap_err();
        assert!(err.to_string().contains("does not exist"), "{err}");
    }
}
