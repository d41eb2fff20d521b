//! Thumbnails for the proof page: the first page's trim area, small and fast.
//!
//! A sharp (Lanczos) downscale of a 12-megapixel photo into a thumbnail took longer
//! than laying out, exporting and finishing the whole document, and a nearest-neighbour
//! one turns fine detail (hair, fabric, grain) into speckles. So each big raster image
//! is swapped, before the page is drawn, for a stand-in of exactly the size it is drawn
//! at, each of whose pixels averages a grid of samples over the area it covers.

use typst::foundations::{Bytes, Smart};
use typst::layout::{Frame, FrameItem, Size};
use typst::visualize::{Image, ImageKind, ImageScaling, PixelEncoding, PixelFormat, RasterImage};
use typst_layout::PagedDocument;

use super::images::{ImageCache, x_scale};

/// At most this many samples along each side of the area a stand-in pixel covers.
const SAMPLES: u32 = 4;

/// Stand-ins made recently, kept by the run that draws the thumbnails.
pub(crate) struct StandIns(ImageCache);

impl Default for StandIns {
    fn default() -> Self {
        StandIns(ImageCache::new(16))
    }
}

/// Changes a rendered page's RGB pixels (rows of the given width) before they are
/// written: a soft proof, say.
pub(crate) type Finish<'a> = &'a dyn Fn(&mut [[u8; 3]], usize);

/// A PNG of the first page's trim area at `dpi`, photos drawn through `stand_ins`,
/// its pixels changed by `finish` where given.
pub(crate) fn thumbnail(
    document: &PagedDocument,
    dpi: f64,
    stand_ins: &StandIns,
    finish: Option<Finish>,
) -> Result<Vec<u8>, String> {
    let mut page = document
        .pages()
        .first()
        .ok_or("the document has no pages")?
        .clone();
    let pixel_per_pt = dpi / 72.0;
    swap_images(&mut page.frame, pixel_per_pt, stand_ins);
    let options = typst_render::RenderOptions {
        pixel_per_pt: typst::utils::Scalar::new(pixel_per_pt),
        render_bleed: false,
    };
    let pixmap = typst_render::render(&page, &options);
    let (width, height) = (pixmap.width(), pixmap.height());
    let encoded = match finish {
        None => fast_png(width, height, &pixmap.take_demultiplied(), false),
        Some(finish) => {
            let mut rgb = super::images::rgb_over_white(&pixmap);
            finish(&mut rgb, width as usize);
            fast_png(width, height, rgb.as_flattened(), true)
        }
    };
    encoded.map_err(|e| format!("cannot encode the thumbnail ({e})"))
}

/// Replaces every raster image in `frame` and its groups by a stand-in of the size in
/// pixels it is drawn at; `scale` is pixels per point where `frame` is drawn.
fn swap_images(frame: &mut Frame, scale: f64, stand_ins: &StandIns) {
    frame.retain(|item| {
        match item {
            FrameItem::Group(group) => {
                let inner = scale * x_scale(&group.transform);
                swap_images(&mut group.frame, inner, stand_ins);
            }
            FrameItem::Image(image, size, _) => {
                if let ImageKind::Raster(raster) = image.kind()
                    && let Some(made) = stand_ins.get(image, raster, drawn_px(raster, *size, scale))
                {
                    *image = made;
                }
            }
            _ => {}
        }
        true
    });
}

/// The size in pixels Typst's renderer draws `raster` at when it fills `size` points at
/// `scale` pixels per point (the same rounding as `typst_render`).
fn drawn_px(raster: &RasterImage, size: Size, scale: f64) -> (u32, u32) {
    let aspect = f64::from(raster.width()) / f64::from(raster.height());
    let width = scale * size.x.to_pt().max(aspect * size.y.to_pt());
    let w = width.ceil().max(1.0) as u32;
    (w, (f64::from(w) / aspect).ceil().max(1.0) as u32)
}

impl StandIns {
    /// The stand-in of a raster image at `(w, h)` pixels, from the cache or made now;
    /// `None` when the image is no bigger than that or is rotated by its EXIF data.
    fn get(&self, image: &Image, raster: &RasterImage, (w, h): (u32, u32)) -> Option<Image> {
        self.0.get_or_make(image, (w, h), || {
            let made = shrink(raster, w, h)?;
            let alt = image.alt().map(Into::into);
            Some(Image::new(
                made,
                alt,
                Smart::Custom(ImageScaling::Pixelated),
            ))
        })
    }
}

