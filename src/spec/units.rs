//! Value types of the spec that validate themselves while they are parsed:
//! lengths with a unit, colours, percentages and bounded numbers.
//!
//! Each implements `Deserialize` so that a bad value is reported by the TOML
//! parser at its exact line and column.

use std::fmt;
use std::str::FromStr;

use serde::de::{self, Deserializer};
use serde::{Deserialize, Serialize, Serializer};

/// A length written with a unit (`"3mm"`, `"0.25in"`, `"12pt"`, `"1cm"`), kept in millimetres.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Length {
    /// The length in millimetres.
    pub mm: f64,
}

impl Length {
    /// A length of `mm` millimetres.
    pub const fn mm(mm: f64) -> Self {
        Self { mm }
    }
}

impl FromStr for Length {
    type Err = String;

    fn from_str(text: &str) -> Result<Self, String> {
        let text = text.trim();
        let split = text
            .find(|c: char| c.is_ascii_alphabetic())
            .ok_or_else(|| format!("length `{text}` has no unit (hint: write e.g. \"3mm\")"))?;
        let (number, unit) = text.split_at(split);
        let value: f64 = number
            .trim()
            .parse()
            .map_err(|_| format!("`{text}` is not a length (hint: write e.g. \"3mm\")"))?;
        let factor = match unit {
            "mm" => 1.0,
            "cm" => 10.0,
            "in" => 25.4,
            "pt" => 25.4 / 72.0,
            _ => {
                return Err(format!(
                    "unknown unit `{unit}` in `{text}` (allowed: mm, cm, in, pt)"
                ));
            }
        };
        if !value.is_finite() || value < 0.0 {
            return Err(format!("length `{text}` must not be negative"));
        }
        Ok(Length::mm(value * factor))
    }
}

impl<'de> Deserialize<'de> for Length {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = String::deserialize(deserializer)?;
        text.parse().map_err(de::Error::custom)
    }
}

impl Serialize for Length {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&format!("{}mm", round3(self.mm)))
    }
}

/// Rounds to three decimals, enough for print geometry and stable in output.
pub fn round3(value: f64) -> f64 {
    (value * 1000.0).round() / 1000.0
}

/// An integer that must lie within `MIN..=MAX`, such as a percentage or a feeling.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(transparent)]
pub struct Bounded<const MIN: i64, const MAX: i64>(pub i64);

/// A whole percentage, 0 to 100.
pub type Percent = Bounded<0, 100>;

/// A feeling in the customer journey, −100 (frustrated) to 100 (delighted).
pub type Feeling = Bounded<-100, 100>;

impl<'de, const MIN: i64, const MAX: i64> Deserialize<'de> for Bounded<MIN, MAX> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let value = i64::deserialize(deserializer)?;
        if (MIN..=MAX).contains(&value) {
            Ok(Self(value))
        } else {
            Err(de::Error::custom(format!(
                "value {value} is out of range (allowed: {MIN} to {MAX})"
            )))
        }
    }
}

/// An sRGB colour written as `#RRGGBB`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Hex(pub [u8; 3]);

impl fmt::Display for Hex {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let [r, g, b] = self.0;
        write!(f, "#{r:02X}{g:02X}{b:02X}")
    }
}

impl FromStr for Hex {
    type Err = String;

    fn from_str(text: &str) -> Result<Self, String> {
        let digits = text
            .strip_prefix('#')
            .filter(|d| d.len() == 6 && d.is_ascii());
        let digits = digits.ok_or_else(|| {
            format!("`{text}` is not a colour (hint: write six hex digits, e.g. \"#0B3D91\")")
        })?;
        let channel = |i: usize| u8::from_str_radix(&digits[i..i + 2], 16);
        match (channel(0), channel(2), channel(4)) {
            (Ok(r), Ok(g), Ok(b)) => Ok(Hex([r, g, b])),
            _ => Err(format!(
                "`{text}` is not a colour (hint: write six hex digits, e.g. \"#0B3D91\")"
            )),
        }
    }
}

impl<'de> Deserialize<'de> for Hex {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        String::deserialize(deserializer)?
            .parse()
            .map_err(de::Error::custom)
    }
}

impl Serialize for Hex {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&self.to_string())
    }
}

/// A theme colour: screen sRGB, optionally exact CMYK values for print and a spot colour name.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Color {
    /// The colour on screen and in office documents.
    pub rgb: Hex,
    /// Exact CMYK percentages used by the print formats.
    pub cmyk: Option<[Percent; 4]>,
    /// A spot colour (Separation) name, painted with `cmyk` as its alternate.
    pub spot: Option<String>,
}

/// The table form of a colour: `{ rgb = "#0B3D91", cmyk = [100, 80, 0, 10], spot = "…" }`.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ColorTable {
    rgb: Hex,
    #[serde(default, deserialize_with = "exactly")]
    cmyk: Option<[Percent; 4]>,
    spot: Option<String>,
}

