//! `leadrelay user add` and `leadrelay company add`: what they print, and the one clear line
//! they fail with.

use crate::support::helpers::leadrelay_command;

#[test]
fn the_cli_adds_companies_and_users_with_clear_errors() {
    let dir = tempfile::tempdir().unwrap();
    let db = format!("sqlite://{}/cli.db", dir.path().display());
    let run = |args: &[&str], stdin: Option<&str>| {
        use std::io::Write;
        let mut child = leadrelay_command()
            .args(args)
            .env("LEADRELAY_DATABASE_URL", &db)
            .current_dir(dir.path())
            .stdin(std::process::Stdio::piped())
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .unwrap();
        if let Some(input) = stdin {
            child
                .stdin
                .take()
                .unwrap()
                .write_all(input.as_bytes())
                .unwrap();
        }
        drop(child.stdin.take());
        let output = child.wait_with_output().unwrap();
        (
            output.status.code().unwrap(),
            String::from_utf8(output.stdout).unwrap(),
            String::from_utf8(output.stderr).unwrap(),
        )
    };
    let (code, out, _) = run(&["company", "add", "--name", "Peak Roofing"], None);
    assert_eq!((code, out.trim()), (0, "peak-roofing"));
    let (code, _, err) = run(&["company", "add", "--name", "Peak Roofing"], None);
    assert_eq!(code, 1);
    assert_eq!(
        err.trim(),
        "error: a company with slug \"peak-roofing\" already exists"
    );
    let (code, out, _) = run(
        &[
            "user",
            "add",
            "--email",
            "ops@peak.example",
            "--role",
            "company-admin",
            "--company",
            "peak-roofing",
        ],
        None,
    );
    assert_eq!(code, 0);
    assert_eq!(
        out.trim().len(),
        20,
        "a generated password is printed: {out}"
    );
    let (code, out, _) = run(
        &[
            "user",
            "add",
            "--email",
            "root@agency.example",
            "--role",
            "platform-admin",
            "--password-stdin",
        ],
        Some("a sound passphrase\n"),
    );
    assert_eq!((code, out.as_str()), (0, ""));
    for (args, message) in [
        (
            vec![
                "user",
                "add",
                "--email",
                "ops@peak.example",
                "--role",
                "viewer",
                "--company",
                "peak-roofing",
            ],
            "already has an account",
        ),
        (
            vec![
                "user",
                "add",
                "--email",
                "x@peak.example",
                "--role",
                "viewer",
                "--company",
                "nope",
            ],
            "no company with slug \"nope\"",
        ),
        (
            vec![
                "user",
                "add",
                "--email",
                "x@peak.example",
                "--role",
                "boss",
                "--company",
                "peak-roofing",
            ],
            "unknown role",
        ),
        (
            vec![
                "user",
                "add",
                "--email",
                "x@peak.example",
                "--role",
                "viewer",
            ],
            "needs --company",
        ),
    ] {
        let (code, _, err) = run(&args, None);
        assert_eq!(code, 1, "{args:?}");
        assert_eq!(err.lines().count(), 1, "{err}");
        assert!(err.contains(message), "{message} in {err}");
    }
}
