//! Opening a project: the project file, its theme(s), the persona files it names
//! and the formats to render, with the command line's overrides applied.

use std::path::{Path, PathBuf};

use super::format::{Format, Formats};
use super::project::Project;
pub use super::source::{LoadError, MAX_LIST_ITEMS, PersonaSource, check_persona, is_valid_id};
use super::theme::Theme;
use super::{Loaded, SpecFile, load_toml, resolve_inside};
use crate::diag::Diagnostic;

/// The project file name looked for in a project folder.
pub const PROJECT_FILE: &str = "personapress.toml";

/// What the command line may override.
#[derive(Debug, Clone, Default)]
pub struct Overrides {
    /// `--out`: the output folder.
    pub out: Option<PathBuf>,
    /// `--formats`: the formats to render.
    pub formats: Option<Vec<String>>,
    /// `--theme`: one theme file instead of the project's.
    pub theme: Option<PathBuf>,
}

/// A theme ready to use, with its logo resolved.
#[derive(Debug, Clone)]
pub struct ThemeSource {
    /// The theme with every default filled in.
    pub theme: Theme,
    /// The file it came from; `None` for the built-in theme.
    pub path: Option<PathBuf>,
    /// The logo file, checked to lie inside the allowed folder.
    pub logo: Option<PathBuf>,
    /// The theme file's text; `None` for the built-in theme.
    pub file: Option<SpecFile>,
}

impl ThemeSource {
    /// An error pointing at `key` in the theme's file, or without a place for the built-in theme.
    pub fn error_at_key(&self, key: &str, message: impl Into<String>) -> Diagnostic {
        match &self.file {
            Some(file) => file.error_at_key(key, message),
            None => Diagnostic::error(message),
        }
    }
}

/// An opened project: everything needed to plan the jobs.
#[derive(Debug, Clone)]
pub struct Workspace {
    /// The project folder; persona and theme paths may not leave it.
    pub root: PathBuf,
    /// The project settings.
    pub project: Project,
    /// The project file and its text.
    pub project_file: SpecFile,
    /// The persona files, sorted, as the globs found them.
    pub persona_files: Vec<PathBuf>,
    /// When set, only the persona of this id is rendered (`preview` of one spreadsheet row).
    pub only_persona: Option<String>,
    /// Whether the run makes every format in every theme the project names (no
    /// `--formats` or `--theme`): then an earlier document it does not make is gone.
    pub complete: bool,
    /// The themes; every persona is rendered in each.
    pub themes: Vec<ThemeSource>,
    /// The formats to render.
    pub formats: Vec<Format>,
    /// Every format the project can render: the built-in ones as it configures them, and its own.
    pub format_table: Formats,
    /// The output folder.
    pub out: PathBuf,
    /// The project's own templates folder, if any.
    pub templates: Option<PathBuf>,
    /// The project's own fonts folder, if any.
    pub fonts: Option<PathBuf>,
}

/// The project file at `path`: `path` itself, or the `personapress.toml` in that folder.
fn project_file(path: &Path) -> Result<PathBuf, Diagnostic> {
    let file = match path.is_dir() {
        true => path.join(PROJECT_FILE),
        false => path.to_path_buf(),
    };
    match file.is_file() {
        true => Ok(file),
        false => Err(Diagnostic::error(format!("no project found at {}", file.display()))
            .with_hint(format!("a project is a folder with a {PROJECT_FILE}; try `personapress render examples`"))),
    }
}

/// Opens the project at `path`: a folder holding `personapress.toml`, or that file itself.
pub fn open(path: &Path, overrides: &Overrides) -> Result<Workspace, Diagnostic> {
    let mut loaded: Loaded<Project> = load_toml(&project_file(path)?)?;
    loaded.value = super::preset::applied(&loaded)?;
    let root = loaded.dir().to_path_buf();
    let project = loaded.value.clone();
    let (format_table, formats) = formats(&loaded, overrides)?;
    let themes = themes(&loaded, &root, overrides)?;
    let persona_files = persona_files(&loaded, &root)?;
    let out = match &overrides.out {
        Some(out) => out.clone(),
        None => root.join(project.out.as_deref().unwrap_or("dist")),
    };
    let folder = |key: &str, value: &Option<String>| optional_folder(&loaded, &root, key, value);
    let templates = folder("templates", &project.templates)?;
    let fonts = folder("fonts", &project.fonts)?;
    let inputs = input_folders(&templates, &fonts, &persona_files, &root);
    check_output_folder(&loaded, &root, &out, &inputs)?;
    Ok(Workspace {
        root,
        project,
        project_file: loaded.file(),
        persona_files,
        only_persona: None,
        complete: overrides.formats.is_none() && overrides.theme.is_none(),
        themes,
        formats,
        format_table,
        out,
        templates,
        fonts,
    })
}

