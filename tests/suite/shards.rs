//! Past one machine: `render --shard K/N` as separate processes (into separate folders
//! and into one shared folder), then `merge`, give the very files one `render` writes.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};

use crate::common::*;

/// The personas' ids: enough that three shards each get some.
const IDS: [&str; 7] = ["peter", "anouk", "lars", "zoe", "fatima", "henk", "mila"];

/// A project of `ids` (name-only personas) in a mousepad and an A3 overview sheet.
fn project(ids: &[&str]) -> (tempfile::TempDir, PathBuf) {
    let temp = tempfile::tempdir().unwrap();
    let root = temp.path().join("project");
    write(
        &root.join("personapress.toml"),
        "title = \"Shards\"\npersonas = [\"personas/*.toml\"]\nformats = [\"mousepad\", \"overview-a3\"]\n",
    );
    for id in ids {
        add_persona(&root, id);
    }
    (temp, root)
}

fn add_persona(root: &Path, id: &str) {
    let name = format!("{}{} Jansen", id[..1].to_uppercase(), &id[1..]);
    let text = format!("name = \"{name}\"\nquote = \"Ik ben {id}.\"\ncore_need = \"Rust\"\n");
    write(&root.join(format!("personas/{id}.toml")), &text);
}

/// Starts `personapress ARGS` without waiting for it.
fn spawn(args: &[&str]) -> Child {
    Command::new(env!("CARGO_BIN_EXE_personapress"))
        .args(args)
        .env("SOURCE_DATE_EPOCH", "1772366400")
        .env("NO_COLOR", "1")
        .stderr(Stdio::piped())
        .spawn()
        .expect("the personapress binary runs")
}

/// Runs shards 1..=n of `root` side by side, shard k into `out(k)`; all must succeed.
fn run_shards(root: &Path, n: u32, out: impl Fn(u32) -> PathBuf) {
    let children: Vec<(u32, Child)> = (1..=n)
        .map(|k| {
            let (shard, dir) = (format!("{k}/{n}"), out(k));
            let args = [
                "render",
                root.to_str().unwrap(),
                "-j",
                "1",
                "--shard",
                &shard,
                "-o",
            ];
            let mut args: Vec<&str> = args.to_vec();
            args.push(dir.to_str().unwrap());
            (k, spawn(&args))
        })
        .collect();
    for (k, child) in children {
        let output = child.wait_with_output().unwrap();
        assert!(output.status.success(), "shard {k}: {}", stderr(&output));
    }
}

fn merge(root: &Path, out: &Path, parts: &[PathBuf]) -> std::process::Output {
    let mut args = vec![
        "merge",
        root.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
    ];
    args.extend(parts.iter().map(|p| p.to_str().unwrap()));
    personapress(&args)
}

/// Every file below `dir` by its relative path, with its bytes; the digests file (file
/// times and absolute paths, for the next run's incremental check) left out.
fn files(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    let mut found = BTreeMap::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(folder) = stack.pop() {
        for entry in std::fs::read_dir(&folder).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                stack.push(path);
                continue;
            }
            let relative = path
                .strip_prefix(dir)
                .unwrap()
                .to_string_lossy()
                .into_owned();
            if !relative.starts_with(".personapress-digests") {
                found.insert(relative, std::fs::read(&path).unwrap());
            }
        }
    }
    found
}

fn assert_same_folders(single: &Path, merged: &Path) {
    let (want, got) = (files(single), files(merged));
    let pdfs = want.keys().filter(|k| k.ends_with(".pdf")).count();
    assert!(pdfs > IDS.len(), "the single run wrote {pdfs} PDFs");
    assert_eq!(
        want.keys().collect::<Vec<_>>(),
        got.keys().collect::<Vec<_>>(),
        "the same files"
    );
    for (name, bytes) in &want {
        assert!(&got[name] == bytes, "{name} differs");
    }
}

/// Each persona's PDF in `merged` is the very file a shard wrote (a hard link on one
/// file system): the merge rendered none of them again.
fn assert_linked_not_rendered(parts: &[PathBuf], merged: &Path) {
    use std::os::unix::fs::MetadataExt;
    let mut linked = 0;
    for id in IDS {
        let relative = format!("{id}/{id}.mousepad.pdf");
        let part = parts.iter().find(|p| p.join(&relative).is_file()).unwrap();
        let inode = |path: PathBuf| std::fs::metadata(path).unwrap().ino();
        assert_eq!(
            inode(part.join(&relative)),
            inode(merged.join(&relative)),
            "{relative}"
        );
        linked += 1;
    }
    assert_eq!(linked, IDS.len());
}

