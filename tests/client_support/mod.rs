//! Shared set-up of the client behaviour tests: a simulator on loopback and a client for it.
#![allow(dead_code)]

use std::time::Duration;

use alexa_smapi::types::SkillManifest;
use alexa_smapi::{PollPolicy, RetryPolicy, Smapi, SmapiBuilder};
use alexa_smapi_sim::{SimHandle, Simulator};

/// A simulator with short asynchronous delays.
pub async fn sim() -> SimHandle {
    Simulator::builder()
        .async_delay(Duration::from_millis(30))
        .start()
        .await
        .expect("simulator starts")
}

/// Retry policy with short back-offs, for tests.
pub fn fast_retry() -> RetryPolicy {
    RetryPolicy::default()
        .initial_backoff(Duration::from_millis(5))
        .max_backoff(Duration::from_millis(50))
}

/// A builder pointed at `sim` (all regions via the path prefixes), fast policies, no auth.
pub fn builder(sim: &SimHandle) -> SmapiBuilder {
    Smapi::builder()
        .base_url(sim.url())
        .discovery_base_url(alexa_smapi::Region::Na, format!("{}/na", sim.url()))
        .discovery_base_url(alexa_smapi::Region::Eu, format!("{}/eu", sim.url()))
        .discovery_base_url(alexa_smapi::Region::Fe, format!("{}/fe", sim.url()))
        .lwa_token_host(sim.lwa_url())
        .retry_policy(fast_retry())
        .poll_policy(
            PollPolicy::default()
                .initial_interval(Duration::from_millis(10))
                .max_interval(Duration::from_millis(50))
                .timeout(Duration::from_secs(20)),
        )
        .vendor_id(sim.default_vendor_id())
}

/// The simulator's own LWA client and its default refresh token, as a caller configures
/// Login with Amazon.
pub fn lwa_credentials(sim: &SimHandle) -> alexa_smapi::LwaCredentials {
    alexa_smapi::LwaCredentials::new(
        sim.client_id(),
        sim.client_secret(),
        sim.default_refresh_token()
            .expect("the simulator has a default refresh token"),
    )
}

/// A client for `sim` with a directly issued access token.
pub fn client(sim: &SimHandle) -> Smapi {
    builder(sim)
        .access_token(sim.issue_access_token(sim.default_vendor_id()))
        .build()
        .expect("client builds")
}

/// A manifest that builds successfully, named `name`, with fields the spec does not model.
pub fn manifest(name: &str) -> SkillManifest {
    serde_json::from_value(serde_json::json!({
        "manifestVersion": "1.0",
        "publishingInformation": {
            "locales": {
                "en-US": {
                    "name": name,
                    "summary": "A test skill.",
                    "description": "A skill used by the alexa-smapi tests.",
                    "examplePhrases": ["Alexa, open test skill"],
                    "futureLocaleField": {"kept": true}
                }
            },
            "isAvailableWorldwide": true,
            "category": "NOVELTY",
            "futurePublishingField": [1, 2, 3]
        },
        "privacyAndCompliance": {"allowsPurchases": false, "usesPersonalInfo": false,
            "isChildDirected": false, "isExportCompliant": true, "containsAds": false},
        "apis": {"custom": {"endpoint": {"uri": "arn:aws:lambda:us-east-1:123456789012:function:test"},
                            "interfaces": [{"type": "ALEXA_PRESENTATION_APL"}]}},
        "permissions": [{"name": "alexa::profile:email:read"}],
        "events": {"endpoint": {"uri": "arn:aws:lambda:us-east-1:123456789012:function:events"},
                   "subscriptions": [{"eventName": "SKILL_ENABLED"}]}
    }))
    .expect("test manifest decodes")
}
