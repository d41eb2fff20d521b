//! personapress: customer personas in TOML, rendered with Typst into print-ready
//! posters, mousepads and briefings, many at once.
//!
//! The data flows one way: [`spec`] → [`world`] → [`render`] → [`batch`], driven by [`cli`].

pub mod assets;
pub mod batch;
pub mod cli;
pub mod diag;
pub mod digest;
pub mod export;
pub mod preflight;
pub mod print;
pub mod proof;
pub mod qr;
pub mod render;
pub mod spec;
pub mod world;
