//! Makes a benchmark project: N personas, each with a unique 2400 × 3200 JPEG photo.
//! Usage: bench-fixture DIR N [smooth|grainy]
//!
//! `smooth` photos (the default) are gradients of ~250 kB; `grainy` ones add sensor-like
//! noise, which makes them ~2.3 MB, what a phone camera's JPEG of this size weighs.

use std::path::Path;

use image::codecs::jpeg::JpegEncoder;
use image::{ImageBuffer, Rgb};

fn main() {
    let mut args = std::env::args().skip(1);
    let dir = args.next().expect("usage: bench-fixture DIR N");
    let count: usize = args
        .next()
        .and_then(|n| n.parse().ok())
        .expect("usage: bench-fixture DIR N [smooth|grainy]");
    let grainy = match args.next().as_deref() {
        None | Some("smooth") => false,
        Some("grainy") => true,
        Some(other) => panic!("unknown kind of photo `{other}` (smooth or grainy)"),
    };
    let dir = Path::new(&dir);
    std::fs::create_dir_all(dir.join("personas")).unwrap();
    std::fs::create_dir_all(dir.join("photos")).unwrap();
    let project = "title = \"Benchmark\"\nformats = [\"poster-a2\", \"poster-a3\", \"mousepad\", \"briefing\"]\n";
    std::fs::write(dir.join("personapress.toml"), project).unwrap();
    for i in 0..count {
        write_photo(&dir.join(format!("photos/p{i:03}.jpg")), i, grainy);
        std::fs::write(dir.join(format!("personas/p{i:03}.toml")), persona(i)).unwrap();
    }
}

/// A unique 2400 × 3200 picture: a gradient with a face-like disc, with grain or not.
fn write_photo(path: &Path, seed: usize, grainy: bool) {
    let (w, h) = (2400u32, 3200u32);
    let tint = (seed * 37 % 255) as f32;
    let mut noise = Grain(seed as u64 * 2 + 1);
    let image = ImageBuffer::from_fn(w, h, |x, y| {
        let (fx, fy) = (x as f32 / w as f32, y as f32 / h as f32);
        let d = ((fx - 0.5).powi(2) + (fy - 0.35).powi(2)).sqrt();
        let pixel = if d < 0.22 {
            [232.0, 184.0 + tint / 8.0, 150.0]
        } else {
            [40.0 + 120.0 * fy, tint * fx, 140.0 + 80.0 * fx]
        };
        let grain = |value: f32, noise: &mut Grain| match grainy {
            true => (value + noise.next()).clamp(0.0, 255.0) as u8,
            false => value as u8,
        };
        Rgb(pixel.map(|v| grain(v, &mut noise)))
    });
    let file = std::io::BufWriter::new(std::fs::File::create(path).unwrap());
    JpegEncoder::new_with_quality(file, 85)
        .encode_image(&image)
        .unwrap();
}

/// Deterministic sensor-like noise, ±15 (xorshift64).
struct Grain(u64);

impl Grain {
    fn next(&mut self) -> f32 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        (self.0 % 31) as f32 - 15.0
    }
}

/// A benchmark persona; `{i}`, `{i3}` (three digits), `{lang}`, `{age}` and `{nps}` are filled in.
const PERSONA: &str = r#"name = "Persona {i}"
language = "{lang}"
tagline = "A persona made for the benchmark, number {i}"
age = {age}
occupation = "Tester"
photo = "../photos/p{i3}.jpg"
quote = "If it is not fast, I will not wait for it."
story = "A short story about persona {i}, long enough to fill a few lines on the poster and in the briefing."
core_need = "Results that arrive before the coffee is ready."
goals = ["Finish early", "Keep it simple", "Print it big"]
frustrations = ["Waiting", "Surprises at the printer"]
dos = ["Be brief", "Be clear", "Be on time"]
donts = ["Jargon", "Delays"]

[communication]
style = "Short and direct."
channels = ["e-mail", "phone"]

[[media]]
channel = "E-mail"
share = 60

[[journey]]
phase = "acquisition"
stage = "Find"
feeling = 20

[[journey]]
phase = "experience"
stage = "Use"
feeling = -10

[[metrics]]
label = "NPS"
value = {nps}
"#;

fn persona(i: usize) -> String {
    let lang = if i.is_multiple_of(2) { "en" } else { "nl" };
    PERSONA
        .replace("{i3}", &format!("{i:03}"))
        .replace("{i}", &i.to_string())
        .replace("{lang}", lang)
        .replace("{age}", &(20 + i % 50).to_string())
        .replace("{nps}", &(i % 90).to_string())
}
