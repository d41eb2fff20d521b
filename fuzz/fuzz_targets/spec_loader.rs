//! Any bytes given to the spec loader as a persona, theme or project file give a
//! value or a diagnostic, never a panic; the diagnostic always renders.
#![no_main]

use std::path::Path;
use std::sync::Arc;

use libfuzzer_sys::fuzz_target;
use personapress::spec::persona::Persona;
use personapress::spec::project::Project;
use personapress::spec::theme::Theme;
use personapress::spec::{parse_toml, typography, workspace};

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    let text: Arc<str> = Arc::from(text);
    let path = Path::new("fuzz.toml");
    match parse_toml::<Persona>(path, text.clone()) {
        Ok(loaded) => {
            if let Err(diag) = workspace::check_persona(&loaded) {
                let _ = diag.render_plain();
            }
            if let Some(story) = &loaded.value.story {
                let _ = typography::paragraphs(story, Default::default());
            }
        }
        Err(diag) => {
            let _ = diag.render_plain();
            let _ = diag.one_line();
        }
    }
    if let Err(diag) = parse_toml::<Theme>(path, text.clone()) {
        let _ = diag.render_plain();
    }
    if let Err(diag) = parse_toml::<Project>(path, text) {
        let _ = diag.render_plain();
    }
});
