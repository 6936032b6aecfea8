//! Where credentials come from, in the ASK CLI's order.
//!
//! 1. `--profile NAME`: that profile of `~/.ask/cli_config` (`__ENVIRONMENT_ASK_PROFILE__`:
//!    the environment);
//! 2. `ASK_REFRESH_TOKEN` (with `ASK_CLIENT_ID` and `ASK_CLIENT_SECRET`) or `ASK_ACCESS_TOKEN`
//!    in the environment, with `ASK_VENDOR_ID` (the ASK CLI also demands AWS keys here; we
//!    do not);
//! 3. `ASK_DEFAULT_PROFILE`;
//! 4. the `default` profile.
//!
//! A profile's saved access token is used while it is valid; with `ASK_CLIENT_ID` and
//! `ASK_CLIENT_SECRET` (or `ASK_LWA_CLIENT_ID` / `ASK_LWA_CLIENT_CONFIRMATION`) its refresh
//! token renews it. `ASK_SMAPI_SERVER_BASE_URL` and `ASK_LWA_TOKEN_HOST` override the
//! endpoints in every case. The reading itself is the library's (`alexa_smapi::auth`).

use alexa_smapi::SmapiBuilder;
use alexa_smapi::auth::AskCliProfile;

use crate::error::CliError;

/// The ASK CLI's name for "the credentials in the environment".
pub const ENVIRONMENT_PROFILE: &str = "__ENVIRONMENT_ASK_PROFILE__";

/// Which source was chosen.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Source {
    /// The `ASK_*` variables.
    Environment,
    /// A profile of `~/.ask/cli_config`.
    Profile(String),
}

/// A client builder with credentials, vendor and endpoint overrides, and the source used.
pub struct Found {
    /// The configured builder.
    pub builder: SmapiBuilder,
    /// The vendor ID the source names, if any.
    pub vendor_id: Option<String>,
    /// Where the credentials came from.
    pub source: Source,
}

/// Picks the source as the ASK CLI does and reads it, with variables read through `lookup`.
pub fn find(
    profile: Option<&str>,
    lookup: &dyn Fn(&str) -> Option<String>,
) -> Result<Found, CliError> {
    let get = |name: &str| lookup(name).filter(|v| !v.is_empty());
    let env_has_token = get("ASK_REFRESH_TOKEN").is_some() || get("ASK_ACCESS_TOKEN").is_some();
    let chosen = match profile {
        Some(p) => Some(p.to_owned()),
        None if env_has_token => None,
        None => get("ASK_DEFAULT_PROFILE"),
    };
    match chosen.as_deref() {
        None if env_has_token => from_environment(lookup),
        Some(ENVIRONMENT_PROFILE) => from_environment(lookup),
        other => from_profile(other.unwrap_or("default"), lookup),
    }
}

fn from_environment(lookup: &dyn Fn(&str) -> Option<String>) -> Result<Found, CliError> {
    let builder = SmapiBuilder::from_lookup(lookup).map_err(|e| match e {
        alexa_smapi::Error::Config { message, .. } => CliError::Credentials(message),
        other => CliError::read(other),
    })?;
    Ok(Found {
        builder,
        vendor_id: lookup("ASK_VENDOR_ID").filter(|v| !v.is_empty()),
        source: Source::Environment,
    })
}

fn from_profile(name: &str, lookup: &dyn Fn(&str) -> Option<String>) -> Result<Found, CliError> {
    let path = AskCliProfile::default_path_with(lookup).ok_or_else(|| {
        CliError::Credentials("HOME is not set, so ~/.ask/cli_config cannot be found".into())
    })?;
    if !path.exists() {
        return Err(CliError::Credentials(format!(
            "no ASK_REFRESH_TOKEN or ASK_ACCESS_TOKEN in the environment and no {} (run `ask configure`, set the ASK_* variables, or try --sim)",
            path.display()
        )));
    }
    let profile = AskCliProfile::load(&path, Some(name)).map_err(|e| match e {
        alexa_smapi::Error::Config { message, .. } => CliError::Credentials(message),
        other => CliError::read(other),
    })?;
    let credentials = profile.credentials_with(lookup).map_err(|e| match e {
        alexa_smapi::Error::Config { message, .. } => CliError::Credentials(message),
        other => CliError::read(other),
    })?;
    let mut builder = SmapiBuilder::default()
        .credentials(credentials)
        .env_overrides_with(lookup);
    if let Some(vendor) = &profile.vendor_id {
        builder = builder.vendor_id(vendor.clone());
    }
    Ok(Found {
        builder,
        vendor_id: profile.vendor_id.clone(),
        source: Source::Profile(profile.name.clone()),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn vars(pairs: &'static [(&'static str, &'static str)]) -> impl Fn(&str) -> Option<String> {
        move |name| {
            pairs
                .iter()
                .find(|(k, _)| *k == name)
                .map(|(_, v)| v.to_string())
        }
    }

    #[test]
    fn environment_tokens_win_over_the_default_profile() {
        let found = find(None, &vars(&[("ASK_ACCESS_TOKEN", "Atza|x")])).unwrap();
        assert_eq!(found.source, Source::Environment);
    }

    #[test]
    fn a_named_profile_wins_over_the_environment() {
        let err = find(
            Some("work"),
            &vars(&[
                ("ASK_ACCESS_TOKEN", "Atza|x"),
                ("HOME", "/nonexistent-home"),
            ]),
        )
        .err()
        .unwrap();
        assert!(matches!(err, CliError::Credentials(m) if m.contains("cli_config")));
    }

    #[test]
    fn the_environment_placeholder_profile_reads_the_environment() {
        let found = find(
            None,
            &vars(&[
                ("ASK_DEFAULT_PROFILE", ENVIRONMENT_PROFILE),
                ("ASK_VENDOR_ID", "M1V"),
                ("ASK_ACCESS_TOKEN", "Atza|x"),
            ]),
        )
        .unwrap();
        assert_eq!(found.source, Source::Environment);
        assert_eq!(found.vendor_id.as_deref(), Some("M1V"));
    }
}
