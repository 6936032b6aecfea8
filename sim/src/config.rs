//! Configuration and start-up: [`Simulator::builder`] → [`SimulatorBuilder::start`].

use std::collections::BTreeMap;
use std::fmt;
use std::net::{Ipv4Addr, SocketAddr};
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use tokio::net::TcpListener;
use tokio::sync::watch;

use crate::counters::Counters;
use crate::error::SimError;
use crate::faults::{FaultConfig, FaultInjector};
use crate::handle::SimHandle;
use crate::persist::{self, Persister, STATE_VERSION};
use crate::rate_limit::RateLimiter;
use crate::recorder::Recorder;
use crate::request_rules::RequestRules;
use crate::schema::SchemaDocuments;
use crate::signing::Signer;
use crate::sim::{Settings, Sim};
use crate::state::{State, Store};

/// Client ID of the seeded LWA client (fake; safe to print).
pub const DEFAULT_CLIENT_ID: &str = "amzn1.application-oa2-client.simulator";
/// Client secret of the seeded LWA client (fake; safe to print).
pub const DEFAULT_CLIENT_SECRET: &str = "sim-client-secret";
/// The seeded refresh token (fake; safe to print).
pub const DEFAULT_REFRESH_TOKEN: &str = "Atzr|sim-refresh-token";
/// The vendor the seeded refresh token belongs to.
pub const DEFAULT_VENDOR_ID: &str = "M1SIMVENDOR0001";
/// Access-token lifetime unless configured: one hour, as LWA issues them.
pub const DEFAULT_ACCESS_TOKEN_TTL: Duration = Duration::from_secs(3600);
/// Build, publication and discovery delay unless configured.
pub const DEFAULT_ASYNC_DELAY: Duration = Duration::from_millis(200);
/// Lifetime of presigned schema URLs unless configured.
pub const DEFAULT_SCHEMA_URL_TTL: Duration = Duration::from_secs(600);

/// The spec compiled into the simulator (the workspace's `openapi/smapi.yaml`).
pub const EMBEDDED_SPEC: &str = include_str!("../../openapi/smapi.yaml");

/// Every knob of a simulator. Build one with [`Simulator::builder`].
#[derive(Clone)]
pub struct SimConfig {
    /// Address to listen on (default `127.0.0.1:0`, an ephemeral loopback port).
    pub bind: SocketAddr,
    /// LWA client ID accepted at `/auth/o2/token`.
    pub client_id: String,
    /// LWA client secret accepted at `/auth/o2/token`.
    pub client_secret: String,
    /// Refresh tokens accepted at `/auth/o2/token`, each mapped to the vendor ID its access
    /// tokens act for. Seeded with [`DEFAULT_REFRESH_TOKEN`] → [`DEFAULT_VENDOR_ID`].
    pub refresh_tokens: BTreeMap<String, String>,
    /// How long an access token is valid (`expires_in`).
    pub access_token_ttl: Duration,
    /// How long a skill build stays `IN_PROGRESS`.
    pub build_delay: Duration,
    /// How long a publication stays `IN_PROGRESS` once its time has come.
    pub publication_delay: Duration,
    /// How long a discovery session stays `IN_PROGRESS`.
    pub discovery_delay: Duration,
    /// Requests per second allowed per access token (`None`: unlimited).
    pub rate_limit: Option<u32>,
    /// Random fault probabilities and seed.
    pub faults: FaultConfig,
    /// Where to persist state (`None`: memory only).
    pub state_file: Option<PathBuf>,
    /// Whether to record every exchange (see [`SimHandle::exchanges`]).
    pub record_exchanges: bool,
    /// How long presigned schema URLs stay valid.
    pub schema_url_ttl: Duration,
    /// OpenAPI spec text to derive the manifest schema from ([`EMBEDDED_SPEC`] by default).
    pub spec_yaml: Option<String>,
}

