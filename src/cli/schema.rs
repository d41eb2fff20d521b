//! `personapress schema persona|theme|project`: JSON Schema generated from the serde models.

use super::args::{SchemaArgs, SchemaKind};
use super::{EXIT_OK, Status};
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
pub(crate) fn run(args: &SchemaArgs) -> Status {
    println!("{}", json(args.kind));
    Ok(EXIT_OK)
}

/// The JSON Schema of a file kind, pretty-printed.
pub(crate) fn json(kind: SchemaKind) -> String {
    let schema = match kind {
        SchemaKind::Persona => schemars::schema_for!(Persona),
        SchemaKind::Theme => schemars::schema_for!(Theme),
        SchemaKind::Project => schemars::schema_for!(Project),
    };
    serde_json::to_string_pretty(&schema).expect("a schema always serialises")
}
