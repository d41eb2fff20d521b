//! The one clean data dictionary a template receives (`/data.json`): the
//! persona with typography applied and lists cut to what the format shows,
//! the theme, the format's geometry and the project.

use std::path::Path;

use serde_json::{Map, Value, json};

use crate::spec::format::{Budget, Format};
use crate::spec::persona::Language;
use crate::spec::project::Project;
use crate::spec::typography::{paragraphs, quote_marks, smarten};

use super::cuts;
pub(crate) use super::cuts::Sizing;
use super::theme_data::theme_data;
use crate::spec::units::round3;
use crate::spec::workspace::{PersonaSource, ThemeSource};

/// Keys whose values are identifiers or paths, not prose: never smartened.
const VERBATIM_KEYS: &[&str] = &[
    "id", "kind", "language", "status", "phase", "photo", "updated", "unit",
];

/// The template data of one document and the content it had to leave out.
#[derive(Debug, Clone)]
pub struct TemplateData {
    /// The dictionary served as `/data.json`.
    pub value: Value,
    /// Warnings about content the format had no room for.
    pub omitted: Vec<String>,
    /// How many steps of [`CUT_ORDER`] change this persona's content.
    pub cuts_available: usize,
}

/// Virtual paths of a job's images, as the templates see them.
pub(crate) fn asset_path(kind: &str, file: &Path) -> String {
    let ext = file
        .extension()
        .and_then(|e| e.to_str())
        .unwrap_or("bin")
        .to_ascii_lowercase();
    format!("/assets/{kind}.{ext}")
}

/// Builds the data for `format` at `sizing`.
pub(crate) fn build(
    persona: &PersonaSource,
    theme: &ThemeSource,
    format: &Format,
    project: &Project,
    sizing: Sizing,
) -> TemplateData {
    let language = persona.language;
    let (value, mut omitted, cuts_available) = persona_data(persona, format, sizing);
    let (open, close) = quote_marks(language);
    let (theme_value, theme_warnings) = theme_data(theme);
    omitted.extend(theme_warnings);
    let value = json!({
        "persona": value,
        "theme": theme_value,
        "format": format_data(format, project),
        "project": { "title": project.title, "client": project.client },
        "quotes": [open, close],
        "fit": sizing.fit,
        "workshop": workshop_data(&persona.persona, project),
    });
    TemplateData {
        value,
        omitted,
        cuts_available,
    }
}

/// The persona as the templates see it, cut to the format's budget and to `sizing`; the
/// warnings for what was left out, and how many cuts the persona allows.
fn persona_data(
    persona: &PersonaSource,
    format: &Format,
    sizing: Sizing,
) -> (Value, Vec<String>, usize) {
    let language = persona.language;
    let mut value = serde_json::to_value(&persona.persona).expect("a persona always serialises");
    smarten_strings(&mut value, language);
    let map = value.as_object_mut().expect("a persona is a table");
    add_derived(map, persona);
    let mut omitted = apply_budget(map, format, &persona.id);
    let story = persona.persona.story.as_deref();
    let cuts = cuts::applicable(map, story);
    omitted.extend(cuts::apply(&cuts, sizing, map, &persona.id, format.name()));
    if let Some(story) = story.filter(|_| map.contains_key("story")) {
        let text = cuts::story_text(story, &cuts, sizing);
        map.insert("story".into(), json!(paragraphs(&text, language)));
    }
    format_metrics(map, language);
    (value, omitted, cuts.len())
}

/// The keys the templates get beside the spec's: id, language, initials, the name with
/// its particles bound, the photo's virtual path.
fn add_derived(map: &mut Map<String, Value>, persona: &PersonaSource) {
    let name = &persona.persona.name;
    map.insert("id".into(), json!(persona.id));
    map.insert("language".into(), json!(persona.language.code()));
    map.insert("initials".into(), json!(initials(name)));
    map.insert("display_name".into(), json!(bind_particles(name)));
    let photo = persona.photo.as_deref().map(|p| asset_path("photo", p));
    map.insert("photo".into(), json!(photo));
}

/// Name particles that belong to the word after them ("de Vries", "van der Berg").
const PARTICLES: &[&str] = &[
    "de", "van", "der", "den", "ter", "ten", "te", "het", "'t", "’t", "von", "vom", "zu", "zur",
    "le", "la", "les", "du", "des", "di", "da", "del", "della", "dos", "das", "do", "op", "in",
    "St.", "Mc",
];

/// The name with each particle bound to the next word by a no-break space, so that a
/// line never ends in "de" or "van".
pub(crate) fn bind_particles(name: &str) -> String {
    let words: Vec<&str> = name.split_whitespace().collect();
    let mut out = String::new();
    for (i, word) in words.iter().enumerate() {
        out.push_str(word);
        let particle = PARTICLES.iter().any(|p| p.eq_ignore_ascii_case(word));
        match (i + 1 < words.len(), particle) {
            (false, _) => {}
            (true, true) => out.push('\u{00A0}'),
            (true, false) => out.push(' '),
        }
    }
    out
}

