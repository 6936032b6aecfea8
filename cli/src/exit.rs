//! Exit codes: one per outcome a pipeline branches on.
//!
//! The table in [`EXIT_CODES_HELP`] is printed by `smapi --help`, repeated in the README and
//! checked by `cli/tests/exit_codes.rs` (one test per code).

/// How a command ended.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Exit {
    /// 0: done.
    Success = 0,
    /// 1: anything not listed below (configuration, an undecodable answer, a download URL that
    /// had expired).
    Failure = 1,
    /// 2: the command line itself is wrong (unknown subcommand or option, missing argument).
    Usage = 2,
    /// 3: an input breaks a documented rule (found before sending, or by the server: 400), or
    /// `schema validate` found violations.
    Validation = 3,
    /// 4: the skill, stage, publication or session does not exist (404).
    NotFound = 4,
    /// 5: someone changed the manifest since it was read (412), or the skill is busy (409),
    /// or a patch's `test` failed.
    PreconditionFailed = 5,
    /// 6: rate limited (429), after the retries the client allows.
    RateLimited = 6,
    /// 7: SMAPI failed (5xx), or could not be reached on a read, after the retries the client
    /// allows.
    ServerError = 7,
    /// 8: a write may or may not have happened (the connection broke after it was sent):
    /// read the state before trying again.
    OutcomeUnknown = 8,
    /// 9: no usable credentials, or the token was refused (401/403).
    Unauthorized = 9,
    /// 10: the build, publication or discovery session that `--wait` followed FAILED.
    WorkFailed = 10,
    /// 11: `--wait` gave up before the work finished (`--wait-timeout`).
    WaitTimeout = 11,
}

impl Exit {
    /// The process exit status.
    pub fn code(self) -> u8 {
        self as u8
    }

    /// A short stable name, used in the JSON error report.
    pub fn name(self) -> &'static str {
        match self {
            Exit::Success => "success",
            Exit::Failure => "failure",
            Exit::Usage => "usage",
            Exit::Validation => "validation",
            Exit::NotFound => "not_found",
            Exit::PreconditionFailed => "precondition_failed",
            Exit::RateLimited => "rate_limited",
            Exit::ServerError => "server_error",
            Exit::OutcomeUnknown => "outcome_unknown",
            Exit::Unauthorized => "unauthorized",
            Exit::WorkFailed => "work_failed",
            Exit::WaitTimeout => "wait_timeout",
        }
    }
}

/// The exit-code table, as `--help` prints it.
pub const EXIT_CODES_HELP: &str = "\
Exit codes:
   0  success
   1  other failure (configuration, an undecodable answer, an expired download URL)
   2  usage: the command line is wrong
   3  validation: an input breaks a rule (checked before sending, or a 400); schema violations
   4  not found (404)
   5  precondition failed: changed since read (412), busy (409), patch test failed
   6  rate limited (429), after retries
   7  server error (5xx) or SMAPI unreachable on a read, after retries
   8  outcome unknown: a write may or may not have happened; read before retrying
   9  unauthorized: no usable credentials, or the token was refused (401/403)
  10  the build, publication or discovery that --wait followed FAILED
  11  --wait gave up (--wait-timeout)";
