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

/// The description of the sRGB profile a flattened image is tagged with, by which
/// print finishing knows it: its pixels are the page's vector colours (a brand colour,
/// a grey), converted to CMYK as those are, so that it meets the art around it.
pub(crate) const FLAT_ART: &str = "personapress flattened art (sRGB)";

/// An ICC v2 sRGB profile (PDF 1.4 reads no later ones) described as [`FLAT_ART`].
fn flat_art_profile() -> Result<Bytes, String> {
    let mut profile = lcms2::Profile::new_srgb();
    profile.set_version(2.1);
    let mut description = lcms2::MLU::new(1);
    description.set_text_ascii(FLAT_ART, lcms2::Locale::none());
    let tag = lcms2::Tag::MLU(&description);
    profile.write_tag(lcms2::TagSignature::ProfileDescriptionTag, tag);
    let bytes = profile
        .icc()
        .map_err(|e| format!("no sRGB profile for flattened art ({e})"))?;
    Ok(Bytes::new(bytes))
}

/// Where an image sits in a page's frame tree: item indices from the page down.
type Path = Vec<usize>;

/// `document` with every transparent image flattened, and a note for each
/// ("the SVG art flattened to a 1417 × 1890 px image"); `None` when none is
/// transparent. Fails for a transparent image that is turned or mirrored.
pub(crate) fn flattened(
    document: &PagedDocument,
) -> Result<Option<(PagedDocument, Vec<String>)>, String> {
    let mut notes = Vec::new();
    let mut pages = Vec::with_capacity(document.pages().len());
    let mut profile = None;
    for page in document.pages() {
        let mut page = page.clone();
        while let Some(found) = first_transparent(&page.frame, Transform::identity(), &mut vec![]) {
            if profile.is_none() {
                profile = Some(flat_art_profile()?);
            }
            let icc = profile.clone().expect("made above");
            let (image, note) = flat_image(&page, &found, icc)?;
            replace_image(&mut page.frame, &found.path, image);
            notes.push(note);
        }
        pages.push(page);
    }
    if notes.is_empty() {
        return Ok(None);
    }
    let info = document.info().clone();
    Ok(Some((PagedDocument::new(pages.into(), info), notes)))
}

/// A transparent image: where it is, how the page places it, its size and what it is.
struct Found {
    path: Path,
    transform: Transform,
    size: Size,
    what: &'static str,
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

fn group_is_transparent(group: &usvg::Group) -> bool {
    let own = group.opacity().get() < 1.0
        || group.mask().is_some()
        || !group.filters().is_empty()
        || group.blend_mode() != usvg::BlendMode::Normal;
    own || group.children().iter().any(node_is_transparent)
}

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

/// The opaque image that replaces `found`, tagged with `icc`, and a note saying so.
fn flat_image(page: &Page, found: &Found, icc: Bytes) -> Result<(Image, String), String> {
    let ((width, height), rgb) = shown_within(page, found)?;
    let format = PixelFormat {
        encoding: PixelEncoding::Rgb8,
        width,
        height,
    };
    let raster =
        RasterImage::new(Bytes::new(rgb), format, Smart::Custom(icc)).map_err(|e| e.to_string())?;
    let note = format!(
        "the {} was flattened to a {width} × {height} px image ({FLATTEN_PPI:.0} ppi): PDF/X-1a and X-3 allow no transparency",
        found.what
    );
    Ok((Image::new(raster, None, Smart::Auto), note))
}

/// What the page shows within `found`'s box (the page up to and including it, over
/// the page's fill: paper white), rendered at [`FLATTEN_PPI`] as RGB pixels.
fn shown_within(page: &Page, found: &Found) -> Result<((u32, u32), Vec<u8>), String> {
    let ts = found.transform;
    if ts.kx.get() != 0.0 || ts.ky.get() != 0.0 || ts.sx.get() <= 0.0 || ts.sy.get() <= 0.0 {
        return Err(format!(
            "a {} is turned or mirrored on the page: it cannot be flattened for a standard without transparency",
            found.what
        ));
    }
    let size = Size::new(found.size.x * ts.sx.get(), found.size.y * ts.sy.get());
    let mut shown = GroupItem::new(painted_through(&page.frame, &found.path));
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
    let rgb = pixmap
        .data()
        .chunks_exact(4)
        .flat_map(|p| [p[0], p[1], p[2]]);
    Ok(((pixmap.width(), pixmap.height()), rgb.collect()))
}

/// A copy of `frame` with only what is painted up to and including the item at `path`.
fn painted_through(frame: &Frame, path: &[usize]) -> Frame {
    let mut kept = Frame::hard(frame.size());
    let Some((&last, rest)) = path.split_first() else {
        return kept;
    };
    for (index, (pos, item)) in frame.items().enumerate().take(last + 1) {
        let item = match item {
            FrameItem::Group(group) if index == last => {
                let mut group = group.clone();
                group.frame = painted_through(&group.frame, rest);
                FrameItem::Group(group)
            }
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
