//! Compiling a job to a laid-out document, fitting it to its page, exporting
//! the PDF and writing outputs atomically.

pub(crate) mod contrast;
pub(crate) mod cuts;
pub(crate) mod data;
pub(crate) mod date;
pub(crate) mod flatten;
pub(crate) mod images;
mod pdf;
pub use pdf::export_pdf;
pub(crate) mod output;
pub(crate) mod resample;
pub(crate) mod theme_data;
pub(crate) mod thumbnail;

use std::collections::HashMap;
use std::path::Path;

use typst::WorldExt;
use typst::diag::{SourceDiagnostic, Warned};
use typst::foundations::Bytes;
use typst_layout::PagedDocument;

use crate::diag::Diagnostic;
use crate::render::cuts::Sizing;
use crate::spec::format::Format;
use crate::spec::project::Project;
use crate::spec::workspace::{PersonaSource, ThemeSource};
use crate::world::{Base, DATA_PATH, JobWorld};

/// Type scales a single-page format may use, largest first; the last is the limit.
pub const FIT_STEPS: [f64; 11] = [
    1.0, 0.97, 0.94, 0.91, 0.88, 0.85, 0.82, 0.79, 0.76, 0.73, 0.70,
];

/// The type scales a poster may still use once all it may cut is cut.
pub const EDITED_FIT_STEPS: [f64; 3] = [1.0, 0.96, 0.92];

/// One document to lay out: a persona in a theme and a format.
#[derive(Clone, Copy)]
pub struct Job<'a> {
    /// The persona.
    pub persona: &'a PersonaSource,
    /// The theme.
    pub theme: &'a ThemeSource,
    /// The format.
    pub format: &'a Format,
    /// The project settings.
    pub project: &'a Project,
    /// The persona's photo and the theme's logo, by virtual path.
    pub assets: &'a HashMap<String, Bytes>,
    /// More template data, merged into the top level (the overview's `personas`).
    pub extra: Option<&'a serde_json::Value>,
}

/// A laid-out document and what was noticed on the way.
pub struct Laid {
    /// The document.
    pub document: PagedDocument,
    /// The content cuts and the type scale (`fit`, 1.0 = as designed) it needed.
    pub sizing: Sizing,
    /// How many content cuts the persona's content allows in this format.
    cuts_available: usize,
    /// Warnings: omitted content, template warnings.
    pub warnings: Vec<Diagnostic>,
}

/// The most persona cards an overview sheet holds.
pub const CARDS_PER_SHEET: usize = 12;

/// How an overview of `count` personas is split: the number of sheets, and the cards
/// on each (balanced, so 13 personas give sheets of 7 and 6, not 12 and 1).
pub fn overview_sheets(count: usize) -> (usize, usize) {
    let sheets = count.div_ceil(CARDS_PER_SHEET).max(1);
    (sheets, count.div_ceil(sheets).max(1))
}

/// The pages a single-page format must come to: one, or one per overview sheet.
fn expected_pages(job: &Job) -> usize {
    let personas = job.extra.and_then(|extra| extra["personas"].as_array());
    match (job.format.is_overview(), personas) {
        (true, Some(personas)) => overview_sheets(personas.len()).0,
        _ => 1,
    }
}

/// Lays out a job. A single-page format that overflows is laid out again with smaller
/// type: a binary search over [`FIT_STEPS`] for the largest scale that fits on one page
/// (an overview: on one page per sheet).
///
/// A poster or mousepad has its content edited first: the fewest steps of
/// [`data::CUT_ORDER`] that make it fit, each named in a warning; only then the type
/// shrinks, a little ([`EDITED_FIT_STEPS`]).
pub fn lay_out(base: &Base, job: &Job) -> Result<Laid, Vec<Diagnostic>> {
    let first = compile_at(base, job, Sizing::DESIGNED)?;
    let expected = expected_pages(job);
    if !job.format.single_page || first.document.pages().len() == expected {
        return Ok(first);
    }
    if first.document.pages().len() > HOPELESS_PAGES && first.cuts_available == 0 {
        return Err(vec![does_not_fit(
            base,
            job,
            first.document.pages().len(),
            None,
        )]);
    }
    if job.format.edits_content() {
        return lay_out_edited(base, job, first);
    }
    let (mut best, mut pages) = (None, first.document.pages().len());
    let (mut low, mut high) = (1, FIT_STEPS.len());
    while low < high {
        let mid = (low + high) / 2;
        let laid = compile_at(
            base,
            job,
            Sizing {
                fit: FIT_STEPS[mid],
                cuts: 0,
            },
        )?;
        if laid.document.pages().len() == expected {
            best = Some(laid);
            high = mid;
        } else {
            pages = laid.document.pages().len();
            low = mid + 1;
        }
    }
    best.ok_or_else(|| vec![does_not_fit(base, job, pages, FIT_STEPS.last().copied())])
}

