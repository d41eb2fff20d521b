//! Fonts: Typst's embedded ones, the ones shipped in `fonts/`, and a project's own
//! (checked when loaded, read again and parsed only when a document uses them).

use std::path::{Path, PathBuf};

use typst::foundations::Bytes;
use typst::text::{Font, FontBook, FontInfo};
use typst_kit::fonts::{FontSource, FontStore};

use sha2::{Digest, Sha256};

use crate::diag::Diagnostic;

/// Font files shipped with personapress (see `fonts/` and its licences).
const BUNDLED: &[&[u8]] = &[
    include_bytes!("../../fonts/inter/Inter-Regular.otf"),
    include_bytes!("../../fonts/inter/Inter-Italic.otf"),
    include_bytes!("../../fonts/inter/Inter-Medium.otf"),
    include_bytes!("../../fonts/inter/Inter-SemiBold.otf"),
    include_bytes!("../../fonts/inter/Inter-SemiBoldItalic.otf"),
    include_bytes!("../../fonts/inter/Inter-Bold.otf"),
    include_bytes!("../../fonts/inter/Inter-BoldItalic.otf"),
    include_bytes!("../../fonts/inter/Inter-ExtraBold.otf"),
    include_bytes!("../../fonts/inter/Inter-Black.otf"),
    // Fallbacks for what Inter lacks: Noto Sans, and right-to-left scripts.
    include_bytes!("../../fonts/noto/NotoSans-Regular.ttf"),
    include_bytes!("../../fonts/noto/NotoSans-Bold.ttf"),
    include_bytes!("../../fonts/noto/NotoSansArabic-Regular.ttf"),
    include_bytes!("../../fonts/noto/NotoSansArabic-Bold.ttf"),
    include_bytes!("../../fonts/noto/NotoSansHebrew-Regular.ttf"),
    include_bytes!("../../fonts/noto/NotoSansHebrew-Bold.ttf"),
];

/// Font files larger than this are refused: no real font is this big.
const MAX_FONT_BYTES: u64 = 64 * 1024 * 1024;

/// Builds the font store: bundled fonts first, then Typst's, then the project's folder.
/// Every project font file's bytes are fed to `fingerprint`. A project font file that
/// cannot be used is skipped; the warnings naming each are returned beside the store.
pub(crate) fn load(
    project_fonts: Option<&Path>,
    fingerprint: &mut Sha256,
) -> Result<(FontStore, Vec<Diagnostic>), Diagnostic> {
    let mut store = FontStore::new();
    // Bundled fonts are known good: read without the guard damaged files need.
    let bundled = BUNDLED
        .iter()
        .flat_map(|data| Font::iter(Bytes::new(*data)));
    store.extend(bundled.map(|font| {
        let info = font.info().clone();
        (font, info)
    }));
    store.extend(typst_kit::fonts::embedded());
    let skipped = match project_fonts {
        Some(dir) => load_dir(&mut store, dir, fingerprint)?,
        None => Vec::new(),
    };
    Ok((store, skipped))
}

/// Adds every face of a project's font file at `path`, holding `data`, to the store,
/// to be read again when a document first uses it; how many faces there were (none
/// for a file the parser gave up on).
fn push_all(store: &mut FontStore, path: &Path, data: &[u8]) -> usize {
    let count = ttf_parser::fonts_in_collection(data).unwrap_or(1);
    let infos = guarded(|| {
        let infos = (0..count).filter_map(|index| Some((index, FontInfo::new(data, index)?)));
        infos.collect::<Vec<_>>()
    });
    let infos = infos.unwrap_or_default();
    let pushed = infos.len();
    let file = std::sync::Arc::new(ProjectFontFile {
        path: path.to_path_buf(),
        sha256: Sha256::digest(data).into(),
        data: std::sync::OnceLock::new(),
    });
    for (index, info) in infos {
        let file = file.clone();
        store.push((ProjectFace { file, index }, info));
    }
    pushed
}

