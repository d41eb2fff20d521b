//! personapress: customer personas in TOML, rendered with Typst into print-ready
//! posters, mousepads and briefings, many at once.
//!
//! The data flows one way: [`spec`] → [`world`] → [`render`] → [`batch`], driven by [`cli`].

pub(crate) mod assets;
pub mod batch;
pub mod cli;
pub mod diag;
pub(crate) mod digest;
pub(crate) mod export;
#[doc(hidden)]
pub mod fuzzing;
pub(crate) mod preflight;
pub mod print;
pub(crate) mod proof;
pub(crate) mod qr;
pub(crate) mod regular;
pub mod render;
pub mod spec;
pub mod world;
