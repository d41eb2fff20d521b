//! Loading a batch's personas: each persona file read and checked once, its photo
//! read on demand and let go after its last document, each theme's logo read once.

use std::path::Path;
use std::sync::Mutex;

use typst::foundations::Bytes;

use crate::assets::read_image;
use crate::diag::Diagnostic;
use crate::digest::sha256_hex;
use crate::render::data::asset_path;
use crate::spec::workspace::{LoadError, PersonaSource, ThemeSource, Workspace};
use crate::world::coverage::Coverage;

use super::Outcome;
use super::cache::{Digests, KeyBuilder, Stamp};
use super::shard::Portion;

/// Logo bytes per theme, or why the logo could not be read.
pub(super) type Logo = Result<Option<(String, Bytes)>, Diagnostic>;

/// A persona ready to render: the loaded file, and its photo read on demand.
pub(super) struct Ready {
    pub(super) source: PersonaSource,
    /// SHA-256 of the persona and its photo, hashed once for all its documents.
    pub(super) fingerprint: String,
    /// The photo while the persona's documents are rendered: read by the first of them,
    /// let go after the last, so that memory does not grow with the batch.
    pub(super) photo: Mutex<Option<Photo>>,
}

/// A photo's virtual path and bytes, none, or why it could not be read.
pub(super) type Photo = Result<Option<(String, Bytes)>, Diagnostic>;

impl Ready {
    /// The photo, read now unless a document of this persona already did.
    pub(super) fn photo(&self) -> Photo {
        let mut slot = self.photo.lock().unwrap_or_else(|e| e.into_inner());
        slot.get_or_insert_with(|| read_photo(&self.source)).clone()
    }

    /// Lets the photo go once the persona's last document is done.
    pub(super) fn release_photo(&self) {
        *self.photo.lock().unwrap_or_else(|e| e.into_inner()) = None;
    }
}

/// Loads each persona file, in parallel on the current pool; failures become outcomes,
/// duplicates of an id are refused (the later file, in the workspace's order).
/// A photo changed since the last run is read, checked and hashed here, so that a broken
/// one fails its persona once; an unchanged one is only read when a document needs it.
/// Every source is parsed, but only the personas `portion` holds (a shard's) are kept,
/// with their failures, and only their photos read.
pub(super) fn load_personas(
    ws: &Workspace,
    (digests, coverage): (&Digests, &Coverage),
    portion: &Portion,
) -> (Vec<Ready>, Vec<Outcome>) {
    use rayon::prelude::*;
    let loaded: Vec<Vec<Result<Ready, LoadError>>> = ws
        .persona_files
        .par_iter()
        .map(|path| load_sources(ws, path, (digests, coverage), portion))
        .collect();
    let mut ready: Vec<Ready> = Vec::new();
    let mut failed = Vec::new();
    for (path, loaded) in ws.persona_files.iter().zip(loaded) {
        for loaded in loaded {
            let loaded =
                loaded.and_then(
                    |r| match ready.iter().find(|o| o.source.id == r.source.id) {
                        Some(other) => Err(LoadError::new(
                            duplicate_label(&r.source),
                            duplicate_id(&r.source, &other.source.path),
                        )),
                        None => Ok(r),
                    },
                );
            match loaded {
                Ok(r) => ready.push(r),
                Err(e) => {
                    let mut outcome = Outcome::failed_persona(e.label, path, *e.error);
                    outcome.errors.extend(e.more);
                    failed.push(outcome);
                }
            }
        }
    }
    (ready, failed)
}

/// Each persona of one source (a file, or a spreadsheet's rows), fingerprinted with its photo.
fn load_sources(
    ws: &Workspace,
    path: &Path,
    (digests, coverage): (&Digests, &Coverage),
    portion: &Portion,
) -> Vec<Result<Ready, LoadError>> {
    let ready = |source: PersonaSource| {
        let label = source.id.clone();
        let mut unprintable = unprintable_fields(&source, coverage).into_iter();
        if let Some(first) = unprintable.next() {
            let (error, more) = (Box::new(first), unprintable.collect());
            return Err(LoadError { label, error, more });
        }
        let failed = |error| LoadError::new(label, error);
        let photo = photo_digest(&source, digests).map_err(failed)?;
        let fingerprint = persona_fingerprint(&source, &photo);
        Ok(Ready {
            source,
            fingerprint,
            photo: Mutex::new(None),
        })
    };
    let wanted = |source: &Result<PersonaSource, LoadError>| match (&ws.only_persona, source) {
        (Some(only), Ok(source)) => &source.id == only,
        (None, Ok(source)) => portion.holds(&source.id),
        (_, Err(failed)) => portion.holds(&failed.label),
    };
    ws.load_sources(path)
        .into_iter()
        .filter(wanted)
        .map(|source| source.and_then(ready))
        .collect()
}

