//! `listSkillsForVendor` paging: `nextToken` is a keyset cursor, so a listing taken while
//! other clients create and delete skills never repeats a row and never skips a skill that
//! existed throughout.

mod common;

use std::collections::BTreeSet;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};

use common::*;
use reqwest::StatusCode;
use serde_json::Value;

/// Walks the whole listing with pages of `page_size`; returns (skillId, stage) rows in order.
async fn walk(api: &Api, page_size: usize) -> Vec<(String, String)> {
    let mut rows = Vec::new();
    let mut next: Option<String> = None;
    loop {
        let mut path = format!("/v1/skills?vendorId={VENDOR}&maxResults={page_size}");
        if let Some(t) = &next {
            path.push_str(&format!("&nextToken={t}"));
        }
        let resp = api.get_response(&path).await;
        assert_eq!(resp.status(), StatusCode::OK);
        let page: Value = resp.json().await.unwrap();
        let skills = page["skills"].as_array().unwrap();
        assert!(skills.len() <= page_size);
        for row in skills {
            rows.push((
                row["skillId"].as_str().unwrap().to_owned(),
                row["stage"].as_str().unwrap().to_owned(),
            ));
        }
        match page["nextToken"].as_str() {
            Some(t) => {
                assert_eq!(page["isTruncated"], true);
                next = Some(t.to_owned());
            }
            None => {
                assert_eq!(page["isTruncated"], false);
                return rows;
            }
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn listing_under_churn_never_repeats_or_skips() {
    let sim = start().await;
    let api = Arc::new(Api::new(&sim, VENDOR));
    // The stable set: skills that exist for the whole test, every fifth one published (so it
    // has a live row too), with churn skills created between them.
    let mut stable = Vec::new();
    let mut doomed = Vec::new();
    for i in 0..60 {
        let id = api
            .create_built_skill(VENDOR, manifest(&format!("Stable {i}")))
            .await;
        if i % 5 == 0 {
            assert_eq!(api.publish(&id).await.status(), StatusCode::ACCEPTED);
            api.wait_publication(&id, "SUCCEEDED").await;
        }
        stable.push(id);
        doomed.push(
            api.create_skill(VENDOR, manifest(&format!("Doomed {i}")))
                .await,
        );
    }
    let expected: Vec<(String, String)> = stable
        .iter()
        .enumerate()
        .flat_map(|(i, id)| {
            let mut rows = vec![(id.clone(), "development".to_owned())];
            if i % 5 == 0 {
                rows.push((id.clone(), "live".to_owned()));
            }
            rows
        })
        .collect();

    // Churn: delete the doomed skills (which sit between stable ones, then the newest churn)
    // and create new ones, from four clients, for as long as the listings run.
    let stop = Arc::new(AtomicBool::new(false));
    let churned = Arc::new(AtomicUsize::new(0));
    let doomed = Arc::new(std::sync::Mutex::new(doomed));
    let mut churners = Vec::new();
    for c in 0..4 {
        let (api, stop, churned, doomed) = (
            Arc::clone(&api),
            Arc::clone(&stop),
            Arc::clone(&churned),
            Arc::clone(&doomed),
        );
        churners.push(tokio::spawn(async move {
            let mut n = 0;
            while !stop.load(Ordering::Relaxed) {
                let victim = doomed.lock().unwrap().pop();
                if let Some(id) = victim {
                    let resp = api
                        .delete(&format!("/v1/skills/{id}"))
                        .send()
                        .await
                        .unwrap();
                    assert_eq!(resp.status(), StatusCode::NO_CONTENT);
                }
                let id = api
                    .create_skill(VENDOR, manifest(&format!("Churn {c}.{n}")))
                    .await;
                n += 1;
                doomed.lock().unwrap().insert(0, id);
                churned.fetch_add(1, Ordering::Relaxed);
                // Slower than the listing, so a walk reaches the end it is chasing.
                tokio::time::sleep(std::time::Duration::from_millis(15)).await;
            }
        }));
    }

    let stable_set: BTreeSet<&String> = stable.iter().collect();
    let mut churn_during_walks = 0;
    for (round, page_size) in [2, 3, 7, 10, 50, 1, 5].into_iter().enumerate() {
        let before = churned.load(Ordering::Relaxed);
        let rows = walk(&api, page_size).await;
        let unique: BTreeSet<&(String, String)> = rows.iter().collect();
        assert_eq!(
            unique.len(),
            rows.len(),
            "page size {page_size}: a row was listed twice"
        );
        let stable_rows: Vec<(String, String)> = rows
            .iter()
            .filter(|(id, _)| stable_set.contains(id))
            .cloned()
            .collect();
        assert_eq!(
            stable_rows, expected,
            "page size {page_size}: the stable skills were skipped or reordered"
        );
        let during = churned.load(Ordering::Relaxed) - before;
        println!(
            "walk {round}: page size {page_size}, {} rows, {during} creates/deletes meanwhile",
            rows.len()
        );
        churn_during_walks += during;
    }
    stop.store(true, Ordering::Relaxed);
    for churner in churners {
        churner.await.unwrap();
    }
    assert!(
        churn_during_walks > 50,
        "too little churn: {churn_during_walks}"
    );
}

#[tokio::test]
async fn a_token_stays_valid_when_its_last_skill_is_deleted() {
    let sim = start().await;
    let api = Api::new(&sim, VENDOR);
    let ids: Vec<String> = create_skills(&api, 5).await;
    let first = api
        .get_json(&format!("/v1/skills?vendorId={VENDOR}&maxResults=2"))
        .await;
    let token = first["nextToken"].as_str().unwrap().to_owned();
    // The cursor names the second skill; deleting it does not move the rest.
    let resp = api
        .delete(&format!("/v1/skills/{}", ids[1]))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), StatusCode::NO_CONTENT);
    let second = api
        .get_json(&format!(
            "/v1/skills?vendorId={VENDOR}&maxResults=2&nextToken={token}"
        ))
        .await;
    let listed: Vec<&str> = second["skills"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["skillId"].as_str().unwrap())
        .collect();
    assert_eq!(listed, [ids[2].as_str(), ids[3].as_str()]);
    // A token is bound to its vendor and cannot be forged.
    let flipped = if token.ends_with('A') { 'B' } else { 'A' };
    let forged = format!("{}{flipped}", &token[..token.len() - 1]);
    for bad in [forged.as_str(), "MTA6ZA"] {
        let resp = api
            .get_response(&format!(
                "/v1/skills?vendorId={VENDOR}&maxResults=2&nextToken={bad}"
            ))
            .await;
        assert_error(resp, StatusCode::BAD_REQUEST, "nextToken").await;
    }
}

async fn create_skills(api: &Api, n: usize) -> Vec<String> {
    let mut ids = Vec::new();
    for i in 0..n {
        ids.push(
            api.create_skill(VENDOR, manifest(&format!("Skill {i}")))
                .await,
        );
    }
    ids
}
