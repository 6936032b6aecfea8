//! Invalid inputs are rejected with a typed error naming the field and the rule, and nothing
//! reaches the simulator (its counters stay at zero).

mod client_support;

use alexa_smapi::types::{SchemaOperation, SchemaResource};
use alexa_smapi::{EndpointReporter, Error, Region, Stage, validate};
use client_support::{builder, lwa_credentials, manifest, sim};
use futures::future::BoxFuture;
use futures::{FutureExt, StreamExt, TryStreamExt};

type Case<'a> = (&'static str, &'static str, BoxFuture<'a, Result<(), Error>>);

#[tokio::test]
async fn at_least_forty_invalid_inputs_are_rejected_before_the_network() {
    let sim = sim().await;
    // An LWA client: even the token endpoint must not be called.
    let smapi = builder(&sim).lwa(lwa_credentials(&sim)).build().unwrap();
    let skills = smapi.skills();
    let publishing = smapi.publishing();
    let long = "x".repeat(256);
    let long_token = "t".repeat(2048);
    let eleven: Vec<String> = (0..11).map(|i| format!("amzn1.ask.skill.{i}")).collect();
    let too_late = chrono::Utc::now() + chrono::Duration::days(200);
    let m = manifest("invalid");
    let ok = "amzn1.ask.skill.ok";
    let vendor = sim.default_vendor_id();

    let list_first = |vendor: String, size: Option<u32>| {
        let smapi = smapi.clone();
        async move {
            let mut l = smapi.skills().vendor_id(&vendor).list();
            if let Some(s) = size {
                l = l.page_size(s);
            }
            l.stream().try_collect::<Vec<_>>().await.map(|_| ())
        }
        .boxed()
    };
    let by_ids = |ids: Vec<String>| {
        let smapi = smapi.clone();
        async move {
            smapi
                .skills()
                .list_by_ids(ids)
                .try_collect::<Vec<_>>()
                .await
                .map(|_| ())
        }
        .boxed()
    };

    let cases: Vec<Case<'_>> = vec![
        (
            "manifest: empty skillId",
            "skillId",
            skills
                .manifest("", Stage::Development)
                .map(|r| r.map(|_| ()))
                .boxed(),
        ),
        (
            "manifest: 256-char skillId",
            "skillId",
            skills
                .manifest(&long, Stage::Live)
                .map(|r| r.map(|_| ()))
                .boxed(),
        ),
        (
            "manifest: control char",
            "skillId",
            skills
                .manifest("amzn1\n", Stage::Live)
                .map(|r| r.map(|_| ()))
                .boxed(),
        ),
        (
            "status: empty",
            "skillId",
            skills.status("").map(|r| r.map(|_| ())).boxed(),
        ),
        (
            "status: too long",
            "skillId",
            skills.status(&long).map(|r| r.map(|_| ())).boxed(),
        ),
        (
            "status: tab",
            "skillId",
            skills.status("a\tb").map(|r| r.map(|_| ())).boxed(),
        ),
        ("delete: empty", "skillId", skills.delete("").boxed()),
        ("delete: too long", "skillId", skills.delete(&long).boxed()),
        (
            "update: empty skillId",
            "skillId",
            skills
                .update_manifest("", &m)
                .into_future()
                .map(|r| r.map(|_| ()))
                .boxed(),
        ),
        (
            "update: long skillId",
            "skillId",
            skills
                .update_manifest(&long, &m)
                .into_future()
                .map(|r| r.map(|_| ()))
                .boxed(),
        ),
        (
            "update: live stage",
            "stage",
            skills
                .update_manifest(ok, &m)
                .stage(Stage::Live)
                .into_future()
                .map(|r| r.map(|_| ()))
                .boxed(),
        ),
        (
            "update: empty If-Match",
            "If-Match",
            skills
                .update_manifest(ok, &m)
                .if_match("")
                .into_future()
                .map(|r| r.map(|_| ()))
                .boxed(),
        ),
        (
            "update: newline in If-Match",
            "If-Match",
            skills
                .update_manifest(ok, &m)
                .if_match("\"a\"\r\nX: y")
                .into_future()
                .map(|r| r.map(|_| ()))
                .boxed(),
        ),
        (
            "update: non-ASCII If-Match",
            "If-Match",
            skills
                .update_manifest(ok, &m)
                .if_match("ętag")
                .into_future()
                .map(|r| r.map(|_| ()))
                .boxed(),
        ),
        (
            "modify: empty skillId",
            "skillId",
            skills
                .modify_manifest("", |_| {})
                .map(|r| r.map(|_| ()))
                .boxed(),
        ),
        (
            "modify: long skillId",
            "skillId",
            skills
                .modify_manifest(&long, |_| {})
                .map(|r| r.map(|_| ()))
                .boxed(),
        ),
        (
            "create: empty vendorId",
            "vendorId",
            skills
                .vendor_id("")
                .create(m.clone())
                .into_future()
                .map(|r| r.map(|_| ()))
                .boxed(),
        ),
        (
            "create: long vendorId",
            "vendorId",
            skills
                .vendor_id(&long)
                .create(m.clone())
                .into_future()
                .map(|r| r.map(|_| ()))
                .boxed(),
        ),
        (
            "wait built: empty",
            "skillId",
            skills
                .wait_until_built("")
                .into_future()
                .map(|r| r.map(|_| ()))
                .boxed(),
        ),
        (
            "wait built: long",
            "skillId",
            skills
                .wait_until_built(&long)
                .into_future()
                .map(|r| r.map(|_| ()))
                .boxed(),
        ),
        (
            "list: empty vendorId",
            "vendorId",
            list_first(String::new(), None),
        ),
        (
            "list: long vendorId",
            "vendorId",
            list_first(long.clone(), None),
        ),
        (
            "list: page size 0",
            "maxResults",
            list_first(vendor.to_owned(), Some(0)),
        ),
        (
            "list: page size 51",
            "maxResults",
            list_first(vendor.to_owned(), Some(51)),
        ),
        (
            "list: page size 1000",
            "maxResults",
            list_first(vendor.to_owned(), Some(1000)),
        ),
        ("list by ids: none", "skillId", by_ids(Vec::new())),
        (
            "list by ids: one empty",
            "skillId",
            by_ids(vec![ok.to_owned(), String::new()]),
        ),
        (
            "list by ids: one too long (among 11)",
            "skillId",
            by_ids({
                let mut v = eleven.clone();
                v.push(long.clone());
                v
            }),
        ),
        (
            "publish: empty skillId",
            "skillId",
            publishing.submit("").into_future().boxed(),
        ),
        (
            "publish: long skillId",
            "skillId",
            publishing.submit(&long).into_future().boxed(),
        ),
        (
            "publish: 200 days ahead",
            "publishesAtDate",
            publishing.submit(ok).at(too_late).into_future().boxed(),
        ),
        (
            "publish: year 3000",
            "publishesAtDate",
            publishing
                .submit(ok)
                .at("3000-01-01T00:00:00Z".parse().unwrap())
                .into_future()
                .boxed(),
        ),
        (
            "publication status: empty",
            "skillId",
            publishing.status("").map(|r| r.map(|_| ())).boxed(),
        ),
        (
            "publication wait: long",
            "skillId",
            publishing
                .wait_until_published(&long)
                .into_future()
                .map(|r| r.map(|_| ()))
                .boxed(),
        ),
        (
            "unpublish: empty",
            "skillId",
            publishing
                .unpublish(
                    "",
                    alexa_smapi::UnpublishType::Hide,
                    alexa_smapi::UnpublishReason::Other,
                )
                .boxed(),
        ),
        (
            "discovery: empty unit",
            "unit",
            smapi
                .discovery(Region::Eu)
                .create_session("", EndpointReporter::skill(ok, Stage::Live))
                .map(|r| r.map(|_| ()))
                .boxed(),
        ),
        (
            "discovery: control char unit",
            "unit",
            smapi
                .discovery(Region::Na)
                .create_session("u\u{7}", EndpointReporter::skill(ok, Stage::Live))
                .map(|r| r.map(|_| ()))
                .boxed(),
        ),
        (
            "discovery: certified reporter stage",
            "skillStage",
            smapi
                .discovery(Region::Na)
                .create_session("unit-1", EndpointReporter::skill(ok, Stage::Certified))
                .map(|r| r.map(|_| ()))
                .boxed(),
        ),
        (
            "discovery: empty reporter skill",
            "skillId",
            smapi
                .discovery(Region::Fe)
                .create_session("unit-1", EndpointReporter::skill("", Stage::Live))
                .map(|r| r.map(|_| ()))
                .boxed(),
        ),
        (
            "discovery: long reporter skill",
            "skillId",
            smapi
                .discovery(Region::Fe)
                .create_session("unit-1", EndpointReporter::skill(&long, Stage::Live))
                .map(|r| r.map(|_| ()))
                .boxed(),
        ),
        (
            "discovery status: empty id",
            "id",
            smapi
                .discovery(Region::Eu)
                .status("")
                .map(|r| r.map(|_| ()))
                .boxed(),
        ),
        (
            "discovery wait: empty id",
            "id",
            smapi.discovery(Region::Eu).wait("").into_future().boxed(),
        ),
        (
            "schema: empty vendorId",
            "vendorId",
            smapi
                .resource_schema()
                .vendor_id("")
                .location(SchemaResource::Manifest, Some(SchemaOperation::CreateSkill))
                .map(|r| r.map(|_| ()))
                .boxed(),
        ),
        (
            "schema: manifest without operation",
            "operation",
            smapi
                .resource_schema()
                .location(SchemaResource::Manifest, None)
                .map(|r| r.map(|_| ()))
                .boxed(),
        ),
        (
            "schema validate: long vendorId",
            "vendorId",
            smapi
                .resource_schema()
                .vendor_id(&long)
                .validate_manifest(&m, SchemaOperation::SubmitSkill)
                .map(|r| r.map(|_| ()))
                .boxed(),
        ),
    ];
    let parse_cases: Vec<(&str, &str, Result<(), Error>)> = vec![
        (
            "stage: capitalised",
            "stage",
            validate::parse_stage("Development").map(|_| ()),
        ),
        (
            "stage: capitalised certified",
            "stage",
            validate::parse_stage("Certified").map(|_| ()),
        ),
        (
            "stage: empty",
            "stage",
            validate::parse_stage("").map(|_| ()),
        ),
        (
            "unpublish type: lower case",
            "type",
            validate::parse_unpublish_type("hide").map(|_| ()),
        ),
        (
            "unpublish type: DELETE",
            "type",
            validate::parse_unpublish_type("DELETE").map(|_| ()),
        ),
        (
            "unpublish reason: paraphrase",
            "reason",
            validate::parse_unpublish_reason("published by mistake").map(|_| ()),
        ),
        (
            "unpublish reason: empty",
            "reason",
            validate::parse_unpublish_reason("").map(|_| ()),
        ),
        (
            "schema operation: lower case",
            "operation",
            validate::parse_schema_operation("create_skill").map(|_| ()),
        ),
        (
            "country: BR has no region",
            "country",
            validate::parse_country("BR").map(|_| ()),
        ),
        (
            "next token: too long",
            "nextToken",
            validate::next_token(&long_token),
        ),
    ];

    let total = cases.len() + parse_cases.len();
    assert!(total >= 40, "only {total} cases");
    let outcomes = futures::stream::iter(cases)
        .then(|(label, field, fut)| async move { (label, field, fut.await) })
        .collect::<Vec<_>>()
        .await;
    for (label, field, outcome) in outcomes.into_iter().chain(parse_cases) {
        match outcome {
            Err(Error::Validation { field: f, rule }) => {
                assert_eq!(f, field, "{label}: wrong field ({rule})");
                assert!(!rule.is_empty(), "{label}: empty rule");
            }
            other => panic!("{label}: expected a validation error, got {other:?}"),
        }
    }
    let c = sim.counters();
    assert_eq!(c.requests_total, 0, "{c:?}");
    assert_eq!(c.tokens_issued, 0, "{c:?}");
    println!(
        "{total} invalid inputs rejected, {} requests reached the simulator",
        c.requests_total
    );
    sim.shutdown().await.unwrap();
}