/// Lays out a full poster with the fewest content cuts that fit: the shortest run of
/// [`data::CUT_ORDER`] (a binary search: each cut only removes content), then each of
/// those cuts undone again, last first, where the poster still fits without it. With
/// every cut made, the type may shrink a little ([`EDITED_FIT_STEPS`]).
fn lay_out_edited(base: &Base, job: &Job, first: Laid) -> Result<Laid, Vec<Diagnostic>> {
    let cuts = first.cuts_available;
    let mut pages = first.document.pages().len();
    let (mut best, mut low, mut high) = (None, 1, cuts + 1);
    while low < high {
        let mid = (low + high) / 2;
        let laid = compile_at(base, job, Sizing::first_cuts(mid))?;
        if laid.document.pages().len() == 1 {
            (best, high) = (Some(laid), mid);
        } else {
            (pages, low) = (laid.document.pages().len(), mid + 1);
        }
    }
    if let Some(best) = best {
        return restore_cuts(base, job, best, low);
    }
    let all = Sizing::first_cuts(cuts);
    for fit in &EDITED_FIT_STEPS[1..] {
        let laid = compile_at(base, job, Sizing { fit: *fit, ..all })?;
        if laid.document.pages().len() == 1 {
            return Ok(laid);
        }
        pages = laid.document.pages().len();
    }
    let smallest = EDITED_FIT_STEPS.last().copied();
    Err(vec![does_not_fit(base, job, pages, smallest)])
}

/// Undoes the cuts before the `taken`-th that the poster does not need, so a cut late in
/// the order does not cost the content of every cut before it.
fn restore_cuts(
    base: &Base,
    job: &Job,
    mut best: Laid,
    taken: usize,
) -> Result<Laid, Vec<Diagnostic>> {
    for i in (0..taken.saturating_sub(1)).rev() {
        let fewer = Sizing {
            cuts: best.sizing.cuts & !(1 << i),
            ..best.sizing
        };
        let laid = compile_at(base, job, fewer)?;
        if laid.document.pages().len() == 1 {
            best = laid;
        }
    }
    Ok(best)
}

/// Compiles a job at `sizing`.
fn compile_at(base: &Base, job: &Job, sizing: Sizing) -> Result<Laid, Vec<Diagnostic>> {
    let data = job_data(job, sizing);
    let world = job_world(base, job, &data.value);
    let Warned { output, warnings } = typst::compile::<PagedDocument>(&world);
    let document = output.map_err(|errors| convert(job, &world, &errors))?;
    let mut warnings = convert(job, &world, &warnings);
    warnings.extend(data.omitted.into_iter().map(Diagnostic::warning));
    Ok(Laid {
        document,
        sizing,
        cuts_available: data.cuts_available,
        warnings,
    })
}

/// The template data of a job at `sizing`, with the job's extra data merged in.
pub fn job_data(job: &Job, sizing: Sizing) -> data::TemplateData {
    let mut data = data::build(job.persona, job.theme, job.format, job.project, sizing);
    if let Some(serde_json::Value::Object(extra)) = job.extra {
        for (key, value) in extra {
            data.value[key] = value.clone();
        }
    }
    data
}

fn job_world<'a>(base: &'a Base, job: &Job, data: &serde_json::Value) -> JobWorld<'a> {
    let mut files = job.assets.clone();
    let json = serde_json::to_vec(data).expect("template data always serialises");
    files.insert(DATA_PATH.to_string(), Bytes::new(json));
    base.job(&job.format.template(), files)
}

