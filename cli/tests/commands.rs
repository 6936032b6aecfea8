//! Every subcommand, run as a user runs it, against a simulator; JSON output parsed back and
//! checked against what the simulator did (its counters).

mod common;

use common::{Sim, code, json, run, stderr, stdout};
use serde_json::Value;

#[test]
fn pipeline_create_build_publish_unpublish_in_four_commands() {
    let sim = Sim::start();
    let dir = tempfile::tempdir().unwrap();
    let manifest = common::write_sample(dir.path(), "Pipeline skill");

    let mut create = sim.smapi();
    create
        .args(["create-skill-for-vendor", "--wait", "--manifest"])
        .arg(&manifest);
    let out = run(create);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    let created = json(&out);
    let id = created["skillId"].as_str().unwrap().to_owned();
    assert!(id.starts_with("amzn1.ask.skill."));
    assert_eq!(
        created["build"]["manifest"]["lastUpdateRequest"]["status"],
        "SUCCEEDED"
    );

    let mut status = sim.smapi();
    status.args(["get-skill-status", "-s", &id]);
    let out = run(status);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    assert_eq!(
        json(&out)["manifest"]["lastUpdateRequest"]["status"],
        "SUCCEEDED"
    );

    let mut publish = sim.smapi();
    publish.args(["publish-skill", "-s", &id, "--wait"]);
    let out = run(publish);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    assert_eq!(json(&out)["publication"]["status"], "SUCCEEDED");

    let mut unpublish = sim.smapi();
    unpublish.args([
        "unpublish-skill",
        "-s",
        &id,
        "--type",
        "REMOVE",
        "--reason",
        "Technical issues",
    ]);
    let out = run(unpublish);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    assert_eq!(json(&out)["type"], "REMOVE");

    assert_eq!(sim.count("createSkillForVendor"), 1);
    assert_eq!(sim.count("publishSkill"), 1);
    assert_eq!(sim.count("unpublishSkill"), 1);
    // The live row now lists as REMOVED.
    let mut list = sim.smapi();
    list.args(["list-skills-for-vendor", "-s", &id]);
    let listed = json(&run(list));
    let live = listed
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["stage"] == "live")
        .cloned()
        .expect("a live row");
    assert_eq!(live["publicationStatus"], "REMOVED");
}

#[test]
fn manifest_read_update_with_etag_and_patch() {
    let sim = Sim::start();
    let dir = tempfile::tempdir().unwrap();
    let id = sim.create_skill(dir.path(), true);

    // get-skill-manifest writes {"manifest", "etag"}: the file update-skill-manifest takes.
    let mut get = sim.smapi();
    get.args(["get-skill-manifest", "-s", &id, "-g", "development"]);
    let out = run(get);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    let current = json(&out);
    let etag = current["etag"].as_str().unwrap().to_owned();
    assert_eq!(
        current["manifest"]["publishingInformation"]["locales"]["en-US"]["name"],
        "Test skill"
    );
    let file = dir.path().join("current.json");
    std::fs::write(&file, &out.stdout).unwrap();

    // Its ETag is sent as If-Match: the first update goes through...
    let mut update = sim.smapi();
    update
        .args(["update-skill-manifest", "-s", &id, "--wait", "--manifest"])
        .arg(&file);
    let out = run(update);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    assert_eq!(
        json(&out)["build"]["manifest"]["lastUpdateRequest"]["status"],
        "SUCCEEDED"
    );

    // ...and a second one from the same (now stale) file is refused: exit 5, nothing changed.
    let mut stale = sim.smapi();
    stale
        .args(["update-skill-manifest", "-s", &id, "--manifest"])
        .arg(&file);
    let out = run(stale);
    assert_eq!(code(&out), 5, "{}", stderr(&out));
    assert_eq!(common::error_json(&out)["status"], 412);

    // --if-match '*' overrides the file's ETag.
    let mut forced = sim.smapi();
    forced
        .args([
            "update-skill-manifest",
            "-s",
            &id,
            "--if-match",
            "*",
            "--manifest",
        ])
        .arg(&file);
    let out = run(forced);
    assert_eq!(code(&out), 0, "{}", stderr(&out));

    // A JSON patch: read, edit, write with If-Match.
    let patch = dir.path().join("patch.json");
    std::fs::write(
        &patch,
        r#"[{"op":"test","path":"/manifest/manifestVersion","value":"1.0"},
            {"op":"replace","path":"/manifest/publishingInformation/locales/en-US/name","value":"Patched"}]"#,
    )
    .unwrap();
    let mut patch_cmd = sim.smapi();
    patch_cmd
        .args(["patch-skill-manifest", "-s", &id, "--wait", "--patch"])
        .arg(&patch);
    let out = run(patch_cmd);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    assert_eq!(json(&out)["changed"], true);

    let mut get = sim.smapi();
    get.args(["get-skill-manifest", "-s", &id]);
    let after = json(&run(get));
    assert_eq!(
        after["manifest"]["publishingInformation"]["locales"]["en-US"]["name"],
        "Patched"
    );
    assert_ne!(after["etag"], Value::from(etag));

    // The same patch again changes nothing, so nothing is written.
    let updates = sim.count("updateSkillManifest");
    let mut again = sim.smapi();
    again
        .args(["patch-skill-manifest", "-s", &id, "--patch"])
        .arg(&patch);
    let out = run(again);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    assert_eq!(json(&out)["changed"], false);
    assert_eq!(sim.count("updateSkillManifest"), updates);

    // A failing `test` writes nothing and exits 5.
    std::fs::write(
        &patch,
        r#"[{"op":"test","path":"/manifest/manifestVersion","value":"9.9"},
            {"op":"remove","path":"/manifest/apis"}]"#,
    )
    .unwrap();
    let mut failing = sim.smapi();
    failing
        .args(["patch-skill-manifest", "-s", &id, "--patch"])
        .arg(&patch);
    let out = run(failing);
    assert_eq!(code(&out), 5, "{}", stderr(&out));
    assert_eq!(sim.count("updateSkillManifest"), updates);
}

