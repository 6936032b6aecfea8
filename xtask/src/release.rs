//! `cargo xtask release-spec`: every mechanical step of a spec change, in the one order
//! that works, so the README's workflow is: edit the spec, run this, review, commit.
//!
//! 1. `validate` (with the pages when they are there);
//! 2. `drift`: the spec must answer every difference the pages' tables show (a changed
//!    section's text alone is fine: the maintainer has just transcribed it); the pages'
//!    current section digests are then recorded in `x-source`;
//! 3. classify the change with `breaking` against the spec it releases from: the committed
//!    spec when the working copy still carries HEAD's version, otherwise the previous
//!    version;
//! 4. version: `info.version` moves by the bump the change needs for spec users, the crate
//!    version by the bump it needs for Rust users. Already bumped far enough: kept. Bumped
//!    too little: refused. `--bump` asks for more than needed, never less;
//! 5. `generate`: the snapshot carries the version, so it is rewritten after the bump;
//! 6. `Cargo.lock` follows the crate version (`cargo update --workspace --offline`);
//! 7. `openapi/CHANGELOG.md` gets the version's entry (or the lines are added to it), one
//!    line per classified change, to be reworded with the why at review;
//! 8. `cargo test --workspace` (`--skip-tests` leaves it to you);
//! 9. `bundle` (`--skip-bundle` leaves it to you).
//!
//! `--dry-run` stops after step 4 and changes nothing.

use std::path::Path;
use std::process::{Command, ExitCode};

use crate::breaking::{self, Bump};
use crate::{bundle, drift, generate, paths, validate};

/// Command line of `cargo xtask release-spec`.
#[derive(clap::Args, Debug, Default)]
pub struct Args {
    /// Bump at least this much (major, minor or patch); less than the change needs is refused
    #[arg(long, value_parser = ["major", "minor", "patch"])]
    pub bump: Option<String>,
    /// Say what would happen and change nothing
    #[arg(long)]
    pub dry_run: bool,
    /// Do not run `cargo test --workspace` at the end
    #[arg(long)]
    pub skip_tests: bool,
    /// Do not write the bundle at the end
    #[arg(long)]
    pub skip_bundle: bool,
    /// Folder with the saved Amazon pages (default ../shared/api-docs when it exists)
    #[arg(long, value_name = "DIR")]
    pub pages: Option<std::path::PathBuf>,
    /// Work on another checkout of this repository (default this workspace)
    #[arg(long, value_name = "DIR", hide = true)]
    pub root: Option<std::path::PathBuf>,
}

fn bump_of(word: &str) -> Bump {
    match word {
        "major" => Bump::Major,
        "minor" => Bump::Minor,
        _ => Bump::Patch,
    }
}

fn step(n: usize, what: &str) {
    println!("\n== release-spec {n}/9: {what}");
}

/// Entry point for `cargo xtask release-spec`.
pub fn run(args: Args) -> ExitCode {
    match release(&args) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("\nxtask release-spec: {e}");
            ExitCode::FAILURE
        }
    }
}

