//! `cargo xtask breaking`: which spec changes since a git ref can break a caller.
//!
//! ```text
//! cargo xtask breaking --base <git-ref> [--allow-breaking] [--spec PATH] [--repo DIR]
//! cargo xtask breaking --since-previous-version [--allow-breaking] [--spec PATH] [--repo DIR]
//! cargo xtask breaking --base-spec PATH [--spec PATH] [--allow-breaking]
//! ```
//!
//! The base is `openapi/smapi.yaml` as committed at `<git-ref>` (`git show
//! REF:openapi/smapi.yaml`), or any file given with `--base-spec`. With
//! `--since-previous-version` the base is the newest commit whose spec has an
//! `info.version` different from the head's: the previous version, so the
//! check covers everything that goes into the version being prepared (this is
//! what CI runs; a fresh clone needs no branch names). The head is the working
//! `openapi/smapi.yaml`, or `--spec PATH`. `--repo DIR` reads git history from
//! another checkout (default: this workspace). Both documents are parsed
//! with openapiv3, `$ref`s are followed, and every difference becomes one row
//! of a Markdown table: `kind | location | change | class | rust` (`rust`: the crate
//! version bump the change needs by Rust's semver rules, see `breaking/rust.rs`).
//!
//! # Rules
//!
//! **Breaking**: an operation, parameter, request or response field, response
//! status, response header or media type removed; a new required parameter,
//! request body or request field; optional → required on a parameter, request
//! body or request field; required → optional on a response field or header;
//! an enum value removed (request *or* response); a type or format changed;
//! a request constraint tightened (maxLength/maximum/maxItems lowered or added,
//! minLength/minimum/minItems raised or added, a pattern added or changed,
//! additionalProperties closed); a response constraint loosened (clients
//! generated from the old spec validate those bounds when decoding); a
//! parameter's serialization style changed; a changed `operationId` or tag
//! list (method names and module paths in generated clients); a named
//! component schema removed (a public type in every generated client); a
//! server or security alternative removed, or authentication newly required.
//!
//! **Compatible**: additions (operations, optional parameters and fields,
//! response fields and statuses, media types, servers), widened enums,
//! loosened request constraints, required → optional on requests, doc text
//! (summary, description, title, examples, `x-` extensions, tags' text).
//!
//! **Enums.** A removed value breaks in both directions: a request that
//! sends it is now rejected, and a caller that matches on it in a response
//! loses a case. An *added* value is compatible in both: requests accept
//! more, and response enums are **open** by contract: the Rust client decodes
//! unknown values into a catch-all, and the README tells other teams to do
//! the same. (An added response field is compatible for the same reason,
//! except on an object declared `additionalProperties: false`.)
//!
//! # Which version a change belongs to
//!
//! `--since-previous-version` treats every `info.version` that has a commit
//! after it as settled: bump the version in the same commit as the change
//! (or earlier), because a breaking change committed under 1.1.0 is judged
//! against 1.0.0 and a later bump to 2.0.0 is judged against 1.1.0. The
//! table ends with the smallest bump that fits the changes: major for any
//! breaking change, minor for other non-doc changes, patch for doc text only
//! (for `0.y.z`, each one step down, as Cargo reads it).
//!
//! # Exit status
//!
//! 0 when there is no breaking change, or when the compatibility-defining
//! component of `info.version` was bumped (the major; for `0.y.z` the minor,
//! as Cargo reads semver), or with `--allow-breaking`. 1 on an unapproved
//! breaking change. 2 when a spec cannot be read, parsed or fully resolved.

mod model;
mod operations;
mod resolve;
mod rust;
mod schema;

use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode};

use openapiv3::OpenAPI;

use crate::paths;
use model::Report;

