//! Makes a benchmark project: N personas, each with a unique 2400 × 3200 JPEG photo.
//! Usage: bench-fixture DIR N

use std::path::Path;

use image::codecs::jpeg::JpegEncoder;
use image::{ImageBuffer, Rgb};

fn main() {
    let mut args = std::env::args().skip(1);
    let dir = args.next().expect("usage: bench-fixture DIR N");
    let count: usize = args
        .next()
        .and_then(|n| n.parse().ok())
        .expect("usage: bench-fixture DIR N");
    let dir = Path::new(&dir);
    std::fs::create_dir_all(dir.join("personas")).unwrap();
    std::fs::create_dir_all(dir.join("photos")).unwrap();
    let project = "title = \"Benchmark\"\nformats = [\"poster-a2\", \"poster-a3\", \"mousepad\", \"briefing\"]\n";
    std::fs::write(dir.join("personapress.toml"), project).unwrap();
    for i in 0..count {
        write_photo(&dir.join(format!("photos/p{i:03}.jpg")), i);
        std::fs::write(dir.join(format!("personas/p{i:03}.toml")), persona(i)).unwrap();
    }
}

/// A smooth, unique 2400 × 3200 picture: a gradient with a face-like disc.
fn write_photo(path: &Path, seed: usize) {
    let (w, h) = (2400u32, 3200u32);
    let tint = (seed * 37 % 255) as f32;
    let image = ImageBuffer::from_fn(w, h, |x, y| {
        let (fx, fy) = (x as f32 / w as f32, y as f32 / h as f32);
        let d = ((fx - 0.5).powi(2) + (fy - 0.35).powi(2)).sqrt();
        if d < 0.22 {
            Rgb([232, (184.0 + tint / 8.0) as u8, 150])
        } else {
            Rgb([
                (40.0 + 120.0 * fy) as u8,
                (tint * fx) as u8,
                (140.0 + 80.0 * fx) as u8,
            ])
        }
    });
    let file = std::io::BufWriter::new(std::fs::File::create(path).unwrap());
    JpegEncoder::new_with_quality(file, 85)
        .encode_image(&image)
        .unwrap();
}

fn persona(i: usize) -> String {
    format!(
        r#"name = "Persona {i}"
language = "{lang}"
tagline = "A persona made for the benchmark, number {i}"
age = {age}
occupation = "Tester"
photo = "../photos/p{i:03}.jpg"
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
"#,
        lang = if i.is_multiple_of(2) { "en" } else { "nl" },
        age = 20 + i % 50,
        nps = i % 90,
    )
}
