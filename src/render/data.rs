//! The one clean data dictionary a template receives (`/data.json`): the
//! persona with typography applied and lists cut to what the format shows,
//! the theme, the format's geometry and the project.

use std::path::Path;

use serde_json::{Map, Value, json};

use crate::spec::format::{Budget, Format};
use crate::spec::persona::Language;
use crate::spec::project::Project;
use crate::spec::typography::{paragraphs, quote_marks, smarten};

use super::contrast::{GRAPHICS, MARGIN, SMALL_TEXT, Shade, best_on, ratio, readable_shade};
use super::cuts;
pub use super::cuts::{CUT_ORDER, Cut, Sizing};
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
    /// How many steps of [`CUT_ORDER`] change this persona's content.
    pub cuts_available: usize,
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

/// Builds the data for `format` at `sizing`.
pub fn build(
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
pub fn bind_particles(name: &str) -> String {
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
pub fn number_text(number: f64, language: Language) -> String {
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

/// The theme as template data, with the text colours chosen by contrast (`inks`), and a
/// warning for each pair of colours that cannot reach a readable contrast.
fn theme_data(source: &ThemeSource) -> (Value, Vec<String>) {
    let theme = &source.theme;
    let c = &theme.colors;
    let color = |c: &Option<Color>| json!(c);
    let (inks, warnings) = inks(source);
    let value = json!({
        "name": theme.name,
        "colors": {
            "primary": color(&c.primary), "secondary": color(&c.secondary), "accent": color(&c.accent),
            "background": color(&c.background), "text": color(&c.text), "muted": color(&c.muted),
        },
        "inks": inks,
        "fonts": { "heading": theme.fonts.heading, "body": theme.fonts.body },
        "logo": source.logo.as_deref().map(|p| asset_path("logo", p)),
        "radius": theme.shape.radius.map_or(3.0, |r| round3(r.mm)),
    });
    (value, warnings)
}

/// A theme colour as a shade, black where the theme has none.
fn shade(color: &Option<Color>) -> Shade {
    color
        .as_ref()
        .map_or_else(|| Shade::of(&Color::hex([0, 0, 0])), Shade::of)
}

/// The theme's colours as shades, and the warnings found while choosing inks from them.
struct Palette<'a> {
    source: &'a ThemeSource,
    primary: Shade,
    secondary: Shade,
    accent: Shade,
    paper: Shade,
    text: Shade,
    muted: Shade,
    warnings: Vec<String>,
}

impl<'a> Palette<'a> {
    fn new(source: &'a ThemeSource) -> Self {
        let c = &source.theme.colors;
        Palette {
            source,
            primary: shade(&c.primary),
            secondary: shade(&c.secondary),
            accent: shade(&c.accent),
            paper: shade(&c.background),
            text: shade(&c.text),
            muted: shade(&c.muted),
            warnings: Vec::new(),
        }
    }

    /// White or the text colour on a filled `fill`, whichever reads better.
    fn on(&mut self, name: &str, fill: &Shade) -> Shade {
        let (ink, contrast) = best_on(fill, &[Shade::white(), self.text.clone()]);
        if contrast < SMALL_TEXT {
            let warning = contrast_warning(self.source, name, &ink, fill, contrast);
            self.warnings.push(warning);
        }
        ink
    }

    /// `color` for rules, bullets, bars and curves: 3:1 against the paper.
    fn mark(&self, color: &Shade) -> Shade {
        let paper = std::slice::from_ref(&self.paper);
        readable_shade(color, paper, GRAPHICS).unwrap_or_else(|| self.text.clone())
    }

    /// `color` as text on the paper and on the given tints over it.
    fn readable(&mut self, name: &str, color: &Shade, tints: &[(&Shade, f64)]) -> Shade {
        let mut surfaces = vec![self.paper.clone()];
        surfaces.extend(tints.iter().map(|(c, a)| c.over(&self.paper, *a)));
        readable_shade(color, &surfaces, SMALL_TEXT).unwrap_or_else(|| {
            let contrast = ratio(&self.text, &self.paper);
            let warning = contrast_warning(self.source, name, &self.text, &self.paper, contrast);
            self.warnings.push(warning);
            self.text.clone()
        })
    }
}

/// The colours the templates paint with besides the theme's own: `on_*` for text on a
/// filled colour (white or the theme's text colour), `*_mark` for a brand colour drawn
/// as a rule, bullet, bar or curve on the paper (3:1), `*_text` for a brand colour used
/// as text on the paper and its light tints (4.5:1), darkened or lightened until it reads.
fn inks(source: &ThemeSource) -> (Value, Vec<String>) {
    let mut p = Palette::new(source);
    let (primary, secondary, accent) = (p.primary.clone(), p.secondary.clone(), p.accent.clone());
    let marks = [p.mark(&primary), p.mark(&secondary), p.mark(&accent)];
    let [primary_mark, secondary_mark, accent_mark] = &marks;
    let muted = p.muted.clone();
    let text = p.text.clone();
    let value = json!({
        "on_primary": p.on("primary", &primary).to_json(),
        "on_secondary": p.on("secondary", &secondary).to_json(),
        "on_accent": p.on("accent", &accent).to_json(),
        // The plus and minus drawn on a marker are graphics (3:1), never text.
        "on_accent_mark": best_on(accent_mark, &[Shade::white(), text.clone()]).0.to_json(),
        "on_secondary_mark": best_on(secondary_mark, &[Shade::white(), text.clone()]).0.to_json(),
        "accent_holds_text": best_on(&accent, &[Shade::white(), text.clone()]).1 >= SMALL_TEXT * MARGIN,
        "primary_mark": primary_mark.to_json(),
        "secondary_mark": secondary_mark.to_json(),
        "accent_mark": accent_mark.to_json(),
        "primary_text": p.readable("primary", &primary, &[(primary_mark, 0.25)]).to_json(),
        "secondary_text": p.readable("secondary", &secondary, &[(&secondary, 0.14)]).to_json(),
        "accent_text": p.readable("accent", &accent, &[(&accent, 0.25), (&secondary, 0.14)]).to_json(),
        "muted_text": p.readable("muted", &muted, &[(primary_mark, 0.14), (&secondary, 0.14)]).to_json(),
        "text": p.readable("text", &text, &[(primary_mark, 0.14), (&secondary, 0.14)]).to_json(),
    });
    (value, p.warnings)
}

fn contrast_warning(
    source: &ThemeSource,
    name: &str,
    ink: &Shade,
    fill: &Shade,
    contrast: f64,
) -> String {
    format!(
        "theme `{}`: text on the {name} colour reaches only {contrast:.1}:1 ({} on {}; 4.5:1 is needed); \
         choose a darker or lighter {name}",
        source.theme.name,
        ink.to_json()["rgb"].as_str().unwrap_or_default(),
        fill.to_json()["rgb"].as_str().unwrap_or_default(),
    )
}

fn format_data(format: &Format, project: &Project) -> Value {
    let (width, height) = format.trim_mm;
    let radius = project.mousepad.corner_radius.map_or(5.0, |r| r.mm);
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
