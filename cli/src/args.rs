//! The command line, declared with clap's derive API. Every operation of the spec is one
//! subcommand named after its `operationId` (kebab case), which is also the `ask smapi` name;
//! where the ASK CLI spells it differently, its name is an alias.
//!
//! Each subcommand's help ends with examples that run as shown on a fresh machine: they use
//! `--sim` (the in-process simulator) and `sample-manifest` for a manifest file. A test
//! (`cli/tests/help_examples.rs`) extracts and runs every one of them.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};

/// `smapi`: Amazon's Alexa Skill Management API from the shell.
///
/// Credentials are found as the ASK CLI finds them: `--profile` (from ~/.ask/cli_config), the
/// ASK_* environment variables, ASK_DEFAULT_PROFILE, then the `default` profile; the endpoint
/// overrides ASK_SMAPI_SERVER_BASE_URL and ASK_LWA_TOKEN_HOST apply. `--sim` runs against a
/// simulator inside the command instead (no account needed; its state is kept in a file so a
/// sequence of commands sees the same skills).
///
/// JSON goes to stdout (the default when stdout is not a terminal); a readable summary when it
/// is. Errors go to stderr, with the exit codes listed below.
#[derive(Debug, Parser)]
#[command(
    name = "smapi",
    version,
    propagate_version = true,
    max_term_width = 100,
    after_help = crate::exit::EXIT_CODES_HELP,
    after_long_help = crate::exit::EXIT_CODES_HELP
)]
pub struct Cli {
    /// Options every command takes.
    #[command(flatten)]
    pub global: Global,
    /// What to do.
    #[command(subcommand)]
    pub command: Command,
}

/// Options of every command (they may come before or after the subcommand).
#[derive(Debug, Args)]
pub struct Global {
    /// ASK CLI profile in ~/.ask/cli_config (`__ENVIRONMENT_ASK_PROFILE__`: the ASK_*
    /// variables).
    #[arg(short = 'p', long, global = true, value_name = "PROFILE")]
    pub profile: Option<String>,

    /// Run against a simulator started inside this command (no account, no network).
    #[arg(
        long,
        global = true,
        env = "SMAPI_SIM",
        action = clap::ArgAction::SetTrue,
        value_parser = clap::builder::BoolishValueParser::new()
    )]
    pub sim: bool,

    /// Where `--sim` keeps its state between commands.
    #[arg(
        long,
        global = true,
        env = "SMAPI_SIM_STATE",
        value_name = "FILE",
        hide_env_values = true
    )]
    pub sim_state: Option<PathBuf>,

    /// Vendor ID (default: the profile's `vendor_id`, or ASK_VENDOR_ID).
    #[arg(long, global = true, value_name = "VENDOR_ID")]
    pub vendor_id: Option<String>,

    /// Output format (default: `text` on a terminal, `json` otherwise).
    #[arg(short = 'o', long, global = true, value_enum, value_name = "FORMAT")]
    pub output: Option<OutputFormat>,

    /// No progress lines on stderr.
    #[arg(short = 'q', long, global = true)]
    pub quiet: bool,

    /// Diagnostics of every request on stderr (never secrets).
    #[arg(long, global = true)]
    pub debug: bool,

    /// Give up waiting (`--wait`) after this many seconds.
    #[arg(long, global = true, value_name = "SECONDS", default_value_t = 900.0)]
    pub wait_timeout: f64,

    /// Most attempts per request, the first included (retries follow the library's policy:
    /// 429 and 503 always, other 5xx on reads, never a create that may have arrived).
    #[arg(long, global = true, value_name = "N", default_value_t = 5,
          value_parser = clap::value_parser!(u32).range(1..=20))]
    pub max_attempts: u32,

    /// Seconds between the first two polls of a `--wait` (the wait grows up to 15 s).
    #[arg(long, global = true, value_name = "SECONDS")]
    pub poll_interval: Option<f64>,
}

/// How results are printed on stdout.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum OutputFormat {
    /// JSON (the API's own field names); the default when stdout is not a terminal.
    Json,
    /// A readable summary or table; the default on a terminal.
    Text,
    /// Only the IDs the command created or listed, one per line (for shell variables).
    Id,
}