/// Adds each KPI's value and target as text with the language's decimal separator.
fn format_metrics(map: &mut Map<String, Value>, language: Language) {
    let Some(Value::Array(metrics)) = map.get_mut("metrics") else {
        return;
    };
    for metric in metrics.iter_mut().filter_map(Value::as_object_mut) {
        for (key, shown) in [("value", "value_text"), ("target", "target_text")] {
            if let Some(number) = metric.get(key).and_then(Value::as_f64) {
                metric.insert(shown.into(), json!(number_text(number, language)));
            }
        }
    }
}

/// A number as a reader of `language` writes it: "2,4" in Dutch, German and French.
pub(crate) fn number_text(number: f64, language: Language) -> String {
    let text = format!("{}", (number * 1000.0).round() / 1000.0);
    let comma = [Language::NL, Language::DE, Language::FR].contains(&language);
    if comma { text.replace('.', ",") } else { text }
}

/// What a draft persona's workshop edition shows beyond the persona: the feedback
/// address and its QR code as rows of modules (`1` dark), for the template to draw as
/// vector squares. `null` for a final persona.
fn workshop_data(persona: &crate::spec::persona::Persona, project: &Project) -> Value {
    if persona.status != crate::spec::persona::Status::Draft {
        return Value::Null;
    }
    let url = project.workshop.feedback_url.as_deref();
    json!({ "feedback_url": url, "qr": url.and_then(crate::qr::qr_rows) })
}

/// Replaces straight quotes and dashes in every prose string.
fn smarten_strings(value: &mut Value, language: Language) {
    match value {
        Value::String(text) => *text = smarten(text, language),
        Value::Array(items) => items
            .iter_mut()
            .for_each(|item| smarten_strings(item, language)),
        Value::Object(map) => {
            for (_, item) in map
                .iter_mut()
                .filter(|(k, _)| !VERBATIM_KEYS.contains(&k.as_str()))
            {
                smarten_strings(item, language);
            }
        }
        _ => {}
    }
}

/// Up to two initials for the monogram: first and last word of the name.
pub(crate) fn initials(name: &str) -> String {
    let words: Vec<&str> = name.split_whitespace().collect();
    let first = words.first().and_then(|w| w.chars().next());
    let last = words
        .get(1..)
        .and_then(|rest| rest.last())
        .and_then(|w| w.chars().next());
    first
        .into_iter()
        .chain(last)
        .flat_map(char::to_uppercase)
        .collect()
}

/// Cuts each list to what the format shows; lists it leaves out by design are removed.
/// Returns a warning for every list that lost items it would have shown.
fn apply_budget(map: &mut Map<String, Value>, format: &Format, id: &str) -> Vec<String> {
    let budget = format.budget;
    if !budget.story {
        map.remove("story");
    }
    let mut omitted = Vec::new();
    for (key, limit) in list_limits(budget) {
        let Some(Value::Array(items)) = map.get_mut(key) else {
            continue;
        };
        if limit == 0 {
            map.remove(key);
        } else if items.len() > limit {
            omitted.push(format!(
                "{id}: {format} shows {limit} of {} {}; the rest is left out",
                items.len(),
                cuts::label(key)
            ));
            items.truncate(limit);
        }
    }
    omitted
}

fn list_limits(b: Budget) -> [(&'static str, usize); 11] {
    [
        ("goals", b.list),
        ("frustrations", b.list),
        ("motivations", b.details),
        ("behaviours", b.details),
        ("dos", b.dos),
        ("donts", b.dos),
        ("media", b.media),
        ("traits", b.traits),
        ("quotes", b.quotes),
        ("metrics", b.metrics),
        ("journey", b.stages),
    ]
}

/// The format as template data: its name, trim size, bleed, finishing and type tiers.
fn format_data(format: &Format, project: &Project) -> Value {
    let (width, height) = format.trim_mm;
    let radius = project.mousepad.corner_radius.mm;
    json!({
        "name": format.name(),
        "width": round3(width),
        "height": round3(height),
        "bleed": round3(format.bleed_mm),
        "print": format.print,
        "corner_radius": round3(radius),
        "type": format.tiers,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn particles_stay_with_the_word_after_them() {
        assert_eq!(bind_particles("Peter de Vries"), "Peter de\u{a0}Vries");
        assert_eq!(
            bind_particles("Jan  van der Berg"),
            "Jan van\u{a0}der\u{a0}Berg"
        );
        assert_eq!(bind_particles("Zoë Bakker"), "Zoë Bakker");
    }

    #[test]
    fn numbers_take_the_languages_decimal_separator() {
        assert_eq!(number_text(2.4, Language::NL), "2,4");
        assert_eq!(number_text(2.4, Language::EN), "2.4");
        assert_eq!(number_text(38.0, Language::DE), "38");
    }

    #[test]
    fn initials_take_first_and_last_word() {
        assert_eq!(initials("Peter de Vries"), "PV");
        assert_eq!(initials("Zoë"), "Z");
        assert_eq!(initials("ørjan ødegaard"), "ØØ");
    }
}
