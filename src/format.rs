//! The document formats: the built-in ones, their names, sizes and what each shows,
//! and the formats a project adds with a template of its own.

use std::fmt;
use std::sync::Mutex;

use serde::Serialize;

use crate::spec::project::Project;

/// A format a project declares in `[format.<name>]` and lays out with its own
/// `templates/<name>.typ`: a roll-up banner, a desk card.
#[derive(Debug)]
pub struct CustomFormat {
    /// The name, as in `formats` and in file names.
    pub name: &'static str,
    /// Trim width and height in millimetres.
    pub trim_mm: (f64, f64),
    /// Whether it goes to a print shop: bleed, crop marks, PDF/X.
    pub print: bool,
    /// Whether it must fit on one page (type shrinks to fit).
    pub single_page: bool,
}

/// Custom formats declared in this process, so that names read back from
/// report.json resolve. Each is leaked once: a handful per run.
static CUSTOM: Mutex<Vec<&'static CustomFormat>> = Mutex::new(Vec::new());

/// A print product personapress renders from a persona.
#[derive(Debug, Clone, Copy)]
pub enum Format {
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
    /// A format of the project's own.
    Custom(&'static CustomFormat),
}

impl PartialEq for Format {
    fn eq(&self, other: &Self) -> bool {
        self.name() == other.name()
    }
}

impl Eq for Format {}

impl std::hash::Hash for Format {
    fn hash<H: std::hash::Hasher>(&self, state: &mut H) {
        self.name().hash(state);
    }
}

impl PartialOrd for Format {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for Format {
    /// Built-in formats in their order, then custom ones by name.
    fn cmp(&self, other: &Self) -> std::cmp::Ordering {
        let rank = |f: &Format| {
            Format::ALL
                .iter()
                .position(|b| b == f)
                .unwrap_or(usize::MAX)
        };
        rank(self)
            .cmp(&rank(other))
            .then(self.name().cmp(other.name()))
    }
}

impl Serialize for Format {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.name())
    }
}

impl<'de> serde::Deserialize<'de> for Format {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let name = String::deserialize(deserializer)?;
        Format::parse(&name).map_err(serde::de::Error::custom)
    }
}

impl Format {
    /// Every built-in format, in the order they are rendered and listed.
    pub const ALL: [Format; 8] = [
        Format::PosterA2,
        Format::PosterA3,
        Format::Mousepad,
        Format::Briefing,
        Format::JourneyA3,
        Format::JourneyA2,
        Format::OverviewA3,
        Format::OverviewA2,
    ];

    /// The formats a project renders when it names none.
    pub const DEFAULT: [Format; 4] = [
        Format::PosterA2,
        Format::PosterA3,
        Format::Mousepad,
        Format::Briefing,
    ];