/// A `w` × `h` copy of `raster`, each pixel the mean of up to [`SAMPLES`]² samples spread
/// over the area it covers; `None` when that is no smaller or the image is rotated by its
/// EXIF data.
fn shrink(raster: &RasterImage, w: u32, h: u32) -> Option<RasterImage> {
    let source = raster.dynamic();
    let rotated = raster.exif_rotation().is_some_and(|r| r > 1);
    if w >= source.width() || h >= source.height() || rotated {
        return None;
    }
    let (encoding, pixels) = area_mean(source, w, h);
    let format = PixelFormat {
        encoding,
        width: w,
        height: h,
    };
    RasterImage::plain(Bytes::new(pixels), format).ok()
}

/// `source` at `w` × `h` pixels (no larger than it), each pixel the mean of up to
/// [`SAMPLES`]² samples spread over the area it covers: RGB for RGB photos, else RGBA.
pub(crate) fn area_mean(source: &image::DynamicImage, w: u32, h: u32) -> (PixelEncoding, Vec<u8>) {
    use image::GenericImageView;
    let grid = Grid::new(source.dimensions(), (w, h));
    match source.as_rgb8() {
        // Photos decode to RGB: read their buffer directly, 3 bytes a pixel.
        Some(rgb) => (PixelEncoding::Rgb8, grid.rgb_means(rgb.as_raw(), (w, h))),
        None => (
            PixelEncoding::Rgba8,
            sample(w, h, |x, y| {
                grid.mean(x, y, |sx, sy| source.get_pixel(sx, sy).0)
            }),
        ),
    }
}

/// Where the samples of each stand-in pixel fall in the source image.
struct Grid {
    /// Source pixels per stand-in pixel, along x and y.
    step: (f64, f64),
    /// Samples per side of a stand-in pixel's area, along x and y.
    count: (u32, u32),
    /// The source's last column and row.
    last: (u32, u32),
}

impl Grid {
    fn new((width, height): (u32, u32), (w, h): (u32, u32)) -> Self {
        let step = (
            f64::from(width) / f64::from(w),
            f64::from(height) / f64::from(h),
        );
        let count = |step: f64| (step.ceil() as u32).clamp(1, SAMPLES);
        Grid {
            step,
            count: (count(step.0), count(step.1)),
            last: (width - 1, height - 1),
        }
    }

    /// The mean of the samples for stand-in pixel `(x, y)`, read with `pixel_at`.
    fn mean<const N: usize>(
        &self,
        x: u32,
        y: u32,
        pixel_at: impl Fn(u32, u32) -> [u8; N],
    ) -> [u8; N] {
        let mut sum = [0u32; N];
        for j in 0..self.count.1 {
            let sy = Self::coordinate(y, j, self.count.1, self.step.1, self.last.1);
            for i in 0..self.count.0 {
                let sx = Self::coordinate(x, i, self.count.0, self.step.0, self.last.0);
                for (total, value) in sum.iter_mut().zip(pixel_at(sx, sy)) {
                    *total += u32::from(value);
                }
            }
        }
        let samples = self.count.0 * self.count.1;
        sum.map(|total| ((total + samples / 2) / samples) as u8)
    }

    /// Every stand-in pixel of a `w` × `h` image from `rgb`, the source's bytes (3 a
    /// pixel, row by row): [`Grid::mean`] with the sample offsets worked out once.
    fn rgb_means(&self, rgb: &[u8], (w, h): (u32, u32)) -> Vec<u8> {
        let ((cx, cy), (sx, sy)) = (self.count, self.step);
        let row_bytes = (self.last.0 as usize + 1) * 3;
        let offsets = |n: u32, count: u32, step: f64, last: u32, unit: usize| -> Vec<usize> {
            let each = |i: u32| {
                (0..count).map(move |k| Self::coordinate(i, k, count, step, last) as usize * unit)
            };
            (0..n).flat_map(each).collect()
        };
        let columns = offsets(w, cx, sx, self.last.0, 3);
        let rows = offsets(h, cy, sy, self.last.1, row_bytes);
        let samples = cx * cy;
        let mut pixels = Vec::with_capacity((w * h) as usize * 3);
        for row in rows.chunks(cy as usize) {
            for column in columns.chunks(cx as usize) {
                let mut sum = [0u32; 3];
                for start in row.iter().flat_map(|r| column.iter().map(move |c| r + c)) {
                    for (total, byte) in sum.iter_mut().zip(&rgb[start..start + 3]) {
                        *total += u32::from(*byte);
                    }
                }
                pixels.extend(sum.map(|total| ((total + samples / 2) / samples) as u8));
            }
        }
        pixels
    }

