//! Whether the fonts can print a text: a character that no font has printed as an
//! empty box (tofu) on posters and made 38 separate errors on a briefing, one per
//! character, naming no field. Typst falls back to any font of the book that has a
//! character; what none has is named before anything is laid out.

use typst::text::{FontBook, FontInfo};

use crate::spec::typography::is_invisible;

/// What the fonts of a book cover, for asking character by character.
pub(crate) struct Coverage<'a> {
    fonts: Vec<&'a FontInfo>,
}

impl<'a> Coverage<'a> {
    /// The coverage of every font in `book`.
    pub(crate) fn new(book: &'a FontBook) -> Self {
        let fonts = (0..).map_while(|index| book.info(index)).collect();
        Coverage { fonts }
    }

    /// The characters of `text` that no font has, each once, in the order they come.
    pub(crate) fn missing(&self, text: &str) -> Vec<char> {
        let mut missing: Vec<char> = Vec::new();
        for c in text.chars().filter(|c| !is_invisible(*c)) {
            if !missing.contains(&c) && !self.covers(c) {
                missing.push(c);
            }
        }
        missing
    }

    /// Whether some font has `c`.
    fn covers(&self, c: char) -> bool {
        self.fonts
            .iter()
            .any(|font| font.coverage.contains(u32::from(c)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn characters_no_font_has_are_named_once_and_invisible_ones_never() {
        let base = crate::world::Base::new(None, None).unwrap();
        let coverage = Coverage::new(base.book());
        assert_eq!(
            coverage.missing("Peter de Vries, Ελένη, Ольга, café"),
            Vec::<char>::new()
        );
        assert_eq!(
            coverage.missing("مرحبا שלום"),
            Vec::<char>::new(),
            "Arabic and Hebrew"
        );
        assert_eq!(
            coverage.missing("a\u{200D}b\u{FE0F}\u{AD}\t"),
            Vec::<char>::new()
        );
        assert_eq!(coverage.missing("你好, 你 🎉"), vec!['你', '好', '🎉']);
    }
}