/// IDs that would change the request path (`.`, `..`, separators, query or fragment starts,
/// percent escapes) are refused for every operation that puts an ID into the URL, with the
/// bearer never sent anywhere. Lengths are stated in human terms.
#[tokio::test]
async fn ids_that_would_change_the_path_are_rejected_before_the_network() {
    let sim = sim().await;
    let smapi = client_support::client(&sim);
    let bad = [
        ".", "..", "a/b", "../v1", "a\\b", "a?x=1", "a#f", "%2e%2e", "%2F",
    ];
    let m = manifest("paths");
    let mut checked = 0;
    for id in bad {
        let skills = smapi.skills();
        let outcomes: Vec<(&str, Result<(), Error>)> = vec![
            ("delete", skills.delete(id).await),
            (
                "manifest",
                skills.manifest(id, Stage::Development).await.map(|_| ()),
            ),
            ("update", skills.update_manifest(id, &m).await.map(|_| ())),
            (
                "modify",
                skills.modify_manifest(id, |_| {}).await.map(|_| ()),
            ),
            ("status", skills.status(id).await.map(|_| ())),
            ("wait built", skills.wait_until_built(id).await.map(|_| ())),
            (
                "publication",
                smapi.publishing().status(id).await.map(|_| ()),
            ),
            (
                "discovery status",
                smapi.discovery(Region::Na).status(id).await.map(|_| ()),
            ),
            (
                "list by ids",
                skills
                    .list_by_ids([id])
                    .try_collect::<Vec<_>>()
                    .await
                    .map(|_| ()),
            ),
            (
                "create vendor",
                skills.vendor_id(id).create(m.clone()).await.map(|_| ()),
            ),
        ];
        for (label, outcome) in outcomes {
            match outcome {
                Err(Error::Validation { rule, .. }) => {
                    assert!(
                        rule.contains("change the request path"),
                        "{label} `{id}`: {rule}"
                    );
                    checked += 1;
                }
                other => panic!("{label} `{id}`: expected a validation error, got {other:?}"),
            }
        }
    }
    assert_eq!(sim.counters().requests_total, 0);
    assert_eq!(
        validate::unit("").unwrap_err().to_string(),
        "invalid unit: must not be empty"
    );
    for text in [
        validate::unit("").unwrap_err().to_string(),
        validate::session_id("").unwrap_err().to_string(),
    ] {
        assert!(!text.contains(&usize::MAX.to_string()), "{text}");
    }
    println!("{checked} path-changing IDs rejected before the network");
    sim.shutdown().await.unwrap();
}