fn release(args: &Args) -> Result<(), String> {
    let root = args.root.clone().unwrap_or_else(paths::root);
    let spec_path = root.join(paths::SPEC);
    let pages = args
        .pages
        .clone()
        .unwrap_or_else(|| root.join(paths::PAGES_BESIDE));

    step(1, "validate");
    let v = validate::run(validate::Args {
        spec: Some(spec_path.clone()),
        coverage: Some(root.join(paths::COVERAGE)),
        docs: pages.is_dir().then(|| pages.clone()),
        require_pages: false,
    });
    if v != ExitCode::SUCCESS {
        return Err("the spec does not validate; fix the problems above and run again".into());
    }

    step(2, "drift against the saved pages");
    let mut text = read(&spec_path)?;
    if pages.is_dir() {
        let report = drift::compare(&text, &pages)?;
        print!("{}", report.text);
        let open: Vec<&str> = report
            .text
            .lines()
            .filter(|l| l.starts_with("   ") && !l.starts_with("   resolved in the spec:"))
            .filter(|l| !l.contains("text changed since the spec recorded it"))
            .filter(|l| !l.contains("no digest recorded"))
            .collect();
        if !open.is_empty() {
            return Err(format!(
                "the spec does not yet answer {} difference(s) the pages list (above): \
                 transcribe them, or explain each in a \"Resolved:\" note that names it",
                open.len()
            ));
        }
        if !args.dry_run {
            let recorded = drift::record(&text, &report.digests)?;
            if recorded != text {
                write(&spec_path, &recorded)?;
                println!("recorded the pages' current section digests in x-source");
                text = recorded;
            }
        }
    } else {
        println!(
            "pages NOT compared: no folder {} (pass --pages DIR)",
            pages.display()
        );
    }

    step(3, "classify the change (breaking)");
    let verdict = breaking::assess(&root, &text)?;
    println!(
        "base {} (info.version {})",
        verdict.base_label, verdict.base_version
    );
    if verdict.changes == 0 {
        return Err(format!(
            "no spec change since {}: nothing to release",
            verdict.base_label
        ));
    }
    print!("{}", verdict.table);
    println!(
        "needs: info.version {} bump, crate {} bump",
        verdict.spec_bump.word(),
        verdict.crate_bump.word()
    );

    step(4, "version");
    let asked = args.bump.as_deref().map(bump_of).unwrap_or(Bump::None);
    if asked != Bump::None && asked < verdict.spec_bump {
        return Err(format!(
            "--bump {} is less than the change needs ({}): {} breaking change(s)",
            asked.word(),
            verdict.spec_bump.word(),
            verdict.breaking
        ));
    }
    let spec_bump = verdict.spec_bump.max(asked);
    let crate_bump = verdict.crate_bump.max(asked);
    let current = version_in_spec(&text).ok_or("the spec has no info.version line")?;
    let spec_version = settle("info.version", &verdict.base_version, &current, spec_bump)?;
    let cargo_path = root.join("Cargo.toml");
    let cargo = read(&cargo_path)?;
    let crate_now = crate_version(&cargo).ok_or("Cargo.toml has no [package] version")?;
    let crate_base = verdict
        .base_rev
        .as_deref()
        .and_then(|rev| git_show(&root, &format!("{rev}:Cargo.toml")).ok())
        .and_then(|t| crate_version(&t))
        .unwrap_or_else(|| crate_now.clone());
    let crate_new = settle("crate version", &crate_base, &crate_now, crate_bump)?;
    println!("info.version {} -> {spec_version}", verdict.base_version);
    println!("alexa-smapi  {crate_base} -> {crate_new}");
    if args.dry_run {
        println!("\n--dry-run: nothing changed");
        return Ok(());
    }
    let text = set_spec_version(&text, &spec_version)?;
    write(&spec_path, &text)?;
    write(&cargo_path, &set_crate_version(&cargo, &crate_new)?)?;

    step(5, "regenerate the snapshot");
    let lines = generate::write_snapshot(&root)?;
    println!("wrote {} ({lines} lines)", paths::SNAPSHOT);

    step(6, "Cargo.lock");
    run_cmd(&root, "cargo", &["update", "--workspace", "--offline"])?;

    step(7, "changelog entry");
    let changelog_path = root.join("openapi/CHANGELOG.md");
    let changelog = read(&changelog_path)?;
    let lines = &verdict.changelog_lines;
    write(
        &changelog_path,
        &add_entry(&changelog, &spec_version, lines),
    )?;
    println!(
        "{} line(s) under ## {spec_version} in openapi/CHANGELOG.md",
        lines.len()
    );

    step(8, "cargo test --workspace");
    if args.skip_tests {
        println!("skipped (--skip-tests): run `cargo test --workspace` before committing");
    } else {
        run_cmd(&root, "cargo", &["test", "--workspace", "--locked"])?;
    }

    step(9, "bundle");
    if args.skip_bundle {
        println!("skipped (--skip-bundle)");
    } else if bundle::run(bundle::Args {
        spec: Some(spec_path.clone()),
        out: None,
    }) != ExitCode::SUCCESS
    {
        return Err("cargo xtask bundle failed".into());
    }

    println!(
        "\nready to review: git diff (spec, snapshot, Cargo.toml, Cargo.lock, changelog), \
         reword the changelog lines, then commit them together"
    );
    Ok(())
}