impl Default for SimConfig {
    fn default() -> Self {
        SimConfig {
            bind: SocketAddr::from((Ipv4Addr::LOCALHOST, 0)),
            client_id: DEFAULT_CLIENT_ID.to_owned(),
            client_secret: DEFAULT_CLIENT_SECRET.to_owned(),
            refresh_tokens: BTreeMap::from([(
                DEFAULT_REFRESH_TOKEN.to_owned(),
                DEFAULT_VENDOR_ID.to_owned(),
            )]),
            access_token_ttl: DEFAULT_ACCESS_TOKEN_TTL,
            build_delay: DEFAULT_ASYNC_DELAY,
            publication_delay: DEFAULT_ASYNC_DELAY,
            discovery_delay: DEFAULT_ASYNC_DELAY,
            rate_limit: None,
            faults: FaultConfig::default(),
            state_file: None,
            record_exchanges: false,
            schema_url_ttl: DEFAULT_SCHEMA_URL_TTL,
            spec_yaml: None,
        }
    }
}

impl fmt::Debug for SimConfig {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SimConfig")
            .field("bind", &self.bind)
            .field("client_id", &self.client_id)
            .field("client_secret", &"<redacted>")
            .field(
                "refresh_tokens",
                &format_args!("<{} redacted>", self.refresh_tokens.len()),
            )
            .field("access_token_ttl", &self.access_token_ttl)
            .field("build_delay", &self.build_delay)
            .field("publication_delay", &self.publication_delay)
            .field("discovery_delay", &self.discovery_delay)
            .field("rate_limit", &self.rate_limit)
            .field("faults", &self.faults)
            .field("state_file", &self.state_file)
            .field("record_exchanges", &self.record_exchanges)
            .field("schema_url_ttl", &self.schema_url_ttl)
            .field("spec_yaml", &self.spec_yaml.as_ref().map(|s| s.len()))
            .finish()
    }
}

/// Entry point of the library.
///
/// ```no_run
/// # async fn demo() -> Result<(), alexa_smapi_sim::SimError> {
/// use std::time::Duration;
/// let sim = alexa_smapi_sim::Simulator::builder()
///     .build_delay(Duration::from_millis(50))
///     .start()
///     .await?;
/// let token = sim.issue_access_token(alexa_smapi_sim::DEFAULT_VENDOR_ID);
/// println!("SMAPI at {} (token {} chars)", sim.url(), token.len());
/// sim.shutdown().await?;
/// # Ok(()) }
/// ```
#[derive(Debug, Clone, Copy)]
pub struct Simulator;

impl Simulator {
    /// A builder with the defaults of [`SimConfig::default`].
    pub fn builder() -> SimulatorBuilder {
        SimulatorBuilder {
            config: SimConfig::default(),
        }
    }
}

/// Sets the knobs, then [`SimulatorBuilder::start`]s the server.
#[derive(Debug, Clone)]
pub struct SimulatorBuilder {
    config: SimConfig,
}

impl SimulatorBuilder {
    /// Starts from a complete configuration.
    pub fn from_config(config: SimConfig) -> Self {
        SimulatorBuilder { config }
    }

    /// Listens on `addr` instead of `127.0.0.1:0`.
    pub fn bind(mut self, addr: SocketAddr) -> Self {
        self.config.bind = addr;
        self
    }

    /// Listens on `127.0.0.1:port`.
    pub fn port(mut self, port: u16) -> Self {
        self.config.bind = SocketAddr::from((Ipv4Addr::LOCALHOST, port));
        self
    }

    /// The LWA client accepted at the token endpoint.
    pub fn lwa_client(
        mut self,
        client_id: impl Into<String>,
        client_secret: impl Into<String>,
    ) -> Self {
        self.config.client_id = client_id.into();
        self.config.client_secret = client_secret.into();
        self
    }

    /// Accepts another refresh token, whose access tokens act for `vendor_id`.
    pub fn refresh_token(
        mut self,
        refresh_token: impl Into<String>,
        vendor_id: impl Into<String>,
    ) -> Self {
        self.config
            .refresh_tokens
            .insert(refresh_token.into(), vendor_id.into());
        self
    }

    /// Access-token lifetime.
    pub fn access_token_ttl(mut self, ttl: Duration) -> Self {
        self.config.access_token_ttl = ttl;
        self
    }

    /// How long builds stay `IN_PROGRESS`.
    pub fn build_delay(mut self, delay: Duration) -> Self {
        self.config.build_delay = delay;
        self
    }

    /// How long publications stay `IN_PROGRESS`.
    pub fn publication_delay(mut self, delay: Duration) -> Self {
        self.config.publication_delay = delay;
        self
    }

    /// How long discovery sessions stay `IN_PROGRESS`.
    pub fn discovery_delay(mut self, delay: Duration) -> Self {
        self.config.discovery_delay = delay;
        self
    }

