//! The document formats. A format is one row, a [`FormatSpec`]: its name, size, what it
//! shows and how it is finished. The workspace owns the table ([`Formats`]) of the
//! built-in formats as the project configures them and the project's own.

mod table;

use std::borrow::Cow;
use std::fmt;
use std::ops::Deref;
use std::sync::Arc;

use serde::Serialize;

pub use table::{BUILT_IN, Formats};

/// Which template family a format belongs to: one of the built-in ones, or a format of
/// the project's own. Ordered as the built-in formats are rendered and listed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Kind {
    /// A2 wall poster, 420 × 594 mm portrait.
    PosterA2,
    /// A3 wall poster, 297 × 420 mm portrait, with a chosen subset of the content.
    PosterA3,
    /// Mousepad, 240 × 200 mm unless configured.
    Mousepad,
    /// A4 creative briefing for agencies, several pages, tagged PDF/UA-1.
    Briefing,
    /// Customer journey map, A3 landscape: 420 × 297 mm.
    JourneyA3,
    /// Customer journey map, A2 landscape: 594 × 420 mm.
    JourneyA2,
    /// Every persona of the project on one A3 landscape sheet, once per project.
    OverviewA3,
    /// Every persona of the project on one A2 landscape sheet, once per project.
    OverviewA2,
    /// A format of the project's own, laid out by `templates/<name>.typ`.
    Own,
}

impl Kind {
    /// The formats a project renders when it names none.
    pub const DEFAULT: [Kind; 4] = [
        Kind::PosterA2,
        Kind::PosterA3,
        Kind::Mousepad,
        Kind::Briefing,
    ];

    /// The built-in row of this kind, before a project configures it; `None` for [`Kind::Own`].
    pub fn row(self) -> Option<&'static FormatSpec> {
        BUILT_IN.iter().find(|row| row.kind == self)
    }
}

/// Everything that differs between formats, in one place.
#[derive(Debug, Clone, PartialEq)]
pub struct FormatSpec {
    /// The name used on the command line, in `formats` and in output file names.
    pub name: Cow<'static, str>,
    /// The template family.
    pub kind: Kind,
    /// The trim size in millimetres (width, height).
    pub trim_mm: (f64, f64),
    /// Whether it must fit on exactly one page.
    pub single_page: bool,
    /// Whether it goes to a print shop (bleed, crop marks, PDF/X) rather than an office printer.
    pub print: bool,
    /// Whether the PDF claims PDF/UA-1 (the office briefing).
    pub pdf_ua: bool,
    /// Whether a cut contour is drawn around the trim (the mousepad's die cut).
    pub cut_contour: bool,
    /// The bleed in millimetres; 0 for office formats.
    pub bleed_mm: f64,
    /// The effective resolution a photo needs at its printed size.
    pub ppi: PpiLimits,
    /// How many items of each list it shows by design.
    pub budget: Budget,
    /// The type sizes of its roles, for formats read from a distance; `None` where a
    /// template sets its own (briefing, journey maps, overviews, a project's own formats).
    pub tiers: Option<TypeTiers>,
}

impl FormatSpec {
    /// The name used on the command line, in `formats` and in output file names.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The template file that lays this format out.
    pub fn template(&self) -> String {
        format!("{}.typ", self.name)
    }

    /// Whether the format is a customer journey map, made only for personas with stages.
    pub fn is_journey(&self) -> bool {
        matches!(self.kind, Kind::JourneyA3 | Kind::JourneyA2)
    }

    /// Whether the format shows every persona of the project at once, made once per project.
    pub fn is_overview(&self) -> bool {
        matches!(self.kind, Kind::OverviewA3 | Kind::OverviewA2)
    }

    /// Whether a full page has its content edited ([`crate::render::cuts::CUT_ORDER`])
    /// rather than its type shrunk: the formats with type tiers.
    pub fn edits_content(&self) -> bool {
        self.tiers.is_some()
    }
}

/// A format of the workspace's table: a cheap handle on its row. Formats are equal when
/// their names are; they sort as the built-in ones are listed, then by name.
#[derive(Debug, Clone)]
pub struct Format(Arc<FormatSpec>);

impl Format {
    /// A format with this row.
    pub fn new(spec: FormatSpec) -> Self {
        Format(Arc::new(spec))
    }
}

impl Deref for Format {
    type Target = FormatSpec;
    fn deref(&self) -> &FormatSpec {
        &self.0
    }
}

impl PartialEq for Format {
    fn eq(&self, other: &Self) -> bool {
        self.name == other.name
    }
}

impl Eq for Format {}

/// `format == Kind::Mousepad`: whether a format is of that family.
impl PartialEq<Kind> for Format {
    fn eq(&self, kind: &Kind) -> bool {
        self.kind == *kind
    }
}

impl std::hash::Hash for Format {
    fn hash<H: std::hash::Hasher>(&self, state: &mut H) {
        self.name.hash(state);
    }
}

impl PartialOrd for Format {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for Format {
    fn cmp(&self, other: &Self) -> std::cmp::Ordering {
        (self.kind, &self.name).cmp(&(other.kind, &other.name))
    }
}

impl Serialize for Format {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&self.name)
    }
}

impl fmt::Display for Format {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.name)
    }
}

/// Effective-resolution limits for raster images at their printed size.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PpiLimits {
    /// Below this: a warning.
    pub warn: u32,
    /// Below this: an error.
    pub min: u32,
    /// Above this: resampled to [`crate::render::resample::TO_PPI`] (print formats only).
    pub max: Option<u32>,
}

/// The type sizes of a format's roles, in points, at the designed scale: what a reader
/// needs at the distance the product is read from.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct TypeTiers {
    /// The largest size of the persona's name; a long name gets smaller, down to `name_min`.
    pub name_max: f64,
    /// The smallest size of the name: a name whose longest word does not fit at this size
    /// is an error.
    pub name_min: f64,
    /// The hero quote.
    pub quote: f64,
    /// Section heads.
    pub head: f64,
    /// Running text and list items.
    pub body: f64,
    /// The smallest text anywhere: labels, captions, chart labels, the footer.
    pub small: f64,
}

/// The number of items a format shows per list; 0 means the format leaves that section out by design.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Budget {
    /// Goals and frustrations.
    pub list: usize,
    /// Motivations and behaviours.
    pub details: usize,
    /// Do's and don'ts.
    pub dos: usize,
    /// Media bars.
    pub media: usize,
    /// Trait sliders.
    pub traits: usize,
    /// Staff and customer quotes.
    pub quotes: usize,
    /// Journey stages.
    pub stages: usize,
    /// KPIs.
    pub metrics: usize,
    /// Whether the story is shown.
    pub story: bool,
}

impl Budget {
    /// None of the lists, for formats about one thing.
    pub const NOTHING: Budget = Budget {
        list: 0,
        details: 0,
        dos: 0,
        media: 0,
        traits: 0,
        quotes: 0,
        stages: 0,
        metrics: 0,
        story: false,
    };

    /// Everything, as the briefing shows it.
    pub const UNLIMITED: Budget = Budget {
        list: usize::MAX,
        details: usize::MAX,
        dos: usize::MAX,
        media: usize::MAX,
        traits: usize::MAX,
        quotes: usize::MAX,
        stages: usize::MAX,
        metrics: usize::MAX,
        story: true,
    };
}
