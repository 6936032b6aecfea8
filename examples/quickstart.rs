//! The whole skill lifecycle in one run:
//! create → wait until built → read and modify the manifest → list → publish → publication
//! status → unpublish → discovery session → resource schema + local validation → delete.
//!
//! `cargo run --example quickstart` runs against a simulator started in-process (nothing to
//! set up). With credentials in the environment (`ASK_REFRESH_TOKEN` + `ASK_CLIENT_ID` +
//! `ASK_CLIENT_SECRET`, or `ASK_ACCESS_TOKEN`, and `ASK_VENDOR_ID`) it talks to real SMAPI
//! instead; steps that a fresh, uncertified skill cannot pass there (publishing) or that need
//! an Alexa Smart Properties unit (`ASK_UNIT_ID`) are reported as skipped.

use std::io::Write;
use std::time::{Duration, Instant};

use alexa_smapi::manifest::{InterfaceType, ManifestCategory};
use alexa_smapi::poll::Progress;
use alexa_smapi::types::{SchemaOperation, SkillEndpoint, SkillManifest};
use alexa_smapi::{
    EndpointReporter, Error, PollPolicy, Region, Smapi, Stage, UnpublishReason, UnpublishType,
};
use futures::TryStreamExt;

struct Steps {
    n: u32,
    real: bool,
    started: Instant,
}

impl Steps {
    fn start(&mut self, what: &str) {
        self.n += 1;
        println!("\n[{:>2}] {what}", self.n);
    }
    fn ok(&self, detail: impl std::fmt::Display) {
        println!("     ok: {detail}");
    }
    /// Against real SMAPI some steps may legitimately fail for a brand-new skill.
    fn soft<T>(&self, result: Result<T, Error>) -> Result<Option<T>, Error> {
        match result {
            Ok(v) => Ok(Some(v)),
            Err(e) if self.real => {
                println!("     skipped: {e}");
                Ok(None)
            }
            Err(e) => Err(e),
        }
    }
}

fn progress() -> Progress {
    const SPIN: [char; 4] = ['|', '/', '-', '\\'];
    Progress::new(|p| {
        print!(
            "\r     {} waiting for {}: {} ({:.1}s, poll {})   ",
            SPIN[p.polls as usize % 4],
            p.what,
            p.state,
            p.elapsed.as_secs_f64(),
            p.polls
        );
        let _ = std::io::stdout().flush();
    })
}

