//! The theme file: a brand's colours, fonts, logo and shape.

use serde::{Deserialize, Serialize};

use super::units::{Color, Length};

/// A brand theme as written in its TOML file.
#[derive(Debug, Clone, Deserialize, Serialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Theme {
    /// The theme's name; added to file names when a project renders several themes.
    pub name: String,
    /// The palette.
    #[serde(default)]
    pub colors: Colors,
    /// Heading and body font families.
    #[serde(default)]
    pub fonts: Fonts,
    /// The brand's logo, printed on every document.
    pub logo: Option<Logo>,
    /// Corner radius of boxes and the photo.
    #[serde(default)]
    pub shape: Shape,
}

/// The theme's palette. Missing colours fall back to the built-in default theme's.
#[derive(Debug, Clone, Default, Deserialize, Serialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Colors {
    /// The brand colour: the name band, headings, chips.
    pub primary: Option<Color>,
    /// The second brand colour: the "don't" markers.
    pub secondary: Option<Color>,
    /// Highlights: section rules, bars, markers.
    pub accent: Option<Color>,
    /// The paper colour behind everything.
    pub background: Option<Color>,
    /// Body text.
    pub text: Option<Color>,
    /// Secondary text: labels, sources, captions.
    pub muted: Option<Color>,
}

impl Colors {
    /// Every colour with its key, in the order of the theme file's documentation.
    pub fn named(&self) -> [(&'static str, &Option<Color>); 6] {
        [
            ("primary", &self.primary),
            ("secondary", &self.secondary),
            ("accent", &self.accent),
            ("background", &self.background),
            ("text", &self.text),
            ("muted", &self.muted),
        ]
    }

    /// Every colour, mutable, with its key.
    fn named_mut(&mut self) -> [(&'static str, &mut Option<Color>); 6] {
        [
            ("primary", &mut self.primary),
            ("secondary", &mut self.secondary),
            ("accent", &mut self.accent),
            ("background", &mut self.background),
            ("text", &mut self.text),
            ("muted", &mut self.muted),
        ]
    }
}

/// Font family names, built in or from the project's fonts folder.
#[derive(Debug, Clone, Default, Deserialize, Serialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Fonts {
    /// The family of names and headings, e.g. "Inter".
    pub heading: Option<String>,
    /// The family of running text, e.g. "Libertinus Serif".
    pub body: Option<String>,
}

/// The brand's logo.
#[derive(Debug, Clone, Deserialize, Serialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Logo {
    /// SVG or PDF (kept vector), PNG or JPEG, relative to the theme file.
    pub file: String,
}

/// Corner radius of boxes and the photo.
#[derive(Debug, Clone, Default, Deserialize, Serialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Shape {
    /// e.g. "3mm"; "0mm" for square corners.
    pub radius: Option<Length>,
}

impl Theme {
    /// The built-in theme used when a project names none: calm navy, warm orange, teal.
    pub fn builtin() -> Self {
        Theme {
            name: "personapress".into(),
            colors: Colors {
                primary: Some(Color::with_cmyk([0x1B, 0x2A, 0x4A], [90, 70, 30, 40])),
                secondary: Some(Color::with_cmyk([0xE8, 0x6A, 0x33], [0, 70, 85, 0])),
                accent: Some(Color::with_cmyk([0x2A, 0x9D, 0x8F], [80, 10, 50, 0])),
                background: Some(Color::hex([0xFB, 0xF8, 0xF3])),
                text: Some(Color::with_cmyk([0x1E, 0x1E, 0x1E], [0, 0, 0, 100])),
                muted: Some(Color::hex([0x6B, 0x6B, 0x6B])),
            },
            fonts: Fonts {
                heading: Some("Inter".into()),
                body: Some("Inter".into()),
            },
            logo: None,
            shape: Shape {
                radius: Some(Length::mm(3.0)),
            },
        }
    }

    /// Fills every colour, font and shape the theme leaves out from the built-in theme.
    pub fn with_defaults(mut self) -> Self {
        let base = Theme::builtin();
        for ((_, own), (_, built_in)) in
            self.colors.named_mut().into_iter().zip(base.colors.named())
        {
            if own.is_none() {
                own.clone_from(built_in);
            }
        }
        self.fonts.heading = self.fonts.heading.or(base.fonts.heading);
        self.fonts.body = self.fonts.body.or(base.fonts.body);
        self.shape.radius = self.shape.radius.or(base.shape.radius);
        self
    }
}