#[test]
fn listing_one_page_all_pages_and_by_id() {
    let sim = Sim::start();
    let dir = tempfile::tempdir().unwrap();
    let ids: Vec<String> = (0..5)
        .map(|_| sim.create_skill(dir.path(), false))
        .collect();

    let mut page = sim.smapi();
    page.args(["list-skills-for-vendor", "--max-results", "2"]);
    let first = json(&run(page));
    assert_eq!(first["skills"].as_array().unwrap().len(), 2);
    assert_eq!(first["isTruncated"], true);

    // One page at a time: each page's nextToken, passed back with --next-token, gives the
    // next; together the pages hold every skill once.
    let mut paged: Vec<String> = Vec::new();
    let mut page = first;
    let mut pages = 1;
    loop {
        paged.extend(
            page["skills"]
                .as_array()
                .unwrap()
                .iter()
                .map(|s| s["skillId"].as_str().unwrap().to_owned()),
        );
        if page["isTruncated"] != true {
            break;
        }
        let token = page["nextToken"].as_str().expect("nextToken").to_owned();
        let mut next = sim.smapi();
        next.args([
            "list-skills-for-vendor",
            "--max-results",
            "2",
            "--next-token",
        ])
        .arg(&token);
        let out = run(next);
        assert_eq!(code(&out), 0, "{}", stderr(&out));
        page = json(&out);
        pages += 1;
    }
    assert_eq!(pages, 3);
    paged.sort();
    let mut want = ids.clone();
    want.sort();
    assert_eq!(paged, want);

    let before = sim.count("listSkillsForVendor");
    let mut all = sim.smapi();
    all.args(["list-skills-for-vendor", "--all", "--max-results", "2"]);
    let out = run(all);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    let listed = json(&out);
    let mut got: Vec<String> = listed
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["skillId"].as_str().unwrap().to_owned())
        .collect();
    got.sort();
    let mut want = ids.clone();
    want.sort();
    assert_eq!(got, want);
    assert_eq!(sim.count("listSkillsForVendor") - before, 3, "3 pages of 2");

    let mut by_id = sim.smapi();
    by_id.args([
        "list-skills-for-vendor",
        "--output",
        "id",
        "-s",
        &ids[0],
        "-s",
        &ids[3],
    ]);
    let out = run(by_id);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    assert_eq!(
        stdout(&out).lines().collect::<Vec<_>>(),
        vec![ids[0].as_str(), ids[3].as_str()]
    );
}

