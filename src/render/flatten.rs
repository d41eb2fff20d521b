//! PDF/X-1a and X-3 allow no transparency. A photo with an alpha channel, or SVG art
//! with opacity, masks, filters or transparent gradients, is flattened before export:
//! replaced by an opaque image of what the page shows in its place (everything
//! painted before it, and the image itself), rendered at [`FLATTEN_PPI`]. Whatever is
//! painted over it (the name, a caption) stays vector; so does opaque SVG art.

use typst::foundations::{Bytes, Content, Smart};
use typst::layout::{Abs, Frame, FrameItem, GroupItem, Point, Sides, Size, Transform};
use typst::model::Document as _;
use typst::visualize::{Image, ImageKind, PixelEncoding, PixelFormat, RasterImage};
use typst_layout::{Page, PagedDocument};

/// The resolution flattened art is rendered at.
pub(crate) const FLATTEN_PPI: f64 = 300.0;

/// The most images one document may have flattened: each is a render of its own.
const MAX_FLATTENED: usize = 200;

/// Where an image sits in a page's frame tree: item indices from the page down.
type Path = Vec<usize>;

/// A flattened image, as print finishing knows it: the digest of its RGB pixels, and
/// which of them show a photo (the rest show vector art and the page: a brand colour,
/// a grey), so that each is converted to CMYK as what it shows would be and the
/// image meets the art around it.
#[derive(Debug, Clone, PartialEq)]
pub struct FlatArt {
    /// [`crate::digest::sha256_hex`] of the image's RGB pixels, row by row.
    pub digest: String,
    /// Per pixel, whether it shows a photo; empty when none does (SVG art).
    pub photo: Vec<bool>,
}

/// A document with its transparent images flattened.
pub(crate) struct Flattening {
    /// The document.
    pub document: PagedDocument,
    /// A note for each flattened image, for the report.
    pub notes: Vec<String>,
    /// Each flattened image, for print finishing.
    pub art: Vec<FlatArt>,
}

/// `document` with every transparent image flattened; `None` when none is
/// transparent. Fails for a transparent image that is turned or mirrored.
pub(crate) fn flattened(document: &PagedDocument) -> Result<Option<Flattening>, String> {
    let (mut notes, mut art) = (Vec::new(), Vec::new());
    let mut pages = Vec::with_capacity(document.pages().len());
    for page in document.pages() {
        let mut page = page.clone();
        while let Some(found) = first_transparent(&page.frame, Transform::identity(), &mut vec![]) {
            if art.len() >= MAX_FLATTENED {
                return Err(format!(
                    "more than {MAX_FLATTENED} transparent images to flatten: use opaque art for PDF/X-1a and X-3"
                ));
            }
            let (image, flat, note) = flat_image(&page, &found)?;
            notes.extend(spots_behind(&page, &found).into_iter().map(|spot| {
                format!(
                    "the spot colour {spot} behind the flattened {} prints in its CMYK there",
                    found.what
                )
            }));
            replace_image(&mut page.frame, &found.path, image);
            notes.push(note);
            art.push(flat);
        }
        pages.push(page);
    }
    if notes.is_empty() {
        return Ok(None);
    }
    let info = document.info().clone();
    let document = PagedDocument::new(pages.into(), info);
    Ok(Some(Flattening {
        document,
        notes,
        art,
    }))
}

/// A transparent image: where it is, how the page places it, its size and what it is.
struct Found {
    path: Path,
    transform: Transform,
    size: Size,
    what: &'static str,
    /// Whether it is a photo (a raster image), not SVG art.
    photo: bool,
}

/// The first transparent image in paint order, under `transform` (page coordinates).
fn first_transparent(frame: &Frame, transform: Transform, path: &mut Path) -> Option<Found> {
    for (index, (pos, item)) in frame.items().enumerate() {
        path.push(index);
        let at = transform.pre_concat(Transform::translate(pos.x, pos.y));
        let found = match item {
            FrameItem::Group(group) => {
                first_transparent(&group.frame, at.pre_concat(group.transform), path)
            }
            FrameItem::Image(image, size, _) => transparency(image).map(|what| Found {
                path: path.clone(),
                transform: at,
                size: *size,
                what,
                photo: matches!(image.kind(), ImageKind::Raster(_)),
            }),
            _ => None,
        };
        if found.is_some() {
            return found;
        }
        path.pop();
    }
    None
}

/// What makes `image` transparent, if anything: an alpha channel, or SVG transparency.
fn transparency(image: &Image) -> Option<&'static str> {
    match image.kind() {
        ImageKind::Raster(raster) if raster.dynamic().color().has_alpha() => {
            Some("photo with transparency")
        }
        ImageKind::Svg(svg) if svg_is_transparent(svg.tree()) => Some("SVG art with transparency"),
        _ => None,
    }
}

