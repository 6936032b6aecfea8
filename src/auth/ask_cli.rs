//! The ASK CLI's saved login (`~/.ask/cli_config`).

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use chrono::{DateTime, Utc};
use serde::Deserialize;

use super::{Credentials, LwaCredentials, Secret};
use crate::Error;

/// The profile used when none is named (as in the ASK CLI).
pub const DEFAULT_PROFILE: &str = "default";

#[derive(Deserialize)]
struct ConfigFile {
    #[serde(default)]
    profiles: BTreeMap<String, ProfileEntry>,
}

#[derive(Deserialize)]
struct ProfileEntry {
    #[serde(default)]
    token: Option<TokenEntry>,
    #[serde(default)]
    vendor_id: Option<String>,
}

#[derive(Deserialize)]
struct TokenEntry {
    #[serde(default)]
    access_token: Option<String>,
    #[serde(default)]
    refresh_token: Option<String>,
    #[serde(default)]
    expires_at: Option<DateTime<Utc>>,
}

/// One profile of the ASK CLI's configuration file, as `ask configure` writes it:
///
/// ```json
/// { "profiles": { "default": {
///     "token": { "access_token": "Atza|…", "refresh_token": "Atzr|…",
///                "token_type": "bearer", "expires_in": 3600,
///                "expires_at": "2024-09-11T18:12:18.843Z" },
///     "vendor_id": "M1ABCDEF" } } }
/// ```
///
/// The ASK CLI refreshes with its own LWA client, whose ID and secret it does not store in the
/// file. To refresh, supply the LWA client that issued the refresh token
/// ([`credentials`](AskCliProfile::credentials)); without one the saved access token is used
/// until its `expires_at`.
///
/// ```
/// use alexa_smapi::auth::{AskCliProfile, Credentials};
/// let text = r#"{"profiles":{"work":{"vendor_id":"M1V","token":{
///     "access_token":"Atza|a","refresh_token":"Atzr|r","expires_at":"2999-01-01T00:00:00Z"}}}}"#;
/// let profile = AskCliProfile::parse(text, Some("work"))?;
/// assert_eq!(profile.vendor_id.as_deref(), Some("M1V"));
/// let creds = profile.credentials(Some(("amzn1.application-oa2-client.x", "secret")))?;
/// assert!(matches!(creds, Credentials::Lwa(_)));
/// # Ok::<(), alexa_smapi::Error>(())
/// ```
#[derive(Clone, Debug)]
pub struct AskCliProfile {
    /// Profile name.
    pub name: String,
    /// `vendor_id` of the profile, when saved.
    pub vendor_id: Option<String>,
    /// `token.expires_at`: when the saved access token expires.
    pub expires_at: Option<DateTime<Utc>>,
    access_token: Option<Secret>,
    refresh_token: Option<Secret>,
}

impl AskCliProfile {
    /// `~/.ask/cli_config` for the home directory found through `lookup` (`HOME`, then
    /// `USERPROFILE`).
    pub fn default_path_with(lookup: impl Fn(&str) -> Option<String>) -> Option<PathBuf> {
        let home = lookup("HOME")
            .filter(|h| !h.is_empty())
            .or_else(|| lookup("USERPROFILE").filter(|h| !h.is_empty()))?;
        Some(Path::new(&home).join(".ask").join("cli_config"))
    }

    /// Loads `profile` (or `ASK_DEFAULT_PROFILE`, or `default`) from the default path.
    pub fn load_default(profile: Option<&str>) -> Result<Self, Error> {
        let lookup = |name: &str| std::env::var(name).ok();
        let path = Self::default_path_with(lookup).ok_or_else(|| {
            Error::config("cannot locate ~/.ask/cli_config: HOME is not set".to_owned())
        })?;
        let env_profile = lookup("ASK_DEFAULT_PROFILE").filter(|p| !p.is_empty());
        Self::load(&path, profile.or(env_profile.as_deref()))
    }

    /// Loads `profile` (default `default`) from the file at `path`.
    pub fn load(path: &Path, profile: Option<&str>) -> Result<Self, Error> {
        let text = std::fs::read_to_string(path).map_err(|e| {
            Error::config_from(
                format!("cannot read ASK CLI config {}: {e}", path.display()),
                e,
            )
        })?;
        Self::parse(&text, profile).map_err(|e| match e {
            Error::Config { message, source } => Error::Config {
                message: format!("{}: {message}", path.display()),
                source,
            },
            other => other,
        })
    }