/// The project's table of formats and the formats to render from it.
fn formats(
    loaded: &Loaded<Project>,
    overrides: &Overrides,
) -> Result<(Formats, Vec<Format>), Diagnostic> {
    let table = Formats::new(&loaded.value).map_err(|name| {
        loaded
            .error_at_key(
                &name,
                format!("`{name}` cannot be the name of a format of your own"),
            )
            .with_hint("use lowercase letters, digits and `-`, and a name no built-in format has")
    })?;
    check_sizes(loaded, &table)?;
    let (names, from_cli) = match (&overrides.formats, &loaded.value.formats) {
        (Some(names), _) => (names.clone(), true),
        (None, Some(names)) => (names.clone(), false),
        (None, None) => {
            let defaults = table.defaults();
            return Ok((table, defaults));
        }
    };
    let mut formats = Vec::new();
    for name in names {
        let format = table.parse(name.trim()).map_err(|diag| match from_cli {
            true => diag,
            false => loaded.file().at_key("formats", diag),
        })?;
        if !formats.contains(&format) {
            formats.push(format);
        }
    }
    Ok((table, formats))
}

fn themes(
    loaded: &Loaded<Project>,
    root: &Path,
    overrides: &Overrides,
) -> Result<Vec<ThemeSource>, Diagnostic> {
    if let Some(path) = &overrides.theme {
        let dir = path.parent().unwrap_or(Path::new(".")).to_path_buf();
        return Ok(vec![load_theme(path, &dir)?]);
    }
    let project = &loaded.value;
    let written: Vec<(&str, &String)> = match (&project.theme, &project.themes) {
        (Some(_), Some(_)) => {
            return Err(loaded
                .error_at_key("themes", "both `theme` and `themes` are set")
                .with_hint("keep one: `theme` for a single theme, `themes` for several"));
        }
        (Some(theme), None) => vec![("theme", theme)],
        (None, Some(themes)) => themes.iter().map(|t| ("themes", t)).collect(),
        (None, None) => {
            return Ok(vec![ThemeSource {
                theme: Theme::builtin(),
                path: None,
                logo: None,
                file: None,
            }]);
        }
    };
    written
        .into_iter()
        .map(|(key, file)| {
            let path = resolve_inside(root, file, root)
                .map_err(|message| loaded.error_at_key(key, message))?;
            load_theme(&path, root)
        })
        .collect()
}

/// Loads a theme file; its logo must lie inside `root`.
pub fn load_theme(path: &Path, root: &Path) -> Result<ThemeSource, Diagnostic> {
    let loaded: Loaded<Theme> = load_toml(path)?;
    if loaded.value.name.trim().is_empty() {
        return Err(loaded.error_at_key("name", "the theme's `name` is empty"));
    }
    let logo = match &loaded.value.logo {
        Some(logo) => Some(
            resolve_inside(loaded.dir(), &logo.file, root)
                .map_err(|message| loaded.error_at_key("file", format!("the logo {message}")))?,
        ),
        None => None,
    };
    Ok(ThemeSource {
        theme: loaded.value.clone().with_defaults(),
        path: Some(path.to_path_buf()),
        logo,
        file: Some(loaded.file()),
    })
}

fn persona_files(loaded: &Loaded<Project>, root: &Path) -> Result<Vec<PathBuf>, Diagnostic> {
    let default = vec!["personas/*.toml".to_string()];
    let patterns = loaded.value.personas.as_ref().unwrap_or(&default);
    let mut files = Vec::new();
    for pattern in patterns {
        let matches =
            glob_in(root, pattern).map_err(|message| loaded.error_at_key("personas", message))?;
        if matches.is_empty() {
            let message = format!("`{pattern}` matches no persona file");
            return Err(loaded
                .error_at_key("personas", message)
                .with_hint(format!("paths are relative to {}", root.display())));
        }
        files.extend(
            matches
                .into_iter()
                .filter(|f| !files.contains(f))
                .collect::<Vec<_>>(),
        );
    }
    Ok(files)
}

