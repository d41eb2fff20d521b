//! Any bytes in a project's `fonts/` folder are refused by personapress's checks or
//! read by Typst, never a panic that escapes, a hang or gigabytes (libFuzzer's
//! -rss_limit_mb and -timeout catch those). personapress catches the panics ttf-parser
//! raises on damaged tables (found here first): those are damaged files, not crashes.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let _ = personapress::fuzzing::font_file(data);
});
