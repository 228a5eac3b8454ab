//! One place that maps core errors to the Python exception hierarchy.
//!
//! `microcredit.Error` is the base; `ValidationError`, `CurrencyError`, `SolverError` and
//! `JsonError` are its subclasses, chosen by the core's stable `Error::kind()`. Every exception
//! carries `.kind`, `.field` (or None) and `.value` (or None) attributes. Messages come from the
//! core and never contain personal data.

use microcredit::Error as CoreError;
use pyo3::create_exception;
use pyo3::exceptions::PyException;
use pyo3::prelude::*;

create_exception!(microcredit, Error, PyException, "Base class of every error raised by microcredit.");
create_exception!(
    microcredit,
    ValidationError,
    Error,
    "A value was rejected: the message names the field and the value; see `.field`, `.kind`, `.value`."
);
create_exception!(microcredit, CurrencyError, Error, "An unknown currency code, or two currencies mixed.");
create_exception!(
    microcredit,
    SolverError,
    Error,
    "A rate solver (IRR, XIRR, RATE, APR) found no rate or did not converge."
);
create_exception!(
    microcredit,
    JsonError,
    Error,
    "JSON that does not parse or does not match the shared loan-terms form."
);

/// The rejected value, as text, where the core error carries one.
fn value_of(e: &CoreError) -> Option<String> {
    match e {
        CoreError::InvalidField { value, .. } | CoreError::TooManyDecimals { value, .. } => Some(value.clone()),
        CoreError::UnknownCurrency { code } => Some(code.clone()),
        _ => None,
    }
}

/// Convert a core error into the matching Python exception.
pub fn to_pyerr(e: CoreError) -> PyErr {
    let msg = e.to_string();
    let kind = e.kind();
    let err = match kind {
        "unknown_currency" | "currency_mismatch" => CurrencyError::new_err(msg),
        "no_convergence" | "no_rate" => SolverError::new_err(msg),
        "json" => JsonError::new_err(msg),
        // invalid_field, too_many_decimals, overflow and any kind added later.
        _ => ValidationError::new_err(msg),
    };
    Python::attach(|py| {
        let value = err.value(py);
        // Setting attributes on a fresh exception instance cannot fail in practice; ignore if it does.
        let _ = value.setattr("kind", kind);
        let _ = value.setattr("field", e.field());
        let _ = value.setattr("value", value_of(&e));
    });
    err
}

/// A validation error raised by the binding itself (wrong Python type, float amount, ...), in the
/// same form as the core's: `invalid {field}: {value} ({reason})`.
pub fn invalid(field: &str, value: impl std::fmt::Display, reason: &str) -> PyErr {
    to_pyerr(CoreError::invalid(field, value, reason))
}

/// Extension to map core results to Python results.
pub trait IntoPy<T> {
    /// Map the error to a Python exception.
    fn py_err(self) -> PyResult<T>;
}

impl<T> IntoPy<T> for Result<T, CoreError> {
    fn py_err(self) -> PyResult<T> {
        self.map_err(to_pyerr)
    }
}

/// Run `f`, turning a Rust panic into `microcredit.Error` instead of `PanicException`.
pub fn guard<T>(what: &str, f: impl FnOnce() -> PyResult<T>) -> PyResult<T> {
    match std::panic::catch_unwind(std::panic::AssertUnwindSafe(f)) {
        Ok(r) => r,
        Err(_) => {
            Err(Error::new_err(format!("internal error in {what}; please report it with the input that caused it")))
        }
    }
}