    /// The source coordinate of sample `k` of `n` in stand-in pixel `i`.
    fn coordinate(i: u32, k: u32, n: u32, step: f64, last: u32) -> u32 {
        let offset = (f64::from(k) + 0.5) / f64::from(n);
        (((f64::from(i) + offset) * step) as u32).min(last)
    }
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
fn fast_png(
    width: u32,
    height: u32,
    pixels: &[u8],
    rgb: bool,
) -> Result<Vec<u8>, image::ImageError> {
    use image::ImageEncoder;
    use image::codecs::png::{CompressionType, FilterType, PngEncoder};
    let mut png = Vec::new();
    let encoder = PngEncoder::new_with_quality(&mut png, CompressionType::Fast, FilterType::Sub);
    let colour = match rgb {
        true => image::ExtendedColorType::Rgb8,
        false => image::ExtendedColorType::Rgba8,
    };
    encoder.write_image(pixels, width, height, colour)?;
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
    fn big_images_get_a_stand_in_of_the_drawn_size_and_small_ones_stay() {
        let small = shrink(&raw(2000, 1000), 100, 50).expect("a stand-in");
        assert_eq!((small.width(), small.height()), (100, 50));
        assert!(shrink(&raw(300, 200), 300, 200).is_none());
        assert!(shrink(&raw(300, 200), 450, 300).is_none());
    }

    #[test]
    fn the_drawn_size_follows_typst_renders_rounding() {
        let size = Size::new(typst::layout::Abs::pt(100.0), typst::layout::Abs::pt(50.0));
        assert_eq!(drawn_px(&raw(2000, 1000), size, 2.0), (200, 100));
        // A box wider than the image's aspect: the width decides, the height rounds up.
        let size = Size::new(typst::layout::Abs::pt(90.0), typst::layout::Abs::pt(10.0));
        assert_eq!(drawn_px(&raw(300, 200), size, 1.0), (90, 60));
    }

    #[test]
    fn each_stand_in_pixel_averages_the_area_it_covers() {
        // Two-pixel black and white squares: nearest neighbour would give black or
        // white pixels, the mean of each area is mid-grey.
        let (width, height) = (800u32, 800u32);
        let pixels: Vec<u8> = (0..width * height)
            .flat_map(|i| {
                let (x, y) = (i % width / 2, i / width / 2);
                [if (x + y) % 2 == 0 { 0 } else { 255 }; 3]
            })
            .collect();
        let format = PixelFormat {
            encoding: PixelEncoding::Rgb8,
            width,
            height,
        };
        let source = RasterImage::plain(Bytes::new(pixels), format).unwrap();
        let small = shrink(&source, 100, 100).expect("a stand-in");
        for (x, y) in [(0, 0), (37, 81), (99, 99)] {
            let [r, g, b] = small.dynamic().get_pixel_rgb(x, y);
            assert!(
                (120..=136).contains(&r) && r == g && g == b,
                "{r} at ({x}, {y})"
            );
        }
    }

    #[test]
    fn grey_images_are_averaged_too() {
        let grey: Vec<u8> = (0..1000u32 * 800).map(|i| (i % 2) as u8 * 200).collect();
        let format = PixelFormat {
            encoding: PixelEncoding::Luma8,
            width: 1000,
            height: 800,
        };
        let source = RasterImage::plain(Bytes::new(grey), format).unwrap();
        let small = shrink(&source, 250, 200).expect("a stand-in");
        assert_eq!((small.width(), small.height()), (250, 200));
        // Columns alternate 0 and 200; four samples across each stand-in pixel hit both.
        assert_eq!(small.dynamic().get_pixel_rgb(3, 5), [100, 100, 100]);
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