/// A custom skill with a Lambda endpoint, built in typed Rust (no JSON): checked locally by
/// `create` before anything is sent.
fn sample_manifest() -> SkillManifest {
    let mut m = SkillManifest::new();
    let listing = m.locale_mut("en-US");
    listing.name = Some("Quickstart skill".into());
    listing.summary = Some("Created by the alexa-smapi quickstart.".into());
    listing.description =
        Some("A skill created, published and deleted by examples/quickstart.rs.".into());
    listing.example_phrases = Some(vec!["Alexa, open quickstart skill".into()]);
    listing.keywords = Some(vec!["quickstart".into()]);
    let publishing = m.publishing_mut();
    publishing.is_available_worldwide = Some(true);
    publishing.category = Some(ManifestCategory::Novelty);
    publishing.distribution_countries = Some(Vec::new());
    let privacy = m.privacy_mut();
    privacy.allows_purchases = Some(false);
    privacy.uses_personal_info = Some(false);
    privacy.is_child_directed = Some(false);
    privacy.is_export_compliant = Some(true);
    privacy.contains_ads = Some(false);
    m.privacy_locale_mut("en-US").privacy_policy_url = Some("https://example.com/privacy".into());
    m.custom_mut().endpoint = Some(SkillEndpoint::lambda(
        "arn:aws:lambda:us-east-1:123456789012:function:quickstart",
    ));
    m
}

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let has_credentials = ["ASK_REFRESH_TOKEN", "ASK_ACCESS_TOKEN"]
        .iter()
        .any(|v| std::env::var(v).is_ok_and(|s| !s.is_empty()));
    let mut sim = None;
    let (smapi, discovery_region) = if has_credentials {
        let smapi = Smapi::from_env()?;
        let vendor = smapi.vendor_id().ok_or("set ASK_VENDOR_ID")?.to_owned();
        println!(
            "Talking to real SMAPI at {} as vendor {vendor}",
            smapi.base_url()
        );
        (smapi, Region::Na)
    } else {
        let handle = alexa_smapi_sim::Simulator::builder()
            .async_delay(Duration::from_millis(1500))
            .start()
            .await?;
        println!(
            "No ASK_* credentials in the environment: using the in-process simulator at {}",
            handle.url()
        );
        let smapi = Smapi::builder()
            .base_url(handle.url())
            .discovery_base_url(Region::Eu, format!("{}/eu", handle.url()))
            .lwa_token_host(handle.lwa_url())
            .lwa(alexa_smapi::LwaCredentials::new(
                handle.client_id(),
                handle.client_secret(),
                handle.default_refresh_token().unwrap_or_default(),
            ))
            .poll_policy(
                PollPolicy::default()
                    .initial_interval(Duration::from_millis(200))
                    .max_interval(Duration::from_millis(500)),
            )
            .vendor_id(handle.default_vendor_id())
            .build()?;
        sim = Some(handle);
        (smapi, Region::for_country("DE").unwrap_or(Region::Eu))
    };
    let mut steps = Steps {
        n: 0,
        real: has_credentials,
        started: Instant::now(),
    };
    let skills = smapi.skills();

    steps.start("Create a skill");
    let created = skills.create(sample_manifest()).await?;
    steps.ok(format!(
        "{} (follow the build at {})",
        created.skill_id,
        created.location.as_deref().unwrap_or("-")
    ));
    let id = created.skill_id;

    steps.start("Wait until it is built");
    skills.wait_until_built(&id).progress(progress()).await?;
    println!();
    steps.ok("manifest build SUCCEEDED");

    steps.start("Read the development manifest with its ETag");
    let current = skills.manifest(&id, Stage::Development).await?;
    steps.ok(format!("ETag {}", current.etag.as_deref().unwrap_or("-")));

    steps.start("Modify the manifest (GET → edit → PUT If-Match, retried on 412)");
    skills
        .modify_manifest(&id, |m| {
            m.custom_mut().add_interface(InterfaceType::AudioPlayer);
            for (_, listing) in m.locales_mut() {
                listing.summary = Some("Edited by the alexa-smapi quickstart.".into());
            }
        })
        .await?;
    skills.wait_until_built(&id).progress(progress()).await?;
    println!();
    let after = skills.manifest(&id, Stage::Development).await?;
    steps.ok(format!(
        "rebuilt; new ETag {}",
        after.etag.as_deref().unwrap_or("-")
    ));

    steps.start("List the vendor's skills (all pages)");
    let listed: Vec<_> = skills.list().page_size(50).stream().try_collect().await?;
    let ours = listed.iter().filter(|s| s.skill_id == id).count();
    steps.ok(format!(
        "{} skill stages, {ours} of them ours",
        listed.len()
    ));

    steps.start("Submit for publication");
    if steps.soft(smapi.publishing().submit(&id).await)?.is_some() {
        steps.ok("submitted for publication as soon as possible");
        steps.start("Wait for the publication");
        let publication = steps.soft(
            smapi
                .publishing()
                .wait_until_published(&id)
                .progress(progress())
                .await,
        )?;
        println!();
        if let Some(p) = publication {
            steps.ok(format!(
                "status {}",
                p.status.map(|s| s.to_string()).unwrap_or_default()
            ));
        }
        steps.start("Read the publication status");
        if let Some(p) = steps.soft(smapi.publishing().status(&id).await)? {
            let status = p.status.as_ref().map_or("(none)", |s| s.as_str());
            let when = p
                .publishes_at_date
                .map_or_else(|| "(no date)".to_owned(), |t| t.to_rfc3339());
            steps.ok(format!("{status}, publishes at {when}"));
        }
        steps.start("Unpublish (HIDE, published by mistake)");
        if steps
            .soft(
                smapi
                    .publishing()
                    .unpublish(
                        &id,
                        UnpublishType::Hide,
                        UnpublishReason::PublishedByMistake,
                    )
                    .await,
            )?
            .is_some()
        {
            steps.ok("unpublish accepted");
        }
    }

    steps.start(&format!("Discovery session in region {discovery_region}"));
    let unit = std::env::var("ASK_UNIT_ID")
        .ok()
        .or_else(|| (!steps.real).then(|| "amzn1.alexa.unit.did.quickstart".to_owned()));
    match unit {
        Some(unit) => {
            let discovery = smapi.discovery(discovery_region);
            let stage = if steps.real {
                Stage::Live
            } else {
                Stage::Development
            };
            if let Some(session) = steps.soft(
                discovery
                    .create_session(&unit, EndpointReporter::skill(&id, stage))
                    .await,
            )? {
                steps.ok(format!("session {}", session.id));
                steps.soft(discovery.wait(&session.id).progress(progress()).await)?;
                println!();
                steps.ok("discovery SUCCEEDED");
            }
        }
        None => println!("     skipped: set ASK_UNIT_ID to run a discovery session"),
    }

    steps.start("Download the SUBMIT_SKILL manifest schema (presigned URL, no credentials) and validate locally");
    let report = smapi
        .resource_schema()
        .validate_manifest(&after.manifest, SchemaOperation::SubmitSkill)
        .await?;
    if report.is_valid() {
        steps.ok("the manifest satisfies the submission schema");
    } else {
        for v in &report.violations {
            println!(
                "     violation at {}: {}",
                if v.pointer.is_empty() {
                    "/"
                } else {
                    &v.pointer
                },
                v.message
            );
        }
    }

    steps.start("Delete the skill");
    skills.delete(&id).await?;
    // The delete is proved by reading the skill back: anything but a 404 ends the run with an
    // error (exit status 1), so CI (`scripts/check.sh`) cannot pass a delete that did not happen.
    match skills.manifest(&id, Stage::Development).await {
        Err(Error::NotFound { .. }) => steps.ok("deleted (its manifest is now 404)"),
        Ok(_) => return Err(format!("skill {id} still has a manifest after its delete").into()),
        Err(e) => {
            return Err(
                format!("reading skill {id} after its delete: expected 404, got {e}").into(),
            );
        }
    }

    println!(
        "\nDone: {} steps in {:.1}s.",
        steps.n,
        steps.started.elapsed().as_secs_f64()
    );
    if let Some(sim) = sim {
        sim.shutdown().await?;
    }
    Ok(())
}