    /// Sets build, publication and discovery delays at once.
    pub fn async_delay(self, delay: Duration) -> Self {
        self.build_delay(delay)
            .publication_delay(delay)
            .discovery_delay(delay)
    }

    /// Limits each access token to `per_second` requests per second (429 beyond).
    pub fn rate_limit(mut self, per_second: u32) -> Self {
        self.config.rate_limit = Some(per_second);
        self
    }

    /// Random fault probabilities and seed.
    pub fn faults(mut self, faults: FaultConfig) -> Self {
        self.config.faults = faults;
        self
    }

    /// Persists state to `path` (loaded on start when it exists).
    pub fn state_file(mut self, path: impl Into<PathBuf>) -> Self {
        self.config.state_file = Some(path.into());
        self
    }

    /// Records every exchange for [`SimHandle::exchanges`].
    pub fn record_exchanges(mut self, on: bool) -> Self {
        self.config.record_exchanges = on;
        self
    }

    /// Lifetime of presigned schema URLs.
    pub fn schema_url_ttl(mut self, ttl: Duration) -> Self {
        self.config.schema_url_ttl = ttl;
        self
    }

    /// Derives the manifest schema from this spec text instead of [`EMBEDDED_SPEC`].
    pub fn spec_yaml(mut self, spec: impl Into<String>) -> Self {
        self.config.spec_yaml = Some(spec.into());
        self
    }

    /// The configuration as set so far.
    pub fn config(&self) -> &SimConfig {
        &self.config
    }

    /// Binds the socket, loads any state file and starts serving.
    pub async fn start(self) -> Result<SimHandle, SimError> {
        let config = self.config;
        config.faults.validate().map_err(SimError::Config)?;
        let spec = config.spec_yaml.as_deref().unwrap_or(EMBEDDED_SPEC);
        let spec = crate::schema::parse_spec(spec)?;
        let schemas = SchemaDocuments::from_spec(&spec)?;
        let rules = RequestRules::from_parsed(&spec)?;

        let mut state = match &config.state_file {
            Some(path) => persist::load(path)?,
            None => State::default(),
        };
        state.version = STATE_VERSION;
        let key = match Signer::key_from_hex(&state.signing_key) {
            Some(key) => key,
            None => {
                state.signing_key = Signer::random_key_hex();
                Signer::key_from_hex(&state.signing_key).unwrap_or_default()
            }
        };

        let listener = TcpListener::bind(config.bind)
            .await
            .map_err(|source| SimError::Bind {
                addr: config.bind,
                source,
            })?;
        let local = listener.local_addr().map_err(|source| SimError::Bind {
            addr: config.bind,
            source,
        })?;
        let host = if local.ip().is_unspecified() {
            SocketAddr::from((Ipv4Addr::LOCALHOST, local.port()))
        } else {
            local
        };
        let base_url = format!("http://{host}");

        let store = Arc::new(Store::new(state));
        let persister = config
            .state_file
            .clone()
            .map(|path| Arc::new(Persister::new(path)));
        let sim = Arc::new(Sim {
            settings: Settings {
                client_id: config.client_id,
                client_secret: config.client_secret,
                refresh_tokens: config.refresh_tokens,
                access_token_ttl: config.access_token_ttl,
                build_delay: config.build_delay,
                publication_delay: config.publication_delay,
                discovery_delay: config.discovery_delay,
                schema_url_ttl: config.schema_url_ttl,
            },
            base_url,
            store: Arc::clone(&store),
            persister: persister.clone(),
            counters: Counters::default(),
            recorder: Recorder::new(config.record_exchanges),
            faults: FaultInjector::new(config.faults),
            limiter: RateLimiter::new(config.rate_limit),
            schemas,
            rules,
            signer: Signer::new(key),
        });
        if let Some(p) = &persister {
            // A fresh snapshot (with its signing key) and journal before anything is served.
            p.start(Arc::clone(&store))?;
        }

        let (shutdown_tx, shutdown_rx) = watch::channel(false);
        let router = crate::routes::router(Arc::clone(&sim));
        let server = tokio::spawn(crate::server::serve(
            listener,
            Arc::clone(&sim),
            router,
            shutdown_rx,
        ));
        tracing::info!(url = %sim.base_url, "alexa-smapi-sim listening");
        Ok(SimHandle::new(sim, local, shutdown_tx, server))
    }
}