/// More pages than this as designed never fit on one page by shrinking the type: where
/// nothing can be cut, the search for a fit is skipped (a template laying out 500 pages
/// took it eight times).
const HOPELESS_PAGES: usize = 20;

/// The error for content that stays too long even at the `smallest` type scale tried
/// (`None`: only as designed), with advice on the persona's longest fields, and on the
/// project's own templates where it has them.
fn does_not_fit(base: &Base, job: &Job, pages: usize, smallest: Option<f64>) -> Diagnostic {
    let cut = match job.format.edits_content() {
        true => "secondary content cut and ",
        false => "",
    };
    let tried = match smallest {
        Some(smallest) => format!(
            "even with {cut}the type shrunk to {} %",
            (smallest * 100.0).round()
        ),
        None => "as designed, too many to fit by shrinking the type".to_string(),
    };
    let fields = longest_fields(&job.persona.persona);
    let diag = Diagnostic::error(format!(
        "{} does not fit on one {} page (it needs {pages} pages {tried})",
        job.persona.id, job.format
    ))
    .in_file(&job.persona.path);
    let own_folder = base
        .own_template(&job.format.template())
        .and_then(Path::parent);
    let diag = match own_folder {
        None => diag,
        Some(folder) => diag.with_hint(format!(
            "the project's own templates ({}) lay it out: check that they add no pages (a loop, a `pagebreak()`)",
            folder.display()
        )),
    };
    match (own_folder, smallest) {
        // Hundreds of pages from a short persona: the template's, not the persona's.
        (Some(_), None) => diag,
        _ => diag.with_hint(format!("shorten the longest fields: {}", fields.join(", "))),
    }
}

/// The persona's three longest text fields, with their lengths, for a hint.
fn longest_fields(persona: &crate::spec::persona::Persona) -> Vec<String> {
    let value = serde_json::to_value(persona).unwrap_or_default();
    let mut sizes: Vec<(String, usize)> = value
        .as_object()
        .into_iter()
        .flatten()
        .map(|(key, v)| (key.clone(), v.to_string().chars().count()))
        .filter(|(key, _)| key != "photo")
        .collect();
    sizes.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
    sizes
        .into_iter()
        .take(3)
        .map(|(key, n)| format!("`{key}` ({n} characters)"))
        .collect()
}

/// Converts Typst's diagnostics, pointing at the template file the user knows.
fn convert(job: &Job, world: &JobWorld, diagnostics: &[SourceDiagnostic]) -> Vec<Diagnostic> {
    diagnostics
        .iter()
        .map(|d| blame_persona(job, blame_assets(job, convert_one(world, d))))
        .collect()
}

/// A template's refusal of the persona's content (a `panic` whose message starts with
/// `personapress: `, such as a name too long to fit) is the persona's error.
fn blame_persona(job: &Job, diag: Diagnostic) -> Diagnostic {
    let Some(start) = diag.message.find("personapress: ") else {
        return diag;
    };
    let message = diag.message[start + "personapress: ".len()..].trim_end_matches('"');
    let message = format!("{}: {}", job.persona.id, message.replace("\\\"", ""));
    job.persona.error_at_key("name", message)
}

/// A diagnostic inside a job's image (a broken SVG, say) names the persona or theme,
/// the key and the real file rather than Typst's virtual path.
fn blame_assets(job: &Job, diag: Diagnostic) -> Diagnostic {
    let Some((path, _)) = diag.position() else {
        return diag;
    };
    let Some(asset) = AssetOwner::of(job, &format!("/{}", path.display())) else {
        return diag;
    };
    let message = format!(
        "{} {} cannot be used ({})",
        asset.what,
        asset.real.display(),
        diag.message
    );
    let blamed = match asset.owner {
        Owner::Persona(persona) => persona.error_at_key("photo", message),
        Owner::Theme(theme) => theme.error_at_key("file", message),
    };
    Diagnostic {
        severity: diag.severity,
        ..blamed
    }
    .with_hint("open the image in an editor, save it again, or choose another file")
}