/// The version to release: `current` when it is already bumped enough from `base`,
/// `base` bumped when `current` is still `base`; refused when bumped too little.
fn settle(what: &str, base: &str, current: &str, bump: Bump) -> Result<String, String> {
    let wanted = bump
        .apply(base)
        .ok_or_else(|| format!("{what} `{base}` is not semver"))?;
    if current == base {
        return Ok(wanted);
    }
    let key = |v: &str| -> Option<(u64, u64, u64)> {
        let mut p = v
            .split(['-', '+'])
            .next()?
            .split('.')
            .map(|x| x.parse().ok());
        Some((p.next()??, p.next()??, p.next()??))
    };
    match (key(current), key(&wanted)) {
        (Some(c), Some(w)) if c >= w => Ok(current.to_owned()),
        _ => Err(format!(
            "{what} is {current}, but the change from {base} needs a {} bump (at least {wanted})",
            bump.word()
        )),
    }
}

fn read(path: &Path) -> Result<String, String> {
    std::fs::read_to_string(path).map_err(|e| format!("cannot read {}: {e}", path.display()))
}

fn write(path: &Path, text: &str) -> Result<(), String> {
    std::fs::write(path, text).map_err(|e| format!("cannot write {}: {e}", path.display()))
}

fn git_show(root: &Path, object: &str) -> Result<String, String> {
    let out = Command::new("git")
        .args(["show", object])
        .current_dir(root)
        .output()
        .map_err(|e| format!("cannot run git: {e}"))?;
    if !out.status.success() {
        return Err(format!("git show {object} failed"));
    }
    String::from_utf8(out.stdout).map_err(|_| "non-UTF-8 output".to_owned())
}

fn run_cmd(root: &Path, program: &str, args: &[&str]) -> Result<(), String> {
    println!("$ {program} {}", args.join(" "));
    let status = Command::new(program)
        .args(args)
        .current_dir(root)
        .status()
        .map_err(|e| format!("cannot run {program}: {e}"))?;
    if status.success() {
        Ok(())
    } else {
        Err(format!("`{program} {}` failed ({status})", args.join(" ")))
    }
}

/// The `version:` line directly under `info:`.
fn info_version_line(text: &str) -> Option<(usize, usize)> {
    let mut in_info = false;
    let mut offset = 0;
    for line in text.split_inclusive('\n') {
        let start = offset;
        offset += line.len();
        if line.starts_with("info:") {
            in_info = true;
            continue;
        }
        if in_info {
            if !line.starts_with(' ') && !line.trim().is_empty() {
                return None;
            }
            let t = line.trim_start();
            if t.starts_with("version:") && line.len() - t.len() == 2 {
                return Some((start, offset));
            }
        }
    }
    None
}

fn version_in_spec(text: &str) -> Option<String> {
    let (s, e) = info_version_line(text)?;
    let v = text[s..e].trim().strip_prefix("version:")?.trim();
    Some(v.trim_matches(['\'', '"']).to_owned())
}

fn set_spec_version(text: &str, version: &str) -> Result<String, String> {
    let (s, e) = info_version_line(text).ok_or("the spec has no `  version:` line under info")?;
    Ok(format!(
        "{}  version: {version}\n{}",
        &text[..s],
        &text[e..]
    ))
}

/// The `version = "..."` of Cargo.toml's `[package]` table.
fn crate_version(cargo: &str) -> Option<String> {
    let mut in_package = false;
    for line in cargo.lines() {
        let t = line.trim();
        if t.starts_with('[') {
            in_package = t == "[package]";
            continue;
        }
        if in_package && let Some(v) = t.strip_prefix("version") {
            let v = v.trim_start().strip_prefix('=')?.trim();
            return Some(v.trim_matches('"').to_owned());
        }
    }
    None
}

