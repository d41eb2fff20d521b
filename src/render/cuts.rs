//! Editing a full poster's content to fit its page: the cut order, which of its steps
//! change a persona, and the sizing (cuts taken, type scale) a document is laid out at.

use serde_json::{Map, Value};

/// How a document is sized to its page: the content cut (which of the persona's
/// applicable steps of [`CUT_ORDER`] are taken) and the type scale (`fit`, 1.0 = as
/// designed).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Sizing {
    /// The type scale.
    pub fit: f64,
    /// The applicable cuts taken: bit `i` for the `i`-th.
    pub cuts: u32,
}

impl Sizing {
    /// As designed: nothing cut, nothing shrunk.
    pub const DESIGNED: Sizing = Sizing { fit: 1.0, cuts: 0 };

    /// Whether the `i`-th applicable cut is taken.
    pub fn takes(self, i: usize) -> bool {
        i < 32 && self.cuts >> i & 1 == 1
    }

    /// The first `n` applicable cuts, at full size.
    pub fn first_cuts(n: usize) -> Sizing {
        let cuts = if n >= 32 { u32::MAX } else { (1u32 << n) - 1 };
        Sizing { fit: 1.0, cuts }
    }
}

/// What a full poster gives up, in this order, before its type is shrunk: secondary
/// content first, the face, name, quote and core need never.
pub(crate) const CUT_ORDER: [Cut; 16] = [
    Cut::StoryShort,
    Cut::Drop("quotes"),
    Cut::Drop("behaviours"),
    Cut::Drop("motivations"),
    Cut::Drop("traits"),
    Cut::Drop("story"),
    Cut::Limit("media", 3),
    Cut::Limit("goals", 3),
    Cut::Limit("frustrations", 3),
    Cut::Limit("dos", 3),
    Cut::Limit("donts", 3),
    Cut::Drop("media"),
    Cut::Limit("metrics", 2),
    Cut::Drop("communication"),
    Cut::Drop("journey"),
    Cut::Drop("metrics"),
];

/// One step of editing a persona's content to fit a page.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Cut {
    /// The story to its first two sentences.
    StoryShort,
    /// A section left out.
    Drop(&'static str),
    /// A list cut to its first items.
    Limit(&'static str, usize),
}

impl Cut {
    /// Whether the cut changes this persona's data.
    fn applies(self, map: &Map<String, Value>, story: Option<&str>) -> bool {
        match self {
            Cut::StoryShort => {
                let whole = |s: &str| s.split_whitespace().collect::<Vec<_>>().join(" ");
                map.contains_key("story")
                    && story.is_some_and(|s| first_sentences(s, 2) != whole(s))
            }
            Cut::Drop(key) => map.get(key).is_some_and(filled),
            Cut::Limit(key, n) => map
                .get(key)
                .and_then(Value::as_array)
                .is_some_and(|a| a.len() > n),
        }
    }

    /// Applies the cut (the story's shortening is applied by the caller) and says what went.
    fn apply(self, map: &mut Map<String, Value>, id: &str, format: &str) -> String {
        let what = match self {
            Cut::StoryShort => "the story was cut to its first two sentences".to_string(),
            Cut::Drop(key) => {
                map.remove(key);
                format!("the {} were left out", label(key))
            }
            Cut::Limit(key, n) => {
                if let Some(Value::Array(items)) = map.get_mut(key) {
                    items.truncate(n);
                }
                format!("only the first {n} {} are shown", label(key))
            }
        };
        let what = if self == Cut::Drop("story") {
            "the story was left out".to_string()
        } else {
            what
        };
        format!("{id}: {format} is full, so {what} (shorten the content to show it all)")
    }
}

/// Whether a value shows anything: not null, not an empty list, text or table.
fn filled(value: &Value) -> bool {
    match value {
        Value::Null => false,
        Value::Array(items) => !items.is_empty(),
        Value::String(text) => !text.is_empty(),
        Value::Object(map) => !map.is_empty(),
        _ => true,
    }
}

/// The cuts of [`CUT_ORDER`] that change this persona's content, in order.
pub(crate) fn applicable(map: &Map<String, Value>, story: Option<&str>) -> Vec<Cut> {
    let mut probe = map.clone();
    let mut cuts = Vec::new();
    for cut in CUT_ORDER {
        if cut.applies(&probe, story) {
            cuts.push(cut);
            if cut != Cut::StoryShort {
                cut.apply(&mut probe, "", "");
            }
        }
    }
    cuts
}

/// The first `n` sentences of a text's first paragraph.
pub(crate) fn first_sentences(text: &str, n: usize) -> String {
    let first = text.trim().split("\n\n").next().unwrap_or_default();
    let first = first.split_whitespace().collect::<Vec<_>>().join(" ");
    let ends = first
        .char_indices()
        .filter(|&(i, c)| ".!?".contains(c) && first[i + c.len_utf8()..].starts_with(' '));
    match ends.map(|(i, c)| i + c.len_utf8()).nth(n.saturating_sub(1)) {
        Some(end) => first[..end].to_string(),
        None => first,
    }
}

/// Takes the cuts `sizing` names (the story's shortening is [`story_text`]'s) and says
/// what went, in the cut order.
pub(crate) fn apply(
    cuts: &[Cut],
    sizing: Sizing,
    map: &mut Map<String, Value>,
    id: &str,
    format: &str,
) -> Vec<String> {
    let taken = cuts.iter().enumerate().filter(|(i, _)| sizing.takes(*i));
    taken.map(|(_, cut)| cut.apply(map, id, format)).collect()
}

/// The story as `sizing` shows it: whole, or its first two sentences.
pub(crate) fn story_text(story: &str, cuts: &[Cut], sizing: Sizing) -> String {
    let short = (0..cuts.len()).any(|i| sizing.takes(i) && cuts[i] == Cut::StoryShort);
    match short {
        true => first_sentences(story, 2),
        false => story.to_string(),
    }
}

/// What a list or section is called in a warning.
pub(crate) fn label(key: &str) -> &str {
    match key {
        "dos" => "do's",
        "donts" => "don'ts",
        "media" => "media bars",
        "traits" => "trait sliders",
        "metrics" => "KPIs",
        "journey" => "journey stages (the journey maps show them)",
        "communication" => "communication notes",
        other => other,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn a_story_is_cut_after_its_second_sentence() {
        let story = "Peter runs a firm. He starts at six!  He hates forms?\n\nSecond paragraph.";
        assert_eq!(
            first_sentences(story, 2),
            "Peter runs a firm. He starts at six!"
        );
        assert_eq!(first_sentences("One sentence only", 2), "One sentence only");
    }

    #[test]
    fn only_the_cuts_that_change_a_persona_apply_in_order() {
        let persona = json!({ "story": "A. B. C.", "goals": ["a", "b", "c", "d"], "media": [] });
        let map = persona.as_object().unwrap();
        let cuts = applicable(map, Some("A. B. C."));
        assert_eq!(
            cuts,
            [Cut::StoryShort, Cut::Drop("story"), Cut::Limit("goals", 3)],
            "an empty list is nothing to cut"
        );
        let mut map = map.clone();
        let taken = Sizing {
            fit: 1.0,
            cuts: 0b100,
        };
        let said = apply(&cuts, taken, &mut map, "p", "poster-a2");
        assert_eq!(map["goals"].as_array().unwrap().len(), 3);
        assert!(said[0].contains("only the first 3 goals"), "{said:?}");
        assert_eq!(story_text("A. B. C.", &cuts, taken), "A. B. C.");
    }
}
