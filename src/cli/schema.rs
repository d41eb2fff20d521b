//! `personapress schema persona|theme|project`: JSON Schema generated from the serde models.

use super::EXIT_OK;
use super::args::{SchemaArgs, SchemaKind};
use crate::spec::persona::Persona;
use crate::spec::project::Project;
use crate::spec::theme::Theme;

impl SchemaKind {
    /// Every kind, in the order `init` writes them.
    pub const ALL: [SchemaKind; 3] = [SchemaKind::Persona, SchemaKind::Theme, SchemaKind::Project];

    /// The kind's name, as on the command line.
    pub fn name(self) -> &'static str {
        match self {
            SchemaKind::Persona => "persona",
            SchemaKind::Theme => "theme",
            SchemaKind::Project => "project",
        }
    }
}

/// Prints the schema.
pub fn run(args: &SchemaArgs) -> i32 {
    println!("{}", json(args.kind));
    EXIT_OK
}

/// The JSON Schema of a file kind, pretty-printed.
pub fn json(kind: SchemaKind) -> String {
    let schema = match kind {
        SchemaKind::Persona => schemars::schema_for!(Persona),
        SchemaKind::Theme => schemars::schema_for!(Theme),
        SchemaKind::Project => schemars::schema_for!(Project),
    };
    serde_json::to_string_pretty(&schema).expect("a schema always serialises")
}
