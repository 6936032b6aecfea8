//! Local manifest validation (the crate's own small evaluator over the generated
//! `MANIFEST_SCHEMA`) against the `jsonschema` crate, which nobody here wrote, on the same
//! schema: the real `skill.json` files of `tests/fixtures/skills/` and thousands of broken
//! variants of them (every leaf emptied, shortened, lengthened, given a wrong type or an
//! out-of-range number; every array overfilled; every property removed). Both must report the
//! same violations, pointer and message alike (a pattern is quoted as the spec writes it,
//! where `jsonschema` quotes its own ECMA translation, so only that quote may differ).

use std::collections::{BTreeMap, BTreeSet};
use std::path::PathBuf;

use alexa_smapi::types::SkillManifest;
use serde_json::{Value, json};

fn corpus() -> Vec<(String, Value)> {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/skills");
    let mut files: Vec<(String, Value)> = std::fs::read_dir(dir)
        .expect("corpus directory")
        .map(|e| e.expect("entry").path())
        .filter(|p| p.extension().is_some_and(|e| e == "json"))
        .map(|p| {
            let name = p.file_name().unwrap().to_string_lossy().into_owned();
            let doc: Value = serde_json::from_str(&std::fs::read_to_string(&p).unwrap()).unwrap();
            let manifest = doc
                .get("manifest")
                .or_else(|| doc.get("skillManifest"))
                .cloned()
                .unwrap_or_else(|| panic!("{name}: no manifest"));
            (name, manifest)
        })
        .collect();
    files.sort_by(|a, b| a.0.cmp(&b.0));
    files
}

/// Every JSON pointer of `value`, parents before children.
fn pointers(value: &Value, at: String, out: &mut Vec<String>) {
    match value {
        Value::Object(map) => {
            for (k, v) in map {
                let p = format!("{at}/{}", k.replace('~', "~0").replace('/', "~1"));
                out.push(p.clone());
                pointers(v, p, out);
            }
        }
        Value::Array(items) => {
            for (i, v) in items.iter().enumerate() {
                let p = format!("{at}/{i}");
                out.push(p.clone());
                pointers(v, p, out);
            }
        }
        _ => {}
    }
}

/// Broken variants of `manifest`, one change each.
fn variants(manifest: &Value) -> Vec<Value> {
    let mut paths = Vec::new();
    pointers(manifest, String::new(), &mut paths);
    let mut out = vec![manifest.clone()];
    for path in &paths {
        let current = manifest.pointer(path).cloned().unwrap_or(Value::Null);
        let replacements: Vec<Value> = match &current {
            Value::String(s) => vec![
                json!(""),
                json!("x"),
                json!(s.repeat(40)),
                json!("usa"),
                json!("<b>"),
                json!(7),
            ],
            Value::Number(_) => vec![json!(-1), json!(0), json!(1e9), json!(2.5), json!("1")],
            Value::Bool(_) => vec![json!("true"), json!(null)],
            Value::Array(items) => {
                let mut v = vec![json!([]), json!({})];
                if let Some(first) = items.first() {
                    v.push(Value::Array(vec![first.clone(); 120]));
                }
                v
            }
            Value::Object(_) => vec![json!({}), json!([]), json!({"unexpectedProbe": 1})],
            Value::Null => vec![],
        };
        for replacement in replacements {
            let mut changed = manifest.clone();
            if let Some(slot) = changed.pointer_mut(path) {
                *slot = replacement;
            }
            out.push(changed);
        }
        // Remove the property or item.
        let (parent, last) = path.rsplit_once('/').unwrap();
        let mut changed = manifest.clone();
        match changed.pointer_mut(parent) {
            Some(Value::Object(map)) => {
                map.remove(&last.replace("~1", "/").replace("~0", "~"));
            }
            Some(Value::Array(items)) => {
                if let Ok(i) = last.parse::<usize>() {
                    items.remove(i);
                }
            }
            _ => {}
        }
        out.push(changed);
    }
    out
}

/// Kinds of message; the first six must each be exercised.
const KINDS: &[&str] = &[
    "is shorter than",
    "is longer than",
    "does not match",
    "is a required property",
    "is not of type",
    "has more than",
    "is less than the minimum",
    "is greater than the maximum",
    "is not one of",
    "was expected",
    "Additional properties",
];

/// The message without the pattern a `does not match` message quotes.
fn comparable(message: String) -> String {
    match message.split_once(" does not match \"") {
        Some((instance, _)) => format!("{instance} does not match <pattern>"),
        None => message,
    }
}

#[test]
fn local_validation_reports_what_jsonschema_reports_on_real_and_broken_manifests() {
    let schema: Value = serde_json::from_str(alexa_smapi::generated::MANIFEST_SCHEMA).unwrap();
    let reference = jsonschema::options()
        .with_draft(jsonschema::Draft::Draft202012)
        .build(&schema)
        .expect("jsonschema accepts the generated schema");
    let (mut compared, mut invalid) = (0usize, 0usize);
    let mut messages: BTreeMap<&str, usize> = BTreeMap::new();
    for (name, manifest) in corpus() {
        for variant in variants(&manifest) {
            // validate() takes the typed manifest: compare on what it sees.
            let Ok(typed) = serde_json::from_value::<SkillManifest>(variant) else {
                continue;
            };
            let instance = serde_json::to_value(&typed).unwrap();
            let ours: BTreeSet<(String, String)> = alexa_smapi::manifest::validate(&typed)
                .violations
                .into_iter()
                .map(|v| (v.pointer, comparable(v.message)))
                .collect();
            let theirs: BTreeSet<(String, String)> = reference
                .iter_errors(&instance)
                .map(|e| (e.instance_path.to_string(), comparable(e.to_string())))
                .collect();
            assert_eq!(ours, theirs, "{name}: {instance}");
            compared += 1;
            if !ours.is_empty() {
                invalid += 1;
            }
            for (_, m) in ours {
                for kind in KINDS.iter().filter(|k| m.contains(*k)) {
                    *messages.entry(*kind).or_insert(0usize) += 1;
                }
            }
        }
    }
    println!("compared {compared} manifests ({invalid} invalid); violations by kind: {messages:?}");
    assert!(compared > 1000, "only {compared} variants decoded");
    assert!(invalid > 200, "only {invalid} invalid variants");
    for kind in &KINDS[..6] {
        assert!(
            messages.contains_key(kind),
            "no `{kind}` violation exercised: {messages:?}"
        );
    }
}