/// Whether an SVG uses masks, filters, opacity, blend modes, transparent gradient stops
/// or embedded images that may carry alpha.
fn svg_is_transparent(tree: &usvg::Tree) -> bool {
    let stops = |stops: &[usvg::Stop]| stops.iter().any(|s| s.opacity().get() < 1.0);
    !tree.masks().is_empty()
        || !tree.filters().is_empty()
        || tree.linear_gradients().iter().any(|g| stops(g.stops()))
        || tree.radial_gradients().iter().any(|g| stops(g.stops()))
        || tree
            .patterns()
            .iter()
            .any(|p| group_is_transparent(p.root()))
        || group_is_transparent(tree.root())
}

/// Whether an SVG group or anything in it is transparent.
fn group_is_transparent(group: &usvg::Group) -> bool {
    let own = group.opacity().get() < 1.0
        || group.mask().is_some()
        || !group.filters().is_empty()
        || group.blend_mode() != usvg::BlendMode::Normal;
    own || group.children().iter().any(node_is_transparent)
}

/// Whether an SVG node is transparent: a path's paint, an embedded image, text.
fn node_is_transparent(node: &usvg::Node) -> bool {
    match node {
        usvg::Node::Group(group) => group_is_transparent(group),
        usvg::Node::Path(path) => {
            path.fill().is_some_and(|f| f.opacity().get() < 1.0)
                || path.stroke().is_some_and(|s| s.opacity().get() < 1.0)
        }
        usvg::Node::Image(image) => match image.kind() {
            usvg::ImageKind::JPEG(_) => false,
            usvg::ImageKind::SVG(tree) => svg_is_transparent(tree),
            _ => true,
        },
        usvg::Node::Text(text) => group_is_transparent(text.flattened()),
    }
}

/// The opaque image that replaces `found`, what print finishing needs to know of it,
/// and a note saying so.
fn flat_image(page: &Page, found: &Found) -> Result<(Image, FlatArt, String), String> {
    let ((width, height), rgb) = shown_within(page, found, true)?;
    let photo = match found.photo {
        true => {
            let (_, behind) = shown_within(page, found, false)?;
            let pixels = rgb.chunks_exact(3).zip(behind.chunks_exact(3));
            pixels.map(|(shown, behind)| shown != behind).collect()
        }
        false => vec![],
    };
    let digest = crate::digest::sha256_hex(&rgb);
    let format = PixelFormat {
        encoding: PixelEncoding::Rgb8,
        width,
        height,
    };
    let raster = RasterImage::plain(Bytes::new(rgb), format).map_err(|e| e.to_string())?;
    let note = format!(
        "the {} was flattened to a {width} × {height} px image ({FLATTEN_PPI:.0} ppi): PDF/X-1a and X-3 allow no transparency",
        found.what
    );
    let image = Image::new(raster, None, Smart::Auto);
    Ok((image, FlatArt { digest, photo }, note))
}

/// What the page shows within `found`'s box (the page up to and including it, over
/// the page's fill: paper white), rendered at [`FLATTEN_PPI`] as RGB pixels.
/// With `itself` false, what lies behind it.
fn shown_within(page: &Page, found: &Found, itself: bool) -> Result<((u32, u32), Vec<u8>), String> {
    let ts = found.transform;
    if ts.kx.get() != 0.0 || ts.ky.get() != 0.0 || ts.sx.get() <= 0.0 || ts.sy.get() <= 0.0 {
        return Err(format!(
            "a {} is turned or mirrored on the page: it cannot be flattened for a standard without transparency",
            found.what
        ));
    }
    let size = Size::new(found.size.x * ts.sx.get(), found.size.y * ts.sy.get());
    let mut shown = GroupItem::new(painted_through(&page.frame, &found.path, itself));
    shown.transform = Transform::translate(-ts.tx, -ts.ty);
    let mut frame = Frame::hard(size);
    frame.push(Point::zero(), FrameItem::Group(shown));
    let region = Page {
        frame,
        bleed: Sides::splat(Abs::zero()),
        fill: page.fill.clone(),
        numbering: None,
        supplement: Content::empty(),
        number: 1,
    };
    let options = typst_render::RenderOptions {
        pixel_per_pt: typst::utils::Scalar::new(FLATTEN_PPI / 72.0),
        render_bleed: false,
    };
    let pixmap = typst_render::render(&region, &options);
    // Premultiplied pixels over paper white (opaque already unless the page's fill is none).
    let rgb = super::images::rgb_over_white(&pixmap);
    Ok((
        (pixmap.width(), pixmap.height()),
        rgb.as_flattened().to_vec(),
    ))
}