    /// Parses the text of an ASK CLI configuration file and picks `profile` (default
    /// `default`).
    pub fn parse(text: &str, profile: Option<&str>) -> Result<Self, Error> {
        let name = profile.unwrap_or(DEFAULT_PROFILE);
        let valid_name = !name.is_empty()
            && name
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_');
        if !valid_name {
            return Err(Error::Validation {
                field: "profile",
                rule: "ASK CLI profile names match ^[a-zA-Z0-9-_]+$".to_owned(),
            });
        }
        // serde_json's own message can quote a value (a token); say only where and what kind.
        let file: ConfigFile = serde_json::from_str(text).map_err(|e| Error::Config {
            message: format!(
                "not an ASK CLI config file ({:?} error at line {} column {}; values not shown)",
                e.classify(),
                e.line(),
                e.column()
            ),
            source: None,
        })?;
        let known: Vec<&str> = file.profiles.keys().map(String::as_str).collect();
        let Some(entry) = file.profiles.get(name) else {
            return Err(Error::config(format!(
                "no ASK CLI profile `{name}` (profiles: {})",
                if known.is_empty() {
                    "none".to_owned()
                } else {
                    known.join(", ")
                }
            )));
        };
        let token = entry.token.as_ref();
        let secret = |v: Option<&String>| v.filter(|s| !s.is_empty()).map(Secret::new);
        Ok(AskCliProfile {
            name: name.to_owned(),
            vendor_id: entry.vendor_id.clone().filter(|v| !v.is_empty()),
            expires_at: token.and_then(|t| t.expires_at),
            access_token: secret(token.and_then(|t| t.access_token.as_ref())),
            refresh_token: secret(token.and_then(|t| t.refresh_token.as_ref())),
        })
    }

    /// Whether the profile holds a refresh token.
    pub fn has_refresh_token(&self) -> bool {
        self.refresh_token.is_some()
    }

    /// Credentials for this profile. With `lwa_client` (`client_id`, `client_secret`) and a
    /// saved refresh token, access tokens are renewed through Login with Amazon, starting from
    /// the saved access token while it is valid. Without a client, the saved access token is
    /// used as a fixed token, and an expired one is an error.
    pub fn credentials(&self, lwa_client: Option<(&str, &str)>) -> Result<Credentials, Error> {
        if let (Some((id, secret)), Some(refresh)) = (lwa_client, &self.refresh_token) {
            let mut creds = LwaCredentials::new(id, secret, refresh.clone());
            if let (Some(access), Some(at)) = (&self.access_token, self.expires_at) {
                creds = creds.with_cached_access_token(access.clone(), at);
            }
            return Ok(Credentials::Lwa(creds));
        }
        match (&self.access_token, self.expires_at) {
            (Some(_), Some(at)) if at <= Utc::now() => Err(Error::config(format!(
                "the access token of ASK CLI profile `{}` expired at {at}; set ASK_CLIENT_ID and ASK_CLIENT_SECRET to refresh it, or run `ask configure`",
                self.name
            ))),
            (Some(access), _) => Ok(Credentials::AccessToken(access.clone())),
            (None, _) => Err(Error::config(format!(
                "ASK CLI profile `{}` holds no access token",
                self.name
            ))),
        }
    }

    /// [`credentials`](AskCliProfile::credentials) with the LWA client taken from
    /// `ASK_CLIENT_ID`/`ASK_CLIENT_SECRET`, else `ASK_LWA_CLIENT_ID`/
    /// `ASK_LWA_CLIENT_CONFIRMATION` (the ASK CLI's names), looked up through `lookup`.
    pub fn credentials_with(
        &self,
        lookup: impl Fn(&str) -> Option<String>,
    ) -> Result<Credentials, Error> {
        let get = |name: &str| lookup(name).filter(|v| !v.is_empty());
        let client = match (get("ASK_CLIENT_ID"), get("ASK_CLIENT_SECRET")) {
            (Some(id), Some(secret)) => Some((id, secret)),
            _ => match (get("ASK_LWA_CLIENT_ID"), get("ASK_LWA_CLIENT_CONFIRMATION")) {
                (Some(id), Some(secret)) => Some((id, secret)),
                _ => None,
            },
        };
        self.credentials(client.as_ref().map(|(a, b)| (a.as_str(), b.as_str())))
    }

    /// [`credentials_with`](AskCliProfile::credentials_with) on the process environment.
    pub fn credentials_from_env(&self) -> Result<Credentials, Error> {
        self.credentials_with(|name| std::env::var(name).ok())
    }
}