/// Every subcommand.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Create a skill from a manifest (createSkillForVendor).
    #[command(
        visible_alias = "create-skill",
        after_help = "Examples:\n  $ smapi sample-manifest > skill.json\n  $ smapi --sim create-skill-for-vendor --manifest skill.json --wait"
    )]
    CreateSkillForVendor(CreateSkill),

    /// Read a skill's manifest and its ETag (getSkillManifest).
    #[command(
        visible_alias = "get-manifest",
        after_help = "Examples:\n  $ smapi sample-manifest > skill.json\n  $ SKILL=$(smapi --sim create-skill-for-vendor --manifest skill.json --output id)\n  $ smapi --sim get-skill-manifest -s \"$SKILL\" -g development > current.json"
    )]
    GetSkillManifest(GetManifest),

    /// Replace the development manifest (updateSkillManifest).
    ///
    /// With `--if-match` (or an `etag` field in the file, as `get-skill-manifest` writes it),
    /// the update happens only if nobody changed the manifest since it was read; otherwise
    /// the command fails with exit code 5 and changes nothing.
    #[command(
        visible_alias = "update-manifest",
        after_help = "Examples:\n  $ smapi sample-manifest > skill.json\n  $ SKILL=$(smapi --sim create-skill-for-vendor --manifest skill.json --wait --output id)\n  $ smapi --sim get-skill-manifest -s \"$SKILL\" > current.json\n  $ smapi --sim update-skill-manifest -s \"$SKILL\" --manifest current.json --wait"
    )]
    UpdateSkillManifest(UpdateManifest),

    /// Edit the development manifest with a JSON Patch (RFC 6902), safely.
    ///
    /// Reads the manifest with its ETag, applies the patch to `{"manifest": ...}`, and writes
    /// it back with If-Match; when someone else changed it in between, it reads and applies
    /// again (up to 5 rounds). A patch that does not apply (a failed `test`, a missing path)
    /// writes nothing. A patch that changes nothing writes nothing.
    #[command(
        visible_alias = "modify-skill-manifest",
        after_help = "Examples:\n  $ smapi sample-manifest > skill.json\n  $ SKILL=$(smapi --sim create-skill-for-vendor --manifest skill.json --wait --output id)\n  $ P=/manifest/publishingInformation/locales/en-US/name\n  $ printf '[{\"op\":\"replace\",\"path\":\"%s\",\"value\":\"Renamed\"}]' \"$P\" > patch.json\n  $ smapi --sim patch-skill-manifest -s \"$SKILL\" --patch patch.json --wait"
    )]
    PatchSkillManifest(PatchManifest),

    /// Build state of the skill's manifest and interaction models (getSkillStatus).
    ///
    /// With `--wait`, polls until the last create or update is built, so a pipeline can
    /// create without waiting and wait in its build step.
    #[command(
        visible_alias = "status",
        after_help = "Examples:\n  $ smapi sample-manifest > skill.json\n  $ SKILL=$(smapi --sim create-skill-for-vendor --manifest skill.json --output id)\n  $ smapi --sim get-skill-status -s \"$SKILL\"\n  $ smapi --sim get-skill-status -s \"$SKILL\" --resource manifest\n  $ smapi --sim get-skill-status -s \"$SKILL\" --wait"
    )]
    GetSkillStatus(Status),

    /// List the vendor's skills, one page or all of them (listSkillsForVendor).
    ///
    /// Without `--all`, one page is printed with its `nextToken`; pass that back with
    /// `--next-token` for the next page. `--all` follows every page (from `--next-token`, if
    /// given) and streams every skill.
    #[command(
        visible_alias = "list-skills",
        after_help = "Examples:\n  $ smapi sample-manifest > skill.json\n  $ smapi --sim create-skill-for-vendor --manifest skill.json --output id\n  $ smapi --sim create-skill-for-vendor --manifest skill.json --output id\n  $ smapi --sim list-skills-for-vendor --all --output json\n  $ smapi --sim list-skills-for-vendor --max-results 1 --output json > page.json\n  $ NEXT=$(sed -n 's/.*\"nextToken\": \"\\(.*\\)\".*/\\1/p' page.json)\n  $ smapi --sim list-skills-for-vendor --max-results 1 --next-token \"$NEXT\""
    )]
    ListSkillsForVendor(ListSkills),

    /// Delete a skill (deleteSkill).
    #[command(
        visible_alias = "delete",
        after_help = "Examples:\n  $ smapi sample-manifest > skill.json\n  $ SKILL=$(smapi --sim create-skill-for-vendor --manifest skill.json --output id)\n  $ smapi --sim delete-skill -s \"$SKILL\""
    )]
    DeleteSkill(SkillOnly),

    /// Submit the certified skill for publication, now or at a date (publishSkill).
    #[command(
        visible_alias = "publish",
        after_help = "Examples:\n  $ smapi sample-manifest > skill.json\n  $ SKILL=$(smapi --sim create-skill-for-vendor --manifest skill.json --wait --output id)\n  $ smapi --sim publish-skill -s \"$SKILL\" --wait"
    )]
    PublishSkill(Publish),

    /// The latest publication of the skill (getSkillPublication).
    #[command(
        visible_alias = "get-skill-publications",
        after_help = "Examples:\n  $ smapi sample-manifest > skill.json\n  $ SKILL=$(smapi --sim create-skill-for-vendor --manifest skill.json --wait --output id)\n  $ smapi --sim publish-skill -s \"$SKILL\"\n  $ smapi --sim get-skill-publication -s \"$SKILL\" --accept-language ja-JP"
    )]
    GetSkillPublication(GetPublication),

    /// Take a published skill out of the store (unpublishSkill).
    #[command(
        visible_alias = "unpublish",
        after_help = "Examples:\n  $ smapi sample-manifest > skill.json\n  $ SKILL=$(smapi --sim create-skill-for-vendor --manifest skill.json --wait --output id)\n  $ smapi --sim publish-skill -s \"$SKILL\" --wait\n  $ smapi --sim unpublish-skill -s \"$SKILL\" --type HIDE --reason \"Published by mistake\""
    )]
    UnpublishSkill(Unpublish),

    /// Where to download a resource schema, or the document itself (getResourceSchema).
    #[command(
        after_help = "Examples:\n  $ smapi --sim get-resource-schema --resource manifest --operation CREATE_SKILL\n  $ smapi --sim get-resource-schema --operation UPDATE_SKILL --document > manifest-schema.json"
    )]
    GetResourceSchema(GetSchema),

    /// Ask Alexa to discover a unit's endpoints (createDiscoverySession).
    #[command(
        visible_alias = "discover",
        after_help = "Examples:\n  $ smapi sample-manifest > skill.json\n  $ SKILL=$(smapi --sim create-skill-for-vendor --manifest skill.json --wait --output id)\n  $ UNIT=amzn1.alexa.unit.did.X\n  $ smapi --sim create-discovery-session --unit $UNIT -s \"$SKILL\" -g development --country DE --wait"
    )]
    CreateDiscoverySession(CreateDiscovery),

    /// The state of a discovery session (getDiscoverySession).
    #[command(
        after_help = "Examples:\n  $ smapi sample-manifest > skill.json\n  $ SKILL=$(smapi --sim create-skill-for-vendor --manifest skill.json --wait --output id)\n  $ UNIT=amzn1.alexa.unit.did.X\n  $ ID=$(smapi --sim create-discovery-session --unit $UNIT -s \"$SKILL\" --region eu --output id)\n  $ smapi --sim get-discovery-session --id \"$ID\" --region eu"
    )]
    GetDiscoverySession(GetDiscovery),

    /// Resource schemas: validate a skill.json locally.
    #[command(subcommand)]
    Schema(SchemaCommand),

    /// Print a minimal manifest that builds, to start from.
    #[command(
        after_help = "Examples:\n  $ smapi sample-manifest --name \"Daily Facts\" > skill.json"
    )]
    SampleManifest(SampleManifest),

    /// Print a shell completion script.
    #[command(
        after_help = "Examples:\n  $ smapi completions bash > smapi.bash\n  $ smapi completions zsh > _smapi"
    )]
    Completions(Completions),
}

