//! The one public error of the mobile API, converted from the core's error in one place.
//!
//! Kotlin sees it as the sealed class `MicrocreditException` with one subclass per variant
//! (`MicrocreditException.Validation`, ...). The variants mirror [`microcredit::Error::kind`].
//! Every variant carries `error_code` (the core's stable [`microcredit::Error::code`], e.g.
//! `not_positive`, `too_many_decimals`, `json_syntax`), `message_en` and `message_es` (the core's
//! message in English and in Spanish, for a field officer): an app shows Spanish without matching
//! strings. `Validation` also carries the rule's `params` (name and value, as text).
//! Messages carry field paths and the rejected loan values (amounts, dates, codes), never a
//! person's data: the core never puts names or contact details into an error, and this layer adds
//! none.

/// One parameter of an error: its name and its value, as text.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct ErrorParam {
    /// The parameter's name, e.g. `limit`.
    pub name: String,
    /// Its value, as text.
    pub value: String,
}

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
        /// The rule, in English.
        reason: String,
        /// The rule's parameters by name (e.g. `limit` of `too_large`), as text.
        params: Vec<ErrorParam>,
        /// Stable snake_case code of what went wrong ([`microcredit::Error::code`]): branch or
        /// translate on it, never on the text.
        error_code: String,
        /// The message in English.
        message_en: String,
        /// The message in Spanish, for a field officer.
        message_es: String,
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
        /// Stable snake_case code of what went wrong ([`microcredit::Error::code`]): branch or
        /// translate on it, never on the text.
        error_code: String,
        /// The message in English.
        message_en: String,
        /// The message in Spanish, for a field officer.
        message_es: String,
    },
    /// A currency code the library does not know (`unknown_currency`).
    #[error("unknown currency: {code}")]
    UnknownCurrency {
        /// The code as given.
        code: String,
        /// Stable snake_case code of what went wrong ([`microcredit::Error::code`]): branch or
        /// translate on it, never on the text.
        error_code: String,
        /// The message in English.
        message_en: String,
        /// The message in Spanish, for a field officer.
        message_es: String,
    },
    /// Two amounts in different currencies were combined (`currency_mismatch`).
    #[error("currency mismatch: {left} and {right}")]
    CurrencyMismatch {
        /// Currency of the left operand.
        left: String,
        /// Currency of the right operand.
        right: String,
        /// Stable snake_case code of what went wrong ([`microcredit::Error::code`]): branch or
        /// translate on it, never on the text.
        error_code: String,
        /// The message in English.
        message_en: String,
        /// The message in Spanish, for a field officer.
        message_es: String,
    },
    /// A rate solver did not converge (`no_convergence`).
    #[error("{what} did not converge: {reason}")]
    NoConvergence {
        /// Which computation.
        what: String,
        /// Why it stopped.
        reason: String,
        /// Stable snake_case code of what went wrong ([`microcredit::Error::code`]): branch or
        /// translate on it, never on the text.
        error_code: String,
        /// The message in English.
        message_en: String,
        /// The message in Spanish, for a field officer.
        message_es: String,
    },
    /// The cash flows have no rate of return (`no_rate`).
    #[error("{what} has no solution: {reason}")]
    NoRate {
        /// Which computation.
        what: String,
        /// Why no rate exists.
        reason: String,
        /// Stable snake_case code of what went wrong ([`microcredit::Error::code`]): branch or
        /// translate on it, never on the text.
        error_code: String,
        /// The message in English.
        message_en: String,
        /// The message in Spanish, for a field officer.
        message_es: String,
    },
    /// A number grew beyond what exact arithmetic can hold (`overflow`).
    #[error("overflow computing {what}")]
    Overflow {
        /// What was being computed.
        what: String,
        /// Stable snake_case code of what went wrong ([`microcredit::Error::code`]): branch or
        /// translate on it, never on the text.
        error_code: String,
        /// The message in English.
        message_en: String,
        /// The message in Spanish, for a field officer.
        message_es: String,
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
        /// Stable snake_case code of what went wrong ([`microcredit::Error::code`]): branch or
        /// translate on it, never on the text.
        error_code: String,
        /// The message in English.
        message_en: String,
        /// The message in Spanish, for a field officer.
        message_es: String,
    },
    /// JSON that does not parse or does not match the shared form (`json`).
    #[error("invalid JSON: {reason}")]
    Json {
        /// The parser's message (positions and field names).
        reason: String,
        /// Stable snake_case code of what went wrong ([`microcredit::Error::code`]): branch or
        /// translate on it, never on the text.
        error_code: String,
        /// The message in English.
        message_en: String,
        /// The message in Spanish, for a field officer.
        message_es: String,
    },
    /// A bug, never an answer about the input: an invariant of the core that did not hold (`kind`
    /// `internal`), or an error kind this version of the bindings does not know yet (`kind` names
    /// it; every kind of the core this version was built with has its own variant above). Report
    /// it. A Rust panic (also a bug) is not this variant: Kotlin sees it as `InternalException`.
    #[error("internal error ({kind}): {reason}")]
    Internal {
        /// The core's `Error::kind()`.
        kind: String,
        /// The core's message.
        reason: String,
        /// Stable snake_case code of what went wrong ([`microcredit::Error::code`]): branch or
        /// translate on it, never on the text.
        error_code: String,
        /// The message in English.
        message_en: String,
        /// The message in Spanish, for a field officer.
        message_es: String,
    },
}

