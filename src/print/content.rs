//! A small lexer for PDF content streams: it finds each operation's operands and
//! operator without building objects, so the print finishing and preflight can scan
//! and splice page contents quickly (lopdf's full content parser was a sixth of a batch).

/// One operation of a content stream: raw operand bytes and the operator keyword.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Operation<'a> {
    /// Byte offset where the operation (its first operand, or the operator) starts.
    pub start: usize,
    /// Byte offset just after the operator.
    pub end: usize,
    /// The operands as written, from the first operand to just before the operator.
    pub operands: &'a [u8],
    /// The operator, e.g. `k` or `Tj`.
    pub operator: &'a [u8],
}

impl Operation<'_> {
    /// The operands as numbers, when every operand is a number.
    pub(crate) fn numbers(&self) -> Option<Vec<f64>> {
        std::str::from_utf8(self.operands)
            .ok()?
            .split_ascii_whitespace()
            .map(|token| token.parse::<f64>().ok())
            .collect()
    }
}

/// The operations of a content stream, in order. Strings, names, arrays, dictionaries
/// and inline image data are skipped as operands, never mistaken for operators.
pub(crate) fn operations(bytes: &[u8]) -> Vec<Operation<'_>> {
    let mut lexer = Lexer { bytes, at: 0 };
    let mut operations = Vec::new();
    let mut start = None;
    while let Some((token_start, token)) = lexer.next_token() {
        let start_here = *start.get_or_insert(token_start);
        let Token::Keyword(word) = token else {
            continue;
        };
        if matches!(word, b"true" | b"false" | b"null") {
            continue;
        }
        operations.push(Operation {
            start: start_here,
            end: lexer.at,
            operands: bytes[start_here..token_start].trim_ascii_end(),
            operator: word,
        });
        start = None;
        if word == b"ID" {
            lexer.skip_inline_image();
        }
    }
    operations
}

enum Token<'a> {
    Operand,
    Keyword(&'a [u8]),
}

struct Lexer<'a> {
    bytes: &'a [u8],
    at: usize,
}

impl<'a> Lexer<'a> {
    /// The next token and where it starts; `None` at the end.
    fn next_token(&mut self) -> Option<(usize, Token<'a>)> {
        self.skip_space_and_comments();
        let start = self.at;
        let byte = *self.bytes.get(start)?;
        match byte {
            b'(' => self.skip_literal_string(),
            b'<' if self.bytes.get(start + 1) == Some(&b'<') => self.skip_dictionary(),
            b'<' => self.skip_past(b'>'),
            b'[' | b']' | b'{' | b'}' | b'>' | b')' => self.at += 1,
            b'/' => {
                self.at += 1;
                self.skip_regular();
            }
            _ => {
                self.skip_regular();
                let word = &self.bytes[start..self.at];
                let is_number = word
                    .first()
                    .is_some_and(|b| b.is_ascii_digit() || matches!(b, b'+' | b'-' | b'.'));
                if !is_number {
                    return Some((start, Token::Keyword(word)));
                }
            }
        }
        Some((start, Token::Operand))
    }

    fn skip_space_and_comments(&mut self) {
        while let Some(&byte) = self.bytes.get(self.at) {
            match byte {
                b'%' => {
                    while self
                        .bytes
                        .get(self.at)
                        .is_some_and(|b| !matches!(b, b'\r' | b'\n'))
                    {
                        self.at += 1;
                    }
                }
                _ if is_space(byte) => self.at += 1,
                _ => break,
            }
        }
    }

    fn skip_regular(&mut self) {
        while self.bytes.get(self.at).is_some_and(|&b| is_regular(b)) {
            self.at += 1;
        }
    }

    /// `( … )` with nested parentheses and backslash escapes.
    fn skip_literal_string(&mut self) {
        let mut depth = 0usize;
        while let Some(&byte) = self.bytes.get(self.at) {
            self.at += 1;
            match byte {
                b'\\' => self.at += 1,
                b'(' => depth += 1,
                b')' if depth <= 1 => return,
                b')' => depth -= 1,
                _ => {}
            }
        }
    }

    /// `<< … >>`, which may hold strings and nested dictionaries.
    fn skip_dictionary(&mut self) {
        self.at += 2;
        loop {
            self.skip_space_and_comments();
            if self.bytes[self.at..].starts_with(b">>") {
                self.at += 2;
                return;
            }
            if self.next_token().is_none() {
                return;
            }
        }
    }

    fn skip_past(&mut self, end: u8) {
        while let Some(&byte) = self.bytes.get(self.at) {
            self.at += 1;
            if byte == end {
                return;
            }
        }
    }

    /// Binary data after `ID`, up to `EI` standing alone.
    fn skip_inline_image(&mut self) {
        self.at += 1;
        while self.at + 2 <= self.bytes.len() {
            let standalone = self.bytes[self.at - 1..]
                .first()
                .is_some_and(|&b| is_space(b))
                && &self.bytes[self.at..self.at + 2] == b"EI"
                && self.bytes.get(self.at + 2).is_none_or(|&b| !is_regular(b));
            if standalone {
                return;
            }
            self.at += 1;
        }
        self.at = self.bytes.len();
    }
}

fn is_space(byte: u8) -> bool {
    matches!(byte, b' ' | b'\t' | b'\r' | b'\n' | b'\x0c' | b'\0')
}

fn is_regular(byte: u8) -> bool {
    !is_space(byte) && !b"()<>[]{}/%".contains(&byte)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ops(text: &str) -> Vec<(String, String)> {
        operations(text.as_bytes())
            .iter()
            .map(|op| {
                let s = |b: &[u8]| String::from_utf8_lossy(b).into_owned();
                (s(op.operands), s(op.operator))
            })
            .collect()
    }

    #[test]
    fn operators_follow_their_operands() {
        assert_eq!(
            ops("q 1 0 0 1 10.5 -3 cm\n0 0 0 1 k /F1 12 Tf Q"),
            [
                ("".into(), "q".into()),
                ("1 0 0 1 10.5 -3".into(), "cm".into()),
                ("0 0 0 1".into(), "k".into()),
                ("/F1 12".into(), "Tf".into()),
                ("".into(), "Q".into()),
            ]
        );
    }

    #[test]
    fn strings_arrays_and_dictionaries_are_operands() {
        let found = ops(
            "[(a) 10 (b\\) k\\(c) ((nested) k)] TJ <0048 0069> Tj /P <</MCID 3 /A <</B (k)>>>> BDC % 1 k\nEMC",
        );
        let operators: Vec<&str> = found.iter().map(|(_, o)| o.as_str()).collect();
        assert_eq!(operators, ["TJ", "Tj", "BDC", "EMC"]);
        assert_eq!(found[1].0, "<0048 0069>");
    }

    #[test]
    fn inline_image_data_is_skipped() {
        let found = operations(b"BI /W 2 /H 1 /BPC 8 /CS /G ID \x00k Q\xff) EI 0 g");
        let operators: Vec<&[u8]> = found.iter().map(|op| op.operator).collect();
        assert_eq!(operators, [&b"BI"[..], b"ID", b"EI", b"g"]);
    }

    #[test]
    fn offsets_cover_each_operation() {
        let text = "0.5 g  1 0 0 1 k";
        let found = operations(text.as_bytes());
        assert_eq!(&text[found[1].start..found[1].end], "1 0 0 1 k");
        assert_eq!(found[1].numbers(), Some(vec![1.0, 0.0, 0.0, 1.0]));
    }
}
