//! One place that maps core errors to the Python exception hierarchy, and the panic guard every
//! entry point runs in.
//!
//! `microcredit.Error` is the base; `ValidationError`, `CurrencyError`, `SolverError` and
//! `JsonError` are its subclasses, chosen by the core's stable `Error::kind()`. Every exception
//! carries `.kind`, `.field` (or None) and `.value` (or None) attributes. Messages come from the
//! core and never contain personal data; a rejected value is echoed as a bounded prefix (at most
//! [`microcredit::error::ECHO_LIMIT`] characters), never whole.
//!
//! A `limit_exceeded` error (a batch that would need more memory than `memory_limit`) is a
//! `ValidationError` whose `.field` is `"memory_limit"` and whose `.value` is the number of bytes
//! requested, as text.
//!
//! Every `#[pyfunction]` and every `#[pymethods]` entry that does more than copy a field runs its
//! whole body, argument conversion included, inside [`guard`]: a Rust panic becomes
//! `microcredit.Error` with `.kind == "internal"` (and `.field`, `.value` None), never
//! `PanicException`. An internal error is a bug to report, and the tests treat it as a failure.

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

/// The rejected value, as text, where the core error carries one (already bounded by the core).
fn value_of(e: &CoreError) -> Option<String> {
    match e {
        CoreError::InvalidField { value, .. } | CoreError::TooManyDecimals { value, .. } => Some(value.clone()),
        CoreError::UnknownCurrency { code } => Some(code.clone()),
        CoreError::LimitExceeded { requested, .. } => Some(requested.to_string()),
        _ => None,
    }
}

/// Set `.kind`, `.field` and `.value` on a fresh exception.
fn with_attributes(err: PyErr, kind: &str, field: Option<&str>, value: Option<String>) -> PyErr {
    Python::attach(|py| {
        let v = err.value(py);
        // Setting attributes on a fresh exception instance cannot fail in practice; ignore if it does.
        let _ = v.setattr("kind", kind);
        let _ = v.setattr("field", field);
        let _ = v.setattr("value", value);
    });
    err
}

/// Convert a core error into the matching Python exception.
pub fn to_pyerr(e: CoreError) -> PyErr {
    let msg = e.to_string();
    let kind = e.kind();
    let err = match kind {
        "unknown_currency" | "currency_mismatch" => CurrencyError::new_err(msg),
        "no_convergence" | "no_rate" => SolverError::new_err(msg),
        "json" => JsonError::new_err(msg),
        // invalid_field, too_many_decimals, overflow, limit_exceeded and any kind added later.
        _ => ValidationError::new_err(msg),
    };
    with_attributes(err, kind, e.field(), value_of(&e))
}

/// A validation error raised by the binding itself (wrong Python type, float amount, ...), in the
/// same form as the core's: `invalid {field}: {value} ({reason})`, the value cut to a bounded prefix.
pub fn invalid(field: &str, value: impl std::fmt::Display, reason: &str) -> PyErr {
    to_pyerr(CoreError::invalid(field, value, reason))
}

/// `microcredit.Error` of kind `internal`: a bug in the library, not a problem with the input.
pub fn internal(what: &str) -> PyErr {
    with_attributes(
        Error::new_err(format!("internal error in {what}; please report it with the input that caused it")),
        "internal",
        None,
        None,
    )
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

/// Run `f`, turning a Rust panic into `microcredit.Error` of kind `internal` instead of
/// `PanicException`. Entry points wrap their whole body, argument conversion included.
pub fn guard<T>(what: &str, f: impl FnOnce() -> PyResult<T>) -> PyResult<T> {
    match std::panic::catch_unwind(std::panic::AssertUnwindSafe(f)) {
        Ok(r) => r,
        Err(_) => Err(internal(what)),
    }
}