impl From<microcredit::Error> for MicrocreditError {
    fn from(e: microcredit::Error) -> Self {
        use microcredit::Error as E;
        use microcredit::Lang;
        let error_code = e.code().to_string();
        let (message_en, message_es) = (e.message(Lang::En), e.message(Lang::Es));
        match e {
            E::InvalidField { field, value, reason } => {
                let params =
                    reason.params().into_iter().map(|(k, v)| ErrorParam { name: k.to_string(), value: v }).collect();
                MicrocreditError::Validation {
                    field,
                    value,
                    reason: reason.to_string(),
                    params,
                    error_code,
                    message_en,
                    message_es,
                }
            }
            E::TooManyDecimals { field, value, currency, minor_units } => MicrocreditError::TooManyDecimals {
                field,
                value,
                currency,
                minor_units,
                error_code,
                message_en,
                message_es,
            },
            E::UnknownCurrency { code } => {
                MicrocreditError::UnknownCurrency { code, error_code, message_en, message_es }
            }
            E::CurrencyMismatch { left, right } => {
                MicrocreditError::CurrencyMismatch { left, right, error_code, message_en, message_es }
            }
            E::NoConvergence { what, reason } => {
                MicrocreditError::NoConvergence { what, reason, error_code, message_en, message_es }
            }
            E::NoRate { what, reason } => MicrocreditError::NoRate { what, reason, error_code, message_en, message_es },
            E::Overflow { what } => MicrocreditError::Overflow { what, error_code, message_en, message_es },
            E::LimitExceeded { what, requested, limit } => {
                MicrocreditError::LimitExceeded { what, requested, limit, error_code, message_en, message_es }
            }
            E::Json { reason, .. } => MicrocreditError::Json { reason, error_code, message_en, message_es },
            // A bug in the core, or a kind added after these bindings (the core's error is
            // `#[non_exhaustive]`).
            other => MicrocreditError::Internal {
                kind: other.kind().to_string(),
                reason: other.to_string(),
                error_code,
                message_en,
                message_es,
            },
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
    pub(crate) fn unreadable(field: &str, value: &str, reason: microcredit::Reason) -> Self {
        // The core bounds the echoed value: the text may be a 10 MB string pasted by mistake.
        microcredit::Error::invalid(field, value, reason).into()
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
            E::InvalidField { field: s(), value: s(), reason: microcredit::Reason::NotPositive },
            E::UnknownCurrency { code: s() },
            E::CurrencyMismatch { left: s(), right: s() },
            E::TooManyDecimals { field: s(), value: s(), currency: s(), minor_units: 2 },
            E::NoConvergence { what: s(), reason: s() },
            E::NoRate { what: s(), reason: s() },
            E::Overflow { what: s() },
            E::LimitExceeded { what: "memory_limit".into(), requested: 3_840_000_000, limit: 1 << 30 },
            E::Json { reason: s(), syntax: true },
        ];
        for e in all {
            let kind = e.kind();
            let message = e.to_string();
            let mapped = MicrocreditError::from(e);
            assert!(!matches!(mapped, MicrocreditError::Internal { .. }), "{kind} maps to Internal");
            assert_eq!(mapped.to_string(), message, "{kind}: the message is the core's");
        }
    }

    /// One error in English and Spanish, with its stable code and parameters.
    #[test]
    fn an_error_in_english_and_spanish() {
        let e = E::invalid("principal", "0", microcredit::Reason::NotPositive);
        let MicrocreditError::Validation { error_code, message_en, message_es, params, .. } = MicrocreditError::from(e)
        else {
            panic!("not a validation error");
        };
        assert_eq!(error_code, "not_positive");
        assert!(params.is_empty());
        assert_eq!(message_en, "invalid principal: 0 (must be greater than zero)");
        assert_eq!(message_es, "valor no válido en principal: 0 (debe ser mayor que cero)");
        let internal = MicrocreditError::from(E::Internal { what: "x" });
        assert!(matches!(internal, MicrocreditError::Internal { ref kind, .. } if kind == "internal"));
    }
}
