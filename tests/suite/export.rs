//! `personapress export` writes bundles that compile on their own: a world that
//! sees nothing but the bundle folder (and Typst's embedded fonts, as the stock
//! CLI with `--ignore-system-fonts`) lays each one out like the render does.

use std::path::{Path, PathBuf};

use crate::common::*;
use typst::diag::{FileError, FileResult};
use typst::foundations::{Bytes, Datetime, Duration};
use typst::syntax::{FileId, RootedPath, Source, VirtualPath, VirtualRoot};
use typst::text::{Font, FontBook};
use typst::utils::LazyHash;
use typst::{Library, LibraryExt, World};
use typst_layout::PagedDocument;

/// A world rooted at one folder, like `typst compile --root B --font-path B/fonts --ignore-system-fonts`.
struct FolderWorld {
    root: PathBuf,
    library: LazyHash<Library>,
    book: LazyHash<FontBook>,
    fonts: Vec<Font>,
    main: FileId,
}

impl FolderWorld {
    fn new(root: &Path) -> Self {
        let mut fonts: Vec<Font> = typst_kit::fonts::embedded().map(|(font, _)| font).collect();
        for entry in std::fs::read_dir(root.join("fonts")).unwrap() {
            fonts.extend(Font::iter(Bytes::new(
                std::fs::read(entry.unwrap().path()).unwrap(),
            )));
        }
        let book = FontBook::from_fonts(&fonts);
        let main =
            RootedPath::new(VirtualRoot::Project, VirtualPath::new("/main.typ").unwrap()).intern();
        FolderWorld {
            root: root.to_path_buf(),
            library: LazyHash::new(Library::default()),
            book: LazyHash::new(book),
            fonts,
            main,
        }
    }

    fn read(&self, id: FileId) -> FileResult<Vec<u8>> {
        let path = self.root.join(id.vpath().get_without_slash());
        std::fs::read(&path).map_err(|e| FileError::from_io(e, &path))
    }
}

impl World for FolderWorld {
    fn library(&self) -> &LazyHash<Library> {
        &self.library
    }
    fn book(&self) -> &LazyHash<FontBook> {
        &self.book
    }
    fn main(&self) -> FileId {
        self.main
    }
    fn source(&self, id: FileId) -> FileResult<Source> {
        let text = String::from_utf8(self.read(id)?).map_err(|_| FileError::InvalidUtf8)?;
        Ok(Source::new(id, text))
    }
    fn file(&self, id: FileId) -> FileResult<Bytes> {
        self.read(id).map(Bytes::new)
    }
    fn font(&self, index: usize) -> Option<Font> {
        self.fonts.get(index).cloned()
    }
    fn today(&self, _: Option<Duration>) -> Option<Datetime> {
        None
    }
}

#[test]
fn every_exported_bundle_compiles_alone_to_the_rendered_layout() {
    let temp = tempfile::tempdir().unwrap();
    let (bundles, pdfs) = (temp.path().join("bundles"), temp.path().join("pdfs"));
    let examples = repo().join("examples");
    let theme = examples.join("themes/terracotta.toml");
    let common = ["-q", "--theme", theme.to_str().unwrap()];
    let export = personapress(
        &[
            &[
                "export",
                examples.to_str().unwrap(),
                "-o",
                bundles.to_str().unwrap(),
            ],
            &common[..],
        ]
        .concat(),
    );
    assert!(export.status.success(), "{}", stderr(&export));
    let render = personapress(
        &[
            &[
                "render",
                examples.to_str().unwrap(),
                "-o",
                pdfs.to_str().unwrap(),
            ],
            &common[..],
        ]
        .concat(),
    );
    assert!(render.status.success(), "{}", stderr(&render));

    let report = report(&pdfs);
    for doc in report["documents"].as_array().unwrap() {
        if doc["note"].is_string() {
            continue; // not made: a journey map for a persona without stages
        }
        let (persona, format) = (
            doc["persona"].as_str().unwrap(),
            doc["format"].as_str().unwrap(),
        );
        // Overview sheets belong to the project, not to a persona.
        let folder = if persona == "*" { "overview" } else { persona };
        let bundle = bundles.join(folder).join(format);
        let world = FolderWorld::new(&bundle);
        let document = typst::compile::<PagedDocument>(&world)
            .output
            .unwrap_or_else(|e| panic!("{}: {e:?}", bundle.display()));
        assert_eq!(
            document.pages().len() as u64,
            doc["pages"].as_u64().unwrap(),
            "{persona} {format} page count"
        );
        let pdf = pdf(&pdfs.join(doc["file"].as_str().unwrap()));
        let size = document.pages()[0].frame.size();
        let (w, h) = (size.x.to_mm(), size.y.to_mm());
        let trim = box_mm(&pdf, b"TrimBox")
            .or_else(|| box_mm(&pdf, b"MediaBox"))
            .unwrap();
        assert_size((w, h), trim, &format!("{persona} {format} page size"));
        let data: serde_json::Value =
            serde_json::from_slice(&std::fs::read(bundle.join("data.json")).unwrap()).unwrap();
        assert_eq!(
            data["fit"], doc["fit"],
            "{persona} {format}: the bundle keeps the fitted type scale"
        );
    }
}