/// The spot colours of the shapes painted before `found` that reach into its box: in
/// the flattened image they are their CMYK alternates.
fn spots_behind(page: &Page, found: &Found) -> Vec<String> {
    let ts = found.transform;
    let (x0, y0) = (ts.tx.to_pt(), ts.ty.to_pt());
    let (x1, y1) = (
        x0 + found.size.x.to_pt() * ts.sx.get(),
        y0 + found.size.y.to_pt() * ts.sy.get(),
    );
    let behind = painted_through(&page.frame, &found.path, false);
    let mut spots = Vec::new();
    let mut visit = |shape: &typst::visualize::Shape, at: Transform| {
        let Some(typst::visualize::Paint::Solid(typst::visualize::Color::Spot(spot))) = &shape.fill
        else {
            return;
        };
        let bbox = shape.bbox(false);
        let (sx, sy) = (at.sx.get(), at.sy.get());
        let (left, top) = (
            at.tx.to_pt() + bbox.min.x.to_pt() * sx,
            at.ty.to_pt() + bbox.min.y.to_pt() * sy,
        );
        let (right, bottom) = (
            at.tx.to_pt() + bbox.max.x.to_pt() * sx,
            at.ty.to_pt() + bbox.max.y.to_pt() * sy,
        );
        let overlaps = left.min(right) < x1
            && left.max(right) > x0
            && top.min(bottom) < y1
            && top.max(bottom) > y0;
        if let (true, Some(typst::visualize::SpotColorantName::Custom(name))) =
            (overlaps, &spot.colorant.name)
        {
            spots.push(name.to_string());
        }
    };
    each_shape(&behind, Transform::identity(), &mut visit);
    spots.sort();
    spots.dedup();
    spots
}

/// Calls `visit` with every shape in `frame` and how the page places it (translation
/// and scale; art under a turned group is not flattened).
fn each_shape(
    frame: &Frame,
    ts: Transform,
    visit: &mut dyn FnMut(&typst::visualize::Shape, Transform),
) {
    for (pos, item) in frame.items() {
        let at = ts.pre_concat(Transform::translate(pos.x, pos.y));
        match item {
            FrameItem::Group(group) => {
                each_shape(&group.frame, at.pre_concat(group.transform), visit)
            }
            FrameItem::Shape(shape, _) => visit(shape, at),
            _ => {}
        }
    }
}

/// A copy of `frame` with only what is painted before the item at `path`, and the
/// item too when `itself`.
fn painted_through(frame: &Frame, path: &[usize], itself: bool) -> Frame {
    let mut kept = Frame::new(frame.size(), frame.kind());
    let Some((&last, rest)) = path.split_first() else {
        return kept;
    };
    for (index, (pos, item)) in frame.items().enumerate().take(last + 1) {
        let item = match item {
            FrameItem::Group(group) if index == last => {
                let mut group = group.clone();
                group.frame = painted_through(&group.frame, rest, itself);
                FrameItem::Group(group)
            }
            _ if index == last && !itself => break,
            _ => item.clone(),
        };
        kept.push(*pos, item);
    }
    kept
}

/// Puts `image` in place of the image at `path`, keeping its size and span.
fn replace_image(frame: &mut Frame, path: &[usize], image: Image) {
    let Some((&target, rest)) = path.split_first() else {
        return;
    };
    let mut index = 0;
    let mut image = Some(image);
    frame.retain(|item| {
        if index == target {
            match item {
                FrameItem::Group(group) => {
                    replace_image(&mut group.frame, rest, image.take().expect("one image"))
                }
                FrameItem::Image(old, ..) => *old = image.take().expect("one image"),
                _ => {}
            }
        }
        index += 1;
        true
    });
}

#[cfg(test)]
mod tests {
    use super::*;
    use typst::layout::{Abs, Ratio};
    use typst::syntax::Span;
    use typst::visualize::{Color, Geometry};