/// `schema ...`
#[derive(Debug, Subcommand)]
pub enum SchemaCommand {
    /// Validate a skill.json against the manifest schema, locally.
    ///
    /// Downloads the schema of `--operation` (getResourceSchema, then its presigned URL) and
    /// checks the file on this machine; `--schema-file` checks against a saved schema with no
    /// network at all. Exit code 3 when the manifest breaks the schema.
    #[command(
        after_help = "Examples:\n  $ smapi sample-manifest > skill.json\n  $ smapi --sim schema validate skill.json\n  $ smapi --sim get-resource-schema --operation CREATE_SKILL --document > schema.json\n  $ smapi schema validate skill.json --schema-file schema.json"
    )]
    Validate(SchemaValidate),
}

/// A skill ID, as `ask smapi` takes it.
#[derive(Debug, Args)]
pub struct SkillArg {
    /// Skill ID (`amzn1.ask.skill.…`).
    #[arg(short = 's', long = "skill-id", value_name = "SKILL_ID")]
    pub skill_id: String,
}

/// Commands that take only a skill ID.
#[derive(Debug, Args)]
pub struct SkillOnly {
    #[command(flatten)]
    pub skill: SkillArg,
}

/// `Accept-Language` of the publishing operations.
#[derive(Debug, Args)]
pub struct LanguageArg {
    /// Language of the server's messages: `en-US` or `ja-JP` (the `Accept-Language` header).
    #[arg(long, value_name = "LANGUAGE")]
    pub accept_language: Option<String>,
}