/// Command line of `cargo xtask breaking`.
#[derive(clap::Args, Debug, Default)]
#[command(group(clap::ArgGroup::new("base-source").required(true)))]
pub struct Args {
    /// Compare against openapi/smapi.yaml as committed at this git ref
    #[arg(long, value_name = "GIT-REF", group = "base-source")]
    pub base: Option<String>,
    /// Compare against the newest commit whose spec has another info.version (what CI runs);
    /// in a shallow clone the missing history is fetched first
    #[arg(long, group = "base-source")]
    pub since_previous_version: bool,
    /// Compare against this spec file
    #[arg(long, value_name = "PATH", group = "base-source")]
    pub base_spec: Option<PathBuf>,
    /// The head spec (default openapi/smapi.yaml of --repo)
    #[arg(long, value_name = "PATH")]
    pub spec: Option<PathBuf>,
    /// Read git history from this checkout (default this workspace)
    #[arg(long, value_name = "DIR")]
    pub repo: Option<PathBuf>,
    /// Exit 0 on breaking changes even without a major bump of info.version
    #[arg(long)]
    pub allow_breaking: bool,
}

impl Args {
    /// `--since-previous-version` on this workspace, as CI runs it.
    pub fn since_previous_version() -> Self {
        Args {
            since_previous_version: true,
            ..Args::default()
        }
    }
}

/// The command line with its defaults filled in.
struct Resolved {
    base: BaseSource,
    head: PathBuf,
    repo: PathBuf,
    allow_breaking: bool,
}

enum BaseSource {
    GitRef(String),
    PreviousVersion,
    File(PathBuf),
}

/// Entry point for `cargo xtask breaking`.
pub fn run(args: Args) -> ExitCode {
    let repo = args.repo.clone().unwrap_or_else(paths::root);
    let head = args.spec.clone().unwrap_or_else(|| repo.join(paths::SPEC));
    let base = match (&args.base, &args.base_spec) {
        (Some(r), _) => BaseSource::GitRef(r.clone()),
        (None, Some(f)) => BaseSource::File(f.clone()),
        (None, None) => BaseSource::PreviousVersion,
    };
    let args = Resolved {
        base,
        head,
        repo,
        allow_breaking: args.allow_breaking,
    };
    let head_label = args.head.display().to_string();
    let head_text = match std::fs::read_to_string(&args.head) {
        Ok(t) => t,
        Err(e) => {
            eprintln!("xtask breaking: cannot read {head_label}: {e}");
            return ExitCode::from(2);
        }
    };
    let base = match &args.base {
        BaseSource::PreviousVersion => previous_version(&args.repo, &head_label, &head_text),
        BaseSource::GitRef(r) => git_spec(&args.repo, r).map(Some),
        BaseSource::File(path) => read_file(path).map(Some),
    };
    let loaded = base.and_then(|base| {
        let Some((base_label, base_text)) = base else {
            return Ok(None);
        };
        Ok(Some((
            (base_label.clone(), parse(&base_label, &base_text)?),
            (head_label.clone(), parse(&head_label, &head_text)?),
        )))
    });
    let ((base_label, base), (head_label, head)) = match loaded {
        Ok(Some(l)) => l,
        Ok(None) => {
            println!(
                "no earlier info.version of {} in git history: nothing to compare",
                paths::SPEC
            );
            return ExitCode::SUCCESS;
        }
        Err(e) => {
            eprintln!("xtask breaking: {e}");
            return ExitCode::from(2);
        }
    };

    let mut report = Report::default();
    operations::compare(&base, &head, &mut report);

    let (bv, hv) = (&base.info.version, &head.info.version);
    println!(
        "spec changes: base {base_label} (info.version {bv}) -> head {head_label} (info.version {hv})\n"
    );
    if report.changes.is_empty() {
        println!("no changes");
    } else {
        print!("{}", report.table());
    }
    let breaking = report.breaking_count();
    let total = report.changes.len();
    println!(
        "\n{total} change(s): {breaking} breaking, {} compatible",
        total - breaking
    );
    let needed = if breaking > 0 {
        "major (minor while 0.x)"
    } else if report.changes.iter().any(|c| c.kind != "docs") {
        "minor (patch while 0.x)"
    } else if total > 0 {
        "patch"
    } else {
        "none"
    };
    println!("smallest info.version bump that fits: {needed}");
    println!(
        "smallest crate version bump that fits (Rust semver, column `rust`): {}",
        rust::needed(&report.changes)
    );
    if total > 0 && bv == hv {
        println!(
            "note: info.version is still {hv}; every spec change bumps it and gets an \
             openapi/CHANGELOG.md entry"
        );
    }
    if !report.errors.is_empty() {
        for e in &report.errors {
            eprintln!("xtask breaking: {e}");
        }
        eprintln!(
            "xtask breaking: the comparison is incomplete ({} problem(s) above)",
            report.errors.len()
        );
        return ExitCode::from(2);
    }
    if breaking == 0 {
        return ExitCode::SUCCESS;
    }
    if compat_bumped(bv, hv) {
        println!("breaking changes accepted: info.version {bv} -> {hv} bumps the major version");
        return ExitCode::SUCCESS;
    }
    if args.allow_breaking {
        println!("breaking changes accepted: --allow-breaking");
        return ExitCode::SUCCESS;
    }
    eprintln!(
        "xtask breaking: {breaking} breaking change(s) without a major bump of info.version \
         ({bv} -> {hv}). Bump the major version (minor while 0.x) and add an openapi/CHANGELOG.md \
         entry, or pass --allow-breaking."
    );
    ExitCode::FAILURE
}