/// A project's font file, read when a document first uses one of its faces (once for
/// all the faces of a collection): the bytes of fonts no document uses are not held.
struct ProjectFontFile {
    path: PathBuf,
    /// The SHA-256 of the file as checked when the fonts were loaded.
    sha256: [u8; 32],
    /// Its bytes, once read; `None` when it can no longer be read or was replaced.
    data: std::sync::OnceLock<Option<Bytes>>,
}

impl ProjectFontFile {
    /// The file's bytes, if it is still the one checked.
    fn data(&self) -> Option<Bytes> {
        let read = || {
            let data = read_bounded(&self.path).ok()?;
            (Sha256::digest(&data)[..] == self.sha256).then(|| Bytes::new(data))
        };
        self.data.get_or_init(read).clone()
    }
}

/// A face of a project's font file, parsed when a document first uses it.
struct ProjectFace {
    file: std::sync::Arc<ProjectFontFile>,
    /// The face's place in a collection (`0` in a single font file).
    index: u32,
}

impl FontSource for ProjectFace {
    fn load(&self) -> Option<Font> {
        let data = self.file.data()?;
        guarded(|| Font::new(data, self.index))?
    }
}

/// `Err(why)` when a font file's data would make Typst collect more than Unicode holds,
/// or its tables point where the parser gives up.
pub(crate) fn check_font_data(data: &[u8]) -> Result<(), String> {
    check_collection(data)?;
    match guarded(|| check_character_maps(data)) {
        None => Err("is damaged: its tables point outside the file".into()),
        Some(checked) => checked,
    }
}

/// The most fonts one collection file (`.ttc`, `.otc`) may hold.
const MAX_FACES: u32 = 1024;

/// `Err` when a collection's header claims more fonts than its offsets' table has room
/// for, or than [`MAX_FACES`]: a header claiming 48 million made Typst try each for
/// seconds on end (found by the `font_file` fuzz target).
fn check_collection(data: &[u8]) -> Result<(), String> {
    let Some(faces) = ttf_parser::fonts_in_collection(data) else {
        return Ok(());
    };
    let room = (data.len().saturating_sub(12) / 4) as u64;
    match u64::from(faces) > room.min(u64::from(MAX_FACES)) {
        true => Err(format!(
            "is damaged: its header claims a collection of {faces} fonts"
        )),
        false => Ok(()),
    }
}

/// The faces of a font file; `None` when the parser gave up on damaged data.
pub(crate) fn faces(data: Bytes) -> Option<Vec<Font>> {
    guarded(|| Font::iter(data).collect())
}

/// Runs a font parser on bytes that may be damaged: ttf-parser 0.25 asserts (panics) on
/// some table offsets instead of returning an error (found by the `font_file` fuzz
/// target), and a panic while fonts load would end the run. The panic's own message is
/// not printed: the warning naming the file says it. A face read when first used is
/// parsed on a batch's thread: a panic elsewhere meanwhile loses only its printed
/// message (the batch reports every document's panic from its payload).
fn guarded<T>(parse: impl FnOnce() -> T) -> Option<T> {
    // One swap at a time: two at once could leave the silent hook in place for good.
    static SWAPPING: std::sync::Mutex<()> = std::sync::Mutex::new(());
    let _one = SWAPPING.lock().unwrap_or_else(|e| e.into_inner());
    let hook = std::panic::take_hook();
    std::panic::set_hook(Box::new(|_| {}));
    let parsed = std::panic::catch_unwind(std::panic::AssertUnwindSafe(parse)).ok();
    std::panic::set_hook(hook);
    parsed
}

/// All of Unicode.
const UNICODE: u64 = 0x11_0000;

/// The most characters the records of a font's character map may claim together: all
/// of Unicode from each of four encodings (17 MB as Typst collects them).
const MAX_CODEPOINTS: u64 = 4 * UNICODE;