/// `get-skill-status`
#[derive(Debug, Args)]
pub struct Status {
    #[command(flatten)]
    pub skill: SkillArg,
    /// Only this resource: `manifest` or `interactionModel` (repeatable; default: all).
    #[arg(long, value_name = "RESOURCE")]
    pub resource: Vec<String>,
    /// Wait until the last create or update is built (exit code 10 if the build fails): the
    /// build step of a pipeline.
    #[arg(long, conflicts_with = "resource")]
    pub wait: bool,
}

/// `get-skill-publication`
#[derive(Debug, Args)]
pub struct GetPublication {
    #[command(flatten)]
    pub skill: SkillArg,
    #[command(flatten)]
    pub language: LanguageArg,
}

/// `create-skill-for-vendor`
#[derive(Debug, Args)]
pub struct CreateSkill {
    /// The manifest: a file (`skill.json`, `file:skill.json`) or `-` for stdin; either
    /// `{"manifest": {...}}` or the manifest object itself.
    #[arg(long, value_name = "FILE")]
    pub manifest: String,
    /// An Alexa-hosted skill: the runtime of its code (NODE_10_X, PYTHON_3_7, NODE_12_X,
    /// NODE_16_X). Sent as `hosting.alexaHosted.runtime`.
    #[arg(long, value_name = "RUNTIME")]
    pub hosting_runtime: Option<String>,
    /// An Alexa-hosted skill: the AWS region of its code (US_EAST_1, US_WEST_2, EU_WEST_1).
    /// Sent as `hosting.alexaHosted.region`.
    #[arg(long, value_name = "REGION")]
    pub hosting_region: Option<String>,
    /// Wait until the skill is built (exit code 10 if the build fails).
    #[arg(long)]
    pub wait: bool,
}

/// `get-skill-manifest`
#[derive(Debug, Args)]
pub struct GetManifest {
    #[command(flatten)]
    pub skill: SkillArg,
    /// Stage: `development`, `certified` or `live`.
    #[arg(short = 'g', long, default_value = "development", value_name = "STAGE")]
    pub stage: String,
}

/// `update-skill-manifest`
#[derive(Debug, Args)]
pub struct UpdateManifest {
    #[command(flatten)]
    pub skill: SkillArg,
    /// The new manifest (as for `create-skill-for-vendor`).
    #[arg(long, value_name = "FILE")]
    pub manifest: String,
    /// Update only if the manifest still has this ETag (`*`: whatever it is). Default: the
    /// file's `etag` field, if it has one.
    #[arg(long, value_name = "ETAG")]
    pub if_match: Option<String>,
    /// Stage (only `development` can be updated).
    #[arg(short = 'g', long, default_value = "development", value_name = "STAGE")]
    pub stage: String,
    /// Wait until the update is built.
    #[arg(long)]
    pub wait: bool,
}

/// `patch-skill-manifest`
#[derive(Debug, Args)]
pub struct PatchManifest {
    #[command(flatten)]
    pub skill: SkillArg,
    /// A JSON Patch document (RFC 6902) over `{"manifest": ...}`, or `-` for stdin.
    #[arg(long, value_name = "FILE")]
    pub patch: String,
    /// Wait until the update is built.
    #[arg(long)]
    pub wait: bool,
}

/// `list-skills-for-vendor`
#[derive(Debug, Args)]
pub struct ListSkills {
    /// Follow every page and stream every skill (JSON: one array, written as pages arrive).
    #[arg(long, conflicts_with = "skill_id")]
    pub all: bool,
    /// Skills per page, 1 to 50.
    #[arg(long, value_name = "N")]
    pub max_results: Option<u32>,
    /// Start at the page this token names (the `nextToken` of the page before).
    #[arg(long, value_name = "TOKEN", conflicts_with = "skill_id")]
    pub next_token: Option<String>,
    /// Only these skills (repeatable; any number, asked 10 at a time).
    #[arg(short = 's', long = "skill-id", value_name = "SKILL_ID")]
    pub skill_id: Vec<String>,
}

