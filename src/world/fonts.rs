//! Fonts: Typst's embedded ones, the ones shipped in `fonts/`, and a project's own.

use std::path::Path;

use typst::foundations::Bytes;
use typst::text::{Font, FontBook};
use typst_kit::fonts::FontStore;

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
];

/// Font files larger than this are refused: no real font is this big.
const MAX_FONT_BYTES: u64 = 64 * 1024 * 1024;

/// Builds the font store: bundled fonts first, then Typst's, then the project's folder.
/// Every project font file's bytes are fed to `fingerprint`.
pub(crate) fn load(
    project_fonts: Option<&Path>,
    fingerprint: &mut Sha256,
) -> Result<FontStore, Diagnostic> {
    let mut store = FontStore::new();
    for data in BUNDLED {
        push_all(&mut store, Bytes::new(*data));
    }
    store.extend(typst_kit::fonts::embedded());
    if let Some(dir) = project_fonts {
        load_dir(&mut store, dir, fingerprint)?;
    }
    Ok(store)
}

fn push_all(store: &mut FontStore, data: Bytes) {
    for font in Font::iter(data) {
        let info = font.info().clone();
        store.push((font, info));
    }
}

/// Loads every `.ttf`, `.otf`, `.ttc` and `.otc` below `dir`, in a stable order.
fn load_dir(store: &mut FontStore, dir: &Path, fingerprint: &mut Sha256) -> Result<(), Diagnostic> {
    let mut files = Vec::new();
    collect_font_files(dir, &mut files).map_err(|err| {
        Diagnostic::error(format!(
            "cannot read the fonts folder {} ({err})",
            dir.display()
        ))
    })?;
    files.sort();
    for path in files {
        let cannot = |why: String| {
            Diagnostic::error(format!(
                "cannot read the font file {} ({why})",
                path.display()
            ))
            .in_file(&path)
        };
        let size = crate::regular::regular_file_len(&path).map_err(|e| cannot(e.to_string()))?;
        if size > MAX_FONT_BYTES {
            return Err(cannot(format!(
                "{} MiB; at most {} MiB",
                size >> 20,
                MAX_FONT_BYTES >> 20
            )));
        }
        let data = std::fs::read(&path).map_err(|e| cannot(e.to_string()))?;
        fingerprint.update(&data);
        push_all(store, Bytes::new(data));
    }
    Ok(())
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