/// One `render` of the whole project into `out`, to compare the merges with.
fn render_whole(root: &Path, out: &Path) -> PathBuf {
    let result = personapress(&[
        "render",
        root.to_str().unwrap(),
        "-o",
        out.to_str().unwrap(),
    ]);
    assert!(result.status.success(), "{}", stderr(&result));
    out.to_path_buf()
}

/// The personas of a shard's part report.
fn shard_personas(out: &Path, tag: &str) -> Vec<String> {
    let text = std::fs::read_to_string(out.join(format!("report.{tag}.json"))).unwrap();
    let report: serde_json::Value = serde_json::from_str(&text).unwrap();
    let documents = report["documents"].as_array().unwrap();
    assert!(
        documents.iter().all(|d| d["format"] != "overview-a3"),
        "a shard makes no overview sheet"
    );
    let mut ids: Vec<String> = documents
        .iter()
        .map(|d| d["persona"].as_str().unwrap().to_string())
        .collect();
    ids.dedup();
    ids
}

#[test]
fn three_shards_in_separate_and_in_one_shared_folder_merge_into_what_one_render_writes() {
    let (temp, root) = project(&IDS);
    let single = render_whole(&root, &temp.path().join("single"));

    let part = |k: u32| temp.path().join(format!("part{k}"));
    run_shards(&root, 3, part);
    let mut held: Vec<String> = (1..=3)
        .flat_map(|k| shard_personas(&part(k), &format!("shard-{k}-of-3")))
        .collect();
    held.sort();
    let mut all: Vec<String> = IDS.iter().map(|s| s.to_string()).collect();
    all.sort();
    assert_eq!(held, all, "every persona in exactly one shard");
    let merged = temp.path().join("merged");
    let parts: Vec<PathBuf> = (1..=3).map(part).collect();
    let result = merge(&root, &merged, &parts);
    assert!(result.status.success(), "{}", stderr(&result));
    assert_same_folders(&single, &merged);
    assert_linked_not_rendered(&parts, &merged);

    let shared = temp.path().join("shared");
    run_shards(&root, 3, |_| shared.clone());
    let merged = temp.path().join("merged-shared");
    let result = merge(&root, &merged, std::slice::from_ref(&shared));
    assert!(result.status.success(), "{}", stderr(&result));
    assert_same_folders(&single, &merged);
}

#[test]
fn adding_a_persona_moves_no_other_and_more_shards_than_personas_still_merge() {
    let (temp, root) = project(&IDS[..5]);
    let out = |k: u32| temp.path().join(format!("before{k}"));
    run_shards(&root, 3, out);
    let before: Vec<Vec<String>> = (1..=3)
        .map(|k| shard_personas(&out(k), &format!("shard-{k}-of-3")))
        .collect();
    add_persona(&root, "nieuw");
    let after_dir = |k: u32| temp.path().join(format!("after{k}"));
    run_shards(&root, 3, after_dir);
    for k in 1..=3u32 {
        let mut after = shard_personas(&after_dir(k), &format!("shard-{k}-of-3"));
        after.retain(|id| id != "nieuw");
        assert_eq!(before[k as usize - 1], after, "shard {k} kept its personas");
    }

    let (temp, root) = project(&IDS[..2]);
    let part = |k: u32| temp.path().join(format!("part{k}"));
    run_shards(&root, 7, part);
    let empty =
        (1..=7).filter(|k| shard_personas(&part(*k), &format!("shard-{k}-of-7")).is_empty());
    assert!(
        empty.count() >= 5,
        "at least five of seven shards hold no persona"
    );
    let parts: Vec<PathBuf> = (1..=7).map(part).collect();
    let merged = temp.path().join("merged");
    let result = merge(&root, &merged, &parts);
    assert!(result.status.success(), "{}", stderr(&result));
    assert!(merged.join("overview-a3.pdf").is_file());
    assert_eq!(report(&merged)["summary"]["failed"], 0);
}

