//! Photos placed far above the resolution a press resolves are resampled before the
//! PDF is written, where the project asks for it (`[print] max_ppi`): a 12-megapixel
//! photo on a mousepad is 900 ppi, three times what the press prints, and only weight
//! to store, send and convert. Above the limit at its printed size a photo is brought
//! to [`TO_PPI`]; below, it is kept as it is (a JPEG byte for byte).

use typst::ecow::EcoVec;
use typst::foundations::{Bytes, Smart};
use typst::layout::{Frame, FrameItem, Size};
use typst::model::Document as _;
use typst::visualize::{
    ExchangeFormat, Image, ImageKind, PixelEncoding, PixelFormat, RasterFormat, RasterImage,
};
use typst_layout::{Page, PagedDocument};

use super::images::{ImageCache, x_scale};

/// The resolution a resampled photo gets: what a press resolves at reading distance.
pub(crate) const TO_PPI: f64 = 300.0;

/// The JPEG quality of a resampled JPEG photo.
const JPEG_QUALITY: u8 = 92;

/// One photo resampled: its pixels before and after, and its resolution before, as
/// report.json lists it.
#[derive(Debug, Clone, Copy, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Resampled {
    /// Width and height in pixels, as given.
    pub(crate) from: (u32, u32),
    /// Width and height in pixels, as written.
    pub(crate) to: (u32, u32),
    /// The effective resolution it was printed at, in ppi.
    pub(crate) from_ppi: f64,
}

/// Photos resampled for recent documents, kept by the run: a persona's print formats
/// often print its photo at the same size, and each worker works a persona at a time.
pub(crate) struct Resamples(ImageCache);

impl Default for Resamples {
    fn default() -> Self {
        Resamples(ImageCache::new(8))
    }
}

/// `document` with every raster photo printed above `above` ppi brought to
/// [`TO_PPI`], and what was resampled; `None` when no photo is above it.
pub(crate) fn right_sized(
    document: &PagedDocument,
    above: f64,
    cache: &Resamples,
) -> Option<(PagedDocument, Vec<Resampled>)> {
    let mut job = Resampling {
        above,
        cache,
        done: Vec::new(),
    };
    let pages: EcoVec<Page> = document
        .pages()
        .iter()
        .map(|page| {
            let mut page = page.clone();
            job.resample_in(&mut page.frame, 1.0);
            page
        })
        .collect();
    if job.done.is_empty() {
        return None;
    }
    Some((PagedDocument::new(pages, document.info().clone()), job.done))
}

/// One document's resampling: the limit, the run's cache, what was done.
struct Resampling<'a> {
    above: f64,
    cache: &'a Resamples,
    done: Vec<Resampled>,
}

impl Resampling<'_> {
    /// Resamples the images of `frame` and its groups; `scale` is how much larger than
    /// its own units the frame is printed.
    fn resample_in(&mut self, frame: &mut Frame, scale: f64) {
        frame.retain(|item| {
            match item {
                FrameItem::Group(group) => {
                    let inner = scale * x_scale(&group.transform);
                    self.resample_in(&mut group.frame, inner);
                }
                FrameItem::Image(image, size, _) => {
                    if let Some((made, what)) = self.resampled(image, *size, scale) {
                        *image = made;
                        self.done.push(what);
                    }
                }
                _ => {}
            }
            true
        });
    }

    /// The image at [`TO_PPI`] when `image`, drawn at `size` times `scale`, is printed
    /// above the limit; `None` otherwise, or for an image turned by its EXIF data.
    fn resampled(&self, image: &Image, size: Size, scale: f64) -> Option<(Image, Resampled)> {
        let ImageKind::Raster(raster) = image.kind() else {
            return None;
        };
        let from = (raster.width(), raster.height());
        let inches = (size.x.to_inches() * scale, size.y.to_inches() * scale);
        let ppi = (f64::from(from.0) / inches.0).min(f64::from(from.1) / inches.1);
        let turned = raster.exif_rotation().is_some_and(|r| r > 1);
        if !ppi.is_finite() || ppi <= self.above || turned {
            return None;
        }
        let factor = TO_PPI / ppi;
        let side = |n: u32| ((f64::from(n) * factor).round() as u32).max(1);
        let to = (side(from.0), side(from.1));
        let made = self.cache.0.get_or_make(image, to, || {
            let smaller = smaller_raster(raster, to)?;
            Some(Image::new(
                smaller,
                image.alt().map(Into::into),
                image.scaling(),
            ))
        })?;
        let from_ppi = (ppi * 10.0).round() / 10.0;
        Some((made, Resampled { from, to, from_ppi }))
    }
}

/// `raster` at `(w, h)` pixels, its ICC profile kept: a JPEG stays a JPEG (quality
/// [`JPEG_QUALITY`]), anything else becomes plain pixels that the PDF compresses.
fn smaller_raster(raster: &RasterImage, (w, h): (u32, u32)) -> Option<RasterImage> {
    let (encoding, pixels) = super::thumbnail::area_mean(raster.dynamic(), w, h);
    let icc = raster.icc().cloned().map_or(Smart::Auto, Smart::Custom);
    let jpeg = raster.format() == RasterFormat::Exchange(ExchangeFormat::Jpg);
    if jpeg && encoding == PixelEncoding::Rgb8 {
        let bytes = jpeg_of(&pixels, (w, h), raster.icc())?;
        return RasterImage::new(Bytes::new(bytes), ExchangeFormat::Jpg, icc).ok();
    }
    let format = PixelFormat {
        encoding,
        width: w,
        height: h,
    };
    RasterImage::new(Bytes::new(pixels), format, icc).ok()
}

/// RGB pixels as a JPEG with `icc` embedded.
fn jpeg_of(rgb: &[u8], (w, h): (u32, u32), icc: Option<&Bytes>) -> Option<Vec<u8>> {
    let (w, h) = (u16::try_from(w).ok()?, u16::try_from(h).ok()?);
    let mut out = Vec::new();
    let mut encoder = jpeg_encoder::Encoder::new(&mut out, JPEG_QUALITY);
    if let Some(icc) = icc {
        encoder.add_icc_profile(icc.as_slice()).ok()?;
    }
    encoder
        .encode(rgb, w, h, jpeg_encoder::ColorType::Rgb)
        .ok()?;
    Some(out)
}
