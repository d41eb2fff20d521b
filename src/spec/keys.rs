//! Finding the line of a spec file that assigns a key, for errors found after parsing
//! (serde's spans are gone by then).

/// The byte range of the first line that assigns `key`, for errors after parsing.
pub fn find_key(text: &str, key: &str) -> Option<std::ops::Range<usize>> {
    find_key_holding(text, key, "")
}

/// The byte range of the first line that assigns `key` a value holding `needle` (the
/// `text` of the third `[[quotes]]`, not the first): the value runs up to the next line
/// assigning a key or opening a table. Without such a line, the first that assigns `key`.
pub fn find_key_holding(text: &str, key: &str, needle: &str) -> Option<std::ops::Range<usize>> {
    let mut first = None;
    let mut open: Option<std::ops::Range<usize>> = None;
    let mut offset = 0;
    for line in text.split_inclusive('\n') {
        let trimmed = line.trim_start();
        let start = offset + (line.len() - trimmed.len());
        offset += line.len();
        let mut value = line;
        if let Some(rest) = trimmed.strip_prefix(key)
            && let Some(assigned) = rest.trim_start().strip_prefix('=')
        {
            let span = start..start + trimmed.trim_end().len();
            first.get_or_insert(span.clone());
            open = Some(span);
            value = assigned;
        } else if starts_a_key_or_table(trimmed) {
            open = None;
        }
        if open.is_some() && value.contains(needle) {
            return open;
        }
    }
    first
}

/// The byte range of the line assigning `key` in the table whose `anchor` holds
/// `needle` (the `value` of the `[[metrics]]` labelled "NPS", written before or after
/// its label); else the first line assigning `key`.
pub fn find_key_in_table_of(
    text: &str,
    (anchor, needle): (&str, &str),
    key: &str,
) -> Option<std::ops::Range<usize>> {
    let at = find_key_holding(text, anchor, needle)?.start;
    let is_header = |line: &str| line.trim_start().starts_with('[');
    let lines = || {
        text.split_inclusive('\n')
            .scan(0, |o, l| Some((std::mem::replace(o, *o + l.len()), l)))
    };
    let start = lines()
        .filter(|(o, l)| *o <= at && is_header(l))
        .last()
        .map_or(0, |(o, _)| o);
    let end = lines()
        .find(|(o, l)| *o > at && is_header(l))
        .map_or(text.len(), |(o, _)| o);
    let found = find_key(&text[start..end], key).map(|r| r.start + start..r.end + start);
    found.or_else(|| find_key(text, key))
}

/// Whether a (trimmed) TOML line opens a table or assigns a key.
fn starts_a_key_or_table(line: &str) -> bool {
    let name_end = line
        .find(|c: char| !(c.is_alphanumeric() || "_-.\"".contains(c)))
        .unwrap_or(line.len());
    line.starts_with('[') || (name_end > 0 && line[name_end..].trim_start().starts_with('='))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_the_line_of_a_key() {
        let text = "name = \"\"\n  photo = \"x.jpg\"\n";
        assert_eq!(find_key(text, "photo"), Some(12..27));
        assert_eq!(find_key(text, "age"), None);
    }

    #[test]
    fn a_repeated_key_is_found_where_its_value_holds_the_needle() {
        let text = "name = \"A\"\n\n[[quotes]]\ntext = \"Goed\"\nsource = \"Ik 1\"\n\n\
                    [[quotes]]\ntext = \"\"\"\nLaat\nen 1 \"\"\"\n";
        let line_of = |span: Option<std::ops::Range<usize>>| &text[span.unwrap()];
        assert_eq!(
            line_of(find_key_holding(text, "text", "Goed")),
            "text = \"Goed\""
        );
        // A value over several lines, the needle on a later one.
        assert_eq!(
            line_of(find_key_holding(text, "text", "en 1")),
            "text = \"\"\""
        );
        // `source = ` ends the first quote's text: its "1" is not the text's.
        assert!(find_key_holding(text, "text", "1").unwrap().start > 30);
        // Only the value counts, not the key's own name.
        assert!(find_key_holding(text, "text", "t").is_some_and(|s| s.start > 30));
        // In the table of the quote whose `source` holds "Ik": that quote's `text`.
        let in_table = find_key_in_table_of(text, ("source", "Ik"), "text");
        assert_eq!(line_of(in_table), "text = \"Goed\"");
        let metrics =
            "[[metrics]]\nlabel = \"A\"\nvalue = 1\n[[metrics]]\nvalue = nan\nlabel = \"B\"\n";
        let value_of_b = find_key_in_table_of(metrics, ("label", "B"), "value").unwrap();
        assert_eq!(&metrics[value_of_b], "value = nan");
        // Nowhere: the first occurrence, as `find_key` finds it.
        assert_eq!(
            find_key_holding(text, "text", "zzz"),
            find_key(text, "text")
        );
    }
}
