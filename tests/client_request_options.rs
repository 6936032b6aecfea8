//! The optional request parameters the wrapper passes through: `getSkillStatus`'s `resource`
//! filter ([`Skills::status_of`]), starting a listing at a `nextToken`
//! ([`ListSkills::next_token`]), and `Accept-Language` on the publishing operations
//! ([`Publishing::accept_language`]), each checked on the wire.

mod client_support;

use alexa_smapi::types::StatusResource;
use alexa_smapi::{Error, Smapi, UnpublishReason, UnpublishType};
use client_support::{client, manifest, sim};
use futures::{StreamExt, TryStreamExt};
use wiremock::matchers::{header, method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

#[tokio::test]
async fn status_of_sends_the_resource_filter() {
    let sim = sim().await;
    let smapi = client(&sim);
    let created = smapi.skills().create(manifest("status")).await.unwrap();
    smapi
        .skills()
        .wait_until_built(&created.skill_id)
        .await
        .unwrap();
    sim.set_recording(true);
    let only = smapi
        .skills()
        .status_of(&created.skill_id, [StatusResource::Manifest])
        .await
        .unwrap();
    assert!(only.manifest.is_some());
    smapi.skills().status(&created.skill_id).await.unwrap();
    let paths: Vec<String> = sim
        .take_exchanges()
        .into_iter()
        .filter(|e| e.operation == "getSkillStatus")
        .map(|e| e.path)
        .collect();
    let id = created.skill_id.as_str();
    assert_eq!(
        paths,
        [
            format!("/v1/skills/{id}/status?resource=manifest"),
            format!("/v1/skills/{id}/status"),
        ]
    );
}

#[tokio::test]
async fn a_listing_can_start_at_a_next_token() {
    let sim = sim().await;
    let smapi = client(&sim);
    for n in 0..3 {
        smapi
            .skills()
            .create(manifest(&format!("page {n}")))
            .await
            .unwrap();
    }
    let mut pages = Box::pin(smapi.skills().list().page_size(2).pages());
    let first = pages.next().await.unwrap().unwrap();
    let second = pages.next().await.unwrap().unwrap();
    let token = first.next_token.clone().expect("a second page");
    let resumed: Vec<_> = smapi
        .skills()
        .list()
        .page_size(2)
        .next_token(token)
        .pages()
        .try_collect()
        .await
        .unwrap();
    assert_eq!(resumed, vec![second]);

    // A token is checked like any other before it is sent.
    let err = smapi
        .skills()
        .list()
        .next_token("")
        .stream()
        .try_collect::<Vec<_>>()
        .await
        .unwrap_err();
    assert!(
        matches!(
            err,
            Error::Validation {
                field: "nextToken",
                ..
            }
        ),
        "{err:?}"
    );
}

#[tokio::test]
async fn accept_language_reaches_every_publishing_operation() {
    let server = MockServer::start().await;
    let skill = "amzn1.ask.skill.1";
    let publication = serde_json::json!({"status": "SUCCEEDED"});
    Mock::given(method("GET"))
        .and(path(format!("/v1/skills/{skill}/publications/~latest")))
        .and(header("accept-language", "ja-JP"))
        .respond_with(ResponseTemplate::new(200).set_body_json(&publication))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path(format!("/v1/skills/{skill}/publications")))
        .and(header("accept-language", "ja-JP"))
        .respond_with(ResponseTemplate::new(202).set_body_json(&publication))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path(format!("/v1/skills/{skill}/unpublish")))
        .and(header("accept-language", "ja-JP"))
        .respond_with(ResponseTemplate::new(202))
        .expect(1)
        .mount(&server)
        .await;
    let smapi = Smapi::builder()
        .base_url(server.uri())
        .access_token("Atza|test")
        .build()
        .unwrap();
    let ja = smapi.publishing().accept_language("ja-JP");
    ja.status(skill).await.unwrap();
    ja.submit(skill).await.unwrap();
    ja.unpublish(skill, UnpublishType::Hide, UnpublishReason::Other)
        .await
        .unwrap();

    // Anything but en-US or ja-JP is refused before sending.
    let err = smapi
        .publishing()
        .accept_language("fr-FR")
        .status(skill)
        .await
        .unwrap_err();
    assert!(
        matches!(
            err,
            Error::Validation {
                field: "Accept-Language",
                ..
            }
        ),
        "{err:?}"
    );
    server.verify().await;
}
