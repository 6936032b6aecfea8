//! The crate's one TLS stack: rustls with the `ring` crypto provider, configured per client.
//!
//! reqwest is built with its `rustls-no-provider` feature (so aws-lc never enters the build).
//! Instead of installing `ring` as rustls' process-wide default (a side effect on every other
//! library in the process), every `reqwest::Client` the crate builds gets a preconfigured
//! rustls `ClientConfig` that names `ring` itself and verifies certificates with the platform
//! verifier, as reqwest would. Nothing global is installed, ever.

use std::sync::Arc;

use rustls_platform_verifier::BuilderVerifierExt;

/// rustls' client configuration with the `ring` provider and the platform verifier.
fn rustls_config() -> Result<rustls::ClientConfig, rustls::Error> {
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let mut config = rustls::ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()?
        .with_platform_verifier()?
        .with_no_client_auth();
    // reqwest is built for HTTP/1.1 only.
    config.alpn_protocols = vec![b"http/1.1".to_vec()];
    Ok(config)
}

/// A `reqwest::ClientBuilder` that carries the crate's TLS configuration (rustls with
/// `ring`), for the raw client
/// ([`generated::Client::new_with_client`](crate::generated::Client::new_with_client)) or
/// [`SmapiBuilder::http_client`](crate::SmapiBuilder::http_client) when you want your own
/// reqwest settings (proxy, timeouts, user agent, ...).
///
/// Why it exists: this crate enables reqwest's `rustls-no-provider` feature, so a plain
/// `reqwest::Client::builder().build()` panics unless some rustls crypto provider was
/// installed process-wide. This builder needs none, and installs none.
///
/// ```
/// use std::time::Duration;
/// use alexa_smapi::generated::Client;
/// use alexa_smapi::transport::Transport;
///
/// let http = alexa_smapi::http_client_builder()
///     .timeout(Duration::from_secs(20))
///     .user_agent("my-service/1.2")
///     .build()?;
/// let raw = Client::new_with_client(
///     "https://api.amazonalexa.com",
///     http,
///     Transport::with_access_token("Atza|token"),
/// );
/// assert!(rustls::crypto::CryptoProvider::get_default().is_none()); // nothing global
/// # let _ = raw;
/// # Ok::<(), reqwest::Error>(())
/// ```
pub fn http_client_builder() -> reqwest::ClientBuilder {
    match rustls_config() {
        Ok(config) => reqwest::Client::builder().tls_backend_preconfigured(config),
        Err(e) => {
            // Not reachable with ring (it supports the default protocol versions) and the
            // platform verifier on the platforms the crate builds for; if it ever were, the
            // error surfaces when the client is built.
            tracing::error!(error = %e, "cannot configure rustls with ring");
            reqwest::Client::builder()
        }
    }
}
