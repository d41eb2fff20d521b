//! The colour fixes applied to every content stream of a print PDF: the theme's
//! exact CMYK, sRGB greys and brand colours as ink (see [`super::to_cmyk`]), and
//! 100 % K set to overprint in the pages' own content.

use std::collections::HashSet;

use lopdf::{Dictionary, Document, Object, ObjectId};

use super::{PrintSettings, add_resource, ink, overprint_state, set_deflated_content};

/// Rewrites the colours of every page, form and tiling pattern; forms that are soft masks keep
/// theirs (their greys are opacity, not ink).
pub(super) fn fix_colours(
    doc: &mut Document,
    pages: &[ObjectId],
    settings: &PrintSettings,
) -> Result<(), String> {
    for &page in pages {
        fix_page(doc, page, settings)?;
    }
    let masks = mask_forms(doc);
    let forms: Vec<ObjectId> = doc
        .objects
        .iter()
        .filter(|(id, o)| (is_form(o) || is_tiling(o)) && !masks.contains(id))
        .map(|(id, _)| *id)
        .collect();
    for id in forms {
        let spaces = form_spaces(doc, id);
        let fixes = fixes_for(settings, &spaces, false);
        rewrite_stream(doc, id, fixes);
    }
    Ok(())
}

/// In a CMYK-only PDF whose every grey and RGB colour was converted, the resources
/// still name the grey and RGB spaces the content's `cs`/`CS` operators select before
/// each converted colour: each becomes `DeviceGray`, whose initial colour (black) is
/// theirs, so that no RGB or ICC space is left for PDF/X-1a. Returns how many.
pub(super) fn retire_rgb_spaces(doc: &mut Document) -> usize {
    let mut retired = Vec::new();
    for (owner, path) in space_dicts(doc) {
        let Some(spaces) = dict_at(doc, owner, &path) else {
            continue;
        };
        for (name, space) in spaces.iter() {
            let grey = space.as_name().ok() == Some(b"DeviceGray".as_slice());
            if !grey && space_components(doc, space).is_some() {
                retired.push((owner, path.clone(), name.clone()));
            }
        }
    }
    for (owner, path, name) in &retired {
        if let Some(spaces) = dict_at_mut(doc, *owner, path) {
            spaces.set(name.clone(), Object::Name(b"DeviceGray".to_vec()));
        }
    }
    retired.len()
}

/// Where the documents' `ColorSpace` resource dictionaries are: an object and the keys
/// leading to the dictionary inside it (none when the object is the dictionary).
fn space_dicts(doc: &Document) -> Vec<(ObjectId, Vec<&'static [u8]>)> {
    let mut found = Vec::new();
    for (&id, object) in &doc.objects {
        let Some(dict) = object_dict(object) else {
            continue;
        };
        let inline = dict.get(b"Resources").and_then(Object::as_dict).ok();
        let owners = [
            (Some(dict), vec![]),
            (inline, vec![b"Resources".as_slice()]),
        ];
        for (owner, mut path) in owners {
            match owner.and_then(|d| d.get(b"ColorSpace").ok()) {
                Some(Object::Dictionary(_)) => {
                    path.push(b"ColorSpace");
                    found.push((id, path));
                }
                Some(Object::Reference(target)) if doc.get_dictionary(*target).is_ok() => {
                    found.push((*target, vec![]))
                }
                _ => {}
            }
        }
    }
    found.sort();
    found.dedup();
    found
}

/// The dictionary of a dictionary or stream object.
fn object_dict(object: &Object) -> Option<&Dictionary> {
    match object {
        Object::Dictionary(dict) => Some(dict),
        Object::Stream(stream) => Some(&stream.dict),
        _ => None,
    }
}

/// The dictionary reached from `owner` through the keys of `path`.
fn dict_at<'a>(doc: &'a Document, owner: ObjectId, path: &[&[u8]]) -> Option<&'a Dictionary> {
    let mut dict = object_dict(doc.get_object(owner).ok()?)?;
    for key in path {
        dict = dict.get(key).and_then(Object::as_dict).ok()?;
    }
    Some(dict)
}

/// [`dict_at`], to change.
fn dict_at_mut<'a>(
    doc: &'a mut Document,
    owner: ObjectId,
    path: &[&[u8]],
) -> Option<&'a mut Dictionary> {
    let mut dict = match doc.get_object_mut(owner).ok()? {
        Object::Dictionary(dict) => dict,
        Object::Stream(stream) => &mut stream.dict,
        _ => return None,
    };
    for key in path {
        dict = dict.get_mut(key).and_then(Object::as_dict_mut).ok()?;
    }
    Some(dict)
}

fn fixes_for<'a>(
    settings: &'a PrintSettings,
    spaces: &'a [(Vec<u8>, u8)],
    overprint_black: bool,
) -> ink::InkFixes<'a> {
    ink::InkFixes {
        exact: &settings.exact_cmyk,
        brand: &settings.brand_inks,
        convert: settings.convert.as_deref(),
        spaces,
        overprint_black,
    }
}

