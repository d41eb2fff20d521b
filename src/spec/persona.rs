//! The persona file: one customer persona or data-driven profile.

use serde::{Deserialize, Serialize};

pub use super::language::Language;
use super::units::{Feeling, Percent};

/// Whether the persona is a fictional story or a data-driven profile.
#[derive(
    Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize, Serialize, schemars::JsonSchema,
)]
#[serde(rename_all = "lowercase")]
pub enum Kind {
    /// A fictional persona: a story that stands for a group of customers.
    #[default]
    Persona,
    /// A data-driven customer profile.
    Profile,
}

/// Draft personas print a version band and room for feedback; final ones do not.
#[derive(
    Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize, Serialize, schemars::JsonSchema,
)]
#[serde(rename_all = "lowercase")]
pub enum Status {
    /// A first version, printed for feedback.
    Draft,
    /// The version that hangs on the wall.
    #[default]
    Final,
}

/// The phase of the customer journey a stage belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize, schemars::JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum Phase {
    /// Finding and choosing the organisation.
    Acquisition,
    /// Being a customer.
    Experience,
    /// Staying and recommending.
    Loyalty,
}

/// A persona as written in its TOML file. Every field but `name` is optional.
#[derive(Debug, Clone, Default, Deserialize, Serialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Persona {
    /// The persona's name, as on the poster. Required.
    pub name: String,
    /// Used in output file names. Default: the file name without `.toml`.
    pub id: Option<String>,
    /// `persona` (fictional, a story) or `profile` (data-driven).
    #[serde(default)]
    pub kind: Kind,
    /// Label language. Default: the project's, else `en`.
    pub language: Option<Language>,
    /// `draft` prints the workshop edition (version band, post-it zones); `final` does not.
    #[serde(default)]
    pub status: Status,
    /// Version number, printed in the footer and on the draft band.
    pub version: Option<u32>,
    /// One line under the name.
    pub tagline: Option<String>,
    /// Age in years.
    pub age: Option<u32>,
    /// Job or role.
    pub occupation: Option<String>,
    /// Where the persona lives or works.
    pub location: Option<String>,
    /// Customer segment, shown as a badge.
    pub segment: Option<String>,
    /// Portrait: a JPEG, PNG, WebP, GIF or SVG file, relative to this file.
    pub photo: Option<String>,
    /// What the photo shows, for accessible PDFs.
    pub photo_alt: Option<String>,
    /// The point to keep in view when the photo is cropped: [x %, y %].
    #[serde(default, deserialize_with = "super::units::exactly")]
    pub photo_focus: Option<[Percent; 2]>,
    /// Photographer or source, printed in the footer.
    pub photo_credit: Option<String>,
    /// The persona's own words, shown large.
    pub quote: Option<String>,
    /// A few paragraphs; *emphasis* and **strong** allowed.
    pub story: Option<String>,
    /// The one need everything else serves.
    pub core_need: Option<String>,
    /// What the persona wants to achieve.
    #[serde(default)]
    pub goals: Vec<String>,
    /// What gets in the way.
    #[serde(default)]
    pub frustrations: Vec<String>,
    /// What drives the persona.
    #[serde(default)]
    pub motivations: Vec<String>,
    /// What the persona does.
    #[serde(default)]
    pub behaviours: Vec<String>,
    /// How to treat this persona.
    #[serde(default)]
    pub dos: Vec<String>,
    /// What to avoid with this persona.
    #[serde(default)]
    pub donts: Vec<String>,
    /// Style, tone and preferred channels.
    pub communication: Option<Communication>,
    /// Media use as bars.
    #[serde(default)]
    pub media: Vec<Media>,
    /// Personality sliders between two poles.
    #[serde(default)]
    pub traits: Vec<Trait>,
    /// What staff and customers say.
    #[serde(default)]
    pub quotes: Vec<Quote>,
    /// Customer journey stages, in order; journey maps need at least one.
    #[serde(default)]
    pub journey: Vec<Stage>,
    /// KPIs with a value and a target.
    #[serde(default)]
    pub metrics: Vec<Metric>,
    /// What marketing, sales, service and product do with this persona.
    pub teams: Option<Teams>,
    /// The creative brief for agencies.
    pub brief: Option<Brief>,
    /// The research behind the persona.
    pub sources: Option<Sources>,
}