/// `publish-skill`
#[derive(Debug, Args)]
pub struct Publish {
    #[command(flatten)]
    pub skill: SkillArg,
    /// Publish at this time (RFC 3339, at most six months ahead) instead of now.
    #[arg(long, alias = "publishes-at", value_name = "DATE")]
    pub publishes_at_date: Option<String>,
    #[command(flatten)]
    pub language: LanguageArg,
    /// Wait until the publication succeeds or is scheduled (exit code 10 if it fails).
    #[arg(long)]
    pub wait: bool,
}

/// `unpublish-skill`
#[derive(Debug, Args)]
pub struct Unpublish {
    #[command(flatten)]
    pub skill: SkillArg,
    /// `HIDE` (kept for users who enabled it) or `REMOVE` (disabled for everyone).
    #[arg(long = "type", value_name = "TYPE")]
    pub kind: String,
    /// One of: "Changing invocation name", "Published by mistake", "It takes time to
    /// maintain my skill", "My infrastructure costs are too high", "Technical issues",
    /// "Other".
    #[arg(long, value_name = "REASON")]
    pub reason: String,
    #[command(flatten)]
    pub language: LanguageArg,
}

/// `get-resource-schema`
#[derive(Debug, Args)]
pub struct GetSchema {
    /// `manifest` or `skillPackageStructure`.
    #[arg(long, default_value = "manifest", value_name = "RESOURCE")]
    pub resource: String,
    /// For `manifest`: CREATE_SKILL, UPDATE_SKILL, ENABLE_SKILL or SUBMIT_SKILL.
    #[arg(long, value_name = "OPERATION")]
    pub operation: Option<String>,
    /// Print the schema document itself (downloaded from the presigned URL, without
    /// credentials) instead of its location.
    #[arg(long)]
    pub document: bool,
}

/// `schema validate`
#[derive(Debug, Args)]
pub struct SchemaValidate {
    /// The skill.json to check (`-` for stdin).
    #[arg(value_name = "FILE")]
    pub file: String,
    /// The operation whose schema applies: CREATE_SKILL, UPDATE_SKILL, ENABLE_SKILL or
    /// SUBMIT_SKILL.
    #[arg(long, default_value = "CREATE_SKILL", value_name = "OPERATION")]
    pub operation: String,
    /// Validate against this saved JSON Schema instead of downloading one (no network).
    #[arg(long, value_name = "FILE")]
    pub schema_file: Option<PathBuf>,
}

/// Where a discovery session lives.
#[derive(Debug, Args)]
pub struct RegionArgs {
    /// Region of the organisation: `na`, `eu` or `fe` (default `na`).
    #[arg(long, value_name = "REGION", conflicts_with = "country")]
    pub region: Option<String>,
    /// The organisation's country (CA, US, DE, ES, FR, IT, UK, JP), instead of `--region`.
    #[arg(long, value_name = "COUNTRY")]
    pub country: Option<String>,
}

/// `create-discovery-session`
#[derive(Debug, Args)]
pub struct CreateDiscovery {
    /// The unit whose endpoints to discover.
    #[arg(long, value_name = "UNIT_ID")]
    pub unit: String,
    /// The skill that reports the unit's endpoints.
    #[arg(short = 's', long = "skill-id", value_name = "SKILL_ID")]
    pub skill_id: String,
    /// The reporting skill's stage.
    #[arg(short = 'g', long, default_value = "live", value_name = "STAGE")]
    pub stage: String,
    #[command(flatten)]
    pub region: RegionArgs,
    /// Wait until the session succeeds (exit code 10 if it fails).
    #[arg(long)]
    pub wait: bool,
}

/// `get-discovery-session`
#[derive(Debug, Args)]
pub struct GetDiscovery {
    /// Session ID.
    #[arg(long, value_name = "SESSION_ID")]
    pub id: String,
    #[command(flatten)]
    pub region: RegionArgs,
}

/// `sample-manifest`
#[derive(Debug, Args)]
pub struct SampleManifest {
    /// The skill's name.
    #[arg(long, default_value = "Sample skill")]
    pub name: String,
    /// Its locale.
    #[arg(long, default_value = "en-US")]
    pub locale: String,
}

/// `completions`
#[derive(Debug, Args)]
pub struct Completions {
    /// The shell.
    #[arg(value_enum)]
    pub shell: clap_complete::Shell,
}
