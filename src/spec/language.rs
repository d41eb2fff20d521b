//! A persona's language: the labels and the typography it is set in.

use serde::{Deserialize, Serialize};

/// The language of the labels and of the typography: an ISO 639-1 code such as
/// `nl`. Dutch, English, German and French are built in; a project adds another by
/// giving it labels in its own `templates/labels.typ`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Language {
    code: [u8; 3],
    len: u8,
}

impl Language {
    /// Dutch.
    pub const NL: Language = Language::builtin(*b"nl ");
    /// English, the default.
    pub const EN: Language = Language::builtin(*b"en ");
    /// German.
    pub const DE: Language = Language::builtin(*b"de ");
    /// French.
    pub const FR: Language = Language::builtin(*b"fr ");
    /// The languages the built-in labels know.
    pub const BUILT_IN: [Language; 4] = [Language::NL, Language::EN, Language::DE, Language::FR];

    const fn builtin(code: [u8; 3]) -> Language {
        Language { code, len: 2 }
    }

    /// A language from its code: two or three lowercase letters.
    pub fn parse(code: &str) -> Option<Language> {
        let valid = (2..=3).contains(&code.len()) && code.bytes().all(|b| b.is_ascii_lowercase());
        if !valid {
            return None;
        }
        let mut bytes = *b"   ";
        bytes[..code.len()].copy_from_slice(code.as_bytes());
        Some(Language {
            code: bytes,
            len: code.len() as u8,
        })
    }

    /// The ISO 639 code, as Typst's `text(lang:)` takes it.
    pub fn code(&self) -> &str {
        std::str::from_utf8(&self.code[..self.len as usize]).unwrap_or("en")
    }

    /// Whether the built-in labels have this language.
    pub fn is_built_in(&self) -> bool {
        Language::BUILT_IN.contains(self)
    }
}

impl Default for Language {
    fn default() -> Self {
        Language::EN
    }
}

impl Serialize for Language {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.code())
    }
}

impl<'de> Deserialize<'de> for Language {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let code = String::deserialize(deserializer)?;
        Language::parse(&code).ok_or_else(|| {
            let advice = match language_named(&code) {
                Some(meant) => format!("did you mean \"{meant}\"?"),
                None => "use two lowercase letters, e.g. \"nl\", \"en\", \"de\" or \"fr\"".into(),
            };
            serde::de::Error::custom(format!("`{code}` is not a language code: {advice}"))
        })
    }
}

/// Built-in languages by code, with the ways people write them out instead.
const WRITTEN_OUT: [(&str, &[&str]); 4] = [
    (
        "nl",
        &[
            "nederlands",
            "dutch",
            "niederländisch",
            "néerlandais",
            "nl-nl",
            "nl_nl",
        ],
    ),
    (
        "en",
        &[
            "english", "engels", "englisch", "anglais", "en-gb", "en-us", "en_gb", "en_us",
        ],
    ),
    (
        "de",
        &["deutsch", "german", "duits", "allemand", "de-de", "de_de"],
    ),
    (
        "fr",
        &[
            "français",
            "francais",
            "french",
            "frans",
            "französisch",
            "fr-fr",
            "fr_fr",
        ],
    ),
];

/// The code of a built-in language written out by name, in any of the four languages.
fn language_named(name: &str) -> Option<&'static str> {
    let name = name.trim().to_lowercase();
    WRITTEN_OUT
        .iter()
        .find(|(_, written)| written.contains(&name.as_str()))
        .map(|(code, _)| *code)
}

impl schemars::JsonSchema for Language {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "Language".into()
    }

    fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
        schemars::json_schema!({
            "type": "string",
            "pattern": "^[a-z]{2,3}$",
            "description": "ISO 639-1 code of the label language: nl, en, de and fr are built in; a project's templates/labels.typ can add more.",
            "examples": ["nl", "en", "de", "fr"]
        })
    }
}
