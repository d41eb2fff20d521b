//! Thumbnails for the proof page: the first page's trim area, small and fast.
//!
//! A sharp (Lanczos) downscale of a 12-megapixel photo into a thumbnail took longer
//! than laying out, exporting and finishing the whole document. So big raster images
//! are swapped for a small stand-in, sampled once per photo and scaled by nearest
//! neighbour, before the page is drawn.

use std::sync::Mutex;

use typst::foundations::{Bytes, Smart};
use typst::layout::{Frame, FrameItem};
use typst::visualize::{Image, ImageKind, ImageScaling, PixelEncoding, PixelFormat, RasterImage};
use typst_layout::PagedDocument;

/// The longest side of a stand-in image: sharp enough for a 240-pixel thumbnail.
const STAND_IN_PX: u32 = 480;

/// Stand-ins made recently, by the hash of the image they stand for. A batch works a
/// persona at a time, so a few entries are enough.
static STAND_INS: Mutex<Vec<(u128, Image)>> = Mutex::new(Vec::new());

/// A PNG of the first page's trim area at `dpi`.
pub fn thumbnail(document: &PagedDocument, dpi: f64) -> Result<Vec<u8>, String> {
    let mut page = document
        .pages()
        .first()
        .ok_or("the document has no pages")?
        .clone();
    swap_images(&mut page.frame);
    let options = typst_render::RenderOptions {
        pixel_per_pt: typst::utils::Scalar::new(dpi / 72.0),
        render_bleed: false,
    };
    let pixmap = typst_render::render(&page, &options);
    fast_png(pixmap.width(), pixmap.height(), &pixmap.take_demultiplied())
        .map_err(|e| format!("cannot encode the thumbnail ({e})"))
}

/// Replaces every raster image in `frame` and its groups by its small stand-in.
fn swap_images(frame: &mut Frame) {
    frame.retain(|item| {
        match item {
            FrameItem::Group(group) => swap_images(&mut group.frame),
            FrameItem::Image(image, _, _) => {
                if let ImageKind::Raster(raster) = image.kind() {
                    *image = stand_in(image, raster);
                }
            }
            _ => {}
        }
        true
    });
}

/// The stand-in of a raster image, from the cache or made now.
fn stand_in(image: &Image, raster: &RasterImage) -> Image {
    let key = typst::utils::hash128(image);
    let mut cache = STAND_INS.lock().unwrap_or_else(|e| e.into_inner());
    if let Some((_, found)) = cache.iter().find(|(k, _)| *k == key) {
        return found.clone();
    }
    let made = shrink(raster).unwrap_or_else(|| raster.clone());
    let alt = image.alt().map(Into::into);
    let made = Image::new(made, alt, Smart::Custom(ImageScaling::Pixelated));
    if cache.len() >= 8 {
        cache.remove(0);
    }
    cache.push((key, made.clone()));
    made
}

/// A copy at most [`STAND_IN_PX`] on its longest side, sampled by nearest neighbour;
/// `None` when the image is small already or is rotated by its EXIF data.
fn shrink(raster: &RasterImage) -> Option<RasterImage> {
    use image::GenericImageView;
    let source = raster.dynamic();
    let (width, height) = source.dimensions();
    let scale = f64::from(STAND_IN_PX) / f64::from(width.max(height));
    let rotated = raster.exif_rotation().is_some_and(|r| r > 1);
    if scale >= 1.0 || rotated {
        return None;
    }
    let size = |side: u32| ((f64::from(side) * scale).round() as u32).max(1);
    let (w, h) = (size(width), size(height));
    let nearest = |i: u32, side: u32| (((f64::from(i) + 0.5) / scale) as u32).min(side - 1);
    let (encoding, pixels) = match source.as_rgb8() {
        // Photos decode to RGB: read their buffer directly, 3 bytes a pixel.
        Some(rgb) => (
            PixelEncoding::Rgb8,
            sample(w, h, |x, y| {
                rgb.get_pixel(nearest(x, width), nearest(y, height)).0
            }),
        ),
        None => (
            PixelEncoding::Rgba8,
            sample(w, h, |x, y| {
                source.get_pixel(nearest(x, width), nearest(y, height)).0
            }),
        ),
    };
    let format = PixelFormat {
        encoding,
        width: w,
        height: h,
    };
    RasterImage::plain(Bytes::new(pixels), format).ok()
}

/// `w` × `h` pixels of `N` bytes each, row by row, from `pixel_at(x, y)`.
fn sample<const N: usize>(w: u32, h: u32, pixel_at: impl Fn(u32, u32) -> [u8; N]) -> Vec<u8> {
    let mut pixels = Vec::with_capacity((w * h) as usize * N);
    for y in 0..h {
        for x in 0..w {
            pixels.extend_from_slice(&pixel_at(x, y));
        }
    }
    pixels
}

/// RGBA pixels as a PNG compressed for speed, not size: thumbnails are small.
fn fast_png(width: u32, height: u32, rgba: &[u8]) -> Result<Vec<u8>, image::ImageError> {
    use image::ImageEncoder;
    use image::codecs::png::{CompressionType, FilterType, PngEncoder};
    let mut png = Vec::new();
    let encoder = PngEncoder::new_with_quality(&mut png, CompressionType::Fast, FilterType::Sub);
    encoder.write_image(rgba, width, height, image::ExtendedColorType::Rgba8)?;
    Ok(png)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn raw(width: u32, height: u32) -> RasterImage {
        let pixels: Vec<u8> = (0..width * height)
            .flat_map(|i| [(i % 251) as u8, 0, 255])
            .collect();
        let format = PixelFormat {
            encoding: PixelEncoding::Rgb8,
            width,
            height,
        };
        RasterImage::plain(Bytes::new(pixels), format).unwrap()
    }

    #[test]
    fn big_images_get_a_small_stand_in_and_small_ones_stay() {
        let small = shrink(&raw(2000, 1000)).expect("a stand-in");
        assert_eq!((small.width(), small.height()), (480, 240));
        // Nearest neighbour: output pixel (0, 0) samples the source at (2, 2).
        let expected = ((2 * 2000 + 2) % 251) as u8;
        assert_eq!(small.dynamic().get_pixel_rgb(0, 0), [expected, 0, 255]);
        assert!(shrink(&raw(300, 200)).is_none());
    }

    #[test]
    fn grey_images_are_sampled_too() {
        let grey: Vec<u8> = (0..1000u32 * 800).map(|i| (i % 7) as u8 * 30).collect();
        let format = PixelFormat {
            encoding: PixelEncoding::Luma8,
            width: 1000,
            height: 800,
        };
        let source = RasterImage::plain(Bytes::new(grey), format).unwrap();
        let small = shrink(&source).expect("a stand-in");
        assert_eq!((small.width(), small.height()), (480, 384));
        // Output pixel (1, 0) samples the source at (3, 1): index 1003, 1003 % 7 = 2.
        assert_eq!(small.dynamic().get_pixel_rgb(1, 0), [60, 60, 60]);
    }

    trait PixelAt {
        fn get_pixel_rgb(&self, x: u32, y: u32) -> [u8; 3];
    }

    impl PixelAt for image::DynamicImage {
        fn get_pixel_rgb(&self, x: u32, y: u32) -> [u8; 3] {
            use image::GenericImageView;
            let p = self.get_pixel(x, y).0;
            [p[0], p[1], p[2]]
        }
    }
}
