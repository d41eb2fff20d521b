//! The table of formats: the built-in rows, configured by the project's `[print]` and
//! `[mousepad]` tables, and the project's own `[format.<name>]` rows.

use std::borrow::Cow;

use super::{Budget, Format, FormatSpec, Kind, PpiLimits, TypeTiers};
use crate::diag::Diagnostic;
use crate::spec::project::{OwnFormat, Project};

/// The bleed of a print format unless `[print] bleed` says otherwise.
const DEFAULT_BLEED_MM: f64 = 3.0;
/// Photo resolution limits of formats read from close by.
const CLOSE_PPI: PpiLimits = PpiLimits {
    warn: 300,
    min: 150,
    max: None,
};

const fn tiers(
    name_max: f64,
    name_min: f64,
    quote: f64,
    head: f64,
    body: f64,
    small: f64,
) -> Option<TypeTiers> {
    Some(TypeTiers {
        name_max,
        name_min,
        quote,
        head,
        body,
        small,
    })
}

#[allow(clippy::too_many_arguments)]
const fn row(
    kind: Kind,
    name: &'static str,
    trim_mm: (f64, f64),
    print: bool,
    ppi: PpiLimits,
    budget: Budget,
    tiers: Option<TypeTiers>,
) -> FormatSpec {
    FormatSpec {
        name: Cow::Borrowed(name),
        kind,
        trim_mm,
        single_page: !matches!(kind, Kind::Briefing),
        print,
        pdf_ua: matches!(kind, Kind::Briefing),
        cut_contour: matches!(kind, Kind::Mousepad),
        bleed_mm: if print { DEFAULT_BLEED_MM } else { 0.0 },
        ppi,
        budget,
        tiers,
    }
}

/// How many items of each list a format shows.
#[allow(clippy::too_many_arguments)]
const fn budget(
    list: usize,
    details: usize,
    dos: usize,
    media: usize,
    traits: usize,
    quotes: usize,
    stages: usize,
    metrics: usize,
    story: bool,
) -> Budget {
    Budget {
        list,
        details,
        dos,
        media,
        traits,
        quotes,
        stages,
        metrics,
        story,
    }
}

/// Every built-in format, in the order they are rendered and listed, as designed.
pub static BUILT_IN: [FormatSpec; 8] = [
    row(
        Kind::PosterA2,
        "poster-a2",
        (420.0, 594.0),
        true,
        PpiLimits {
            warn: 200,
            min: 100,
            max: None,
        },
        budget(5, 4, 5, 6, 5, 3, 8, 4, true),
        tiers(132.0, 100.0, 42.0, 30.0, 19.0, 14.0),
    ),
    row(
        Kind::PosterA3,
        "poster-a3",
        (297.0, 420.0),
        true,
        CLOSE_PPI,
        budget(4, 0, 4, 4, 0, 0, 0, 3, false),
        tiers(92.0, 75.0, 30.0, 21.0, 14.0, 10.0),
    ),
    row(
        Kind::Mousepad,
        "mousepad",
        (240.0, 200.0),
        true,
        CLOSE_PPI,
        budget(0, 0, 3, 0, 0, 0, 0, 0, false),
        tiers(48.0, 36.0, 20.0, 14.0, 14.0, 10.0),
    ),
    row(
        Kind::Briefing,
        "briefing",
        (210.0, 297.0),
        false,
        CLOSE_PPI,
        Budget::UNLIMITED,
        None,
    ),
    row(
        Kind::JourneyA3,
        "journey-a3",
        (420.0, 297.0),
        true,
        CLOSE_PPI,
        budget(0, 0, 0, 0, 0, 0, 12, 0, false),
        None,
    ),
    row(
        Kind::JourneyA2,
        "journey-a2",
        (594.0, 420.0),
        true,
        CLOSE_PPI,
        budget(0, 0, 0, 0, 0, 0, 12, 0, false),
        None,
    ),
    row(
        Kind::OverviewA3,
        "overview-a3",
        (420.0, 297.0),
        true,
        CLOSE_PPI,
        Budget::NOTHING,
        None,
    ),
    row(
        Kind::OverviewA2,
        "overview-a2",
        (594.0, 420.0),
        true,
        CLOSE_PPI,
        Budget::NOTHING,
        None,
    ),
];

