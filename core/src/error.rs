//! Errors of the core: one enum whose variants name the field and the bad value.
//!
//! Errors never carry a person's data: loan terms and amounts are not personal, and the library
//! never puts names, ids or contact details into an error.

use std::fmt;

/// How many characters of a rejected value an error echoes: enough to recognise a number, a date
/// or a code, never a whole 100 MB string pasted by mistake (longer values end in `...`).
pub const ECHO_LIMIT: usize = 64;

/// `value` as text, cut to [`ECHO_LIMIT`] characters. Formatting stops once the limit is passed,
/// so a huge value is never copied whole.
///
/// ```
/// let long = "9".repeat(10_000);
/// let shown = microcredit::error::bounded(&long);
/// assert_eq!(shown.chars().count(), microcredit::error::ECHO_LIMIT + 3);
/// assert!(shown.ends_with("..."));
/// assert_eq!(microcredit::error::bounded(&"USD"), "USD");
/// ```
pub fn bounded(value: &dyn fmt::Display) -> String {
    bounded_to(value, ECHO_LIMIT)
}

/// `value` as text, cut to `limit` characters (see [`bounded`]).
fn bounded_to(value: &dyn fmt::Display, limit: usize) -> String {
    struct Capped {
        limit: usize,
        out: String,
        chars: usize,
        cut: bool,
    }
    impl fmt::Write for Capped {
        fn write_str(&mut self, s: &str) -> fmt::Result {
            for c in s.chars() {
                if self.chars == self.limit {
                    self.cut = true;
                    return Err(fmt::Error); // stop formatting: the rest is not needed
                }
                self.out.push(c);
                self.chars += 1;
            }
            Ok(())
        }
    }
    let mut capped = Capped { limit, out: String::new(), chars: 0, cut: false };
    let _ = fmt::write(&mut capped, format_args!("{value}"));
    if capped.cut {
        capped.out.push_str("...");
    }
    capped.out
}

/// Result alias used across the crate.
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// Everything that can go wrong in the core, as a value.
///
/// Each variant names what was wrong (the field path, e.g. `fees[0].percent`) and the offending
/// value, so a binding can show it to a field officer or an analyst without guessing.
///
/// ```
/// use microcredit::{Error, Currency};
/// let err = Currency::from_code("XYZ").unwrap_err();
/// assert_eq!(err.kind(), "unknown_currency");
/// assert!(err.to_string().contains("XYZ"));
/// ```
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// A field of the input has a value outside what the rules allow.
    #[error("invalid {field}: {value} ({reason})")]
    InvalidField {
        /// Path of the field, e.g. `principal` or `fees[1].amount`.
        field: String,
        /// The rejected value, as text.
        value: String,
        /// What the rule is.
        reason: String,
    },
    /// A currency code that is not in the ISO 4217 table the library knows.
    #[error("unknown currency: {code}")]
    UnknownCurrency {
        /// The code as given.
        code: String,
    },
    /// Two amounts in different currencies were combined.
    #[error("currency mismatch: {left} and {right}")]
    CurrencyMismatch {
        /// Currency of the left operand.
        left: String,
        /// Currency of the right operand.
        right: String,
    },
    /// An amount has more decimal places than its currency's minor unit allows.
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
    /// A rate solver (IRR, XIRR, RATE) did not converge.
    #[error("{what} did not converge: {reason}")]
    NoConvergence {
        /// Which computation (e.g. `xirr`).
        what: String,
        /// Why it stopped.
        reason: String,
    },
    /// The cash flows have no rate of return (e.g. all of one sign).
    #[error("{what} has no solution: {reason}")]
    NoRate {
        /// Which computation.
        what: String,
        /// Why no rate exists.
        reason: String,
    },
    /// A number grew beyond what exact arithmetic can hold.
    #[error("overflow computing {what}")]
    Overflow {
        /// What was being computed.
        what: String,
    },
    /// A request would need more of a resource (memory, rows) than its limit allows; raise the
    /// limit or split the work.
    #[error("limit exceeded: {what} would need {requested}, the limit is {limit}")]
    LimitExceeded {
        /// The option that sets the limit (e.g. `memory_limit`, in bytes): its field.
        what: String,
        /// How much the request needs.
        requested: u64,
        /// The limit in force.
        limit: u64,
    },
    /// JSON that does not parse or does not match the documented form.
    #[error("invalid JSON: {reason}")]
    Json {
        /// The parser's message (positions and field names, never values of personal data).
        reason: String,
    },
}