/// One error per text field of the persona holding characters that no font has,
/// naming the persona, the field and the characters.
fn unprintable_fields(source: &PersonaSource, coverage: &Coverage) -> Vec<Diagnostic> {
    let mut fields: Vec<(String, Vec<char>)> = Vec::new();
    let persona = serde_json::to_value(&source.persona).unwrap_or_default();
    crate::spec::source::for_each_text(&persona, &mut |key, text| {
        // A path and an accessible description are never printed in a font.
        if key == "photo" || key == "photo_alt" {
            return;
        }
        let missing = coverage.missing(text);
        match fields.iter_mut().find(|(field, _)| field == key) {
            Some((_, chars)) => {
                for c in missing {
                    if !chars.contains(&c) {
                        chars.push(c);
                    }
                }
            }
            None if !missing.is_empty() => fields.push((key.to_string(), missing)),
            None => {}
        }
    });
    fields
        .into_iter()
        .map(|(key, chars)| unprintable(source, &key, &chars))
        .collect()
}

/// The error for characters of `key` that no font has.
fn unprintable(source: &PersonaSource, key: &str, chars: &[char]) -> Diagnostic {
    let shown: Vec<String> = chars.iter().take(12).map(char::to_string).collect();
    let codes: Vec<String> = chars
        .iter()
        .take(12)
        .map(|c| format!("U+{:04X}", u32::from(*c)))
        .collect();
    let more = match chars.len() > 12 {
        true => format!(" and {} more", chars.len() - 12),
        false => String::new(),
    };
    let message = format!(
        "{}: no font here has the characters {} ({}{more}) of `{key}`: they would print as empty boxes",
        source.id,
        shown.join(" "),
        codes.join(", ")
    );
    let leaf = crate::spec::source::leaf_key(key);
    let diag = source
        .file
        .error_at_key_holding(leaf, &chars[0].to_string(), message);
    diag.with_hint(ADD_A_FONT)
}

/// What to do about characters no font has.
const ADD_A_FONT: &str = "put a font that has them in the project's `fonts` folder (e.g. Noto Sans CJK for Chinese, Japanese or Korean, Noto Emoji for emoji), or write the text without them";

/// What a duplicate is called: its file's stem (its id is another's), or a row's id.
fn duplicate_label(source: &PersonaSource) -> String {
    match crate::spec::sheet::is_sheet(&source.path) {
        true => source.id.clone(),
        false => source
            .path
            .file_stem()
            .unwrap_or_default()
            .to_string_lossy()
            .into_owned(),
    }
}

/// The error for a persona file whose id an earlier one already has.
pub(super) fn duplicate_id(source: &PersonaSource, other: &Path) -> Diagnostic {
    let message = format!("the id `{}` is also used by {}", source.id, other.display());
    source
        .error_at_key("id", message)
        .with_hint("give each persona its own `id`")
}

/// The SHA-256 of the persona's photo: remembered from the last run when the file is
/// unchanged, else read, checked and hashed now.
pub(super) fn photo_digest(
    source: &PersonaSource,
    digests: &Digests,
) -> Result<String, Diagnostic> {
    let Some(path) = &source.photo else {
        return Ok(String::new());
    };
    if let Some(sha) = digests.unchanged(path) {
        return Ok(sha);
    }
    let stamp = Stamp::of(path);
    let Some((_, bytes)) = read_photo(source)? else {
        return Ok(String::new());
    };
    let sha = sha256_hex(bytes.as_slice());
    if let Some(stamp) = stamp {
        digests.record(path, stamp, &sha);
    }
    Ok(sha)
}

/// Hashes what a persona contributes to its documents' keys.
pub(super) fn persona_fingerprint(source: &PersonaSource, photo_sha: &str) -> String {
    let persona = serde_json::to_vec(&source.persona).unwrap_or_default();
    let id = format!("{}/{}", source.id, source.language.code());
    KeyBuilder::new(&[id.as_bytes(), &persona, photo_sha.as_bytes()]).finish()
}

pub(super) fn read_photo(source: &PersonaSource) -> Result<Option<(String, Bytes)>, Diagnostic> {
    let Some(path) = &source.photo else {
        return Ok(None);
    };
    let bytes = read_image(path).map_err(|message| {
        source.error_at_key("photo", format!("{}: the photo {message}", source.id))
    })?;
    Ok(Some((asset_path("photo", path), bytes)))
}

pub(super) fn read_logo(theme: &ThemeSource) -> Result<Option<(String, Bytes)>, Diagnostic> {
    let Some(path) = &theme.logo else {
        return Ok(None);
    };
    let bytes = read_image(path).map_err(|message| {
        theme.error_at_key(
            "file",
            format!("the logo of theme `{}` {message}", theme.theme.name),
        )
    })?;
    Ok(Some((asset_path("logo", path), bytes)))
}