/// The formats a project can render: the built-in ones as it configures them, then its own.
#[derive(Debug, Clone, PartialEq)]
pub struct Formats {
    rows: Vec<Format>,
}

impl Formats {
    /// The table of `project`; `Err(name)` for an own format whose name is not a valid
    /// file name part or is a built-in format's.
    pub fn new(project: &Project) -> Result<Formats, String> {
        let mut rows: Vec<Format> = BUILT_IN
            .iter()
            .map(|r| Format::new(configured(r, project)))
            .collect();
        for (name, own) in &project.format {
            let valid = !name.is_empty()
                && name
                    .chars()
                    .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-');
            if !valid || rows.iter().any(|f| f.name() == name) {
                return Err(name.clone());
            }
            rows.push(Format::new(own_row(name, own, project)));
        }
        Ok(Formats { rows })
    }

    /// Every format, built-in ones first.
    pub fn iter(&self) -> std::slice::Iter<'_, Format> {
        self.rows.iter()
    }

    /// The built-in format of `kind`; `None` for [`Kind::Own`].
    pub fn get(&self, kind: Kind) -> Option<&Format> {
        self.rows
            .iter()
            .find(|f| f.kind == kind && kind != Kind::Own)
    }

    /// The format of this name, if the table has one.
    pub fn find(&self, name: &str) -> Option<&Format> {
        self.rows.iter().find(|f| f.name() == name)
    }

    /// The formats rendered when the project names none: the four default ones and its own.
    pub fn defaults(&self) -> Vec<Format> {
        let wanted = |f: &&Format| Kind::DEFAULT.contains(&f.kind) || f.kind == Kind::Own;
        self.rows.iter().filter(wanted).cloned().collect()
    }

    /// The format of this name, or an error suggesting the closest one on a typo.
    pub fn parse(&self, name: &str) -> Result<Format, Diagnostic> {
        if let Some(format) = self.find(name) {
            return Ok(format.clone());
        }
        let names: Vec<&str> = self.rows.iter().map(|f| f.name()).collect();
        let likeness = |c: &&&str| strsim::jaro_winkler(name, c);
        let closest = names
            .iter()
            .max_by(|a, b| likeness(a).total_cmp(&likeness(b)));
        let hint = match closest {
            Some(c) if strsim::jaro_winkler(name, c) > 0.8 => format!("did you mean `{c}`?"),
            _ => format!("known formats: {}", names.join(", ")),
        };
        Err(Diagnostic::error(format!("unknown format `{name}`")).with_hint(hint))
    }
}

/// A built-in row with the project's sizes, bleed and resolution limits.
fn configured(row: &FormatSpec, project: &Project) -> FormatSpec {
    let mut spec = row.clone();
    let mousepad = &project.mousepad;
    if let (Kind::Mousepad, Some(size)) = (row.kind, mousepad.size) {
        spec.trim_mm = (size.width.mm, size.height.mm);
    }
    let bleed = match row.kind {
        Kind::Mousepad => mousepad.bleed.or(project.print.bleed),
        _ => project.print.bleed,
    };
    if spec.print {
        spec.bleed_mm = bleed.map_or(DEFAULT_BLEED_MM, |b| b.mm);
    }
    spec.ppi = PpiLimits {
        warn: project.print.warn_ppi.unwrap_or(row.ppi.warn),
        min: project.print.min_ppi.unwrap_or(row.ppi.min),
        max: project.print.effective_max_ppi().filter(|_| spec.print),
    };
    spec
}