/// The most records and range groups of character maps one file may make the check
/// read (a real font has a few records and some thousands of groups).
const MAX_STEPS: u64 = 4_000_000;

/// What the character maps of a file claim, added up over every face, table and record.
#[derive(Default)]
struct Tally {
    /// Characters claimed (each record naming a subtable counts it again, as Typst does).
    claimed: u64,
    /// Records and groups read.
    steps: u64,
}

impl Tally {
    fn over(&self) -> bool {
        self.claimed > MAX_CODEPOINTS || self.steps > MAX_STEPS
    }
}

/// `Err` when the character maps of `data` claim more characters than Typst should
/// collect: one damaged range end in a format 12 or 13 map made it collect hundreds of
/// millions of code points (gigabytes) before anything was rendered. The count stops
/// as soon as it is over, so a file built to make it long is cut short too.
fn check_character_maps(data: &[u8]) -> Result<(), String> {
    let faces = ttf_parser::fonts_in_collection(data).unwrap_or(1);
    let mut tally = Tally::default();
    let parsed = (0..faces).filter_map(|index| ttf_parser::RawFace::parse(data, index).ok());
    for face in parsed {
        for cmap in character_maps(&face) {
            tally.steps += 1;
            tally_ranges(cmap, &mut tally);
            if tally.over() {
                return Err(match tally.claimed > MAX_CODEPOINTS {
                    true => format!(
                        "is damaged: its character map claims {} characters (Unicode has {UNICODE})",
                        tally.claimed
                    ),
                    false => {
                        "is damaged: its character maps have more records than a font has".into()
                    }
                });
            }
        }
    }
    Ok(())
}

/// Every `cmap` table a face's records name, found as Typst's parser finds tables (one
/// by one: `RawFace::table` searches the records as if sorted, and a damaged file's
/// are not).
fn character_maps<'a>(face: &ttf_parser::RawFace<'a>) -> Vec<&'a [u8]> {
    let data = face.data;
    let cmap = ttf_parser::Tag::from_bytes(b"cmap");
    let records = face
        .table_records
        .into_iter()
        .filter(|record| record.tag == cmap);
    records
        .filter_map(|record| {
            let offset = record.offset as usize;
            data.get(offset..offset.checked_add(record.length as usize)?)
        })
        .collect()
}

/// Adds the characters the range groups (formats 12 and 13) of a `cmap` table claim to
/// `tally`, stopping once it is over.
fn tally_ranges(cmap: &[u8], tally: &mut Tally) {
    let u16_at = |at: usize| {
        cmap.get(at..at + 2)
            .map(|b| u16::from_be_bytes([b[0], b[1]]))
    };
    let u32_at = |at: usize| {
        cmap.get(at..at + 4)
            .map(|b| u32::from_be_bytes([b[0], b[1], b[2], b[3]]))
    };
    let subtables = u16_at(2).unwrap_or(0) as usize;
    for record in 0..subtables {
        tally.steps += 1;
        let Some(offset) = u32_at(4 + record * 8 + 4).map(|o| o as usize) else {
            break;
        };
        // Typst collects a subtable once for every record naming it (fonts name one from
        // two or three encodings), so each record counts.
        if !matches!(u16_at(offset), Some(12 | 13)) {
            continue;
        }
        let groups = u32_at(offset + 12).unwrap_or(0) as usize;
        for group in 0..groups {
            let at = offset + 16 + group * 12;
            let (Some(start), Some(end)) = (u32_at(at), u32_at(at + 4)) else {
                break;
            };
            tally.claimed += u64::from(end.saturating_sub(start)) + 1;
            tally.steps += 1;
            if tally.over() {
                return;
            }
        }
    }
}

