//! The searchable names of a load, set aside by rank length until the units are written.

use std::fs::File;
use std::path::Path;

use anyhow::Context;

use crate::sirene::search;

const PREFIX: &str = ".sirene-names-";

/// Both engines want the name index fed in rank-key order (length, then SIREN): FTS5 writes a new segment
/// whenever a rowid is not above the previous one, and PostgreSQL reads its name table in the order it was
/// written (see [`super::postgres`]). The file comes in SIREN order: one temporary file per length holds the
/// names of that length in SIREN order, and the index is then fed length after length.
pub struct NameBuckets {
    folder: tempfile::TempDir,
    files: Vec<Option<std::io::BufWriter<File>>>,
}

impl NameBuckets {
    /// Keeps the names in a new temporary folder inside `parent` (removed with the buckets). Only one load runs
    /// at a time (the caller holds the load lock): the folders of loads that were killed are removed first.
    pub fn new(parent: &Path) -> anyhow::Result<Self> {
        std::fs::create_dir_all(parent)
            .with_context(|| format!("cannot create {}", parent.display()))?;
        for entry in std::fs::read_dir(parent)?.filter_map(Result::ok) {
            if entry.file_name().to_string_lossy().starts_with(PREFIX) {
                std::fs::remove_dir_all(entry.path()).ok();
            }
        }
        let folder = tempfile::Builder::new()
            .prefix(PREFIX)
            .tempdir_in(parent)
            .with_context(|| format!("cannot create a temporary folder in {}", parent.display()))?;
        Ok(Self {
            folder,
            files: (0..=u8::MAX).map(|_| None).collect(),
        })
    }

    pub fn push(&mut self, siren: u32, words: &str) -> anyhow::Result<()> {
        use std::io::Write;
        let length = search::rank_length(words);
        let slot = &mut self.files[usize::from(length)];
        if slot.is_none() {
            let file = File::create(self.folder.path().join(length.to_string()))?;
            *slot = Some(std::io::BufWriter::with_capacity(64 * 1024, file));
        }
        let out = slot.as_mut().context("bucket file")?;
        out.write_all(&siren.to_le_bytes())?;
        out.write_all(&u32::try_from(words.len())?.to_le_bytes())?;
        out.write_all(words.as_bytes())?;
        Ok(())
    }

    /// The names of one length, in SIREN order.
    pub fn take(&mut self, length: u8) -> anyhow::Result<Vec<(u32, String)>> {
        use std::io::Read;
        let Some(writer) = self.files[usize::from(length)].take() else {
            return Ok(Vec::new());
        };
        writer.into_inner().map_err(|e| e.into_error())?;
        let path = self.folder.path().join(length.to_string());
        let bytes = std::fs::read(&path)?;
        std::fs::remove_file(&path)?;
        let mut names = Vec::new();
        let mut rest = bytes.as_slice();
        while !rest.is_empty() {
            let mut head = [0u8; 8];
            rest.read_exact(&mut head)?;
            let siren = u32::from_le_bytes([head[0], head[1], head[2], head[3]]);
            let size = u32::from_le_bytes([head[4], head[5], head[6], head[7]]) as usize;
            let (words, tail) = rest.split_at(size.min(rest.len()));
            names.push((siren, String::from_utf8_lossy(words).into_owned()));
            rest = tail;
        }
        // Already in order when the file is (INSEE's is sorted by SIREN); sorting costs nothing then.
        names.sort_by_key(|(siren, _)| *siren);
        Ok(names)
    }
}
