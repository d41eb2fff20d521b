//! The built-in document formats: their names, sizes and what each shows.

use std::fmt;

use serde::Serialize;

use crate::spec::project::Project;

/// A print product personapress renders from a persona.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, serde::Deserialize,
)]
#[serde(rename_all = "kebab-case")]
pub enum Format {
    /// A2 wall poster, 420 × 594 mm portrait.
    PosterA2,
    /// A3 wall poster, 297 × 420 mm portrait, with a chosen subset of the content.
    PosterA3,
    /// Mousepad, 240 × 200 mm unless configured.
    Mousepad,
    /// A4 creative briefing for agencies, several pages, tagged PDF/UA-1.
    Briefing,
}

impl Format {
    /// Every built-in format, in the order they are rendered and listed.
    pub const ALL: [Format; 4] = [
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
        }
    }

    /// Parses a format name, suggesting the closest one on a typo.
    pub fn parse(name: &str) -> Result<Format, String> {
        if let Some(format) = Format::ALL.into_iter().find(|f| f.name() == name) {
            return Ok(format);
        }
        let names: Vec<&str> = Format::ALL.iter().map(|f| f.name()).collect();
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

    /// Whether the format must fit on exactly one page.
    pub fn single_page(self) -> bool {
        !matches!(self, Format::Briefing)
    }

    /// Whether the format goes to a print shop (bleed, CMYK) rather than an office printer.
    pub fn is_print(self) -> bool {
        !matches!(self, Format::Briefing)
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
            },
            Format::Briefing => Budget::UNLIMITED,
        }
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
}

impl Budget {
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
