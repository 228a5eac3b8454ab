//! One place that maps core errors to the Python exception hierarchy, and the panic guard every
//! entry point runs in.
//!
//! `microcredit.Error` is the base; `ValidationError`, `CurrencyError`, `SolverError` and
//! `JsonError` are its subclasses, chosen by the core's `Error::error_kind()`. Every exception
//! carries `.kind`, `.code` (the core's stable `Error::code()`, e.g. `not_positive`), `.field` (or
//! None), `.value` (or None), `.params` (a dict of the error's parameters, as text) and
//! `.message_es` (the message in Spanish; `str(e)` is the English). Messages come from the
//! core and never contain personal data; a rejected value is echoed as a bounded prefix (at most
//! [`microcredit::error::ECHO_LIMIT`] characters), never whole.
//!
//! A `limit_exceeded` error (a batch that would need more memory than `memory_limit`) is a
//! `ValidationError` whose `.field` is `"memory_limit"` and whose `.value` is the number of bytes
//! requested, as text.
//!
//! Every `#[pyfunction]` and every `#[pymethods]` entry that does more than copy a field runs its
//! whole body, argument conversion included, inside [`guard`]: a Rust panic becomes
//! `microcredit.Error` with `.kind == "internal"` and `.code == "internal"` (and `.field`, `.value` None), never
//! `PanicException`. An internal error is a bug to report, and the tests treat it as a failure.

use microcredit::{Error as CoreError, ErrorKind, Lang, Reason};
use pyo3::create_exception;
use pyo3::exceptions::PyException;
use pyo3::prelude::*;
use pyo3::types::IntoPyDict;

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

create_exception!(
    microcredit,
    UnfinishedLoanWarning,
    pyo3::exceptions::PyUserWarning,
    "Dated flows that pay back less than was lent: a loan not yet finished, whose rate is not its \
     cost. `lent` and `repaid` are the two sums, as `Decimal`."
);

/// Warn (`UnfinishedLoanWarning`, the core's message) that dated flows pay back less than they
/// lend, with the two sums as the warning's `lent` and `repaid`. Under a filter that turns
/// warnings into errors, this returns that error.
pub fn warn_unfinished(py: Python<'_>, r: &microcredit::pricing::FlowsRepayment) -> PyResult<()> {
    let warning = py.get_type::<UnfinishedLoanWarning>().call1((r.message(Lang::En),))?;
    warning.setattr("lent", r.lent)?;
    warning.setattr("repaid", r.repaid)?;
    py.import("warnings")?.call_method1("warn", (warning,))?;
    Ok(())
}

/// Set `.kind`, `.code`, `.field`, `.value` and `.params` of `e`, and `.message_es`, on a fresh
/// exception.
fn with_attributes(err: PyErr, e: &CoreError, message_es: String) -> PyErr {
    Python::attach(|py| {
        let v = err.value(py);
        // Setting attributes on a fresh exception instance cannot fail in practice; ignore if it does.
        let _ = v.setattr("kind", e.kind());
        let _ = v.setattr("code", e.code());
        let _ = v.setattr("field", e.field());
        let _ = v.setattr("value", e.value());
        let _ = e.params().into_py_dict(py).and_then(|p| v.setattr("params", p));
        let _ = v.setattr("message_es", message_es);
    });
    err
}

/// Convert a core error into the matching Python exception: the class from the core's
/// [`microcredit::Error::error_kind`], the one mapping every binding uses.
pub fn to_pyerr(e: CoreError) -> PyErr {
    let msg = e.to_string();
    let err = match e.error_kind() {
        ErrorKind::Currency => CurrencyError::new_err(msg),
        ErrorKind::Solver => SolverError::new_err(msg),
        ErrorKind::Json => JsonError::new_err(msg),
        ErrorKind::Internal => Error::new_err(msg),
        // Validation, and any family added later.
        _ => ValidationError::new_err(msg),
    };
    let message_es = e.message(Lang::Es);
    with_attributes(err, &e, message_es)
}

/// A validation error raised by the binding itself (wrong Python type, float amount, ...), in the
/// same form as the core's: `invalid {field}: {value} ({reason})`, the value cut to a bounded
/// prefix. The rule is a core [`Reason`]: the binding only picks which.
pub fn invalid(field: &str, value: impl std::fmt::Display, reason: Reason) -> PyErr {
    to_pyerr(CoreError::invalid(field, value, reason))
}

/// [`Reason::WrongType`] expecting `expected` (e.g. `"a dict"`), the type found unnamed.
pub fn wrong_type(expected: &str) -> Reason {
    Reason::wrong_type(expected)
}

/// `microcredit.Error` of kind and code `internal` (the core's [`CoreError::Internal`]): a bug in
/// the library, not a problem with the input.
pub fn internal(what: &'static str) -> PyErr {
    let message_es = format!("error interno en {what}; por favor, repórtelo con los datos que lo causaron");
    let err = Error::new_err(format!("internal error in {what}; please report it with the input that caused it"));
    with_attributes(err, &CoreError::Internal { what }, message_es)
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
pub fn guard<T>(what: &'static str, f: impl FnOnce() -> PyResult<T>) -> PyResult<T> {
    match std::panic::catch_unwind(std::panic::AssertUnwindSafe(f)) {
        Ok(r) => r,
        Err(_) => Err(internal(what)),
    }
}

/// The `ValidationError` that the package's pure-Python helpers (`decimal_array`, the plots)
/// raise, made by the core like every other: its rule is picked by `code` among the few those
/// helpers need (`wrong_type` with `expected`, `not_whole_number` with `min` and `max`,
/// `float_not_accepted`, `out_of_range_for` with `type_name`, `length_mismatch` with `other` and
/// `count`), so it has a code, parameters and a Spanish message. Returned, not raised.
#[pyfunction]
#[pyo3(name = "_invalid", signature = (field, value, code, **params))]
pub fn py_invalid(
    field: &str,
    value: &str,
    code: &str,
    params: Option<&Bound<'_, pyo3::types::PyDict>>,
) -> PyResult<Py<pyo3::exceptions::PyBaseException>> {
    let param = |name: &str| -> String {
        params
            .and_then(|p| p.get_item(name).ok().flatten())
            .and_then(|v| v.str().ok().map(|s| s.to_string()))
            .unwrap_or_default()
    };
    let reason = match code {
        "wrong_type" => Reason::WrongType { expected: param("expected"), found: String::new() },
        "not_whole_number" => Reason::WholeNumber { min: param("min"), max: param("max") },
        "float_not_accepted" => Reason::FloatNotAccepted,
        "out_of_range_for" => Reason::OutOfRangeFor { type_name: param("type_name") },
        "length_mismatch" => {
            Reason::LengthMismatch { other: param("other"), count: param("count").parse().unwrap_or(0) }
        }
        _ => return Err(internal("_invalid (a code the helper does not know)")),
    };
    Python::attach(|py| Ok(invalid(field, value, reason).into_value(py)))
}