/// The persona's photo or the theme's logo behind a virtual path, and where it was named.
struct AssetOwner<'a> {
    /// "peter: the photo" or "theme `Noordzee`: the logo".
    what: String,
    /// The image file.
    real: &'a Path,
    /// The spec that names it.
    owner: Owner<'a>,
}

/// Whose image it is.
enum Owner<'a> {
    Persona(&'a PersonaSource),
    Theme(&'a ThemeSource),
}

impl<'a> AssetOwner<'a> {
    fn of(job: &Job<'a>, virtual_path: &str) -> Option<Self> {
        let is = |kind, p: &Path| data::asset_path(kind, p) == virtual_path;
        if let Some(real) = job.persona.photo.as_deref().filter(|p| is("photo", p)) {
            let what = format!("{}: the photo", job.persona.id);
            let owner = Owner::Persona(job.persona);
            return Some(AssetOwner { what, real, owner });
        }
        let real = job.theme.logo.as_deref().filter(|p| is("logo", p))?;
        let what = format!("theme `{}`: the logo", job.theme.theme.name);
        let owner = Owner::Theme(job.theme);
        Some(AssetOwner { what, real, owner })
    }
}

fn convert_one(world: &JobWorld, source: &SourceDiagnostic) -> Diagnostic {
    let (message, hint) = crate::spec::split_hint(&source.message);
    let mut diag = match source.severity {
        typst::diag::Severity::Error => Diagnostic::error(message),
        typst::diag::Severity::Warning => Diagnostic::warning(message),
    };
    diag.hints.extend(hint);
    if let Some(id) = source.span.id() {
        let origin = world.base().origin(id).map(|p| p.to_path_buf());
        let path =
            origin.unwrap_or_else(|| std::path::PathBuf::from(id.vpath().get_without_slash()));
        let text = world.base().source_text(id);
        diag = match text {
            Some(text) => diag.at(path, text, world.range(source.span)),
            None => diag.in_file(path),
        };
    }
    for hint in &source.hints {
        diag = diag.with_hint(our_hint(&hint.v));
    }
    diag
}

/// Typst's hint in personapress's words: there is no `--root` to adjust here.
fn our_hint(typst_hint: &str) -> String {
    match typst_hint.contains("--root") {
        true => "a template may read only its document's data and images and the .typ files of the templates folder".into(),
        false => typst_hint.to_string(),
    }
}

/// The first page's trim area (no bleed, no marks) rendered at `dpi`.
fn first_page_pixmap(document: &PagedDocument, dpi: f64) -> Result<tiny_skia::Pixmap, String> {
    let page = document
        .pages()
        .first()
        .ok_or("the document has no pages")?;
    let options = typst_render::RenderOptions {
        pixel_per_pt: typst::utils::Scalar::new(dpi / 72.0),
        render_bleed: false,
    };
    Ok(typst_render::render(page, &options))
}

/// The first page's trim area at `dpi` as RGB pixels over white, with its width.
pub(crate) fn render_rgb(
    document: &PagedDocument,
    dpi: f64,
) -> Result<(u32, Vec<[u8; 3]>), String> {
    let pixmap = first_page_pixmap(document, dpi)?;
    let rgb = images::rgb_over_white(&pixmap);
    Ok((pixmap.width(), rgb))
}

/// RGB pixels, rows of `width`, as a PNG.
pub(crate) fn rgb_png(width: u32, rgb: &[[u8; 3]]) -> Result<Vec<u8>, String> {
    use image::ImageEncoder;
    let height = rgb.len() as u32 / width.max(1);
    let mut png = Vec::new();
    image::codecs::png::PngEncoder::new(&mut png)
        .write_image(
            rgb.as_flattened(),
            width,
            height,
            image::ExtendedColorType::Rgb8,
        )
        .map_err(|e| format!("cannot encode the preview ({e})"))?;
    Ok(png)
}

/// The first page's trim area at `dpi` as a PNG.
pub fn render_png(document: &PagedDocument, dpi: f64) -> Result<Vec<u8>, String> {
    first_page_pixmap(document, dpi)?
        .encode_png()
        .map_err(|e| format!("cannot encode the preview ({e})"))
}