/// How to talk to this persona.
#[derive(Debug, Clone, Default, Deserialize, Serialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Communication {
    /// How to write for this persona, in a sentence.
    pub style: Option<String>,
    /// A few words for the tone of voice.
    #[serde(default)]
    pub tone: Vec<String>,
    /// Preferred contact channels.
    #[serde(default)]
    pub channels: Vec<String>,
}

/// The share of one medium in the persona's media use, drawn as a bar.
#[derive(Debug, Clone, Deserialize, Serialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Media {
    /// The medium, e.g. "Instagram" or "radio".
    pub channel: String,
    /// Its share of the persona's media use, 0 to 100.
    pub share: Percent,
}

/// A personality slider between two poles.
#[derive(Debug, Clone, Deserialize, Serialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Trait {
    /// The pole at 0, e.g. "Spontaneous".
    pub from: String,
    /// The pole at 100, e.g. "Planned".
    pub to: String,
    /// The position between `from` (0) and `to` (100).
    pub value: Percent,
}

/// A voice of a customer or of staff.
#[derive(Debug, Clone, Deserialize, Serialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Quote {
    /// What was said, without quote marks: they are added in the persona's language.
    pub text: String,
    /// Who said it, e.g. "customer, 52" or "service desk".
    pub source: Option<String>,
}

/// One stage of the customer journey.
#[derive(Debug, Clone, Deserialize, Serialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Stage {
    /// The phase the stage belongs to: acquisition, experience or loyalty.
    pub phase: Option<Phase>,
    /// The stage's name, e.g. "Orientation"; one column of the journey map.
    pub stage: String,
    /// Where the persona meets the organisation in this stage.
    #[serde(default)]
    pub touchpoints: Vec<String>,
    /// What the persona does.
    pub doing: Option<String>,
    /// What the persona thinks.
    pub thinking: Option<String>,
    /// How the persona feels: -100 (frustrated) to 100 (delighted); the emotion curve.
    pub feeling: Option<Feeling>,
    /// What the organisation can do better here.
    pub opportunity: Option<String>,
}

/// A KPI for this persona.
#[derive(Debug, Clone, Deserialize, Serialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Metric {
    /// What is measured, e.g. "NPS".
    pub label: String,
    /// The current value.
    pub value: f64,
    /// The value aimed for, shown beside the current one.
    pub target: Option<f64>,
    /// Written after the numbers, e.g. "%" or "€".
    #[serde(default)]
    pub unit: String,
}

/// What each team does with this persona.
#[derive(Debug, Clone, Default, Deserialize, Serialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Teams {
    /// What marketing does with this persona.
    pub marketing: Option<String>,
    /// What sales does with this persona.
    pub sales: Option<String>,
    /// What customer service does with this persona.
    pub service: Option<String>,
    /// What product development does with this persona.
    pub product: Option<String>,
}

/// The creative brief handed to an agency.
#[derive(Debug, Clone, Default, Deserialize, Serialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Brief {
    /// What the campaign must achieve.
    pub objective: Option<String>,
    /// What is offered to this persona.
    pub proposition: Option<String>,
    /// The one thing the persona must remember.
    pub key_message: Option<String>,
    /// Why the persona would believe the message.
    #[serde(default)]
    pub reasons_to_believe: Vec<String>,
    /// What every piece must contain (logo, legal text, ...).
    #[serde(default)]
    pub mandatories: Vec<String>,
    /// What the agency delivers.
    #[serde(default)]
    pub deliverables: Vec<String>,
}

/// The evidence behind the persona.
#[derive(Debug, Clone, Default, Deserialize, Serialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Sources {
    /// The research the persona rests on, e.g. "12 interviews, March 2026".
    #[serde(default)]
    pub research: Vec<String>,
    /// When the persona was last checked against research: a TOML date.
    #[serde(serialize_with = "date_as_text")]
    #[schemars(schema_with = "date_schema")]
    pub updated: Option<toml::value::Datetime>,
}

/// A TOML date, as editors' schema checkers see it: a string in date format.
fn date_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
    schemars::json_schema!({ "type": "string", "format": "date", "examples": ["2026-03-01"] })
}

/// Writes a TOML date as its plain text (`2026-03-01`) for the templates.
fn date_as_text<S: serde::Serializer>(
    date: &Option<toml::value::Datetime>,
    s: S,
) -> Result<S::Ok, S::Error> {
    match date {
        Some(date) => s.serialize_some(&date.to_string()),
        None => s.serialize_none(),
    }
}
