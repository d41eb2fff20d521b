//! The workshop edition: draft personas print a version band, post-it zones and a
//! QR code to the project's feedback address; final ones print none of it.

use crate::common::*;

/// A project with one draft and one final persona, with or without a feedback address.
fn project(feedback_url: Option<&str>) -> (tempfile::TempDir, std::path::PathBuf) {
    let temp = tempfile::tempdir().unwrap();
    let dir = temp.path().join("p");
    let workshop = feedback_url.map_or(String::new(), |url| {
        format!("\n[workshop]\nfeedback_url = \"{url}\"\n")
    });
    write(
        &dir.join("personapress.toml"),
        &format!("formats = [\"poster-a2\", \"poster-a3\"]\n{workshop}"),
    );
    let persona = |status: &str| {
        format!(
            "name = \"Sam {status}\"\nstatus = \"{status}\"\nversion = 3\nlanguage = \"en\"\n\
             tagline = \"Wants answers fast\"\ncore_need = \"Clarity\"\ngoals = [\"Save time\"]\n"
        )
    };
    write(&dir.join("personas/draft.toml"), &persona("draft"));
    write(&dir.join("personas/final.toml"), &persona("final"));
    (temp, dir)
}

#[test]
fn a_draft_poster_carries_the_band_and_post_it_zones_and_a_final_one_does_not() {
    let (_temp, dir) = project(Some("https://example.org/feedback"));
    let out = personapress(&["render", dir.to_str().unwrap(), "-q"]);
    assert!(out.status.success(), "{}", stderr(&out));
    for format in ["poster-a2", "poster-a3"] {
        let draft = squeezed(&plain_text(
            &dir.join(format!("dist/draft/draft.{format}.pdf")),
        ));
        for shown in [
            "VERSION3—",
            "DRAFT",
            "Stickapost-ithere",
            "Scantorespond",
            "https://example.org/feedback",
        ] {
            assert!(
                draft.contains(shown),
                "{format} draft lacks {shown}: {draft}"
            );
        }
        let final_ = squeezed(&plain_text(
            &dir.join(format!("dist/final/final.{format}.pdf")),
        ));
        for absent in ["DRAFT", "post-it", "Scantorespond", "example.org"] {
            assert!(
                !final_.contains(absent),
                "{format} final shows {absent}: {final_}"
            );
        }
        let doc = pdf(&dir.join(format!("dist/draft/draft.{format}.pdf")));
        assert_eq!(doc.get_pages().len(), 1, "{format}: still one page");
    }
}

#[test]
fn without_a_feedback_address_a_draft_has_no_qr_code() {
    let (_temp, dir) = project(None);
    let out = personapress(&["render", dir.to_str().unwrap(), "-q"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let draft = squeezed(&plain_text(&dir.join("dist/draft/draft.poster-a3.pdf")));
    assert!(
        draft.contains("DRAFT") && draft.contains("Stickapost-ithere"),
        "{draft}"
    );
    assert!(!draft.contains("Scantorespond"), "{draft}");
}

#[test]
#[ignore = "needs zbarimg (zbar-tools, installed by .ci/run)"]
fn the_qr_code_reads_back_as_the_feedback_address() {
    require_tool("zbarimg");
    let url = "https://example.org/feedback?persona=sam";
    let (_temp, dir) = project(Some(url));
    for format in ["poster-a2", "poster-a3"] {
        let png = dir.join(format!("{format}.png"));
        let out = personapress(&[
            "preview",
            "draft",
            "-C",
            dir.to_str().unwrap(),
            "-f",
            format,
            "--dpi",
            "150",
            "-o",
            png.to_str().unwrap(),
        ]);
        assert!(out.status.success(), "{}", stderr(&out));
        let scan = std::process::Command::new("zbarimg")
            .args(["-q", "--raw"])
            .arg(&png)
            .output()
            .expect("zbarimg runs");
        assert_eq!(
            String::from_utf8_lossy(&scan.stdout).trim(),
            url,
            "{format}"
        );
    }
}

#[test]
fn a_feedback_address_too_long_for_a_qr_code_is_refused_with_its_line() {
    let url = format!("https://example.org/feedback?q={}", "x".repeat(2400));
    let (_temp, dir) = project(Some(&url));
    let out = personapress(&["check", dir.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    let message = stderr(&out);
    assert!(
        message.contains("too long for a QR code (2431 bytes, at most 2331 fit)"),
        "{message}"
    );
    assert!(message.contains("personapress.toml:4:16"), "{message}");
}
