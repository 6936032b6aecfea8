//! The message of a generated builder's parameter error.
//!
//! codegen (`request_building::unset_without_allocating`) starts each required parameter of a
//! generated builder as `Err(String::new())` instead of progenitor's
//! `Err("<name> was not initialized".to_string())`, so building a request allocates nothing
//! for parameters the next call sets anyway; `send` words the empty message here, as
//! progenitor did.

/// `message`, or `"<name> was not initialized"` when it is empty (the parameter was never
/// set: a failed conversion always says what failed).
pub(crate) fn unset_or(message: String, name: &str) -> String {
    if message.is_empty() {
        format!("{name} was not initialized")
    } else {
        message
    }
}