/// Reads a colour in either form; a table's own error (a CMYK list of 3 values, a
/// percentage over 100, an unknown key) is kept, not swallowed by a generic one.
struct ColorVisitor;

impl<'de> de::Visitor<'de> for ColorVisitor {
    type Value = Color;

    fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        f.write_str(
            "a colour: \"#RRGGBB\" or { rgb = \"#RRGGBB\", cmyk = [C, M, Y, K], spot = \"name\" } \
             with CMYK percentages 0 to 100",
        )
    }

    fn visit_str<E: de::Error>(self, text: &str) -> Result<Color, E> {
        Ok(Color {
            rgb: text.parse().map_err(E::custom)?,
            cmyk: None,
            spot: None,
        })
    }

    fn visit_map<A: de::MapAccess<'de>>(self, map: A) -> Result<Color, A::Error> {
        let table = ColorTable::deserialize(de::value::MapAccessDeserializer::new(map))?;
        if let Some(name) = &table.spot {
            check_spot_name(name).map_err(de::Error::custom)?;
        }
        Ok(Color {
            rgb: table.rgb,
            cmyk: table.cmyk,
            spot: table.spot,
        })
    }
}

impl<'de> Deserialize<'de> for Color {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_any(ColorVisitor)
    }
}

/// Names PDF reserves for separations: `None` paints nothing, `All` every plate, and the
/// process inks are not spot colours.
const RESERVED_SEPARATIONS: [&str; 6] = ["None", "All", "Cyan", "Magenta", "Yellow", "Black"];

/// Reads an optional list of exactly `N` values (`photo_focus = [x, y]`, `cmyk = [c, m,
/// y, k]`): a fixed-size array alone took the first `N` of a longer list in silence.
pub fn exactly<'de, D, T, const N: usize>(deserializer: D) -> Result<Option<[T; N]>, D::Error>
where
    D: Deserializer<'de>,
    T: Deserialize<'de>,
{
    let Some(values) = Option::<Vec<T>>::deserialize(deserializer)? else {
        return Ok(None);
    };
    let found = values.len();
    values
        .try_into()
        .map(Some)
        .map_err(|_| de::Error::custom(format!("expected a list of {N} values, found {found}")))
}

/// Reads a spot colour's name (the mousepad's `cut_contour`), refusing names PDF cannot
/// carry as a separation.
pub fn spot_name<'de, D: Deserializer<'de>>(deserializer: D) -> Result<String, D::Error> {
    let name = String::deserialize(deserializer)?;
    check_spot_name(&name).map_err(de::Error::custom)?;
    Ok(name)
}

/// A spot colour's name as PDF can carry it: not empty, at most 127 bytes, not reserved.
pub fn check_spot_name(name: &str) -> Result<(), String> {
    if name.trim().is_empty() {
        return Err("a spot colour needs a name, e.g. spot = \"PANTONE 116 C\"".into());
    }
    if name.len() > 127 {
        let n = name.len();
        return Err(format!(
            "the spot colour name is {n} bytes long; PDF allows at most 127"
        ));
    }
    if RESERVED_SEPARATIONS
        .iter()
        .any(|r| r.eq_ignore_ascii_case(name.trim()))
    {
        return Err(format!(
            "`{name}` cannot name a spot colour: PDF reserves it (`None` prints nothing, `All` prints on every plate, and Cyan, Magenta, Yellow and Black are the process inks)"
        ));
    }
    Ok(())
}

impl Color {
    /// A screen-only colour.
    pub fn hex(rgb: [u8; 3]) -> Self {
        Color {
            rgb: Hex(rgb),
            cmyk: None,
            spot: None,
        }
    }

    /// A colour with exact CMYK values for print.
    pub fn with_cmyk(rgb: [u8; 3], cmyk: [i64; 4]) -> Self {
        Color {
            rgb: Hex(rgb),
            cmyk: Some(cmyk.map(Bounded)),
            spot: None,
        }
    }
}

/// A size written as `"240x200mm"`: width by height with one unit.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Size {
    /// Width in millimetres.
    pub width: Length,
    /// Height in millimetres.
    pub height: Length,
}

impl FromStr for Size {
    type Err = String;

    fn from_str(text: &str) -> Result<Self, String> {
        let bad =
            || format!("`{text}` is not a size (hint: write width x height, e.g. \"240x200mm\")");
        let (width, height) = text.split_once(['x', '×']).ok_or_else(bad)?;
        let height: Length = height.parse().map_err(|_| bad())?;
        let unit = height_unit(text);
        let width: Length = width
            .parse()
            .or_else(|_| format!("{}{unit}", width.trim()).parse())
            .map_err(|_: String| bad())?;
        if width.mm <= 0.0 || height.mm <= 0.0 {
            return Err(bad());
        }
        Ok(Size { width, height })
    }
}

