//! The one clean data dictionary a template receives (`/data.json`): the
//! persona with typography applied and lists cut to what the format shows,
//! the theme, the format's geometry and the project.

use std::path::Path;

use serde_json::{Map, Value, json};

use crate::format::{Budget, Format};
use crate::spec::persona::Language;
use crate::spec::project::Project;
use crate::spec::typography::{paragraphs, quote_marks, smarten};
use crate::spec::units::{Color, round3};
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
}

/// Virtual paths of a job's images, as the templates see them.
pub fn asset_path(kind: &str, file: &Path) -> String {
    let ext = file
        .extension()
        .and_then(|e| e.to_str())
        .unwrap_or("bin")
        .to_ascii_lowercase();
    format!("/assets/{kind}.{ext}")
}

/// Builds the data for `format`; `fit` scales the type (1.0 = as designed).
pub fn build(
    persona: &PersonaSource,
    theme: &ThemeSource,
    format: Format,
    project: &Project,
    fit: f64,
) -> TemplateData {
    let language = persona.language;
    let mut value = serde_json::to_value(&persona.persona).expect("a persona always serialises");
    smarten_strings(&mut value, language);
    let map = value.as_object_mut().expect("a persona is a table");
    map.insert("id".into(), json!(persona.id));
    map.insert("language".into(), json!(language.code()));
    map.insert("initials".into(), json!(initials(&persona.persona.name)));
    map.insert(
        "photo".into(),
        json!(persona.photo.as_deref().map(|p| asset_path("photo", p))),
    );
    if let Some(story) = &persona.persona.story {
        map.insert("story".into(), json!(paragraphs(story, language)));
    }
    let omitted = apply_budget(map, format, &persona.id);
    let (open, close) = quote_marks(language);
    let value = json!({
        "persona": value,
        "theme": theme_data(theme),
        "format": format_data(format, project),
        "project": { "title": project.title, "client": project.client },
        "quotes": [open, close],
        "fit": fit,
        "workshop": workshop_data(&persona.persona, project),
    });
    TemplateData { value, omitted }
}

/// What a draft persona's workshop edition shows beyond the persona: the feedback
/// address and its QR code as rows of modules (`1` dark), for the template to draw as
/// vector squares. `null` for a final persona.
fn workshop_data(persona: &crate::spec::persona::Persona, project: &Project) -> Value {
    if persona.status != crate::spec::persona::Status::Draft {
        return Value::Null;
    }
    let url = project.workshop.feedback_url.as_deref();
    json!({ "feedback_url": url, "qr": url.and_then(qr_rows) })
}

/// A QR code of `text` as rows of `0`/`1`, without the quiet zone; `None` when the
/// text is too long for a QR code.
pub fn qr_rows(text: &str) -> Option<Vec<String>> {
    let code = qrcode::QrCode::with_error_correction_level(text, qrcode::EcLevel::M).ok()?;
    let width = code.width();
    let colors = code.to_colors();
    let rows = colors
        .chunks(width)
        .map(|row| {
            row.iter()
                .map(|c| if *c == qrcode::Color::Dark { '1' } else { '0' })
                .collect()
        })
        .collect();
    Some(rows)
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
pub fn initials(name: &str) -> String {
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
fn apply_budget(map: &mut Map<String, Value>, format: Format, id: &str) -> Vec<String> {
    let budget = format.budget();
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
                label(key)
            ));
            items.truncate(limit);
        }
    }
    omitted
}

fn list_limits(b: Budget) -> [(&'static str, usize); 10] {
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
    ]
}

fn label(key: &str) -> &str {
    match key {
        "dos" => "do's",
        "donts" => "don'ts",
        "media" => "media bars",
        "traits" => "trait sliders",
        "metrics" => "KPIs",
        other => other,
    }
}

fn theme_data(source: &ThemeSource) -> Value {
    let theme = &source.theme;
    let c = &theme.colors;
    let color = |c: &Option<Color>| json!(c);
    json!({
        "name": theme.name,
        "colors": {
            "primary": color(&c.primary), "secondary": color(&c.secondary), "accent": color(&c.accent),
            "background": color(&c.background), "text": color(&c.text), "muted": color(&c.muted),
        },
        "fonts": { "heading": theme.fonts.heading, "body": theme.fonts.body },
        "logo": source.logo.as_deref().map(|p| asset_path("logo", p)),
        "radius": theme.shape.radius.map_or(3.0, |r| round3(r.mm)),
    })
}

fn format_data(format: Format, project: &Project) -> Value {
    let (width, height) = format.trim_mm(project);
    let bleed = match format {
        Format::Mousepad => project.mousepad.bleed.or(project.print.bleed),
        Format::Briefing => None,
        _ => project.print.bleed,
    };
    let bleed = if format.is_print() {
        bleed.map_or(3.0, |b| b.mm)
    } else {
        0.0
    };
    let radius = project.mousepad.corner_radius.map_or(5.0, |r| r.mm);
    json!({
        "name": format.name(),
        "width": round3(width),
        "height": round3(height),
        "bleed": round3(bleed),
        "print": format.is_print(),
        "corner_radius": round3(radius),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn initials_take_first_and_last_word() {
        assert_eq!(initials("Peter de Vries"), "PV");
        assert_eq!(initials("Zoë"), "Z");
        assert_eq!(initials("ørjan ødegaard"), "ØØ");
    }
}
