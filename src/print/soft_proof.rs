//! A soft proof: a page as the press will print it, its sRGB pixels taken through
//! the output intent's CMYK and back (relative colorimetric with black-point
//! compensation, as vector colours are converted), and the colours the press cannot
//! reach striped, for `personapress preview --proof`.

use std::sync::Mutex;

use lcms2::{Flags, Intent, PixelFormat, Profile, ThreadContext, Transform};

type Proofing = Transform<[u8; 3], [u8; 3], ThreadContext, lcms2::DisallowCache>;

/// The stripes over colours out of the press's gamut: a green no persona theme uses.
const ALARM_STRIPE: [u8; 3] = [0, 200, 0];

/// sRGB to sRGB through one CMYK profile, plainly and with Little CMS's gamut alarm.
pub struct SoftProof {
    proof: Proofing,
    /// Made with the alarm only where stripes are asked for: a gamut check costs
    /// building a second transform.
    alarm: Option<Proofing>,
    /// Little CMS's context, kept for the transforms made in it.
    _context: Mutex<ThreadContext>,
}

impl std::fmt::Debug for SoftProof {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("SoftProof")
    }
}

impl SoftProof {
    /// A soft proof of printing with the CMYK output `profile`; with `stripes`, able to
    /// stripe the colours beyond it.
    pub fn new(profile: &[u8], stripes: bool) -> Result<Self, String> {
        let mut context = ThreadContext::new();
        // An alarm no transform gives otherwise: where the two differ, a colour is out.
        let mut codes = [0u16; 16];
        codes[..3].copy_from_slice(&[0x0102, 0xFEFD, 0x0304]);
        context.set_alarm_codes(codes);
        let srgb = Profile::new_srgb_context(&context);
        let press = Profile::new_icc_context(&context, profile)
            .map_err(|e| format!("the output intent's profile cannot be read ({e})"))?;
        let made = |flags: Flags| {
            Transform::new_proofing_context(
                &context,
                &srgb,
                PixelFormat::RGB_8,
                &srgb,
                PixelFormat::RGB_8,
                &press,
                Intent::RelativeColorimetric,
                Intent::RelativeColorimetric,
                flags | Flags::SOFT_PROOFING | Flags::BLACKPOINT_COMPENSATION | Flags::NO_CACHE,
            )
            .map_err(|e| format!("no soft proof with this profile ({e})"))
        };
        let proof = made(Flags::default())?;
        let alarm = match stripes {
            true => Some(made(Flags::GAMUT_CHECK)?),
            false => None,
        };
        Ok(SoftProof {
            proof,
            alarm,
            _context: Mutex::new(context),
        })
    }

    /// `rgb` (rows of `width` pixels) as it will print, out-of-gamut colours striped
    /// where the proof was made with stripes; returns the share of pixels out of gamut
    /// (0 without stripes: not looked for).
    pub fn proofed(&self, rgb: &mut [[u8; 3]], width: usize) -> f64 {
        let mut printed = vec![[0u8; 3]; rgb.len()];
        self.proof.transform_pixels(rgb, &mut printed);
        let Some(alarm) = &self.alarm else {
            rgb.copy_from_slice(&printed);
            return 0.0;
        };
        let mut flagged = vec![[0u8; 3]; rgb.len()];
        alarm.transform_pixels(rgb, &mut flagged);
        let mut out = 0usize;
        for (i, pixel) in rgb.iter_mut().enumerate() {
            let outside = flagged[i] != printed[i];
            out += usize::from(outside);
            let (x, y) = (i % width.max(1), i / width.max(1));
            *pixel = match outside && (x + y) / 4 % 2 == 0 {
                true => ALARM_STRIPE,
                false => printed[i],
            };
        }
        out as f64 / rgb.len().max(1) as f64
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn vivid_rgb_is_out_of_fogra39_and_paper_and_grey_are_in() {
        let proof = SoftProof::new(crate::print::FOGRA39_ICC, true).unwrap();
        let mut pixels = vec![[0, 255, 0]; 64];
        let share = proof.proofed(&mut pixels, 8);
        assert!(share > 0.99, "sRGB green is beyond offset inks: {share}");
        assert!(pixels.contains(&ALARM_STRIPE), "striped");
        let mut calm = vec![[255, 255, 255], [128, 128, 128], [200, 180, 160]];
        assert_eq!(proof.proofed(&mut calm, 3), 0.0);
        assert!(
            calm[0].iter().all(|v| *v > 240),
            "paper stays white: {:?}",
            calm[0]
        );
    }
}
