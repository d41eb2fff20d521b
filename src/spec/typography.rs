//! Typographic clean-up of the text users type: real quotes and apostrophes,
//! en dashes, and the small markup (`*emphasis*`, `**strong**`) stories allow.

use serde::Serialize;

use super::persona::Language;

/// Characters that print nothing of their own: spaces and controls, joiners and
/// direction marks, variation selectors and tags (a font need not have them, and a
/// name of only these shows nothing).
pub fn is_invisible(c: char) -> bool {
    c.is_whitespace()
        || c.is_control()
        || matches!(c, '\u{AD}' | '\u{200B}'..='\u{200F}' | '\u{2028}'..='\u{202E}')
        || matches!(c, '\u{2060}'..='\u{206F}' | '\u{FE00}'..='\u{FE0F}' | '\u{FEFF}')
        || matches!(c, '\u{E0000}'..='\u{E007F}' | '\u{E0100}'..='\u{E01EF}')
}

/// The opening and closing double quotes of a language.
pub fn quote_marks(language: Language) -> (&'static str, &'static str) {
    match language {
        l if l == Language::NL => ("„", "”"),
        l if l == Language::DE => ("„", "“"),
        l if l == Language::FR => ("«\u{202F}", "\u{202F}»"),
        _ => ("“", "”"),
    }
}

/// Replaces straight quotes, apostrophes and spaced hyphens with their typographic forms.
pub fn smarten(text: &str, language: Language) -> String {
    let (open, close) = quote_marks(language);
    let mut out = String::with_capacity(text.len() + 8);
    let mut previous: Option<char> = None;
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        let opens = previous.is_none_or(|p| p.is_whitespace() || "([{".contains(p));
        match c {
            '"' if opens => out.push_str(open),
            '"' => out.push_str(close),
            '\'' if opens && opens_single_quote(chars.clone()) => out.push('‘'),
            '\'' => out.push('’'),
            '-' if previous == Some(' ') && chars.peek() == Some(&' ') => out.push('–'),
            _ => out.push(c),
        }
        previous = Some(c);
    }
    out
}

/// Whether a `'` before these characters opens a quotation rather than starting
/// an elision such as Dutch ’s, ’t, ’n or ’90s.
fn opens_single_quote(next: impl Iterator<Item = char>) -> bool {
    let word: String = next.take_while(|c| c.is_alphanumeric()).collect();
    let elision = matches!(word.as_str(), "s" | "t" | "n" | "k" | "em" | "til")
        || word.starts_with(|c: char| c.is_ascii_digit());
    !word.is_empty() && !elision
}

/// A run of text with its emphasis.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Run {
    /// The text, already smartened.
    pub text: String,
    /// `*emphasis*`: set in italics.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub emph: bool,
    /// `**strong**`: set in bold.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub strong: bool,
}

/// Splits a story into paragraphs (at blank lines) of runs with emphasis.
pub fn paragraphs(text: &str, language: Language) -> Vec<Vec<Run>> {
    text.split("\n\n")
        .map(|p| p.split_whitespace().collect::<Vec<_>>().join(" "))
        .filter(|p| !p.is_empty())
        .map(|p| runs(&smarten(&p, language)))
        .collect()
}

/// Parses `*emphasis*` and `**strong**` into runs; unmatched stars stay as text.
fn runs(text: &str) -> Vec<Run> {
    let mut out = Vec::new();
    let (mut emph, mut strong) = (false, false);
    let mut rest = text;
    while !rest.is_empty() {
        let Some(star) = rest.find('*') else {
            push_run(&mut out, rest, emph, strong);
            break;
        };
        let double = rest[star..].starts_with("**");
        let marker = if double { "**" } else { "*" };
        let open = if double { strong } else { emph };
        let closes_later = rest[star + marker.len()..].contains(marker);
        if !open && !closes_later {
            push_run(&mut out, &rest[..star + marker.len()], emph, strong);
            rest = &rest[star + marker.len()..];
            continue;
        }
        push_run(&mut out, &rest[..star], emph, strong);
        if double {
            strong = !strong
        } else {
            emph = !emph
        }
        rest = &rest[star + marker.len()..];
    }
    out
}

fn push_run(out: &mut Vec<Run>, text: &str, emph: bool, strong: bool) {
    if text.is_empty() {
        return;
    }
    match out.last_mut() {
        Some(last) if last.emph == emph && last.strong == strong => last.text.push_str(text),
        _ => out.push(Run {
            text: text.to_string(),
            emph,
            strong,
        }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quotes_follow_the_language() {
        assert_eq!(
            smarten("he said \"yes\" - twice", Language::EN),
            "he said “yes” – twice"
        );
        assert_eq!(smarten("hij zei \"ja\"", Language::NL), "hij zei „ja”");
    }

    #[test]
    fn apostrophes_become_typographic() {
        assert_eq!(smarten("Peter's bus", Language::EN), "Peter’s bus");
        assert_eq!(smarten("'s avonds", Language::NL), "’s avonds");
        assert_eq!(smarten("the '90s", Language::EN), "the ’90s");
        assert_eq!(smarten("a 'quoted' word", Language::EN), "a ‘quoted’ word");
    }

    #[test]
    fn stories_keep_emphasis_and_paragraphs() {
        let paras = paragraphs("One *two* **three**\nfour.\n\nNext", Language::EN);
        assert_eq!(paras.len(), 2);
        assert_eq!(paras[0][0].text, "One ");
        assert!(paras[0][1].emph && paras[0][1].text == "two");
        assert!(paras[0][3].strong && paras[0][3].text == "three");
        assert_eq!(paras[0][4].text, " four.");
        assert_eq!(paras[1][0].text, "Next");
    }

    #[test]
    fn unmatched_stars_stay_text() {
        let paras = paragraphs("5 * 3 is fifteen", Language::EN);
        assert_eq!(
            paras[0],
            vec![Run {
                text: "5 * 3 is fifteen".into(),
                emph: false,
                strong: false
            }]
        );
    }
}
