//! Colour management with Little CMS (`[print] colour = "cmyk"`): sRGB vector colours
//! and RGB images converted to the output intent's CMYK, so that a print shop that
//! refuses RGB gets none. Vector colours go relative colorimetric with black-point
//! compensation by default, images perceptual; the total ink of converted images is
//! held to `[print] max_ink`.

use std::sync::Arc;

use lcms2::{Flags, Intent, PixelFormat, Profile, ThreadContext, Transform};

use crate::spec::project::RenderingIntent;

fn lcms_intent(intent: RenderingIntent) -> Intent {
    match intent {
        RenderingIntent::Perceptual => Intent::Perceptual,
        RenderingIntent::Relative => Intent::RelativeColorimetric,
        RenderingIntent::Saturation => Intent::Saturation,
        RenderingIntent::Absolute => Intent::AbsoluteColorimetric,
    }
}

/// How a project wants RGB converted: the intents and the ink limit.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Conversion {
    /// For photos and other images.
    pub images: RenderingIntent,
    /// For text, shapes and gradients.
    pub vectors: RenderingIntent,
    /// The most ink (C + M + Y + K, in percent) a converted image pixel may carry.
    pub max_ink: f64,
}

impl Default for Conversion {
    fn default() -> Self {
        Conversion {
            images: RenderingIntent::Perceptual,
            vectors: RenderingIntent::Relative,
            max_ink: 300.0,
        }
    }
}

/// An image converted to CMYK, encoded as its stream holds it.
#[derive(Debug)]
pub struct CmykImage {
    /// The stream's new content (a CMYK JPEG, or Flate-compressed samples).
    pub bytes: Vec<u8>,
    /// The most ink of a pixel before the ink limit, in percent.
    pub most_ink: f64,
}

/// How many converted images a run keeps for the documents still to come: the
/// workers' current personas' photos.
const RECENT_IMAGES: usize = 8;

type Shared<I, O> = Transform<I, O, ThreadContext, lcms2::DisallowCache>;

/// sRGB to one CMYK output profile, for vector colours and for images; shared by
/// every worker of a run.
pub struct Converter {
    vector: Shared<[u16; 3], [u16; 4]>,
    image: Shared<[u8; 3], [u8; 4]>,
    /// The limit of converted images' total ink, in 255ths of one ink (300 % = 765).
    max_ink: u32,
    /// The output profile and the images' intent, for a photo in a profile of its own.
    output: (Arc<[u8]>, Intent),
    /// The images converted last, by the digest of their source stream: a persona's
    /// photo is converted once for all its print formats.
    recent: std::sync::Mutex<std::collections::VecDeque<(String, Arc<CmykImage>)>>,
    /// Little CMS's context: dropped after the transforms made in it (behind a lock
    /// only to be `Sync`; it is never used again).
    _context: std::sync::Mutex<ThreadContext>,
}

impl std::fmt::Debug for Converter {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Converter")
            .field("max_ink", &self.max_ink)
            .finish()
    }
}

impl Converter {
    /// Transforms from sRGB to the CMYK `profile` (an ICC output profile).
    pub fn new(profile: &[u8], conversion: Conversion) -> Result<Self, String> {
        let context = ThreadContext::new();
        let srgb = Profile::new_srgb_context(&context);
        let cmyk = Profile::new_icc_context(&context, profile)
            .map_err(|e| format!("the output intent's profile cannot be read ({e})"))?;
        let flags = Flags::NO_CACHE | Flags::BLACKPOINT_COMPENSATION;
        let made = |e: lcms2::Error| format!("no sRGB to CMYK conversion with this profile ({e})");
        let vector = Transform::new_flags_context(
            &context,
            &srgb,
            PixelFormat::RGB_16,
            &cmyk,
            PixelFormat::CMYK_16,
            lcms_intent(conversion.vectors),
            flags,
        )
        .map_err(made)?;
        let image = Transform::new_flags_context(
            &context,
            &srgb,
            PixelFormat::RGB_8,
            &cmyk,
            PixelFormat::CMYK_8,
            lcms_intent(conversion.images),
            flags,
        )
        .map_err(made)?;
        let max_ink = (conversion.max_ink.clamp(0.0, 400.0) * 2.55).round() as u32;
        Ok(Converter {
            vector,
            image,
            max_ink,
            output: (profile.into(), lcms_intent(conversion.images)),
            recent: Default::default(),
            _context: std::sync::Mutex::new(context),
        })
    }

    /// The converted image of `key` (a digest of the source), made by `make` unless one
    /// of the last few conversions was of the same image.
    pub fn recent(
        &self,
        key: &str,
        make: impl FnOnce() -> Result<CmykImage, String>,
    ) -> Result<Arc<CmykImage>, String> {
        let recent = || self.recent.lock().unwrap_or_else(|e| e.into_inner());
        if let Some((_, found)) = recent().iter().find(|(k, _)| k == key) {
            return Ok(found.clone());
        }
        let made = Arc::new(make()?);
        let mut recent = recent();
        if recent.len() >= RECENT_IMAGES {
            recent.pop_front();
        }
        recent.push_back((key.to_string(), made.clone()));
        Ok(made)
    }

    /// The ink limit of converted images, in percent.
    pub fn max_ink_percent(&self) -> f64 {
        f64::from(self.max_ink) / 2.55
    }

    /// An sRGB colour (0..1) as CMYK (0..1), rounded to a tenth of a percent.
    pub fn vector(&self, rgb: [f64; 3]) -> [f32; 4] {
        let input = [rgb.map(|v| (v.clamp(0.0, 1.0) * 65535.0).round() as u16)];
        let mut output = [[0u16; 4]];
        self.vector.transform_pixels(&input, &mut output);
        output[0].map(|v| ((f64::from(v) / 65535.0 * 1000.0).round() / 1000.0) as f32)
    }