/// Loads every `.ttf`, `.otf`, `.ttc` and `.otc` below `dir`, in a stable order;
/// the warnings name the files skipped.
fn load_dir(
    store: &mut FontStore,
    dir: &Path,
    fingerprint: &mut Sha256,
) -> Result<Vec<Diagnostic>, Diagnostic> {
    let mut files = Vec::new();
    collect_font_files(dir, &mut files).map_err(|err| {
        Diagnostic::error(format!(
            "cannot read the fonts folder {} ({err})",
            dir.display()
        ))
    })?;
    files.sort();
    let mut skipped = Vec::new();
    for path in files {
        let pushed = read_font_file(&path).and_then(|data| {
            fingerprint.update(&data);
            match push_all(store, &path, &data) {
                0 => Err("holds no font Typst can read (damaged, or not a font)".to_string()),
                _ => Ok(()),
            }
        });
        if let Err(why) = pushed {
            skipped.push(
                Diagnostic::warning(format!("the font file {} {why}; it is skipped", path.display()))
                    .in_file(&path)
                    .with_hint("replace it with a fresh copy from the font's maker, or take it out of the fonts folder"),
            );
        }
    }
    Ok(skipped)
}

/// The bytes of a font file within the limits, or why not: unreadable, too big, or
/// damaged in its character map.
fn read_font_file(path: &Path) -> Result<Vec<u8>, String> {
    let data = read_bounded(path)?;
    check_font_data(&data)?;
    Ok(data)
}

/// The bytes of a regular file of at most [`MAX_FONT_BYTES`], or why not.
fn read_bounded(path: &Path) -> Result<Vec<u8>, String> {
    let cannot = |e: std::io::Error| format!("cannot be read ({e})");
    let size = crate::regular::regular_file_len(path).map_err(cannot)?;
    if size > MAX_FONT_BYTES {
        let (mib, max) = (size >> 20, MAX_FONT_BYTES >> 20);
        return Err(format!("is too large ({mib} MiB; at most {max} MiB)"));
    }
    std::fs::read(path).map_err(cannot)
}

fn collect_font_files(dir: &Path, out: &mut Vec<std::path::PathBuf>) -> std::io::Result<()> {
    for entry in std::fs::read_dir(dir)? {
        let path = entry?.path();
        if path.is_dir() {
            collect_font_files(&path, out)?;
        } else if is_font_file(&path) {
            out.push(path);
        }
    }
    Ok(())
}

fn is_font_file(path: &Path) -> bool {
    let ext = path
        .extension()
        .and_then(|e| e.to_str())
        .map(str::to_ascii_lowercase);
    matches!(ext.as_deref(), Some("ttf" | "otf" | "ttc" | "otc"))
}

/// Whether the book has a family of this name (case-insensitive, as Typst matches).
pub(crate) fn has_family(book: &FontBook, family: &str) -> bool {
    book.select_family(&family.to_lowercase()).next().is_some()
}

/// The family names in the book, sorted, for a hint.
pub(crate) fn family_names(book: &FontBook) -> Vec<String> {
    let mut names: Vec<String> = book.families().map(|(name, _)| name.to_string()).collect();
    names.sort();
    names.dedup();
    names
}

#[cfg(test)]
mod tests {
    use super::*;

    /// How many faces a store holds.
    fn faces_in(store: &FontStore) -> usize {
        (0..).take_while(|i| store.source(*i).is_some()).count()
    }

