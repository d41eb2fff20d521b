//! The Typst templates: built into the binary, overridden file by file by a
//! project's `templates` folder.

use std::path::{Path, PathBuf};

use crate::diag::Diagnostic;

/// The built-in template files, by file name.
pub(crate) const BUILTIN: &[(&str, &str)] = &[
    ("lib.typ", include_str!("../../templates/lib.typ")),
    ("labels.typ", include_str!("../../templates/labels.typ")),
    ("poster.typ", include_str!("../../templates/poster.typ")),
    (
        "poster-a2.typ",
        include_str!("../../templates/poster-a2.typ"),
    ),
    (
        "poster-a3.typ",
        include_str!("../../templates/poster-a3.typ"),
    ),
    ("mousepad.typ", include_str!("../../templates/mousepad.typ")),
    ("briefing.typ", include_str!("../../templates/briefing.typ")),
    ("journey.typ", include_str!("../../templates/journey.typ")),
    (
        "journey-a3.typ",
        include_str!("../../templates/journey-a3.typ"),
    ),
    (
        "journey-a2.typ",
        include_str!("../../templates/journey-a2.typ"),
    ),
    ("overview.typ", include_str!("../../templates/overview.typ")),
    (
        "overview-a3.typ",
        include_str!("../../templates/overview-a3.typ"),
    ),
    (
        "overview-a2.typ",
        include_str!("../../templates/overview-a2.typ"),
    ),
];

/// The folder diagnostics name for a built-in template file.
pub(crate) const BUILTIN_ORIGIN: &str = "templates (built in)";

/// One template file as the compiler sees it.
#[derive(Debug, Clone)]
pub(crate) struct TemplateFile {
    /// The file name, which is also its path in the virtual root (`/poster-a2.typ`).
    pub name: String,
    /// The Typst source text.
    pub text: String,
    /// Where the text came from, for diagnostics: the user's file or `templates/<name>` built in.
    pub origin: PathBuf,
}

/// All template files: the built-in ones, each replaced by a same-named file in `overrides`,
/// plus any further `.typ` files there.
pub(crate) fn load(overrides: Option<&Path>) -> Result<Vec<TemplateFile>, Diagnostic> {
    let mut files: Vec<TemplateFile> = BUILTIN
        .iter()
        .map(|(name, text)| TemplateFile {
            name: name.to_string(),
            text: text.to_string(),
            origin: PathBuf::from(BUILTIN_ORIGIN).join(name),
        })
        .collect();
    if let Some(dir) = overrides {
        for file in read_override_dir(dir)? {
            match files.iter_mut().find(|f| f.name == file.name) {
                Some(slot) => *slot = file,
                None => files.push(file),
            }
        }
    }
    Ok(files)
}

/// A template file that is a link out of the templates folder is refused.
fn check_stays_inside(path: &Path, dir: &Path) -> Result<(), Diagnostic> {
    let (real, folder) = (std::fs::canonicalize(path), std::fs::canonicalize(dir));
    match (real, folder) {
        (Ok(real), Ok(folder)) if !real.starts_with(&folder) => Err(Diagnostic::error(format!(
            "the template {} leads outside the templates folder (to {})",
            path.display(),
            real.display()
        ))
        .in_file(path)
        .with_hint("copy the file into the templates folder instead of linking to it")),
        _ => Ok(()),
    }
}

fn read_override_dir(dir: &Path) -> Result<Vec<TemplateFile>, Diagnostic> {
    let cannot = |err: std::io::Error| {
        Diagnostic::error(format!(
            "cannot read the templates folder {} ({err})",
            dir.display()
        ))
    };
    let mut out = Vec::new();
    for entry in std::fs::read_dir(dir).map_err(cannot)? {
        let path = entry.map_err(cannot)?.path();
        if path.extension().is_some_and(|e| e == "typ") {
            check_stays_inside(&path, dir)?;
            let text = crate::spec::read_text(&path)?;
            let name = path
                .file_name()
                .unwrap_or_default()
                .to_string_lossy()
                .into_owned();
            out.push(TemplateFile {
                name,
                text: text.to_string(),
                origin: path,
            });
        }
    }
    out.sort_by(|a, b| a.name.cmp(&b.name));
    Ok(out)
}