    /// 16-bit sRGB pixels through the vector transform, as 16-bit CMYK.
    pub fn vector_pixels(&self, rgb: &[[u16; 3]]) -> Vec<[u16; 4]> {
        let mut cmyk = vec![[0u16; 4]; rgb.len()];
        self.vector.transform_pixels(rgb, &mut cmyk);
        cmyk
    }

    /// RGB pixels (8 bits a channel) as CMYK pixels, each held to the ink limit;
    /// returns them and the most ink any pixel would have carried, in percent.
    pub fn image(&self, rgb: &[u8]) -> (Vec<u8>, f64) {
        let pixels: Vec<[u8; 3]> = rgb.chunks_exact(3).map(|p| [p[0], p[1], p[2]]).collect();
        let mut cmyk = vec![[0u8; 4]; pixels.len()];
        self.image.transform_pixels(&pixels, &mut cmyk);
        self.limited(cmyk)
    }

    /// RGB pixels in the ICC profile `source` (a photo's own: Adobe RGB, Display P3) as
    /// CMYK pixels, as [`Converter::image`] does for sRGB; `None` when `source` is not
    /// an RGB profile Little CMS can read, or is sRGB (then use [`Converter::image`]).
    pub fn image_from(&self, source: &[u8], rgb: &[u8]) -> Option<(Vec<u8>, f64)> {
        let transform = own_profile_transform(source, &self.output)?;
        let pixels: Vec<[u8; 3]> = rgb.chunks_exact(3).map(|p| [p[0], p[1], p[2]]).collect();
        let mut cmyk = vec![[0u8; 4]; pixels.len()];
        transform.transform_pixels(&pixels, &mut cmyk);
        Some(self.limited(cmyk))
    }

    /// CMYK pixels held to the ink limit, flattened, with the most ink before it.
    fn limited(&self, mut cmyk: Vec<[u8; 4]>) -> (Vec<u8>, f64) {
        let mut most = 0;
        for pixel in &mut cmyk {
            most = most.max(limit_ink(pixel, self.max_ink));
        }
        (cmyk.concat(), f64::from(most) / 2.55)
    }
}

/// A transform from the RGB profile `source` to `output` (profile and intent), unless
/// `source` is unreadable, not RGB, or sRGB (whose built-in transform is shared).
fn own_profile_transform(
    source: &[u8],
    (output, intent): &(Arc<[u8]>, Intent),
) -> Option<Transform<[u8; 3], [u8; 4]>> {
    let source = Profile::new_icc(source).ok()?;
    let description = source.info(lcms2::InfoType::Description, lcms2::Locale::none());
    let rgb = source.color_space() == lcms2::ColorSpaceSignature::RgbData;
    if !rgb || description.is_some_and(|d| d.contains("sRGB")) {
        return None;
    }
    let cmyk = Profile::new_icc(output).ok()?;
    let flags = Flags::BLACKPOINT_COMPENSATION;
    Transform::new_flags(
        &source,
        PixelFormat::RGB_8,
        &cmyk,
        PixelFormat::CMYK_8,
        *intent,
        flags,
    )
    .ok()
}

/// Holds a CMYK pixel to `limit` (in 255ths) by taking C, M and Y back in proportion,
/// keeping K (the shadows' detail); returns its ink before.
fn limit_ink(pixel: &mut [u8; 4], limit: u32) -> u32 {
    let total: u32 = pixel.iter().map(|v| u32::from(*v)).sum();
    let k = u32::from(pixel[3]);
    if total <= limit || total == k {
        return total;
    }
    let room = limit.saturating_sub(k) as f64;
    let scale = room / f64::from(total - k);
    for channel in &mut pixel[..3] {
        *channel = (f64::from(*channel) * scale).floor() as u8;
    }
    total
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fogra39() -> Converter {
        Converter::new(super::super::FOGRA39_ICC, Conversion::default()).unwrap()
    }

    #[test]
    fn srgb_red_and_white_and_black_reach_fogra39_as_a_press_expects() {
        let press = fogra39();
        let [c, m, y, k] = press.vector([1.0, 0.0, 0.0]);
        assert!(
            c < 0.05 && m > 0.85 && y > 0.85 && k < 0.05,
            "{c} {m} {y} {k}"
        );
        assert_eq!(press.vector([1.0, 1.0, 1.0]), [0.0, 0.0, 0.0, 0.0]);
        let black = press.vector([0.0, 0.0, 0.0]);
        assert!(black[3] > 0.85, "black carries K: {black:?}");
    }

    #[test]
    fn converted_image_pixels_stay_within_the_ink_limit() {
        let press = fogra39();
        let rgb: Vec<u8> = (0..=255u8).flat_map(|v| [v / 4, v / 8, v / 6]).collect();
        let (cmyk, most) = press.image(&rgb);
        assert_eq!(cmyk.len(), 256 * 4);
        assert!(
            most > 300.0,
            "FOGRA39 shadows carry more than 300 %: {most}"
        );
        let worst = cmyk
            .chunks_exact(4)
            .map(|p| p.iter().map(|v| u32::from(*v)).sum::<u32>())
            .max()
            .unwrap();
        assert!(worst <= 765, "at most 300 % after the limit: {worst}");
    }

    #[test]
    fn the_ink_limit_takes_colour_back_and_keeps_black() {
        let mut pixel = [200, 200, 200, 250];
        assert_eq!(limit_ink(&mut pixel, 765), 850);
        assert_eq!(pixel[3], 250);
        assert!(pixel.iter().map(|v| u32::from(*v)).sum::<u32>() <= 765);
    }
}
