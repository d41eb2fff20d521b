//! Bringing the output folders of `render --shard` runs together: each shard's documents,
//! thumbnails and previews linked (or copied) into the merge's folder, and their cache
//! entries folded into its cache, so that a [`super::shard::Portion::Merge`] run takes
//! every persona's documents as the shards made them and renders only the overviews.

use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};

use super::cache::{CACHE_FILE, DocumentId, cache_file, id_of, read_entries, write_entries};
use super::paths::thumbnail_path;
use super::report::Entry;
use super::shard::Shard;
use crate::diag::Diagnostic;

/// What the part folders held.
#[derive(Debug, Default)]
pub struct Gathered {
    /// How many shards the batch was split into (none when no part was found).
    pub count: Option<u32>,
    /// The shards found, each with the folder it wrote to and its failed documents.
    pub shards: BTreeMap<u32, (PathBuf, usize)>,
    /// The documents brought over.
    pub documents: usize,
    /// Part folders that could not be read, or that held no shard.
    pub problems: Vec<Diagnostic>,
}

impl Gathered {
    /// The shards (from 1) that no part folder holds.
    pub fn missing(&self) -> Vec<u32> {
        let count = self.count.unwrap_or(0);
        (1..=count)
            .filter(|k| !self.shards.contains_key(k))
            .collect()
    }
}

/// Finds every shard's cache in `parts`, brings its documents into `out` and writes the
/// folded cache there. An error when the parts disagree on the number of shards or two
/// hold the same shard; a part folder that holds none is a problem, named, not an end.
pub fn gather(parts: &[PathBuf], out: &Path) -> Result<Gathered, Diagnostic> {
    let mut gathered = Gathered::default();
    let mut entries: HashMap<DocumentId, Entry> = HashMap::new();
    let folded_cache = cache_file(out, "");
    for entry in read_entries(&folded_cache) {
        entries.insert(id_of(&entry), entry);
    }
    for part in parts {
        let found = match shard_caches(part) {
            Ok(found) if !found.is_empty() => found,
            Ok(_) => {
                gathered.problems.push(no_shard_in(part));
                continue;
            }
            Err(diag) => {
                gathered.problems.push(diag);
                continue;
            }
        };
        for (shard, file) in found {
            claim(&mut gathered, shard, part)?;
            let part_entries = read_entries(&file);
            let failed = part_entries.iter().filter(|e| !e.errors.is_empty()).count();
            gathered.shards.insert(shard.index, (part.clone(), failed));
            for entry in part_entries {
                bring_over(&entry, part, out)?;
                gathered.documents += usize::from(entry.file.is_some());
                entries.insert(id_of(&entry), entry);
            }
        }
    }
    let folded: Vec<&Entry> = entries.values().collect();
    write_entries(&folded, &folded_cache).map_err(|e| {
        Diagnostic::error(format!("cannot write the cache in {} ({e})", out.display()))
    })?;
    Ok(gathered)
}

/// Records that `part` holds `shard`: refused when another part holds it too, or the
/// parts were split into different numbers of shards.
fn claim(gathered: &mut Gathered, shard: Shard, part: &Path) -> Result<(), Diagnostic> {
    if let Some(count) = gathered.count.filter(|c| *c != shard.count) {
        let message = format!(
            "{} holds shard {shard}, but another part was split into {count} shards",
            part.display()
        );
        return Err(Diagnostic::error(message).with_hint("merge the parts of one split only"));
    }
    gathered.count = Some(shard.count);
    if let Some((other, _)) = gathered.shards.get(&shard.index) {
        let message = format!(
            "shard {shard} is in both {} and {}",
            other.display(),
            part.display()
        );
        return Err(Diagnostic::error(message).with_hint("name each shard's folder once"));
    }
    Ok(())
}

fn no_shard_in(part: &Path) -> Diagnostic {
    Diagnostic::error(format!("{} holds no shard", part.display()))
        .with_hint("name the folders `render --shard K/N` wrote to (its -o)")
}

/// The shards whose caches `part` holds (`.personapress-cache.shard-K-of-N.json`).
fn shard_caches(part: &Path) -> Result<Vec<(Shard, PathBuf)>, Diagnostic> {
    let listing = std::fs::read_dir(part).map_err(|e| {
        Diagnostic::error(format!(
            "cannot read the part folder {} ({e})",
            part.display()
        ))
    })?;
    let prefix = CACHE_FILE.trim_end_matches(".json");
    let mut found: Vec<(Shard, PathBuf)> = listing
        .flatten()
        .filter_map(|entry| {
            let name = entry.file_name().to_string_lossy().into_owned();
            let tag = name.strip_prefix(prefix)?.strip_prefix('.')?;
            let shard = Shard::from_file_tag(tag.strip_suffix(".json")?)?;
            Some((shard, entry.path()))
        })
        .collect();
    found.sort_by_key(|(shard, _)| shard.index);
    Ok(found)
}

/// Links (or copies) an entry's PDF, its thumbnail and its PNG preview from `part` to `out`.
fn bring_over(entry: &Entry, part: &Path, out: &Path) -> Result<(), Diagnostic> {
    let Some(file) = &entry.file else {
        return Ok(());
    };
    if same_folder(part, out) {
        return Ok(());
    }
    let (from, to) = (part.join(file), out.join(file));
    link_or_copy(&from, &to)?;
    let thumbnail = thumbnail_path(part, &from);
    if thumbnail.is_file() {
        link_or_copy(&thumbnail, &thumbnail_path(out, &to))?;
    }
    let preview = from.with_extension("png");
    if preview.is_file() {
        link_or_copy(&preview, &to.with_extension("png"))?;
    }
    Ok(())
}

fn same_folder(a: &Path, b: &Path) -> bool {
    match (std::fs::canonicalize(a), std::fs::canonicalize(b)) {
        (Ok(a), Ok(b)) => a == b,
        _ => false,
    }
}

/// Puts `from` at `to` as a hard link, else a copy, through a temporary name so that
/// `to` is never half there.
fn link_or_copy(from: &Path, to: &Path) -> Result<(), Diagnostic> {
    let cannot = |e: std::io::Error| {
        Diagnostic::error(format!(
            "cannot bring {} to {} ({e})",
            from.display(),
            to.display()
        ))
    };
    std::fs::create_dir_all(to.parent().unwrap_or(Path::new("."))).map_err(cannot)?;
    let name = to.file_name().unwrap_or_default().to_string_lossy();
    let temp = to.with_file_name(format!(".{name}.{}.merge.tmp", std::process::id()));
    let _ = std::fs::remove_file(&temp);
    if std::fs::hard_link(from, &temp).is_err() {
        std::fs::copy(from, &temp).map_err(cannot)?;
    }
    let renamed = std::fs::rename(&temp, to).map_err(cannot);
    // Renaming a link onto the same file does nothing: the temporary name stays.
    let _ = std::fs::remove_file(&temp);
    renamed
}