/// The files a glob (relative to `root`) matches, sorted; each must stay inside `root`
/// (a `..` that comes back in is fine; a file, or a link, that leads out is refused).
fn glob_in(root: &Path, pattern: &str) -> Result<Vec<PathBuf>, String> {
    if Path::new(pattern).is_absolute() {
        return Err(format!(
            "`{pattern}` is an absolute path (write it relative to the project folder)"
        ));
    }
    let full = root.join(pattern);
    let paths = glob::glob(&full.to_string_lossy())
        .map_err(|err| format!("`{pattern}` is not a valid glob ({err})"))?;
    let real_root = root
        .canonicalize()
        .map_err(|err| format!("cannot open the project folder ({err})"))?;
    let mut files = Vec::new();
    for path in paths.filter_map(Result::ok) {
        let is_project_file = path.file_name().is_some_and(|n| n == PROJECT_FILE)
            && path.parent().map(absolute).as_deref() == Some(real_root.as_path());
        let is_persona = !super::sheet::is_table_csv(&path)
            && !super::sheet::is_lock_file(&path)
            && !is_project_file;
        if !is_persona || path.is_dir() {
            continue;
        }
        let real = path.canonicalize().unwrap_or_else(|_| path.clone());
        if !real.starts_with(&real_root) {
            let shown = path
                .strip_prefix(root)
                .unwrap_or(&path)
                .display()
                .to_string();
            return Err(format!(
                "`{shown}` (matched by `{pattern}`) leads outside the project folder, to {}",
                real.display()
            ));
        }
        files.push(path);
    }
    files.sort();
    Ok(files)
}