    /// The name used on the command line, in `formats` and in output file names.
    pub fn name(self) -> &'static str {
        match self {
            Format::PosterA2 => "poster-a2",
            Format::PosterA3 => "poster-a3",
            Format::Mousepad => "mousepad",
            Format::Briefing => "briefing",
            Format::JourneyA3 => "journey-a3",
            Format::JourneyA2 => "journey-a2",
            Format::OverviewA3 => "overview-a3",
            Format::OverviewA2 => "overview-a2",
            Format::Custom(custom) => custom.name,
        }
    }

    /// Declares a project's own format (or returns the one already declared with
    /// the same name and properties).
    pub fn declare(name: &str, trim_mm: (f64, f64), print: bool, single_page: bool) -> Format {
        let mut custom = CUSTOM.lock().unwrap_or_else(|e| e.into_inner());
        let same = |c: &&&CustomFormat| {
            c.name == name
                && c.trim_mm == trim_mm
                && c.print == print
                && c.single_page == single_page
        };
        if let Some(found) = custom.iter().find(same) {
            return Format::Custom(found);
        }
        let declared: &'static CustomFormat = Box::leak(Box::new(CustomFormat {
            name: Box::leak(name.to_string().into_boxed_str()),
            trim_mm,
            print,
            single_page,
        }));
        custom.retain(|c| c.name != name);
        custom.push(declared);
        Format::Custom(declared)
    }

    /// Every format a name can mean now: the built-in ones and those declared.
    fn known() -> Vec<Format> {
        let custom = CUSTOM.lock().unwrap_or_else(|e| e.into_inner());
        Format::ALL
            .into_iter()
            .chain(custom.iter().map(|c| Format::Custom(c)))
            .collect()
    }

    /// Parses a format name, suggesting the closest one on a typo.
    pub fn parse(name: &str) -> Result<Format, String> {
        let known = Format::known();
        if let Some(format) = known.iter().find(|f| f.name() == name) {
            return Ok(*format);
        }
        let names: Vec<&str> = known.iter().map(|f| f.name()).collect();
        let closest = names
            .iter()
            .max_by(|a, b| strsim::jaro_winkler(name, a).total_cmp(&strsim::jaro_winkler(name, b)));
        let hint = match closest {
            Some(c) if strsim::jaro_winkler(name, c) > 0.8 => format!("did you mean `{c}`?"),
            _ => format!("known formats: {}", names.join(", ")),
        };
        Err(format!("unknown format `{name}` (hint: {hint})"))
    }

    /// The template file that lays this format out.
    pub fn template(self) -> String {
        format!("{}.typ", self.name())
    }

    /// Whether the format is a customer journey map, made only for personas with stages.
    pub fn is_journey(self) -> bool {
        matches!(self, Format::JourneyA3 | Format::JourneyA2)
    }

    /// Whether the format shows every persona of the project at once, made once per project.
    pub fn is_overview(self) -> bool {
        matches!(self, Format::OverviewA3 | Format::OverviewA2)
    }

    /// Whether the format must fit on exactly one page.
    pub fn single_page(self) -> bool {
        match self {
            Format::Custom(custom) => custom.single_page,
            _ => !matches!(self, Format::Briefing),
        }
    }

    /// Whether the format goes to a print shop (bleed, CMYK) rather than an office printer.
    pub fn is_print(self) -> bool {
        match self {
            Format::Custom(custom) => custom.print,
            _ => !matches!(self, Format::Briefing),
        }
    }

    /// The trim size in millimetres (width, height), from the project where configurable.
    pub fn trim_mm(self, project: &Project) -> (f64, f64) {
        match self {
            Format::PosterA2 => (420.0, 594.0),
            Format::PosterA3 => (297.0, 420.0),
            Format::Mousepad => project
                .mousepad
                .size
                .map_or((240.0, 200.0), |s| (s.width.mm, s.height.mm)),
            Format::Briefing => (210.0, 297.0),
            Format::JourneyA3 | Format::OverviewA3 => (420.0, 297.0),
            Format::JourneyA2 | Format::OverviewA2 => (594.0, 420.0),
            Format::Custom(custom) => custom.trim_mm,
        }
    }

    /// How many items of each list this format shows by design.
    pub fn budget(self) -> Budget {
        match self {
            Format::PosterA2 => Budget {
                list: 5,
                details: 4,
                dos: 5,
                media: 6,
                traits: 5,
                quotes: 3,
                stages: 8,
                metrics: 4,
                story: true,
            },
            Format::PosterA3 => Budget {
                list: 4,
                details: 0,
                dos: 4,
                media: 4,
                traits: 0,
                quotes: 0,
                stages: 0,
                metrics: 3,
                story: false,
            },
            Format::Mousepad => Budget {
                list: 0,
                details: 0,
                dos: 3,
                media: 0,
                traits: 0,
                quotes: 0,
                stages: 0,
                metrics: 0,
                story: false,
            },
            Format::JourneyA3 | Format::JourneyA2 => Budget {
                stages: 12,
                ..Budget::NOTHING
            },
            Format::OverviewA3 | Format::OverviewA2 => Budget::NOTHING,
            // A project's own template shows what it chooses.
            Format::Briefing | Format::Custom(_) => Budget::UNLIMITED,
        }
    }
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

impl Format {
    /// The type tiers of the built-in formats that are read from a distance; `None` where a
    /// template sets its own (briefing, journey maps, overviews, a project's own formats).
    pub fn tiers(self) -> Option<TypeTiers> {
        let tiers = |name_max, name_min, quote, head, body, small| TypeTiers {
            name_max,
            name_min,
            quote,
            head,
            body,
            small,
        };
        match self {
            Format::PosterA2 => Some(tiers(132.0, 100.0, 42.0, 30.0, 19.0, 14.0)),
            Format::PosterA3 => Some(tiers(92.0, 75.0, 30.0, 21.0, 14.0, 10.0)),
            Format::Mousepad => Some(tiers(48.0, 36.0, 20.0, 14.0, 14.0, 10.0)),
            _ => None,
        }
    }

    /// Whether a full page has its content edited ([`crate::render::data::CUT_ORDER`])
    /// rather than its type shrunk: the posters and the mousepad.
    pub fn edits_content(self) -> bool {
        self.tiers().is_some()
    }
}

impl fmt::Display for Format {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn format_names_round_trip_and_suggest() {
        for format in Format::ALL {
            assert_eq!(Format::parse(format.name()), Ok(format));
        }
        assert!(
            Format::parse("poster-a4")
                .unwrap_err()
                .contains("did you mean")
        );
        assert!(
            Format::parse("flyer")
                .unwrap_err()
                .contains("known formats")
        );
    }
}
