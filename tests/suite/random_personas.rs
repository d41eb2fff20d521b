//! Property test: random valid personas (any printable Unicode, any list lengths,
//! any values in range) always lay out in every format without a panic. A
//! document may fail cleanly (text too long for one page, a character no font
//! has), never crash.

use std::path::Path;

use indicatif::ProgressBar;
use personapress::batch::{self, RunOptions};
use personapress::cli::{self, args::ProjectArgs};
use proptest::prelude::*;

/// Text in the scripts the bundled fonts print (Latin to Extended-A, Greek, Cyrillic,
/// Hebrew, Arabic), so that it reaches the layout.
fn text_of(max: usize) -> impl Strategy<Value = String> {
    let scripts =
        r"\x20-\u{17F}\u{370}-\u{3E1}\u{3F0}-\u{4FF}\u{591}-\u{5EA}\u{600}-\u{61C}\u{61E}-\u{6FF}";
    let pattern = format!("[{scripts}&&\\PC]{{0,{max}}}");
    proptest::string::string_regex(&pattern).expect("a valid pattern")
}

fn text() -> impl Strategy<Value = String> {
    text_of(60)
}

fn list() -> impl Strategy<Value = Vec<String>> {
    prop::collection::vec(text(), 0..8)
}

prop_compose! {
    fn persona()(
        // A name must show something: a first character that is a letter.
        name_head in "[A-Za-zΑ-ωА-яא-ת]", name_tail in text_of(39),
        tagline in text(), quote in text(), story in text_of(400), core_need in text(),
        // One persona in five adds any printable Unicode to its story: it must fail cleanly.
        odd in prop::option::weighted(0.2, "\\PC{1,40}"),
        age in 0u32..120, goals in list(), dos in list(), donts in list(), frustrations in list(),
        media in prop::collection::vec((text(), 0i64..=100), 0..7),
        traits in prop::collection::vec((text(), text(), 0i64..=100), 0..6),
        journey in prop::collection::vec((text(), -100i64..=100), 0..10),
        metrics in prop::collection::vec((text(), -1e6f64..1e6), 0..5),
        profile in any::<bool>(), dutch in any::<bool>(),
    ) -> String {
        let name = name_head + &name_tail;
        let q = |s: &str| toml::Value::String(s.to_string()).to_string();
        let l = |v: &[String]| toml::Value::Array(v.iter().map(|s| toml::Value::String(s.clone())).collect()).to_string();
        let mut out = format!(
            "name = {}\ntagline = {}\nquote = {}\nstory = {}\ncore_need = {}\nage = {age}\ngoals = {}\ndos = {}\ndonts = {}\nfrustrations = {}\nkind = \"{}\"\nlanguage = \"{}\"\n",
            q(&name), q(&tagline), q(&quote), q(&(story + odd.as_deref().unwrap_or(""))), q(&core_need), l(&goals), l(&dos), l(&donts), l(&frustrations),
            if profile { "profile" } else { "persona" }, if dutch { "nl" } else { "en" },
        );
        for (channel, share) in media { out += &format!("[[media]]\nchannel = {}\nshare = {share}\n", q(&channel)); }
        for (from, to, value) in traits { out += &format!("[[traits]]\nfrom = {}\nto = {}\nvalue = {value}\n", q(&from), q(&to)); }
        for (stage, feeling) in journey { out += &format!("[[journey]]\nstage = {}\nfeeling = {feeling}\n", q(&stage)); }
        for (label, value) in metrics { out += &format!("[[metrics]]\nlabel = {}\nvalue = {value}\n", q(&label)); }
        out
    }
}

fn check(project: &Path) -> Vec<String> {
    let args = ProjectArgs {
        project: project.to_path_buf(),
        formats: None,
        theme: None,
        jobs: Some(1),
        quiet: true,
        strict: false,
        source_date_epoch: None,
        budget: Default::default(),
    };
    let prepared = cli::prepare(&args, None).expect("the project opens");
    let options = RunOptions {
        jobs: 1,
        progress: &ProgressBar::hidden(),
        output_intent: prepared.intent.clone(),
        mode: batch::Mode::Check,
        source_date_epoch: None,
        portion: Default::default(),
        budget: Default::default(),
        runaways: None,
    };
    let outcomes = batch::run(&prepared.ws, &prepared.base, &options).outcomes;
    outcomes
        .iter()
        .flat_map(|o| {
            o.errors
                .iter()
                .map(|e| format!("{}: {}", o.label(), e.one_line()))
        })
        .collect()
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 24, ..ProptestConfig::default() })]

    #[test]
    fn random_valid_personas_never_crash(persona in persona()) {
        let temp = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(temp.path().join("personas")).unwrap();
        std::fs::write(temp.path().join("personapress.toml"), "title = \"Random\"\n").unwrap();
        std::fs::write(temp.path().join("personas/p.toml"), &persona).unwrap();
        for error in check(temp.path()) {
            // Clean, explained failures: too much text for one page, or a character no
            // font has (named per field before anything is laid out, never a box).
            let clean = error.contains("does not fit on one") || error.contains("is too long for")
                || error.contains("no font here has the characters");
            prop_assert!(clean, "unexpected failure for\n{}\n{}", persona, error);
        }
    }
}
