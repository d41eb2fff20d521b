//! The Typst world: one shared [`Base`] (library, fonts, parsed templates)
//! and a cheap [`JobWorld`] per document that serves that document's data and images.
//!
//! Nothing is read from disk during compilation: a job's world holds every
//! byte it may serve, so templates run in a sandbox with no file or network access.

pub(crate) mod coverage;
pub(crate) mod fonts;
pub(crate) mod templates;

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use typst::diag::{FileError, FileResult};
use typst::foundations::{Bytes, Datetime};
use typst::syntax::{FileId, RootedPath, Source, VirtualPath, VirtualRoot};
use typst::text::{Font, FontBook};
use typst::utils::LazyHash;
use typst::{Library, LibraryExt, World};
use typst_kit::fonts::FontStore;

use sha2::{Digest, Sha256};

use crate::diag::Diagnostic;

/// The virtual path of a job's data file.
pub const DATA_PATH: &str = "/data.json";

/// What every job of a run shares: the standard library, fonts and templates.
pub struct Base {
    library: LazyHash<Library>,
    fonts: FontStore,
    templates: HashMap<FileId, (Source, PathBuf)>,
    today: Option<Datetime>,
    fingerprint: String,
    skipped_fonts: Vec<Diagnostic>,
}

impl Base {
    /// Loads fonts (bundled plus `project_fonts`) and templates (built in, overridden by `template_dir`).
    pub fn new(
        project_fonts: Option<&Path>,
        template_dir: Option<&Path>,
    ) -> Result<Self, Diagnostic> {
        let mut fingerprint = Sha256::new();
        let (fonts, skipped_fonts) = fonts::load(project_fonts, &mut fingerprint)?;
        let files = templates::load(template_dir)?;
        for file in &files {
            fingerprint.update(file.name.as_bytes());
            fingerprint.update(file.text.as_bytes());
        }
        let templates = files
            .into_iter()
            .map(|file| {
                let id = file_id(&format!("/{}", file.name));
                (id, (Source::new(id, file.text), file.origin))
            })
            .collect();
        Ok(Base {
            library: LazyHash::new(Library::default()),
            fonts,
            templates,
            today: None,
            fingerprint: crate::digest::hex(&fingerprint.finalize()),
            skipped_fonts,
        })
    }

    /// A hash of everything shared that shapes every document: templates and the
    /// project's fonts (the bundled ones change only with the program version).
    pub fn fingerprint(&self) -> &str {
        &self.fingerprint
    }

    /// Warnings naming the project's font files that were skipped (damaged, or no font).
    pub fn skipped_fonts(&self) -> &[Diagnostic] {
        &self.skipped_fonts
    }

    /// The font book, to check the families a theme names.
    pub fn book(&self) -> &FontBook {
        self.fonts.book()
    }

    /// Whether a template of this file name exists.
    pub fn has_template(&self, name: &str) -> bool {
        self.templates.contains_key(&file_id(&format!("/{name}")))
    }

    /// The file a virtual template path came from, for diagnostics.
    pub fn origin(&self, id: FileId) -> Option<&Path> {
        self.templates.get(&id).map(|(_, origin)| origin.as_path())
    }

    /// The project's own file that lays out `template` (e.g. `poster-a2.typ`): that file
    /// itself, or the project's `lib.typ` every template imports, where it overrides the
    /// built-in one.
    pub fn own_template(&self, template: &str) -> Option<&Path> {
        [template, "lib.typ"]
            .into_iter()
            .filter_map(|name| self.origin(file_id(&format!("/{name}"))))
            .find(|origin| !origin.starts_with(templates::BUILTIN_ORIGIN))
    }

    /// Every template file as (file name, text), sorted by name.
    pub fn template_files(&self) -> Vec<(String, String)> {
        let mut files: Vec<(String, String)> = self
            .templates
            .iter()
            .map(|(id, (source, _))| {
                (
                    id.vpath().get_without_slash().to_string(),
                    source.text().to_string(),
                )
            })
            .collect();
        files.sort();
        files
    }

    /// The text of a template file, for diagnostics.
    pub fn source_text(&self, id: FileId) -> Option<std::sync::Arc<str>> {
        self.templates
            .get(&id)
            .map(|(source, _)| std::sync::Arc::from(source.text()))
    }

    /// A world for one document: `main` is a template file name, `files` the data and assets it may read.
    pub fn job(&self, main: &str, files: HashMap<String, Bytes>) -> JobWorld<'_> {
        let files = files
            .into_iter()
            .map(|(path, bytes)| (file_id(&path), bytes))
            .collect();
        JobWorld {
            base: self,
            main: file_id(&format!("/{main}")),
            files,
        }
    }
}

/// Interns a virtual path in the project root.
pub fn file_id(path: &str) -> FileId {
    let vpath = VirtualPath::new(path).expect("virtual paths built by personapress are valid");
    RootedPath::new(VirtualRoot::Project, vpath).intern()
}

/// The world of one document.
pub struct JobWorld<'a> {
    base: &'a Base,
    main: FileId,
    files: HashMap<FileId, Bytes>,
}

impl JobWorld<'_> {
    /// The shared base.
    pub fn base(&self) -> &Base {
        self.base
    }
}

impl World for JobWorld<'_> {
    fn library(&self) -> &LazyHash<Library> {
        &self.base.library
    }

    fn book(&self) -> &LazyHash<FontBook> {
        self.base.fonts.book()
    }

    fn main(&self) -> FileId {
        self.main
    }

    fn source(&self, id: FileId) -> FileResult<Source> {
        match self.base.templates.get(&id) {
            Some((source, _)) => Ok(source.clone()),
            None if self.files.contains_key(&id) => Err(FileError::NotSource),
            None => Err(not_found(id)),
        }
    }

    fn file(&self, id: FileId) -> FileResult<Bytes> {
        if let Some(bytes) = self.files.get(&id) {
            return Ok(bytes.clone());
        }
        match self.base.templates.get(&id) {
            Some((source, _)) => Ok(Bytes::from_string(source.clone())),
            None => Err(not_found(id)),
        }
    }

    fn font(&self, index: usize) -> Option<Font> {
        self.base.fonts.font(index)
    }

    fn today(&self, _offset: Option<typst::foundations::Duration>) -> Option<Datetime> {
        self.base.today
    }
}

fn not_found(id: FileId) -> FileError {
    if let VirtualRoot::Package(package) = id.root() {
        return FileError::Other(Some(
            format!(
                "package {package} is not available: personapress renders offline and loads no packages \
                 (hint: copy the package's files into the project's templates folder and import them by path)"
            )
            .into(),
        ));
    }
    FileError::NotFound(PathBuf::from(id.vpath().get_with_slash()))
}