/// The unit letters at the end of a size string.
fn height_unit(text: &str) -> &str {
    let start = text
        .trim_end_matches(|c: char| c.is_ascii_alphabetic())
        .len();
    &text[start..]
}

impl<'de> Deserialize<'de> for Size {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        String::deserialize(deserializer)?
            .parse()
            .map_err(de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lengths_convert_to_millimetres() {
        assert_eq!("3mm".parse::<Length>().unwrap().mm, 3.0);
        assert_eq!("1cm".parse::<Length>().unwrap().mm, 10.0);
        assert!(("0.25in".parse::<Length>().unwrap().mm - 6.35).abs() < 1e-9);
        assert!(("72pt".parse::<Length>().unwrap().mm - 25.4).abs() < 1e-9);
        assert!("3".parse::<Length>().unwrap_err().contains("no unit"));
        assert!(
            "3px"
                .parse::<Length>()
                .unwrap_err()
                .contains("unknown unit `px`")
        );
    }

    #[test]
    fn sizes_share_one_unit() {
        let size: Size = "240x200mm".parse().unwrap();
        assert_eq!((size.width.mm, size.height.mm), (240.0, 200.0));
        let size: Size = "24cmx20cm".parse().unwrap();
        assert_eq!((size.width.mm, size.height.mm), (240.0, 200.0));
        assert!("240mm".parse::<Size>().is_err());
    }

    #[test]
    fn hex_colours_round_trip() {
        let hex: Hex = "#0b3d91".parse().unwrap();
        assert_eq!(hex.0, [0x0B, 0x3D, 0x91]);
        assert_eq!(hex.to_string(), "#0B3D91");
        assert!("0B3D91".parse::<Hex>().is_err());
        assert!("#0B3D9".parse::<Hex>().is_err());
    }
}

/// JSON Schemas of the value types, for `personapress schema`: each says what its
/// `Deserialize` accepts, so editors check values as personapress does.
mod schemas {
    use std::borrow::Cow;

    use schemars::{JsonSchema, Schema, SchemaGenerator, json_schema};

    use super::{Bounded, Color, Hex, Length, Size};

    const LENGTH_PATTERN: &str = r"^\s*[0-9]+(\.[0-9]+)?\s*(mm|cm|in|pt)\s*$";

    impl JsonSchema for Length {
        fn schema_name() -> Cow<'static, str> {
            "Length".into()
        }

        fn json_schema(_: &mut SchemaGenerator) -> Schema {
            json_schema!({
                "type": "string",
                "pattern": LENGTH_PATTERN,
                "description": "A length with a unit: mm, cm, in or pt.",
                "examples": ["3mm", "0.5cm"]
            })
        }
    }

    impl<const MIN: i64, const MAX: i64> JsonSchema for Bounded<MIN, MAX> {
        fn schema_name() -> Cow<'static, str> {
            format!("Integer_{MIN}_to_{MAX}")
                .replace('-', "minus")
                .into()
        }

        fn json_schema(_: &mut SchemaGenerator) -> Schema {
            json_schema!({ "type": "integer", "minimum": MIN, "maximum": MAX })
        }
    }

    impl JsonSchema for Hex {
        fn schema_name() -> Cow<'static, str> {
            "Hex".into()
        }

        fn json_schema(_: &mut SchemaGenerator) -> Schema {
            json_schema!({
                "type": "string",
                "pattern": "^#[0-9A-Fa-f]{6}$",
                "description": "An sRGB colour as #RRGGBB.",
                "examples": ["#0B3D91"]
            })
        }
    }

    impl JsonSchema for Color {
        fn schema_name() -> Cow<'static, str> {
            "Color".into()
        }

        fn json_schema(generator: &mut SchemaGenerator) -> Schema {
            let hex = generator.subschema_for::<Hex>();
            let percent = generator.subschema_for::<Bounded<0, 100>>();
            json_schema!({
                "description": "A colour: \"#RRGGBB\", or a table with exact CMYK percentages for print and an optional spot colour name.",
                "oneOf": [
                    hex,
                    {
                        "type": "object",
                        "properties": {
                            "rgb": hex,
                            "cmyk": { "type": "array", "items": percent, "minItems": 4, "maxItems": 4 },
                            "spot": { "type": "string" }
                        },
                        "required": ["rgb"],
                        "additionalProperties": false
                    }
                ]
            })
        }
    }

    impl JsonSchema for Size {
        fn schema_name() -> Cow<'static, str> {
            "Size".into()
        }

        fn json_schema(_: &mut SchemaGenerator) -> Schema {
            json_schema!({
                "type": "string",
                "pattern": r"^\s*[0-9]+(\.[0-9]+)?\s*(mm|cm|in|pt)?\s*[x×]\s*[0-9]+(\.[0-9]+)?\s*(mm|cm|in|pt)\s*$",
                "description": "Width x height with a unit.",
                "examples": ["240x200mm"]
            })
        }
    }
}