/// The folders input is read from: templates, fonts, each persona file's folder.
fn input_folders(
    templates: &Option<PathBuf>,
    fonts: &Option<PathBuf>,
    persona_files: &[PathBuf],
    root: &Path,
) -> Vec<(&'static str, PathBuf)> {
    let named = [("templates", templates), ("fonts", fonts)];
    let folders = named
        .into_iter()
        .filter_map(|(what, dir)| Some((what, dir.clone()?)));
    let personas = persona_files
        .iter()
        .map(|f| ("personas", f.parent().unwrap_or(root).to_path_buf()));
    let mut all: Vec<(&'static str, PathBuf)> = folders.chain(personas).collect();
    // Personas mostly share a folder: each folder once.
    all.dedup();
    all
}

/// `path` made absolute, its links resolved where it exists.
fn absolute(path: &Path) -> PathBuf {
    path.canonicalize()
        .or_else(|_| std::path::absolute(path))
        .unwrap_or_else(|_| path.to_path_buf())
}

/// The output folder may not be the project folder, nor one that input is read from
/// (templates, fonts, a persona's folder) or one above it: a render there would mix its
/// documents with the sources, and a glob could read them back as personas.
fn check_output_folder(
    loaded: &Loaded<Project>,
    root: &Path,
    out: &Path,
    inputs: &[(&str, PathBuf)],
) -> Result<(), Diagnostic> {
    let out_real = absolute(out);
    let clash = match absolute(root) == out_real {
        true => Some("the project folder".to_string()),
        false => inputs
            .iter()
            .find(|(_, dir)| absolute(dir).starts_with(&out_real))
            .map(|(what, dir)| format!("the {what} folder {} or holds it", dir.display())),
    };
    let Some(clash) = clash else {
        return Ok(());
    };
    let message = format!("the output folder {} is {clash}", out.display());
    let diag = match loaded.value.out.is_some() {
        true => loaded.error_at_key("out", message),
        false => Diagnostic::error(message),
    };
    Err(diag
        .with_hint("write the documents to a folder of their own, e.g. out = \"dist\" or -o dist"))
}

/// The most bleed a format may have: large-format shops ask for 10–20 mm.
pub const MAX_BLEED_MM: f64 = 30.0;

/// The largest page side PDF allows (14,400 units: 200 inches), in millimetres.
pub const MAX_PAGE_MM: f64 = 5080.0;

/// Every format's bleed, page size (with bleed and the crop marks' slug) and resolution
/// limits are ones a PDF and a print shop can take.
fn check_sizes(loaded: &Loaded<Project>, table: &Formats) -> Result<(), Diagnostic> {
    let print = &loaded.value.print;
    if let (Some(warn), Some(min)) = (print.warn_ppi, print.min_ppi)
        && warn < min
    {
        let message = format!("warn_ppi = {warn} is below min_ppi = {min}");
        return Err(loaded.error_at_key("warn_ppi", message).with_hint(
            "photos below min_ppi fail, below warn_ppi they warn: warn_ppi is the higher one",
        ));
    }
    for format in table.iter() {
        if format.bleed_mm > MAX_BLEED_MM {
            let message = format!(
                "a bleed of {} mm ({format}) is more than {MAX_BLEED_MM} mm",
                format.bleed_mm
            );
            return Err(loaded
                .error_at_key("bleed", message)
                .with_hint("print shops ask for 2–5 mm, large format up to 20 mm"));
        }
        // Bleed and the slug of the crop marks (at most 20 mm a side) round the trim.
        let margin = 2.0 * (format.bleed_mm + 20.0);
        let (width, height) = format.trim_mm;
        if width.max(height) + margin > MAX_PAGE_MM {
            let message = format!(
                "{format} is {width:.0} × {height:.0} mm: with bleed and marks more than the {MAX_PAGE_MM:.0} mm (200 inches) a PDF page can be"
            );
            return Err(loaded
                .error_at_key("size", message)
                .with_hint("print larger sizes from a scaled PDF, as large-format shops do"));
        }
    }
    Ok(())
}

fn optional_folder(
    loaded: &Loaded<Project>,
    root: &Path,
    key: &str,
    value: &Option<String>,
) -> Result<Option<PathBuf>, Diagnostic> {
    let Some(written) = value else {
        // Not named: the folder of that name beside personapress.toml, when there is one.
        let default = root.join(key);
        return Ok(default.is_dir().then_some(default));
    };
    let dir =
        resolve_inside(root, written, root).map_err(|message| loaded.error_at_key(key, message))?;
    if !dir.is_dir() {
        return Err(loaded.error_at_key(key, format!("`{written}` is not a folder")));
    }
    Ok(Some(dir))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::spec::persona::Language;

    /// A project folder with these files.
    fn project(files: &[(&str, &str)]) -> tempfile::TempDir {
        let dir = tempfile::tempdir().unwrap();
        for (path, text) in files {
            let path = dir.path().join(path);
            std::fs::create_dir_all(path.parent().unwrap()).unwrap();
            std::fs::write(path, text).unwrap();
        }
        dir
    }

    #[test]
    fn a_project_opens_with_its_personas_sorted_and_the_formats_asked_for() {
        let dir = project(&[
            (
                PROJECT_FILE,
                "formats = [\"mousepad\", \"desk-card\", \"mousepad\"]\n[format.desk-card]\nsize = \"105x148mm\"\n",
            ),
            ("personas/zoe.toml", "name = \"Zoë\"\n"),
            ("personas/anna.toml", "name = \"Anna\"\n"),
        ]);
        let ws = open(dir.path(), &Overrides::default()).unwrap();
        let stems: Vec<_> = ws
            .persona_files
            .iter()
            .map(|p| p.file_stem().unwrap().to_owned())
            .collect();
        assert_eq!(stems, ["anna", "zoe"]);
        let formats: Vec<&str> = ws.formats.iter().map(|f| f.name()).collect();
        assert_eq!(
            formats,
            ["mousepad", "desk-card"],
            "each once, in the order written"
        );
        assert_eq!(ws.out, dir.path().join("dist"));
        assert_eq!(ws.themes.len(), 1, "the built-in theme");
        let cli = Overrides {
            formats: Some(vec!["briefing".into()]),
            ..Overrides::default()
        };
        let ws = open(dir.path(), &cli).unwrap();
        assert_eq!(
            ws.formats.iter().map(|f| f.name()).collect::<Vec<_>>(),
            ["briefing"]
        );
    }

    #[test]
    fn a_wrong_format_is_named_at_its_key_with_advice() {
        let dir = project(&[(PROJECT_FILE, "title = \"T\"\nformats = [\"poster-a4\"]\n")]);
        let err = open(dir.path(), &Overrides::default()).unwrap_err();
        assert_eq!(err.message, "unknown format `poster-a4`");
        assert_eq!(err.position().and_then(|(_, at)| at), Some((2, 1)));
        assert_eq!(err.hints, ["did you mean `poster-a3`?"]);
        let dir = project(&[(PROJECT_FILE, "[format.poster-a2]\nsize = \"105x148mm\"\n")]);
        let err = open(dir.path(), &Overrides::default()).unwrap_err();
        assert!(
            err.message
                .contains("`poster-a2` cannot be the name of a format of your own"),
            "{}",
            err.message
        );
    }

    #[test]
    fn a_persona_gets_its_id_and_language_or_a_clear_error() {
        let dir = project(&[
            (PROJECT_FILE, "language = \"de\"\n"),
            ("personas/p.toml", "name = \"P\"\n"),
            ("personas/bad.toml", "name = \"B\"\nid = \"../up\"\n"),
        ]);
        let ws = open(dir.path(), &Overrides::default()).unwrap();
        let p = ws
            .load_persona(&dir.path().join("personas/p.toml"))
            .unwrap();
        assert_eq!(
            (p.id.as_str(), p.language),
            ("p", Language::DE),
            "file name; project language"
        );
        let err = ws
            .load_persona(&dir.path().join("personas/bad.toml"))
            .unwrap_err();
        assert!(
            err.message
                .contains("the id `../up` cannot be used in a file name")
        );
        assert_eq!(err.position().and_then(|(_, at)| at), Some((2, 1)));
    }
}
