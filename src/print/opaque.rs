//! PDF/X-1a and X-3 files carry no transparency. Transparent art is flattened before
//! export (`render::flatten`); what Typst still writes then are transparency groups
//! around opaque content, which change nothing without transparency and are dropped
//! here. What is left, preflight reports ([`transparency_left`]).

use lopdf::{Dictionary, Document, Object};

/// Removes the `/Group` of every page and form XObject whose group is a transparency
/// group. Only right for a document without transparency: preflight checks that.
pub(crate) fn drop_transparency_groups(doc: &mut Document) {
    for object in doc.objects.values_mut() {
        let dict = match object {
            Object::Dictionary(dict) => dict,
            Object::Stream(stream) => &mut stream.dict,
            _ => continue,
        };
        let is_transparency = |group: &Object| {
            group
                .as_dict()
                .and_then(|g| g.get(b"S"))
                .and_then(Object::as_name)
                .is_ok_and(|s| s == b"Transparency")
        };
        if dict.get(b"Group").is_ok_and(is_transparency) {
            dict.remove(b"Group");
        }
    }
}

/// Every kind of transparency left anywhere in the document, e.g. `soft mask`,
/// `constant alpha 0.5`, `blend mode Multiply`, `transparency group`; empty when
/// the document is opaque.
pub(crate) fn transparency_left(doc: &Document) -> Vec<String> {
    let mut found = Vec::new();
    for object in doc.objects.values() {
        match object {
            Object::Dictionary(dict) => dict_transparency(dict, 0, &mut found),
            Object::Stream(stream) => dict_transparency(&stream.dict, 0, &mut found),
            _ => {}
        }
    }
    found.sort();
    found.dedup();
    found
}

/// The transparency a dictionary and the dictionaries written inside it carry.
fn dict_transparency(dict: &Dictionary, depth: usize, found: &mut Vec<String>) {
    if dict.get(b"SMask").is_ok_and(|m| m.as_name().is_err()) {
        found.push("soft mask".to_string());
    }
    for key in [b"ca".as_slice(), b"CA"] {
        let alpha = dict.get(key).ok().and_then(super::objects::number);
        if let Some(alpha) = alpha.filter(|a| *a < 1.0) {
            found.push(format!("constant alpha {alpha}"));
        }
    }
    let blend = dict.get(b"BM").ok().and_then(|b| b.as_name().ok());
    if let Some(mode) = blend.filter(|m| *m != b"Normal" && *m != b"Compatible") {
        found.push(format!("blend mode {}", String::from_utf8_lossy(mode)));
    }
    if dict.get(b"Group").is_ok() {
        found.push("transparency group".to_string());
    }
    if depth < 4 {
        for (_, value) in dict.iter() {
            if let Object::Dictionary(inner) = value {
                dict_transparency(inner, depth + 1, found);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use lopdf::{Stream, dictionary};

    #[test]
    fn finds_each_kind_of_transparency_and_drops_only_groups() {
        let mut doc = Document::with_version("1.4");
        let inline = dictionary! { "g0" => dictionary! { "ca" => 0.5 } };
        doc.add_object(dictionary! { "Resources" => dictionary! { "ExtGState" => inline } });
        doc.add_object(dictionary! { "Type" => "ExtGState", "CA" => 1, "BM" => "Multiply" });
        doc.add_object(dictionary! { "Type" => "ExtGState", "SMask" => "None", "BM" => "Normal" });
        let group = dictionary! { "S" => "Transparency" };
        let form = Stream::new(
            dictionary! { "Subtype" => "Form", "Group" => group },
            vec![],
        );
        doc.add_object(Object::Stream(form));
        let image = dictionary! { "Subtype" => "Image", "SMask" => Object::Reference((9, 0)) };
        doc.add_object(Object::Stream(Stream::new(image, vec![])));
        assert_eq!(
            transparency_left(&doc),
            [
                "blend mode Multiply",
                "constant alpha 0.5",
                "soft mask",
                "transparency group"
            ]
        );
        drop_transparency_groups(&mut doc);
        let left = transparency_left(&doc);
        assert_eq!(
            left,
            ["blend mode Multiply", "constant alpha 0.5", "soft mask"]
        );
        let empty = Document::with_version("1.4");
        assert!(transparency_left(&empty).is_empty());
    }
}
