//! `cargo xtask breaking`: which spec changes since a git ref can break a caller.
//!
//! ```text
//! cargo xtask breaking --base <git-ref> [--allow-breaking] [--spec PATH]
//! cargo xtask breaking --base-spec PATH [--spec PATH] [--allow-breaking]
//! ```
//!
//! The base is `openapi/smapi.yaml` as committed at `<git-ref>` (`git show
//! REF:openapi/smapi.yaml`), or any file given with `--base-spec`; the head
//! is the working `openapi/smapi.yaml`, or `--spec PATH`. Both are parsed
//! with openapiv3, `$ref`s are followed, and every difference becomes one row
//! of a Markdown table: `kind | location | change | class`.
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
//! # Exit status
//!
//! 0 when there is no breaking change, or when the compatibility-defining
//! component of `info.version` was bumped (the major; for `0.y.z` the minor,
//! as Cargo reads semver), or with `--allow-breaking`. 1 on an unapproved
//! breaking change. 2 when a spec cannot be read, parsed or fully resolved.

mod model;
mod operations;
mod resolve;
mod schema;

use std::path::PathBuf;
use std::process::{Command, ExitCode};

use openapiv3::OpenAPI;

use crate::paths;
use model::Report;

/// Parsed command line.
struct Args {
    base: BaseSource,
    head: PathBuf,
    allow_breaking: bool,
}

enum BaseSource {
    GitRef(String),
    File(PathBuf),
}

const USAGE: &str = "usage: cargo xtask breaking (--base GIT-REF | --base-spec PATH) [--spec PATH] [--allow-breaking]";

fn parse_args(args: &[String]) -> Result<Args, String> {
    let mut base = None;
    let mut head = None;
    let mut allow_breaking = false;
    let mut it = args.iter();
    while let Some(arg) = it.next() {
        let mut value = |flag: &str| {
            it.next()
                .cloned()
                .ok_or_else(|| format!("{flag} needs a value"))
        };
        match arg.as_str() {
            "--base" => base = Some(BaseSource::GitRef(value("--base")?)),
            "--base-spec" => base = Some(BaseSource::File(value("--base-spec")?.into())),
            "--spec" => head = Some(PathBuf::from(value("--spec")?)),
            "--allow-breaking" => allow_breaking = true,
            other => return Err(format!("unknown argument `{other}`")),
        }
    }
    Ok(Args {
        base: base.ok_or("one of --base or --base-spec is required")?,
        head: head.unwrap_or_else(|| paths::root().join(paths::SPEC)),
        allow_breaking,
    })
}

/// Entry point for `cargo xtask breaking`.
pub fn run(args: &[String]) -> ExitCode {
    let args = match parse_args(args) {
        Ok(a) => a,
        Err(e) => {
            eprintln!("xtask breaking: {e}\n{USAGE}");
            return ExitCode::from(2);
        }
    };
    let loaded = load_base(&args.base).and_then(|(base_label, base_text)| {
        let head_label = args.head.display().to_string();
        let head_text = std::fs::read_to_string(&args.head)
            .map_err(|e| format!("cannot read {head_label}: {e}"))?;
        Ok((
            (base_label.clone(), parse(&base_label, &base_text)?),
            (head_label.clone(), parse(&head_label, &head_text)?),
        ))
    });
    let ((base_label, base), (head_label, head)) = match loaded {
        Ok(l) => l,
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

/// Reads the base spec: from git (`REF:openapi/smapi.yaml`) or from a file.
fn load_base(base: &BaseSource) -> Result<(String, String), String> {
    match base {
        BaseSource::File(path) => {
            let label = path.display().to_string();
            let text =
                std::fs::read_to_string(path).map_err(|e| format!("cannot read {label}: {e}"))?;
            Ok((label, text))
        }
        BaseSource::GitRef(r) => {
            let object = format!("{r}:{}", paths::SPEC);
            let out = Command::new("git")
                .arg("show")
                .arg(&object)
                .current_dir(paths::root())
                .output()
                .map_err(|e| format!("cannot run git: {e}"))?;
            if !out.status.success() {
                return Err(format!(
                    "`git show {object}` failed: {}",
                    String::from_utf8_lossy(&out.stderr).trim()
                ));
            }
            let text =
                String::from_utf8(out.stdout).map_err(|_| format!("{object} is not UTF-8"))?;
            Ok((object, text))
        }
    }
}

fn parse(label: &str, text: &str) -> Result<OpenAPI, String> {
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
