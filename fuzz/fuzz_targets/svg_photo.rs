//! Any bytes given as an SVG photo or logo are refused by personapress's checks or
//! parsed by Typst, never a panic, a hang or gigabytes (libFuzzer's -rss_limit_mb and
//! -timeout catch those).
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let _ = personapress::fuzzing::svg_photo(data);
});
