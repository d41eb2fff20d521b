//! Splitting a batch over machines: shard K of N renders the personas whose id hashes
//! to K (so adding or removing a persona moves no other one), and a merge takes every
//! shard's documents as they are and renders only the project-wide sheets.

use std::fmt;
use std::str::FromStr;

use sha2::{Digest, Sha256};

/// One shard of a split batch: `index` of `count`, both from 1.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Shard {
    /// Which shard, 1 to `count`.
    pub index: u32,
    /// How many shards the batch is split into.
    pub count: u32,
}

/// The most shards a batch may be split into.
pub const MAX_SHARDS: u32 = 10_000;

impl Shard {
    /// Whether the persona with this id belongs to this shard: the first eight bytes of
    /// the SHA-256 of its id, modulo the count — the same on every machine and release.
    pub fn holds(&self, id: &str) -> bool {
        shard_of(id, self.count) == self.index
    }

    /// The name part of this shard's own files: `shard-2-of-3`.
    pub fn file_tag(&self) -> String {
        format!("shard-{}-of-{}", self.index, self.count)
    }

    /// The shard a file tag such as `shard-2-of-3` names.
    pub fn from_file_tag(tag: &str) -> Option<Shard> {
        let rest = tag.strip_prefix("shard-")?;
        let (index, count) = rest.split_once("-of-")?;
        format!("{index}/{count}").parse().ok()
    }
}

/// The shard (from 1) of `count` that the persona with this id belongs to.
pub fn shard_of(id: &str, count: u32) -> u32 {
    let digest = Sha256::digest(id.as_bytes());
    let mut first = [0u8; 8];
    first.copy_from_slice(&digest[..8]);
    (u64::from_be_bytes(first) % u64::from(count.max(1))) as u32 + 1
}

impl fmt::Display for Shard {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}/{}", self.index, self.count)
    }
}

impl FromStr for Shard {
    type Err = String;

    /// `K/N` with 1 ≤ K ≤ N ≤ [`MAX_SHARDS`].
    fn from_str(text: &str) -> Result<Self, Self::Err> {
        let wrong =
            || format!("`{text}` is not a shard: write K/N, e.g. 2/3 for the second of three");
        let (index, count) = text.trim().split_once('/').ok_or_else(wrong)?;
        let index: u32 = index.trim().parse().map_err(|_| wrong())?;
        let count: u32 = count.trim().parse().map_err(|_| wrong())?;
        if count == 0 || count > MAX_SHARDS {
            return Err(format!(
                "the number of shards must be 1 to {MAX_SHARDS}, not {count}"
            ));
        }
        if index == 0 || index > count {
            return Err(format!(
                "shard {index} of {count} does not exist: K runs from 1 to {count}"
            ));
        }
        Ok(Shard { index, count })
    }
}

/// Which of a project's documents a run makes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Portion {
    /// Every document (a plain `render`).
    #[default]
    Whole,
    /// One shard's personas, without the project-wide sheets.
    Shard(Shard),
    /// Every persona's documents taken as the shards made them (never rendered here),
    /// and the project-wide sheets rendered.
    Merge,
}

impl Portion {
    /// The suffix of the bookkeeping files this run keeps: `.shard-2-of-3` for a shard.
    pub fn file_suffix(&self) -> String {
        match self {
            Portion::Shard(shard) => format!(".{}", shard.file_tag()),
            Portion::Whole | Portion::Merge => String::new(),
        }
    }

    /// The report this run writes: `report.json`, or a shard's `report.shard-2-of-3.json`.
    pub fn report_name(&self) -> String {
        format!("report{}.json", self.file_suffix())
    }

    /// Whether the persona with this id (or a failed source with this label) is this run's.
    pub fn holds(&self, id: &str) -> bool {
        match self {
            Portion::Shard(shard) => shard.holds(id),
            Portion::Whole | Portion::Merge => true,
        }
    }

    /// Whether the project-wide sheets (overviews) are made by this run.
    pub fn makes_overviews(&self) -> bool {
        !matches!(self, Portion::Shard(_))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_shard_is_written_k_of_n_and_refused_outside_it() {
        let shard: Shard = "2/3".parse().unwrap();
        assert_eq!(shard, Shard { index: 2, count: 3 });
        assert_eq!(shard.to_string(), "2/3");
        assert_eq!(Shard::from_file_tag(&shard.file_tag()), Some(shard));
        for bad in ["0/3", "4/3", "1/0", "a/3", "3", "1/20000"] {
            assert!(bad.parse::<Shard>().is_err(), "{bad}");
        }
    }

    #[test]
    fn every_id_lands_in_exactly_one_shard_and_the_shards_share_the_work() {
        let ids: Vec<String> = (0..3000).map(|i| format!("persona-{i}")).collect();
        let mut counts = [0usize; 3];
        for id in &ids {
            let holders: Vec<u32> = (1..=3)
                .filter(|k| {
                    Shard {
                        index: *k,
                        count: 3,
                    }
                    .holds(id)
                })
                .collect();
            assert_eq!(holders.len(), 1, "{id}");
            counts[holders[0] as usize - 1] += 1;
        }
        assert!(counts.iter().all(|c| (900..1100).contains(c)), "{counts:?}");
        assert_eq!(shard_of("peter", 1), 1);
    }
}