#[test]
fn a_missing_shard_is_named_by_merge_and_fails_it() {
    let (temp, root) = project(&IDS);
    let part = |k: u32| temp.path().join(format!("part{k}"));
    run_shards(&root, 3, part);
    let missing = (1..=3)
        .find(|k| !shard_personas(&part(*k), &format!("shard-{k}-of-3")).is_empty())
        .unwrap();
    let parts: Vec<PathBuf> = (1..=3).filter(|k| *k != missing).map(part).collect();
    let merged = temp.path().join("merged");
    let result = merge(&root, &merged, &parts);
    assert_eq!(result.status.code(), Some(1), "{}", stderr(&result));
    let text = stderr(&result);
    assert!(
        text.contains(&format!("shard {missing}/3 is missing")),
        "{text}"
    );
    let report = report(&merged);
    let unmade: Vec<&serde_json::Value> = report["documents"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|d| d.to_string().contains("no shard made this document"))
        .collect();
    assert!(!unmade.is_empty(), "{report:#}");
    assert!(
        merged.join("overview-a3.pdf").is_file(),
        "the overview is still made"
    );
}

/// The shell command of the recipe line in `deploy/FILE` that holds `needle`, without
/// its YAML lead (`- `, `run: `).
fn recipe_line(file: &str, needle: &str) -> String {
    let text = std::fs::read_to_string(repo().join("deploy").join(file)).unwrap();
    let line = text
        .lines()
        .find(|l| l.contains(needle))
        .unwrap_or_else(|| panic!("{file}: {needle}"));
    let line = line
        .trim()
        .trim_start_matches("- ")
        .trim_start_matches("run: ");
    line.to_string()
}

/// Runs `command` with `sh` in `dir`, the personapress under test first on PATH.
fn sh(command: &str, dir: &Path, env: &[(&str, String)]) -> std::process::Output {
    let bin = Path::new(env!("CARGO_BIN_EXE_personapress"))
        .parent()
        .unwrap();
    let path = format!(
        "{}:{}",
        bin.display(),
        std::env::var("PATH").unwrap_or_default()
    );
    let mut command_line = Command::new("sh");
    command_line.arg("-c").arg(command).current_dir(dir);
    command_line
        .env("PATH", path)
        .env("SOURCE_DATE_EPOCH", "1772366400");
    for (key, value) in env {
        command_line.env(key, value);
    }
    command_line.output().unwrap()
}

#[test]
fn the_kubernetes_and_github_recipes_shard_and_merge_as_one_render() {
    let (temp, root) = project(&IDS);
    let single = render_whole(&root, &temp.path().join("single"));

    // Kubernetes: JOB_COMPLETION_INDEX 0..N-1 in each pod, /project and /out mounted.
    let out = temp.path().join("k8s");
    let at_paths = |line: String| {
        line.replace("/project", root.to_str().unwrap())
            .replace("/out", out.to_str().unwrap())
    };
    let render = at_paths(recipe_line("kubernetes.yaml", "personapress render"));
    for index in 0..4 {
        let env = [
            ("JOB_COMPLETION_INDEX", index.to_string()),
            ("SHARDS", "4".into()),
        ];
        let result = sh(&render, temp.path(), &env);
        assert!(result.status.success(), "{render}: {}", stderr(&result));
    }
    let merge = at_paths(recipe_line("kubernetes-merge.yaml", "personapress merge"));
    let result = sh(&merge, temp.path(), &[]);
    assert!(result.status.success(), "{merge}: {}", stderr(&result));
    assert_same_folders(&single, &out.join("merged"));

    // GitHub Actions: the matrix's shard and job total, in the checked-out project.
    let render = recipe_line("github-actions.yml", "personapress render");
    for shard in 1..=4 {
        let line = render
            .replace("${{ matrix.shard }}", &shard.to_string())
            .replace("${{ strategy.job-total }}", "4");
        let result = sh(&line, &root, &[]);
        assert!(result.status.success(), "{line}: {}", stderr(&result));
    }
    let merge = recipe_line("github-actions.yml", "personapress merge");
    let result = sh(&merge, &root, &[]);
    assert!(result.status.success(), "{merge}: {}", stderr(&result));
    assert_same_folders(&single, &root.join("dist"));
}

#[test]
#[ignore = "needs GNU parallel (installed by .ci/run)"]
fn the_gnu_parallel_recipe_shards_and_merges_as_one_render() {
    require_tool("parallel");
    let (temp, root) = project(&IDS);
    let single = render_whole(&root, &temp.path().join("single"));
    let script = repo().join("deploy/parallel.sh");
    let out = temp.path().join("parallel");
    let command = format!(
        "{} {} {} 3",
        script.display(),
        root.display(),
        out.display()
    );
    let result = sh(&command, temp.path(), &[]);
    assert!(result.status.success(), "{}", stderr(&result));
    assert_same_folders(&single, &out.join("merged"));
}