#[test]
fn delete_publication_status_and_not_found() {
    let sim = Sim::start();
    let dir = tempfile::tempdir().unwrap();
    let id = sim.create_skill(dir.path(), true);

    let mut none_yet = sim.smapi();
    none_yet.args(["get-skill-publications", "-s", &id]);
    assert_eq!(code(&run(none_yet)), 4);

    let at = (chrono::Utc::now() + chrono::Duration::days(30)).to_rfc3339();
    let mut scheduled = sim.smapi();
    scheduled.args(["publish", "-s", &id, "--publishes-at-date", &at, "--wait"]);
    let out = run(scheduled);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    assert_eq!(json(&out)["publication"]["status"], "SCHEDULED");

    let mut publication = sim.smapi();
    publication.args(["get-skill-publication", "-s", &id]);
    let out = run(publication);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    assert_eq!(json(&out)["status"], "SCHEDULED");

    let mut delete = sim.smapi();
    delete.args(["delete-skill", "-s", &id]);
    let out = run(delete);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    assert_eq!(json(&out)["deleted"], true);

    let mut again = sim.smapi();
    again.args(["delete-skill", "-s", &id]);
    let out = run(again);
    assert_eq!(code(&out), 4);
    let err = common::error_json(&out);
    assert_eq!(err["operation"], "deleteSkill");
    assert_eq!(err["status"], 404);
    assert_eq!(err["exit"], "not_found");
}

#[test]
fn resource_schema_location_document_and_validation() {
    let sim = Sim::start();
    let dir = tempfile::tempdir().unwrap();
    let manifest = common::write_sample(dir.path(), "Schema skill");

    let mut location = sim.smapi();
    location.args(["get-resource-schema", "--operation", "CREATE_SKILL"]);
    let out = run(location);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    let loc = json(&out);
    assert!(
        loc["schemaLocationUrl"]
            .as_str()
            .unwrap()
            .starts_with(sim.handle.url())
    );
    assert!(loc["expiryTime"].is_string());

    let mut document = sim.smapi();
    document.args([
        "get-resource-schema",
        "--operation",
        "UPDATE_SKILL",
        "--document",
    ]);
    let out = run(document);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    let schema_doc = json(&out);
    assert!(schema_doc.is_object());
    let schema_file = dir.path().join("schema.json");
    std::fs::write(&schema_file, &out.stdout).unwrap();
    assert_eq!(sim.handle.counters().presigned_with_authorization, 0);

    let mut valid = sim.smapi();
    valid.args(["schema", "validate"]).arg(&manifest);
    let out = run(valid);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    assert_eq!(json(&out)["valid"], true);

    // A manifest that breaks the schema: exit 3 and the violations on stdout.
    let broken = dir.path().join("broken.json");
    std::fs::write(
        &broken,
        r#"{"manifest": {"manifestVersion": 1, "publishingInformation": {"locales": {"en-US": {"name": 5}}}}}"#,
    )
    .unwrap();
    let mut invalid = sim.smapi();
    invalid
        .args(["schema", "validate", "--operation", "UPDATE_SKILL"])
        .arg(&broken);
    let out = run(invalid);
    // manifestVersion must be a string: the manifest type itself already refuses it.
    assert_eq!(code(&out), 3, "{}", stderr(&out));

    let schema_only = dir.path().join("schema-only.json");
    std::fs::write(
        &schema_only,
        r#"{"manifest": {"manifestVersion": "1.0", "publishingInformation": {"locales": {"en-US": {"summary": "no name"}}}}}"#,
    )
    .unwrap();
    let mut invalid = sim.smapi();
    invalid.args(["schema", "validate"]).arg(&schema_only);
    let out = run(invalid);
    assert_eq!(code(&out), 3, "{}", stderr(&out));
    let report = json(&out);
    assert_eq!(report["valid"], false);
    assert!(!report["violations"].as_array().unwrap().is_empty());

    // Offline, against the saved document: no request at all.
    let before = sim.requests();
    let mut offline = common::bare(dir.path());
    offline
        .args(["schema", "validate", "--schema-file"])
        .arg(&schema_file)
        .arg(&schema_only);
    let out = run(offline);
    assert_eq!(code(&out), 3, "{}", stderr(&out));
    assert_eq!(json(&out)["valid"], false);
    let mut offline_ok = common::bare(dir.path());
    offline_ok
        .args(["schema", "validate", "--schema-file"])
        .arg(&schema_file)
        .arg(&manifest);
    assert_eq!(code(&run(offline_ok)), 0);
    assert_eq!(sim.requests(), before);
}