    /// A page of 100 × 100 pt: a red square under the left half, then (in a group
    /// moved by 20 pt and scaled 2×) a 20 × 20 pt image, half transparent on its left,
    /// opaque blue on its right, then a black square over everything.
    fn page() -> Page {
        let pt = Abs::pt;
        let pixels: Vec<u8> = (0..4 * 4)
            .flat_map(|i| {
                if i % 4 < 2 {
                    [0, 0, 0, 0]
                } else {
                    [0, 0, 255, 255]
                }
            })
            .collect();
        let format = PixelFormat {
            encoding: PixelEncoding::Rgba8,
            width: 4,
            height: 4,
        };
        let raster = RasterImage::new(Bytes::new(pixels), format, Smart::Auto).unwrap();
        let image = Image::new(raster, None, Smart::Auto);
        let mut inner = Frame::soft(Size::new(pt(20.0), pt(20.0)));
        inner.push(
            Point::zero(),
            FrameItem::Image(image, Size::splat(pt(20.0)), Span::detached()),
        );
        let mut group = GroupItem::new(inner);
        group.transform = Transform::scale(Ratio::new(2.0), Ratio::new(2.0));
        let square = |colour: Color, side: f64| {
            let shape = Geometry::Rect(Size::splat(pt(side))).filled(colour);
            FrameItem::Shape(shape, Span::detached())
        };
        let mut frame = Frame::hard(Size::splat(pt(100.0)));
        frame.push(Point::zero(), square(Color::from_u8(255, 0, 0, 255), 50.0));
        frame.push(Point::splat(pt(20.0)), FrameItem::Group(group));
        frame.push(Point::splat(pt(90.0)), square(Color::BLACK, 10.0));
        Page {
            frame,
            bleed: Sides::splat(Abs::zero()),
            fill: Smart::Auto,
            numbering: None,
            supplement: Content::empty(),
            number: 1,
        }
    }

    #[test]
    fn a_transparent_image_becomes_what_the_page_shows_in_its_place() {
        let document = PagedDocument::new([page()].into_iter().collect(), Default::default());
        let flat = flattened(&document)
            .unwrap()
            .expect("one image is transparent");
        assert_eq!(flat.notes.len(), 1);
        assert!(
            flat.notes[0].contains("photo with transparency"),
            "{}",
            flat.notes[0]
        );
        // Its place: 20 pt from the corner, 40 pt wide, so 167 px at 300 ppi.
        let frame = &flat.document.pages()[0].frame;
        let FrameItem::Group(group) = &frame.items().nth(1).unwrap().1 else {
            panic!("the group stays");
        };
        let (_, FrameItem::Image(image, size, _)) = group.frame.items().next().unwrap() else {
            panic!("an image stays in the group");
        };
        assert_eq!(
            *size,
            Size::splat(Abs::pt(20.0)),
            "the same size in the group"
        );
        let ImageKind::Raster(raster) = image.kind() else {
            panic!("a raster")
        };
        assert!(!raster.dynamic().color().has_alpha());
        assert_eq!((raster.width(), raster.height()), (167, 167));
        let pixel = |x, y| raster.dynamic().to_rgb8().get_pixel(x, y).0;
        // Left: red (under the square) and white paper through the transparent half;
        // right: the image's own blue. The black square painted later is not in it.
        assert_eq!(pixel(10, 10), [255, 0, 0]);
        assert_eq!(pixel(10, 150), [255, 255, 255]);
        assert_eq!(pixel(150, 10), [0, 0, 255]);
        assert_eq!(pixel(160, 160), [0, 0, 255]);
        // Print finishing knows the right half as photo, the left as what lay behind.
        let art = &flat.art[0];
        assert_eq!(art.photo.len(), 167 * 167);
        assert!(art.photo[10 * 167 + 150] && !art.photo[10 * 167 + 10]);
        assert!(
            flattened(&flat.document).unwrap().is_none(),
            "nothing is left to flatten"
        );
    }

    #[test]
    fn a_spot_colour_behind_flattened_art_is_named() {
        use std::sync::Arc;
        use typst::visualize::{Cmyk, ProcessColor, SpotColor, SpotColorant, SpotColorantName};
        let mut page = page();
        let colorant = SpotColorant {
            name: Some(SpotColorantName::Custom("PANTONE 485 C".into())),
            fallback: ProcessColor::Cmyk(Cmyk {
                c: 0.0,
                m: 1.0,
                y: 1.0,
                k: 0.0,
            }),
        };
        let spot = Color::Spot(SpotColor::new(Arc::new(colorant), Ratio::one()));
        let shape = Geometry::Rect(Size::splat(Abs::pt(30.0))).filled(spot);
        let mut frame = Frame::hard(page.frame.size());
        frame.push(Point::zero(), FrameItem::Shape(shape, Span::detached()));
        page.frame
            .items()
            .for_each(|(pos, item)| frame.push(*pos, item.clone()));
        page.frame = frame;
        let document = PagedDocument::new([page].into_iter().collect(), Default::default());
        let flat = flattened(&document).unwrap().unwrap();
        let notes = flat.notes.join("\n");
        assert!(
            notes.contains("the spot colour PANTONE 485 C behind the flattened photo"),
            "{notes}"
        );
        // Without it, no spot colour is named.
        let plain = PagedDocument::new(
            [super::tests::page()].into_iter().collect(),
            Default::default(),
        );
        assert!(
            !flattened(&plain)
                .unwrap()
                .unwrap()
                .notes
                .join(" ")
                .contains("spot")
        );
    }
}