fn fix_page(doc: &mut Document, page: ObjectId, settings: &PrintSettings) -> Result<(), String> {
    let spaces: Vec<(Vec<u8>, u8)> = doc
        .get_page_resources(page)
        .map(|(own, inherited)| {
            let mut dicts: Vec<&Dictionary> = own.into_iter().collect();
            dicts.extend(
                inherited
                    .iter()
                    .filter_map(|id| doc.get_dictionary(*id).ok()),
            );
            dicts.iter().flat_map(|d| colour_spaces(doc, d)).collect()
        })
        .unwrap_or_default();
    let mut overprinting = false;
    for id in doc.get_page_contents(page) {
        let fixes = fixes_for(settings, &spaces, settings.overprint_black);
        overprinting |= rewrite_stream(doc, id, fixes);
    }
    if overprinting {
        for (name, on, stroke) in ink::OVERPRINT_STATES {
            let state = overprint_state(on, stroke);
            add_resource(doc, page, b"ExtGState", name.as_bytes(), state)?;
        }
    }
    Ok(())
}

/// Applies `fixes` to a content stream and stores it again if it changed; returns
/// whether the new content uses the overprint states.
fn rewrite_stream(doc: &mut Document, id: ObjectId, fixes: ink::InkFixes) -> bool {
    let Ok(stream) = doc.get_object_mut(id).and_then(Object::as_stream_mut) else {
        return false;
    };
    let bytes = stream
        .decompressed_content()
        .unwrap_or_else(|_| stream.content.clone());
    let Some(rewritten) = ink::rewrite(&bytes, fixes) else {
        return false;
    };
    set_deflated_content(stream, &rewritten.bytes);
    rewritten.overprints
}

fn is_form(object: &Object) -> bool {
    object.as_stream().is_ok_and(|s| {
        s.dict.get(b"Subtype").and_then(Object::as_name).ok() == Some(b"Form".as_slice())
    })
}

/// A tiling pattern: content of its own (an SVG `<pattern>`, a Typst `tiling`).
fn is_tiling(object: &Object) -> bool {
    object
        .as_stream()
        .is_ok_and(|s| s.dict.get(b"PatternType").and_then(Object::as_i64).ok() == Some(1))
}

/// The grey and RGB colour spaces of a form's or a tiling pattern's resources.
fn form_spaces(doc: &Document, form: ObjectId) -> Vec<(Vec<u8>, u8)> {
    let Ok(stream) = doc.get_object(form).and_then(Object::as_stream) else {
        return vec![];
    };
    doc.get_dict_in_dict(&stream.dict, b"Resources")
        .map(|resources| colour_spaces(doc, resources))
        .unwrap_or_default()
}

/// The grey and RGB colour spaces named in `resources`, with their components:
/// device, calibrated and ICC-based spaces of one or three components.
fn colour_spaces(doc: &Document, resources: &Dictionary) -> Vec<(Vec<u8>, u8)> {
    let Ok(spaces) = doc.get_dict_in_dict(resources, b"ColorSpace") else {
        return vec![];
    };
    spaces
        .iter()
        .filter_map(|(name, space)| Some((name.clone(), space_components(doc, space)?)))
        .collect()
}

/// The components of a grey or RGB colour space (device, calibrated or ICC-based).
pub(super) fn space_components(doc: &Document, space: &Object) -> Option<u8> {
    let (_, space) = doc.dereference(space).ok()?;
    let parts = match space {
        Object::Name(name) => return device_components(name),
        Object::Array(parts) => parts,
        _ => return None,
    };
    let family = parts.first()?.as_name().ok()?;
    match family {
        b"CalGray" => Some(1),
        b"CalRGB" => Some(3),
        b"ICCBased" => {
            let (_, profile) = doc.dereference(parts.get(1)?).ok()?;
            let n = profile
                .as_stream()
                .ok()?
                .dict
                .get(b"N")
                .ok()?
                .as_i64()
                .ok()?;
            matches!(n, 1 | 3).then_some(n as u8)
        }
        _ => None,
    }
}

fn device_components(name: &[u8]) -> Option<u8> {
    match name {
        b"DeviceGray" => Some(1),
        b"DeviceRGB" => Some(3),
        _ => None,
    }
}

/// The forms a soft mask draws (`/SMask << /G … >>`, at any depth of any
/// dictionary), and the forms those draw.
fn mask_forms(doc: &Document) -> HashSet<ObjectId> {
    let mut todo = vec![];
    for object in doc.objects.values() {
        let dict = match object {
            Object::Stream(stream) => &stream.dict,
            Object::Dictionary(dict) => dict,
            _ => continue,
        };
        collect_masks(doc, dict, &mut todo);
    }
    let mut masks = HashSet::new();
    while let Some(id) = todo.pop() {
        if masks.insert(id) {
            todo.extend(drawn_forms(doc, id));
        }
    }
    masks
}

fn collect_masks(doc: &Document, dict: &Dictionary, found: &mut Vec<ObjectId>) {
    for (key, value) in dict.iter() {
        if key.as_slice() == b"SMask" {
            let mask = doc
                .dereference(value)
                .ok()
                .and_then(|(_, o)| o.as_dict().ok());
            found.extend(mask.and_then(|m| m.get(b"G").and_then(Object::as_reference).ok()));
        } else if let Object::Dictionary(inner) = value {
            collect_masks(doc, inner, found);
        }
    }
}

fn drawn_forms(doc: &Document, form: ObjectId) -> Vec<ObjectId> {
    let Ok(stream) = doc.get_object(form).and_then(Object::as_stream) else {
        return vec![];
    };
    doc.get_dict_in_dict(&stream.dict, b"Resources")
        .and_then(|resources| doc.get_dict_in_dict(resources, b"XObject"))
        .map(|xobjects| {
            xobjects
                .iter()
                .filter_map(|(_, o)| o.as_reference().ok())
                .collect()
        })
        .unwrap_or_default()
}