#[test]
fn discovery_session_create_wait_and_get() {
    let sim = Sim::start();
    let dir = tempfile::tempdir().unwrap();
    let id = sim.create_skill(dir.path(), true);

    let mut create = sim.smapi();
    create.args([
        "create-discovery-session",
        "--unit",
        "amzn1.alexa.unit.did.TEST",
        "-s",
        &id,
        "-g",
        "development",
        "--wait",
    ]);
    let out = run(create);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    let session = json(&out);
    assert_eq!(session["status"], "SUCCEEDED");
    let session_id = session["id"].as_str().unwrap().to_owned();

    let mut get = sim.smapi();
    get.args(["get-discovery-session", "--id", &session_id]);
    let out = run(get);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    assert_eq!(json(&out)["status"]["value"], "SUCCEEDED");
    assert_eq!(sim.count("createDiscoverySession"), 1);
}

#[test]
fn text_output_is_a_readable_summary_and_id_output_is_bare() {
    let sim = Sim::start();
    let dir = tempfile::tempdir().unwrap();
    let id = sim.create_skill(dir.path(), true);

    let mut status = sim.smapi();
    status.args(["get-skill-status", "-s", &id, "--output", "text"]);
    let out = run(status);
    assert_eq!(code(&out), 0);
    let text = stdout(&out);
    assert!(
        text.contains("manifest") && text.contains("SUCCEEDED"),
        "{text}"
    );
    assert!(serde_json::from_str::<Value>(&text).is_err());

    let mut list = sim.smapi();
    list.args(["list-skills-for-vendor", "-o", "text"]);
    let text = stdout(&run(list));
    assert!(
        text.contains(&id) && text.contains("Test skill (en-US)"),
        "{text}"
    );

    let mut ids = sim.smapi();
    ids.args(["list-skills-for-vendor", "--all", "-o", "id"]);
    assert_eq!(stdout(&run(ids)).trim(), id);

    // A page that is not the last names the token of the next one.
    let second = sim.create_skill(dir.path(), false);
    let mut page = sim.smapi();
    page.args(["list-skills-for-vendor", "--max-results", "1", "-o", "text"]);
    let text = stdout(&run(page));
    let token = text
        .lines()
        .find_map(|l| l.strip_prefix("more pages: --next-token "))
        .and_then(|rest| rest.split(' ').next())
        .unwrap_or_else(|| panic!("no next token in:\n{text}"));
    let mut next = sim.smapi();
    next.args(["list-skills-for-vendor", "--max-results", "1", "-o", "id"])
        .args(["--next-token", token]);
    let out = run(next);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    let both = [
        stdout(&run(ids_of_first_page(&sim))).trim().to_owned(),
        stdout(&out).trim().to_owned(),
    ];
    let mut both = both.to_vec();
    both.sort();
    let mut want = vec![id, second];
    want.sort();
    assert_eq!(both, want);
}

fn ids_of_first_page(sim: &Sim) -> assert_cmd::Command {
    let mut c = sim.smapi();
    c.args(["list-skills-for-vendor", "--max-results", "1", "-o", "id"]);
    c
}

#[test]
fn completions_and_sample_manifest_need_nothing() {
    let home = tempfile::tempdir().unwrap();
    for shell in ["bash", "zsh", "fish", "powershell", "elvish"] {
        let mut c = common::bare(home.path());
        c.args(["completions", shell]);
        let out = run(c);
        assert_eq!(code(&out), 0, "{shell}");
        assert!(stdout(&out).contains("create-skill-for-vendor"), "{shell}");
    }
    let mut c = common::bare(home.path());
    c.args([
        "sample-manifest",
        "--name",
        "Daily Facts",
        "--locale",
        "de-DE",
    ]);
    let m = json(&run(c));
    assert_eq!(
        m["manifest"]["publishingInformation"]["locales"]["de-DE"]["name"],
        "Daily Facts"
    );
}