impl Error {
    /// A stable, machine-readable name of the variant, shared by every binding.
    ///
    /// ```
    /// # use microcredit::Error;
    /// let e = Error::invalid("principal", "0", "must be greater than zero");
    /// assert_eq!(e.kind(), "invalid_field");
    /// ```
    pub fn kind(&self) -> &'static str {
        match self {
            Error::InvalidField { .. } => "invalid_field",
            Error::UnknownCurrency { .. } => "unknown_currency",
            Error::CurrencyMismatch { .. } => "currency_mismatch",
            Error::TooManyDecimals { .. } => "too_many_decimals",
            Error::NoConvergence { .. } => "no_convergence",
            Error::NoRate { .. } => "no_rate",
            Error::Overflow { .. } => "overflow",
            Error::LimitExceeded { .. } => "limit_exceeded",
            Error::Json { .. } => "json",
        }
    }

    /// The field the error is about, where there is one.
    ///
    /// ```
    /// # use microcredit::Error;
    /// assert_eq!(Error::invalid("installments", 0, "must be at least 1").field(), Some("installments"));
    /// ```
    pub fn field(&self) -> Option<&str> {
        match self {
            Error::InvalidField { field, .. } | Error::TooManyDecimals { field, .. } => Some(field),
            Error::UnknownCurrency { .. } => Some("currency"),
            Error::LimitExceeded { what, .. } => Some(what),
            _ => None,
        }
    }

    /// Shorthand for [`Error::InvalidField`].
    ///
    /// ```
    /// # use microcredit::Error;
    /// let e = Error::invalid("rate.percent", "-1", "must not be negative");
    /// assert_eq!(e.to_string(), "invalid rate.percent: -1 (must not be negative)");
    /// ```
    pub fn invalid(field: impl Into<String>, value: impl fmt::Display, reason: impl Into<String>) -> Self {
        Error::invalid_field(field.into(), &value, reason.into())
    }

    /// [`Error::invalid`] past its generic parameters (one copy of the formatting, not one per
    /// type of value: the mobile library is size-bound).
    #[inline(never)]
    fn invalid_field(field: String, value: &dyn fmt::Display, reason: String) -> Self {
        Error::InvalidField { field, value: bounded(value), reason }
    }

    /// [`Error::UnknownCurrency`] for a code as given, echoing at most [`ECHO_LIMIT`] characters.
    pub fn unknown_currency(code: &str) -> Self {
        Error::UnknownCurrency { code: bounded(&code) }
    }

    /// Prefix the field path with a parent, e.g. `amount` inside `fees[0]`.
    pub(crate) fn within(self, parent: &str) -> Self {
        match self {
            Error::InvalidField { field, value, reason } => {
                Error::InvalidField { field: format!("{parent}.{field}"), value, reason }
            }
            Error::TooManyDecimals { field, value, currency, minor_units } => {
                Error::TooManyDecimals { field: format!("{parent}.{field}"), value, currency, minor_units }
            }
            other => other,
        }
    }
}

impl From<serde_json::Error> for Error {
    fn from(e: serde_json::Error) -> Self {
        // The parser quotes what it rejects (`unknown variant `...``): a pasted 10 MB string
        // must not become a 10 MB message. Enough is kept for the position and the expectation.
        Error::Json { reason: bounded_to(&e, 4 * ECHO_LIMIT) }
    }
}