fn set_crate_version(cargo: &str, version: &str) -> Result<String, String> {
    let mut out = String::with_capacity(cargo.len());
    let mut in_package = false;
    let mut done = false;
    for line in cargo.split_inclusive('\n') {
        let t = line.trim();
        if t.starts_with('[') {
            in_package = t == "[package]";
        }
        if in_package && !done && t.starts_with("version") && t.contains('=') {
            out.push_str(&format!("version = \"{version}\"\n"));
            done = true;
        } else {
            out.push_str(line);
        }
    }
    if done {
        Ok(out)
    } else {
        Err("Cargo.toml has no [package] version line".into())
    }
}

/// Adds `lines` under `## version` (created above the newest entry when missing).
pub fn add_entry(changelog: &str, version: &str, lines: &[String]) -> String {
    let heading = format!("## {version}\n");
    let body: String = lines.iter().map(|l| format!("{l}\n")).collect();
    if let Some(pos) = changelog.find(&heading) {
        let after = pos + heading.len();
        let rest = &changelog[after..];
        let blank = if rest.starts_with('\n') { 1 } else { 0 };
        return format!(
            "{}{}{body}{}",
            &changelog[..after],
            &rest[..blank],
            &rest[blank..]
        );
    }
    match changelog.find("\n## ") {
        Some(pos) => format!(
            "{}{heading}\n{body}\n{}",
            &changelog[..pos + 1],
            &changelog[pos + 1..]
        ),
        None => format!("{changelog}\n{heading}\n{body}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bumps_follow_cargo_semver() {
        assert_eq!(Bump::Major.apply("1.1.0").as_deref(), Some("2.0.0"));
        assert_eq!(Bump::Minor.apply("1.1.3").as_deref(), Some("1.2.0"));
        assert_eq!(Bump::Patch.apply("1.1.3").as_deref(), Some("1.1.4"));
        assert_eq!(Bump::Major.apply("0.3.1").as_deref(), Some("0.4.0"));
        assert_eq!(Bump::Minor.apply("0.3.1").as_deref(), Some("0.3.2"));
    }

    #[test]
    fn settle_keeps_enough_and_refuses_too_little() {
        assert_eq!(settle("v", "1.1.0", "1.1.0", Bump::Major).unwrap(), "2.0.0");
        assert_eq!(settle("v", "1.1.0", "2.0.0", Bump::Minor).unwrap(), "2.0.0");
        let e = settle("v", "1.1.0", "1.2.0", Bump::Major).unwrap_err();
        assert!(e.contains("needs a major bump (at least 2.0.0)"), "{e}");
    }

    #[test]
    fn version_lines_are_found_and_set() {
        let spec = "openapi: 3.0.3\ninfo:\n  title: t\n  version: 1.1.0\npaths: {}\n";
        assert_eq!(version_in_spec(spec).as_deref(), Some("1.1.0"));
        assert_eq!(
            set_spec_version(spec, "2.0.0").unwrap(),
            spec.replace("1.1.0", "2.0.0")
        );
        let cargo = "[workspace]\nversion = \"9\"\n[package]\nname = \"a\"\nversion = \"1.1.0\"\n";
        assert_eq!(crate_version(cargo).as_deref(), Some("1.1.0"));
        assert!(
            set_crate_version(cargo, "2.0.0")
                .unwrap()
                .contains("version = \"2.0.0\"\n")
        );
        assert!(
            set_crate_version(cargo, "2.0.0")
                .unwrap()
                .contains("version = \"9\"")
        );
    }

    #[test]
    fn changelog_entries_are_started_or_extended() {
        let log = "# Changelog\n\nintro\n\n## 1.1.0\n\n- old\n";
        let new = add_entry(log, "2.0.0", &["- a".to_owned()]);
        assert_eq!(
            new,
            "# Changelog\n\nintro\n\n## 2.0.0\n\n- a\n\n## 1.1.0\n\n- old\n"
        );
        let more = add_entry(&new, "2.0.0", &["- b".to_owned()]);
        assert_eq!(
            more,
            "# Changelog\n\nintro\n\n## 2.0.0\n\n- b\n- a\n\n## 1.1.0\n\n- old\n"
        );
    }
}
