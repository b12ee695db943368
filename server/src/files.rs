//! What the server writes to disk is its own: files readable by its user only (0600), folders 0700. The
//! database holds personal data, the mail files one-time links, a backup both.
//!
//! The process's file mode creation mask is set once (every file SQLite, the mail transport or a backup
//! creates gets it), and the places that existed before are tightened when the server starts.

use std::path::Path;

use anyhow::Context;

/// Files and folders created from now on by this process are its user's only.
pub fn private_from_now() {
    rustix::process::umask(rustix::fs::Mode::from_raw_mode(0o077));
}

/// Creates `folder` (and its parents) if needed, and makes it its user's only.
pub fn private_dir(folder: &Path) -> anyhow::Result<()> {
    use std::os::unix::fs::{DirBuilderExt, PermissionsExt};
    std::fs::DirBuilder::new()
        .recursive(true)
        .mode(0o700)
        .create(folder)
        .with_context(|| format!("cannot create {}", folder.display()))?;
    std::fs::set_permissions(folder, std::fs::Permissions::from_mode(0o700))
        .with_context(|| format!("cannot restrict {}", folder.display()))
}

/// Makes an existing file its user's only (a database created before, its `-wal` and `-shm` files).
pub fn private_file(file: &Path) -> anyhow::Result<()> {
    use std::os::unix::fs::PermissionsExt;
    match std::fs::set_permissions(file, std::fs::Permissions::from_mode(0o600)) {
        Err(error) if error.kind() == std::io::ErrorKind::NotFound => Ok(()),
        other => other.with_context(|| format!("cannot restrict {}", file.display())),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::os::unix::fs::PermissionsExt;

    #[test]
    fn folders_and_files_become_their_users_only() {
        let dir = tempfile::tempdir().expect("temporary folder");
        let folder = dir.path().join("a/b");
        private_dir(&folder).expect("created");
        let mode = |p: &Path| std::fs::metadata(p).expect("metadata").permissions().mode() & 0o777;
        assert_eq!(mode(&folder), 0o700);
        let file = folder.join("f");
        std::fs::write(&file, "x").expect("written");
        std::fs::set_permissions(&file, std::fs::Permissions::from_mode(0o644)).expect("chmod");
        private_file(&file).expect("restricted");
        assert_eq!(mode(&file), 0o600);
        private_file(&folder.join("absent")).expect("nothing to do");
    }
}