fn read_file(path: &Path) -> Result<(String, String), String> {
    let label = path.display().to_string();
    let text = std::fs::read_to_string(path).map_err(|e| format!("cannot read {label}: {e}"))?;
    Ok((label, text))
}

/// Runs git in `repo`; `Err` carries git's own message.
fn git(repo: &Path, args: &[&str]) -> Result<String, String> {
    let out = Command::new("git")
        .args(args)
        .current_dir(repo)
        .output()
        .map_err(|e| format!("cannot run git: {e}"))?;
    if !out.status.success() {
        return Err(format!(
            "`git {}` failed: {}",
            args.join(" "),
            String::from_utf8_lossy(&out.stderr).trim()
        ));
    }
    String::from_utf8(out.stdout).map_err(|_| format!("`git {}` printed non-UTF-8", args.join(" ")))
}

/// The spec as committed at `rev`, labelled `rev:openapi/smapi.yaml`.
fn git_spec(repo: &Path, rev: &str) -> Result<(String, String), String> {
    let object = format!("{rev}:{}", paths::SPEC);
    Ok((object.clone(), git(repo, &["show", &object])?))
}

/// The newest commit whose spec has an `info.version` other than the head's
/// (commits where the spec does not parse are skipped). `None` when every
/// commit carries the head's version, or the spec has no history yet.
fn previous_version(
    repo: &Path,
    head_label: &str,
    head_text: &str,
) -> Result<Option<(String, String)>, String> {
    let head_version = version_of(head_text)
        .ok_or_else(|| format!("{head_label} has no readable info.version"))?;
    ensure_full_history(repo)?;
    let log = git(repo, &["log", "--format=%H", "--", paths::SPEC])?;
    for commit in log.lines().map(str::trim).filter(|c| !c.is_empty()) {
        let (_, text) = git_spec(repo, commit)?;
        if version_of(&text).is_some_and(|v| v != head_version) {
            let short = &commit[..commit.len().min(12)];
            let label = format!("{short}:{}", paths::SPEC);
            return Ok(Some((label, text)));
        }
    }
    Ok(None)
}

