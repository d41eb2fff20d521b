//! personapress's integration tests, one binary so that the large typst-linked
//! executable is built and linked once: the real CLI on the examples and on
//! fixtures, print-shop checks, the workflow commands and property tests.
//!
//! Run one group with `cargo test --test suite <module>`, e.g.
//! `cargo test --test suite bad_input`.

mod common;

mod bad_input;
mod cli;
mod examples;
mod export;
mod hostile;
mod hostile_batch;
mod journey;
mod on_the_page;
mod overview;
mod photo_profiles;
mod print;
pub(crate) mod print_tools;
mod random_personas;
mod reference;
mod shards;
mod sheets;
mod standards;
mod workflow;
mod workshop;
