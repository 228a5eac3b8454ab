//! The one public error of the mobile API, converted from the core's error in one place.
//!
//! Kotlin sees it as the sealed class `MicrocreditException` with one subclass per variant
//! (`MicrocreditException.Validation`, ...). The variants mirror [`microcredit::Error::kind`].
//! Messages carry field paths and the rejected loan values (amounts, dates, codes), never a
//! person's data: the core never puts names or contact details into an error, and this layer adds
//! none.

/// What went wrong, as a value the app can show or branch on.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error, uniffi::Error)]
pub enum MicrocreditError {
    /// A field has a value outside what the rules allow (core kind `invalid_field`), or a value
    /// could not be read at all (a date or a number that does not parse).
    #[error("invalid {field}: {value} ({reason})")]
    Validation {
        /// Path of the field, e.g. `principal` or `fees[1].amount`.
        field: String,
        /// The rejected value, as text.
        value: String,
        /// What the rule is.
        reason: String,
    },
    /// An amount has more decimal places than its currency allows (`too_many_decimals`).
    #[error("invalid {field}: {value} has more decimals than {currency} allows ({minor_units})")]
    TooManyDecimals {
        /// Path of the field.
        field: String,
        /// The amount as given.
        value: String,
        /// Its currency code.
        currency: String,
        /// Decimal places the currency allows.
        minor_units: u32,
    },
    /// A currency code the library does not know (`unknown_currency`).
    #[error("unknown currency: {code}")]
    UnknownCurrency {
        /// The code as given.
        code: String,
    },
    /// Two amounts in different currencies were combined (`currency_mismatch`).
    #[error("currency mismatch: {left} and {right}")]
    CurrencyMismatch {
        /// Currency of the left operand.
        left: String,
        /// Currency of the right operand.
        right: String,
    },
    /// A rate solver did not converge (`no_convergence`).
    #[error("{what} did not converge: {reason}")]
    NoConvergence {
        /// Which computation.
        what: String,
        /// Why it stopped.
        reason: String,
    },
    /// The cash flows have no rate of return (`no_rate`).
    #[error("{what} has no solution: {reason}")]
    NoRate {
        /// Which computation.
        what: String,
        /// Why no rate exists.
        reason: String,
    },
    /// A number grew beyond what exact arithmetic can hold (`overflow`).
    #[error("overflow computing {what}")]
    Overflow {
        /// What was being computed.
        what: String,
    },
    /// A request would need more of a resource (memory, rows) than its limit allows
    /// (`limit_exceeded`); raise the limit or split the work.
    #[error("limit exceeded: {what} would need {requested}, the limit is {limit}")]
    LimitExceeded {
        /// The option that sets the limit (e.g. `memory_limit`, in bytes).
        what: String,
        /// How much the request needs.
        requested: u64,
        /// The limit in force.
        limit: u64,
    },
    /// JSON that does not parse or does not match the shared form (`json`).
    #[error("invalid JSON: {reason}")]
    Json {
        /// The parser's message (positions and field names).
        reason: String,
    },
    /// An error kind this version of the bindings does not know yet (`kind` names it). Every kind
    /// of the core this version was built with has its own variant above, so no input produces
    /// `Internal`: seeing it means the bindings lag behind the core (a bug to report). A Rust panic
    /// (also a bug) is not this variant: Kotlin sees it as `InternalException`.
    #[error("internal error ({kind}): {reason}")]
    Internal {
        /// The core's `Error::kind()`.
        kind: String,
        /// The core's message.
        reason: String,
    },
}

impl From<microcredit::Error> for MicrocreditError {
    fn from(e: microcredit::Error) -> Self {
        use microcredit::Error as E;
        match e {
            E::InvalidField { field, value, reason } => MicrocreditError::Validation { field, value, reason },
            E::TooManyDecimals { field, value, currency, minor_units } => {
                MicrocreditError::TooManyDecimals { field, value, currency, minor_units }
            }
            E::UnknownCurrency { code } => MicrocreditError::UnknownCurrency { code },
            E::CurrencyMismatch { left, right } => MicrocreditError::CurrencyMismatch { left, right },
            E::NoConvergence { what, reason } => MicrocreditError::NoConvergence { what, reason },
            E::NoRate { what, reason } => MicrocreditError::NoRate { what, reason },
            E::Overflow { what } => MicrocreditError::Overflow { what },
            E::LimitExceeded { what, requested, limit } => MicrocreditError::LimitExceeded { what, requested, limit },
            E::Json { reason } => MicrocreditError::Json { reason },
            // The core's error is `#[non_exhaustive]`: a kind added after these bindings.
            other => MicrocreditError::Internal { kind: other.kind().to_string(), reason: other.to_string() },
        }
    }
}

impl From<serde_json::Error> for MicrocreditError {
    fn from(e: serde_json::Error) -> Self {
        microcredit::Error::from(e).into()
    }
}

impl MicrocreditError {
    /// A value that could not be read into its Rust type (used by the custom types' `try_lift`).
    pub(crate) fn unreadable(field: &str, value: &str, reason: &str) -> Self {
        // Echo a bounded prefix only: the text may be a 10 MB string pasted by mistake.
        MicrocreditError::Validation {
            field: field.to_string(),
            value: microcredit::error::bounded(&value),
            reason: reason.to_string(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use microcredit::Error as E;

    /// Every kind of the core has its own variant: no input reaches `Internal`.
    #[test]
    fn every_core_kind_has_its_own_variant() {
        let s = || "x".to_string();
        let all = [
            E::InvalidField { field: s(), value: s(), reason: s() },
            E::UnknownCurrency { code: s() },
            E::CurrencyMismatch { left: s(), right: s() },
            E::TooManyDecimals { field: s(), value: s(), currency: s(), minor_units: 2 },
            E::NoConvergence { what: s(), reason: s() },
            E::NoRate { what: s(), reason: s() },
            E::Overflow { what: s() },
            E::LimitExceeded { what: "memory_limit".into(), requested: 3_840_000_000, limit: 1 << 30 },
            E::Json { reason: s() },
        ];
        for e in all {
            let kind = e.kind();
            let message = e.to_string();
            let mapped = MicrocreditError::from(e);
            assert!(!matches!(mapped, MicrocreditError::Internal { .. }), "{kind} maps to Internal");
            assert_eq!(mapped.to_string(), message, "{kind}: the message is the core's");
        }
    }
}