/// In a shallow clone (`git clone --depth N`) the previous version may be missing from the
/// history, and an empty answer would wave every change through; so fetch the rest of the
/// history first, or fail saying how to get it.
fn ensure_full_history(repo: &Path) -> Result<(), String> {
    if git(repo, &["rev-parse", "--is-shallow-repository"])?.trim() != "true" {
        return Ok(());
    }
    eprintln!(
        "xtask breaking: this clone is shallow; fetching the rest of its history \
         (git fetch --unshallow) to find the previous info.version"
    );
    git(repo, &["fetch", "--unshallow", "--quiet"])
        .map(|_| ())
        .map_err(|e| {
            format!(
                "this clone is shallow (made with --depth), so the previous info.version of {} \
             cannot be found, and fetching the rest of the history failed: {e}\n\
             Fix: run `git fetch --unshallow` where the remote is reachable (or clone without \
             --depth), or compare against a file with --base-spec PATH.",
                paths::SPEC
            )
        })
}

/// `info.version`, read without requiring the rest of the document to be valid.
fn version_of(text: &str) -> Option<String> {
    let doc: serde_norway::Value = serde_norway::from_str(text).ok()?;
    let v = doc.get("info")?.get("version")?;
    v.as_str()
        .map(str::to_owned)
        .or_else(|| v.as_f64().map(|f| f.to_string()))
}

fn parse(label: &str, text: &str) -> Result<OpenAPI, String> {
    // Typed parsing keeps one of two duplicate keys silently, which could hide
    // a change; the generic YAML value rejects duplicates, so read that first.
    serde_norway::from_str::<serde_norway::Value>(text)
        .map_err(|e| format!("{label} is not valid YAML: {e}"))?;
    serde_norway::from_str(text)
        .map_err(|e| format!("{label} is not a valid OpenAPI 3.0 document: {e}"))
}

/// The component of a semver version that signals incompatibility, as Cargo
/// reads it: `(major, 0)` from 1.0.0 on, `(0, minor)` below.
fn compat_key(version: &str) -> Option<(u64, u64)> {
    let core = version.trim().trim_start_matches('v');
    let core = core.split(['-', '+']).next()?;
    let mut parts = core.split('.').map(str::parse::<u64>);
    let major = parts.next()?.ok()?;
    let minor = parts.next().unwrap_or(Ok(0)).ok()?;
    Some(if major > 0 { (major, 0) } else { (0, minor) })
}

/// Whether `head` raised the compatibility-defining component of `base`.
fn compat_bumped(base: &str, head: &str) -> bool {
    match (compat_key(base), compat_key(head)) {
        (Some(b), Some(h)) => h > b,
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::compat_bumped;

    #[test]
    fn major_bump_rule_follows_cargo_semver() {
        assert!(compat_bumped("1.4.2", "2.0.0"));
        assert!(!compat_bumped("1.4.2", "1.5.0"));
        assert!(!compat_bumped("2.0.0", "2.0.0"));
        assert!(compat_bumped("0.3.1", "0.4.0"));
        assert!(!compat_bumped("0.3.1", "0.3.2"));
        assert!(compat_bumped("0.9.0", "1.0.0"));
        assert!(!compat_bumped("2.0.0", "1.9.0"));
        assert!(!compat_bumped("not-a-version", "2.0.0"));
    }
}

/// A version bump, smallest first.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Bump {
    /// No change at all.
    None,
    /// Wording and examples only.
    Patch,
    /// Additions.
    Minor,
    /// Something a caller may depend on changed or went away.
    Major,
}

