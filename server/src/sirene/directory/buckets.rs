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

    /// The names of one length, read back one at a time (memory stays bounded whatever the file's size), in
    /// the order of the file: INSEE's is sorted by SIREN. An unsorted file only costs the index more merging,
    /// and ties of length rank in file order.
    pub fn take(&mut self, length: u8) -> anyhow::Result<Bucket> {
        let Some(writer) = self.files[usize::from(length)].take() else {
            return Ok(Bucket { reader: None });
        };
        writer
            .into_inner()
            .map_err(std::io::IntoInnerError::into_error)?;
        let path = self.folder.path().join(length.to_string());
        let file = File::open(&path)?;
        // Unlinked now, gone once read: the folder does not hold two copies of the names at the end.
        std::fs::remove_file(&path)?;
        Ok(Bucket {
            reader: Some(std::io::BufReader::with_capacity(64 * 1024, file)),
        })
    }
}

/// The names of one length, as `(siren, words)`.
pub struct Bucket {
    reader: Option<std::io::BufReader<File>>,
}

impl Bucket {
    fn read(reader: &mut std::io::BufReader<File>) -> anyhow::Result<Option<(u32, String)>> {
        use std::io::{BufRead, Read};
        if reader.fill_buf()?.is_empty() {
            return Ok(None);
        }
        let mut head = [0u8; 8];
        reader.read_exact(&mut head)?;
        let siren = u32::from_le_bytes([head[0], head[1], head[2], head[3]]);
        let size = u32::from_le_bytes([head[4], head[5], head[6], head[7]]) as usize;
        let mut words = vec![0u8; size];
        reader
            .read_exact(&mut words)
            .context("a name cut short in its bucket")?;
        Ok(Some((siren, String::from_utf8(words)?)))
    }
}

impl Iterator for Bucket {
    type Item = anyhow::Result<(u32, String)>;

    fn next(&mut self) -> Option<Self::Item> {
        let reader = self.reader.as_mut()?;
        match Self::read(reader) {
            Ok(Some(name)) => Some(Ok(name)),
            Ok(None) => {
                self.reader = None;
                None
            }
            Err(error) => {
                self.reader = None;
                Some(Err(error))
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_come_back_by_length_in_file_order() {
        let folder = tempfile::tempdir().expect("folder");
        let mut buckets = NameBuckets::new(folder.path()).expect("buckets");
        let names = [
            (100, "la poste"),
            (200, "mairie de nantes"),
            (300, "sncf"),
            (400, "la ruche"),
        ];
        for (siren, words) in names {
            buckets.push(siren, words).expect("push");
        }
        let mut seen = Vec::new();
        for length in 0..=u8::MAX {
            for name in buckets.take(length).expect("bucket") {
                seen.push(name.expect("name"));
            }
        }
        let words: Vec<&str> = seen.iter().map(|(_, w)| w.as_str()).collect();
        assert_eq!(words, ["sncf", "la poste", "la ruche", "mairie de nantes"]);
        assert_eq!(buckets.take(8).expect("taken").count(), 0, "read once");
    }
}