/// The row of a project's own format: it shows what its template chooses.
fn own_row(name: &str, own: &OwnFormat, project: &Project) -> FormatSpec {
    let print = own.print.unwrap_or(true);
    let base = row(
        Kind::Own,
        "",
        (own.size.width.mm, own.size.height.mm),
        print,
        CLOSE_PPI,
        Budget::UNLIMITED,
        None,
    );
    FormatSpec {
        name: Cow::Owned(name.to_string()),
        single_page: own.single_page.unwrap_or(true),
        ..configured(&base, project)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn project(toml: &str) -> Project {
        toml::from_str(toml).unwrap()
    }

    #[test]
    fn names_round_trip_and_a_typo_gets_a_suggestion() {
        let table = Formats::new(&Project::default()).unwrap();
        assert_eq!(table.iter().count(), BUILT_IN.len());
        for format in table.iter() {
            assert_eq!(table.parse(format.name()).ok().as_ref(), Some(format));
        }
        assert!(
            table
                .parse("poster-a4")
                .unwrap_err()
                .hints
                .contains(&"did you mean `poster-a3`?".to_string())
        );
        assert!(table.parse("flyer").unwrap_err().hints[0].starts_with("known formats: poster-a2"));
    }

    #[test]
    fn the_project_configures_the_rows() {
        let p = project(
            "[print]\nbleed = \"5mm\"\nwarn_ppi = 250\n[mousepad]\nsize = \"300x250mm\"\nbleed = \"2mm\"\n\
             [format.desk-card]\nsize = \"105x148mm\"\nprint = false\n",
        );
        let table = Formats::new(&p).unwrap();
        let mousepad = table.get(Kind::Mousepad).unwrap();
        assert_eq!((mousepad.trim_mm, mousepad.bleed_mm), ((300.0, 250.0), 2.0));
        let a2 = table.get(Kind::PosterA2).unwrap();
        assert_eq!(
            (a2.bleed_mm, a2.ppi),
            (
                5.0,
                PpiLimits {
                    warn: 250,
                    min: 100,
                    max: None
                }
            )
        );
        assert_eq!(table.get(Kind::Briefing).unwrap().bleed_mm, 0.0);
        let card = table.find("desk-card").unwrap();
        assert_eq!(
            (card.kind, card.trim_mm, card.print, card.bleed_mm),
            (Kind::Own, (105.0, 148.0), false, 0.0)
        );
        let defaults: Vec<String> = table
            .defaults()
            .iter()
            .map(|f| f.name().to_string())
            .collect();
        assert_eq!(
            defaults,
            [
                "poster-a2",
                "poster-a3",
                "mousepad",
                "briefing",
                "desk-card"
            ]
        );
    }

    #[test]
    fn a2_posters_accept_lower_resolution_than_formats_read_close_by() {
        let table = Formats::new(&Project::default()).unwrap();
        let ppi = |kind| table.get(kind).unwrap().ppi;
        assert_eq!(
            ppi(Kind::PosterA2),
            PpiLimits {
                warn: 200,
                min: 100,
                max: None
            }
        );
        assert_eq!(
            ppi(Kind::Mousepad),
            PpiLimits {
                warn: 300,
                min: 150,
                max: None
            }
        );
    }

    #[test]
    fn an_own_format_may_not_take_a_built_in_name_or_an_odd_one() {
        for name in ["poster-a2", "Desk_Card", "\"\""] {
            let p = project(&format!("[format.{name}]\nsize = \"105x148mm\"\n"));
            assert!(Formats::new(&p).is_err(), "{name}");
        }
    }

    #[test]
    fn formats_sort_built_in_first_and_compare_by_name() {
        let p = project("[format.a-card]\nsize = \"105x148mm\"\n");
        let table = Formats::new(&p).unwrap();
        let mut all: Vec<Format> = table.iter().cloned().collect();
        all.reverse();
        all.sort();
        assert_eq!(all.first().unwrap().kind, Kind::PosterA2);
        assert_eq!(all.last().unwrap().name(), "a-card");
        assert!(*table.get(Kind::Mousepad).unwrap() == Kind::Mousepad);
    }
}