impl Bump {
    /// The word `release-spec` and `--bump` use.
    pub fn word(self) -> &'static str {
        match self {
            Bump::None => "none",
            Bump::Patch => "patch",
            Bump::Minor => "minor",
            Bump::Major => "major",
        }
    }

    /// `version` raised by this bump, as Cargo reads semver (below 1.0.0 each step moves
    /// one place down: major raises the minor, minor raises the patch).
    pub fn apply(self, version: &str) -> Option<String> {
        let core = version.trim().split(['-', '+']).next()?;
        let mut parts = core.split('.').map(str::parse::<u64>);
        let (major, minor, patch) = (
            parts.next()?.ok()?,
            parts.next()?.ok()?,
            parts.next()?.ok()?,
        );
        let next = match (self, major) {
            (Bump::None, _) => (major, minor, patch),
            (Bump::Major, 0) => (0, minor + 1, 0),
            (Bump::Minor, 0) | (Bump::Patch, _) => (major, minor, patch + 1),
            (Bump::Major, _) => (major + 1, 0, 0),
            (Bump::Minor, _) => (major, minor + 1, 0),
        };
        Some(format!("{}.{}.{}", next.0, next.1, next.2))
    }
}

/// What `cargo xtask release-spec` needs from a comparison: the base it used, the table,
/// and the bumps the change needs for the spec's `info.version` (by its impact on callers
/// of the spec in any language) and for the crate version (by its impact on Rust users).
pub struct Verdict {
    /// Where the base came from, e.g. `HEAD:openapi/smapi.yaml`.
    pub base_label: String,
    /// The base's `info.version`.
    pub base_version: String,
    /// The base spec's text (release-spec reads the crate version beside it).
    pub base_rev: Option<String>,
    /// The changes as the table `breaking` prints.
    pub table: String,
    /// How many changes there are, and how many of them are breaking.
    pub changes: usize,
    /// How many of them are breaking.
    pub breaking: usize,
    /// One changelog line per change, to be reworded with the why.
    pub changelog_lines: Vec<String>,
    /// The smallest `info.version` bump that fits the changes.
    pub spec_bump: Bump,
    /// The smallest crate version bump that fits the changes for Rust users (the `rust`
    /// column, see `breaking/rust.rs`).
    pub crate_bump: Bump,
}

/// Compares the working spec with the spec it releases from: the committed spec at `HEAD`
/// when the working spec still carries HEAD's version (the edit is not committed yet),
/// otherwise the newest commit with another version (the edit was bumped already).
pub fn assess(repo: &Path, head_text: &str) -> Result<Verdict, String> {
    let head_version =
        version_of(head_text).ok_or_else(|| format!("{} has no info.version", paths::SPEC))?;
    let (committed_label, committed) = git_spec(repo, "HEAD")?;
    let (base_label, base_text, base_rev) =
        if version_of(&committed).as_deref() == Some(head_version.as_str()) {
            (committed_label, committed, Some("HEAD".to_owned()))
        } else {
            match previous_version(repo, paths::SPEC, head_text)? {
                Some((label, text)) => {
                    let rev = label.split(':').next().map(str::to_owned);
                    (label, text, rev)
                }
                None => return Err("no earlier info.version in git history".to_owned()),
            }
        };
    let base = parse(&base_label, &base_text)?;
    let head = parse(paths::SPEC, head_text)?;
    let mut report = Report::default();
    operations::compare(&base, &head, &mut report);
    if !report.errors.is_empty() {
        return Err(format!(
            "the comparison is incomplete: {}",
            report.errors.join("; ")
        ));
    }
    let spec_bump = if report.breaking_count() > 0 {
        Bump::Major
    } else if report.changes.iter().any(|c| c.kind != "docs") {
        Bump::Minor
    } else if !report.changes.is_empty() {
        Bump::Patch
    } else {
        Bump::None
    };
    let changelog_lines = report
        .changes
        .iter()
        .map(|c| {
            let class = if c.class == model::Class::Breaking {
                "breaking"
            } else {
                "compatible"
            };
            format!(
                "- ({class}) {}: {} {} (reword with the why before committing)",
                c.kind, c.location, c.change
            )
        })
        .collect();
    Ok(Verdict {
        base_label,
        base_version: base.info.version.clone(),
        base_rev,
        table: report.table(),
        changes: report.changes.len(),
        breaking: report.breaking_count(),
        changelog_lines,
        spec_bump,
        crate_bump: rust::bump(&report.changes),
    })
}