    #[test]
    fn a_project_font_is_read_when_a_document_first_uses_it() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("hebrew.ttf");
        let repo = Path::new(env!("CARGO_MANIFEST_DIR"));
        std::fs::copy(repo.join("fonts/noto/NotoSansHebrew-Bold.ttf"), &file).unwrap();
        let before = faces_in(&load(None, &mut Sha256::new()).unwrap().0);
        let (store, skipped) = load(Some(dir.path()), &mut Sha256::new()).unwrap();
        assert!(skipped.is_empty(), "{skipped:?}");
        assert_eq!(faces_in(&store), before + 1);
        let font = store.font(before).expect("the project's face loads");
        assert_eq!(font.info().family, "Noto Sans Hebrew");
        // Its bytes are not held: a store whose file is replaced before first use reads
        // the new file, finds it is not the one checked, and serves nothing for it.
        let (unused, _) = load(Some(dir.path()), &mut Sha256::new()).unwrap();
        std::fs::copy(repo.join("fonts/noto/NotoSansHebrew-Regular.ttf"), &file).unwrap();
        assert!(unused.font(before).is_none());
        assert!(store.font(before).is_some(), "a face once read stays");
    }

    #[test]
    fn a_font_whose_tables_make_the_parser_panic_is_caught_and_named_damaged() {
        // Found by the `font_file` fuzz target: ttf-parser asserts on the offsets of a
        // collection claiming 1.4 billion fonts; the header check names it first, and
        // Typst's own parsing of it is caught rather than ending the run.
        let data = include_bytes!("../../tests/fixtures/fuzz/font-table-offset-panic.ttf");
        let why = check_font_data(data).unwrap_err();
        assert_eq!(
            why,
            "is damaged: its header claims a collection of 1414463500 fonts"
        );
        assert!(
            faces(Bytes::new(data.to_vec())).is_none(),
            "the panic is caught"
        );
    }

    /// A font file of `tables` table records all naming one `cmap` of 65,535 records.
    fn font_of_endless_character_maps(tables: u16) -> Vec<u8> {
        let directory = 12 + 16 * usize::from(tables);
        let mut cmap = vec![0, 0, 0xFF, 0xFF];
        for _ in 0..0xFFFF {
            cmap.extend_from_slice(&[0, 3, 0, 1, 0, 0, 0, 4]);
        }
        let mut font = vec![0, 1, 0, 0];
        font.extend_from_slice(&tables.to_be_bytes());
        font.extend_from_slice(&[0; 6]);
        for _ in 0..tables {
            font.extend_from_slice(b"cmap\0\0\0\0");
            font.extend_from_slice(&(directory as u32).to_be_bytes());
            font.extend_from_slice(&(cmap.len() as u32).to_be_bytes());
        }
        font.extend_from_slice(&cmap);
        font
    }

    #[test]
    fn character_maps_built_to_take_long_are_cut_short() {
        let started = std::time::Instant::now();
        let why = check_font_data(&font_of_endless_character_maps(100)).unwrap_err();
        assert_eq!(
            why,
            "is damaged: its character maps have more records than a font has"
        );
        assert!(started.elapsed() < std::time::Duration::from_secs(2));
        assert_eq!(check_font_data(&font_of_endless_character_maps(2)), Ok(()));
    }

    #[test]
    fn a_collection_claiming_millions_of_fonts_is_named_damaged_at_once() {
        // Found by the `font_file` fuzz target: Typst tried each of the 48 million.
        let data = include_bytes!("../../tests/fixtures/fuzz/font-collection-of-48-million.ttc");
        let started = std::time::Instant::now();
        let why = check_font_data(data).unwrap_err();
        assert_eq!(
            why,
            "is damaged: its header claims a collection of 48565248 fonts"
        );
        assert!(started.elapsed() < std::time::Duration::from_secs(1));
    }

    #[test]
    fn a_character_map_behind_unsorted_table_records_is_still_checked() {
        // Found by the `font_file` fuzz target: a damaged file's table records out of
        // order hid its `cmap` (2.3 billion code points, 2 GiB) from a sorted search.
        let data = include_bytes!(
            "../../tests/fixtures/fuzz/font-character-map-behind-unsorted-records.otf"
        );
        let why = check_font_data(data).unwrap_err();
        assert!(
            why.starts_with("is damaged: its character map claims"),
            "{why}"
        );
        for font in ["Inter-Regular.otf", "Inter-Bold.otf"] {
            let inter = std::fs::read(format!("fonts/inter/{font}")).unwrap();
            assert_eq!(check_font_data(&inter), Ok(()), "{font}");
        }
    }
}
