//! `personapress watch`: render, then re-render what a saved change touches.
//!
//! Every change runs an incremental render: documents whose inputs are unchanged are
//! kept, so a saved persona rewrites that persona's documents only, a theme its
//! personas', a template or font everything that uses it. A broken save prints its
//! diagnostic and the watch goes on.

use std::path::{Path, PathBuf};
use std::sync::mpsc;
use std::time::Duration;

use notify::{RecursiveMode, Watcher};

use super::args::RenderArgs;
use super::{Failure, Status, render};
use crate::diag::Diagnostic;
use crate::spec::workspace::{self, Overrides};

/// How long to wait for an editor's burst of events (write, rename, chmod) to end.
const SETTLE: Duration = Duration::from_millis(120);

/// Watches the project folder until the process is stopped.
pub(crate) fn run(args: &RenderArgs) -> Status {
    let root = project_root(&args.project.project);
    let (tx, rx) = mpsc::channel();
    let watcher = notify::recommended_watcher(move |event| {
        let _ = tx.send(event);
    });
    let mut watcher = watcher.map_err(|err| cannot_watch(&root, &err))?;
    watcher
        .watch(&root, RecursiveMode::Recursive)
        .map_err(|err| cannot_watch(&root, &err))?;
    render_printing_failure(args);
    eprintln!("watching {} for changes (Ctrl-C to stop)", root.display());
    // Where the render writes, known after each render: its own writes are not changes.
    let mut out = output_folder(args);
    loop {
        let Ok(first) = rx.recv() else {
            return Err(Diagnostic::error("the file watcher stopped").into());
        };
        let mut relevant = touches_inputs(&first, out.as_deref());
        while let Ok(more) = rx.recv_timeout(SETTLE) {
            relevant |= touches_inputs(&more, out.as_deref());
        }
        if relevant {
            render_printing_failure(args);
            // A project broken halfway through a save keeps the folder it last had.
            out = output_folder(args).or(out);
        }
    }
}

/// The project folder: the argument, or the folder of a named personapress.toml.
fn project_root(project: &Path) -> PathBuf {
    let root = match project.is_file() {
        true => project.parent().unwrap_or(Path::new(".")),
        false => project,
    };
    std::fs::canonicalize(root).unwrap_or_else(|_| root.to_path_buf())
}

/// Whether an event is a change to something a render reads: not the output folder
/// (the render's own writes), not hidden or temporary files.
fn touches_inputs(event: &notify::Result<notify::Event>, out: Option<&Path>) -> bool {
    let Ok(event) = event else { return true };
    if event.kind.is_access() {
        return false;
    }
    event.paths.iter().any(|path| {
        let hidden = path.file_name().is_some_and(|n| {
            let n = n.to_string_lossy();
            let lock = n.starts_with("~$");
            lock || n.starts_with('.')
                || n.ends_with('~')
                || n.ends_with(".swp")
                || n.ends_with(".tmp")
        });
        let in_out = out.is_some_and(|out| path.starts_with(out));
        !hidden && !in_out
    })
}

/// The output folder, as the render will resolve it; `None` when the project cannot be opened.
fn output_folder(args: &RenderArgs) -> Option<PathBuf> {
    let overrides = Overrides {
        out: args.out.clone(),
        formats: None,
        theme: None,
    };
    let ws = workspace::open(&args.project.project, &overrides).ok()?;
    Some(std::fs::canonicalize(&ws.out).unwrap_or(ws.out))
}

/// One render of the watch; a project broken by a save prints why, and the watch goes on.
fn render_printing_failure(args: &RenderArgs) {
    if let Err(failure) = render::run(args) {
        failure.diag.eprint();
    }
}

fn cannot_watch(root: &Path, err: &notify::Error) -> Failure {
    Diagnostic::error(format!("cannot watch {} ({err})", root.display())).into()
}
