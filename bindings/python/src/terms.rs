//! `LoanTerms`: the Python face of the core's terms, built generically. The keyword arguments
//! become the core's JSON form (`core/microcredit/src/json_form.md`) key by key, Python values
//! converted as everywhere else (`Decimal`, `str` and `int` amounts as decimal text, dates as ISO
//! text, option names as they are), and the core reads the form (`LoanTerms::from_form`);
//! attributes read the serialized form back. So a new optional term of the core is a keyword and
//! an attribute here with no code: only the stub and the docs name it. Every rule is the core's
//! (`from_form`, `LoanTerms::validate`); errors name the field by its path in the form
//! (`fees[0].amount`).

use std::sync::OnceLock;

use microcredit::{Currency, Error as CoreError, Frequency, LoanTerms, Quote, Schedule};

use pyo3::exceptions::{PyAttributeError, PyTypeError};
use pyo3::prelude::*;
use pyo3::types::{PyDict, PyString};
use serde::Serialize;
use serde_json::Value;

use crate::convert::{Arg, MAX_NAME_TEXT, dir_with, name_text, short_text, show, to_json, to_python};
use crate::errors::{IntoPy, guard, invalid, to_pyerr, wrong_type};
use crate::html;
use crate::schedule::{PyQuote, PySchedule};
use microcredit::Reason;

/// The snake_case name of a core enum value.
pub fn name_of<T: Serialize>(v: &T) -> String {
    match serde_json::to_value(v) {
        Ok(serde_json::Value::String(s)) => s,
        _ => String::new(),
    }
}

/// The items of a list, tuple or other iterable that is not a str, a bytes or a dict (an error
/// naming `field` otherwise).
pub fn list_items<'py>(
    obj: &Bound<'py, PyAny>,
    field: &str,
    what: &str,
) -> PyResult<Bound<'py, pyo3::types::PyIterator>> {
    if obj.is_instance_of::<PyString>()
        || obj.is_instance_of::<PyDict>()
        || obj.is_instance_of::<pyo3::types::PyBytes>()
    {
        return Err(invalid(field, show(obj), wrong_type(what)));
    }
    obj.try_iter().map_err(|_| invalid(field, show(obj), wrong_type(what)))
}

/// Frequency from a shorthand name or the JSON form as a dict.
pub fn frequency(obj: &Arg) -> PyResult<Frequency> {
    if obj.is_instance_of::<PyString>() {
        let s = name_text(obj, "frequency", "a frequency name")?;
        let other = "a dict like {'unit': 'weeks', 'every': 2}";
        return Frequency::from_name(&s).ok_or_else(|| to_pyerr(Frequency::unknown_name(&s, other)));
    }
    let v = to_json(obj, "frequency")?;
    serde_json::from_value::<Frequency>(v).map_err(|e| {
        // serde's message quotes the unknown name: at most MAX_JSON_TEXT characters, cut shorter.
        let reason = e.to_string();
        let mut cut: String = reason.chars().take(120).collect();
        if cut.len() < reason.len() {
            cut.push_str("...");
        }
        invalid("frequency", show(obj), Reason::UnknownName { detail: cut })
    })
}

fn currency(obj: &Arg) -> PyResult<Currency> {
    let s =
        obj.cast::<PyString>().map_err(|_| invalid("currency", show(obj), wrong_type("an ISO 4217 code as a str")))?;
    match short_text(s, MAX_NAME_TEXT) {
        Some(code) => Currency::from_code(&code).py_err(),
        // Not a code: only its first characters are read and echoed.
        None => Err(to_pyerr(CoreError::unknown_currency(&show(obj)))),
    }
}

/// Python keywords that are not top-level keys of the JSON form, and where each goes in it.
const NESTED: [(&str, [&str; 2]); 2] = [("rate_percent", ["rate", "percent"]), ("rate_per", ["rate", "per"])];
/// Keys of the JSON form that are not keywords: `rate` is given as `rate_percent` and `rate_per`.
const NOT_KEYWORDS: [&str; 2] = ["version", "rate"];
/// The smallest terms: serialized once, they list every top-level key of the form.
const MINIMAL_FORM: &str = r#"{"principal": "1", "currency": "USD", "rate": {"percent": "0"}, "installments": 1,
    "frequency": {"unit": "months", "every": 1}, "disbursement_date": "2025-01-01"}"#;

/// Every keyword of `LoanTerms(...)`, in the form's order: the form's top-level keys, with
/// `rate` given as `rate_percent` and `rate_per`.
fn keywords() -> &'static [String] {
    static KEYWORDS: OnceLock<Vec<String>> = OnceLock::new();
    KEYWORDS.get_or_init(|| {
        let form = serde_json::from_str::<LoanTerms>(MINIMAL_FORM).and_then(|t| serde_json::to_value(&t));
        let keys: Vec<String> = match form {
            Ok(Value::Object(m)) => m.keys().cloned().collect(),
            _ => Vec::new(),
        };
        let mut out = Vec::with_capacity(keys.len() + 1);
        for k in keys {
            if k == "rate" {
                out.extend(NESTED.iter().map(|(name, _)| name.to_string()));
            } else if !NOT_KEYWORDS.contains(&k.as_str()) {
                out.push(k);
            }
        }
        out
    })
}

/// Where a keyword goes in the form.
fn form_path(keyword: &str) -> Vec<&str> {
    match NESTED.iter().find(|(name, _)| *name == keyword) {
        Some((_, path)) => path.to_vec(),
        None => vec![keyword],
    }
}

/// Put `value` at `path` in the form, creating the objects on the way.
fn put(form: &mut serde_json::Map<String, Value>, path: &[&str], value: Value) {
    let mut map = form;
    for (i, key) in path.iter().enumerate() {
        if i + 1 == path.len() {
            map.insert(key.to_string(), value);
            return;
        }
        let slot = map.entry(key.to_string()).or_insert_with(|| Value::Object(serde_json::Map::new()));
        if !slot.is_object() {
            *slot = Value::Object(serde_json::Map::new());
        }
        let Value::Object(next) = slot else { return };
        map = next;
    }
}

/// One keyword argument in the JSON form: a frequency given by its name (`"weekly"`) becomes its
/// form; every other value is converted by [`to_json`], which names the field in its errors.
fn form_value(keyword: &str, field: &str, value: &Arg) -> PyResult<Value> {
    if keyword == "frequency" && value.is_instance_of::<PyString>() {
        return serde_json::to_value(frequency(value)?).map_err(|e| to_pyerr(e.into()));
    }
    to_json(value, field)
}

/// The terms of one loan, validated by the core when built.
///
/// ``principal``, ``currency``, ``rate_percent`` (nominal, per ``rate_per``: ``year`` by
/// default), ``installments`` and ``disbursement_date`` are required; every other key of the JSON
/// form (``core/microcredit/src/json_form.md``) is an optional keyword with the form's default:
/// ``frequency`` (``"monthly"``, ``"weekly"``, ``"fortnightly"``, ... or a dict such as
/// ``{"unit": "weeks", "every": 2}``), ``interest_method``, ``amortization``,
/// ``interest_basis``, ``day_count``, ``annuity_rates``, ``first_repayment_date``,
/// ``grace_on_principal``, ``grace_on_interest_payment``, ``deferred_interest``,
/// ``interest_free_periods``, ``installment_multiple``, ``rounding``, ``fees`` (a list of dicts),
/// ``insurance``, ``savings`` and ``business_days`` (dicts). ``None`` means the default.
///
/// Amounts are ``Decimal``, ``str`` or ``int`` (a ``float`` is refused); dates are
/// ``datetime.date`` or ISO text. Every keyword reads back as an attribute: amounts as ``Decimal``,
/// dates as ``datetime.date``, options as their names, dicts and lists as in the form.
///
/// >>> import datetime as dt, microcredit as mc
/// >>> t = mc.LoanTerms("1000", "USD", "24", 12, disbursement_date=dt.date(2025, 1, 15),
/// ...                  fees=[{"kind": "upfront", "percent": "2"}])
/// >>> t.principal, t.fees[0]["percent"], t.frequency
/// (Decimal('1000'), Decimal('2'), {'every': 1, 'month_end': 'same_day', 'unit': 'months'})
/// >>> t.schedule().installments[0].total
/// Decimal('94.56')
#[pyclass(name = "LoanTerms", module = "microcredit", frozen, eq)]
#[derive(Clone, PartialEq)]
pub struct PyLoanTerms {
    /// The core's terms.
    pub inner: LoanTerms,
}

#[pymethods]
impl PyLoanTerms {
    #[new]
    #[pyo3(signature = (principal, currency, rate_percent, installments, *, disbursement_date, **options))]
    fn new(
        principal: &Arg,
        currency: &Arg,
        rate_percent: &Arg,
        installments: &Arg,
        disbursement_date: &Arg,
        options: Option<&Bound<'_, PyDict>>,
    ) -> PyResult<Self> {
        guard("LoanTerms", || {
            let mut form = serde_json::Map::new();
            // The currency by the core's reader: an unknown code is a CurrencyError.
            put(&mut form, &["currency"], Value::String(self::currency(currency)?.code().into()));
            let required_args = [
                ("principal", principal),
                ("rate_percent", rate_percent),
                ("installments", installments),
                ("disbursement_date", disbursement_date),
            ];
            let optional_args = options.into_iter().flat_map(|o| o.iter());
            let mut given = Vec::new();
            for (keyword, value) in required_args {
                let path = form_path(keyword);
                if value.is_none() {
                    return Err(invalid(&path.join("."), "None", Reason::required()));
                }
                given.push((keyword.to_string(), value.clone()));
            }
            for (k, value) in optional_args {
                let keyword = k.str()?.to_string();
                if !keywords().contains(&keyword) {
                    return Err(PyTypeError::new_err(format!(
                        "LoanTerms() got an unexpected keyword argument '{}'",
                        keyword.chars().take(MAX_NAME_TEXT).collect::<String>()
                    )));
                }
                if !value.is_none() {
                    given.push((keyword, value));
                }
            }
            for (keyword, value) in &given {
                let path = form_path(keyword);
                let v = form_value(keyword, &path.join("."), value)?;
                put(&mut form, &path, v);
            }
            if !form.contains_key("frequency") {
                put(
                    &mut form,
                    &["frequency"],
                    serde_json::to_value(Frequency::monthly()).map_err(|e| to_pyerr(e.into()))?,
                );
            }
            Ok(PyLoanTerms { inner: LoanTerms::from_form(Value::Object(form)).py_err()? })
        })
    }

    /// Parse terms from the shared JSON form (`core/microcredit/src/json_form.md`) and validate them.
    ///
    /// >>> mc.LoanTerms.from_json('{"principal": "500", "currency": "USD", "rate": {"percent": "30"},'
    /// ...     ' "installments": 6, "frequency": {"unit": "months", "every": 1},'
    /// ...     ' "disbursement_date": "2025-01-15"}').installments
    /// 6
    #[staticmethod]
    fn from_json(json: &Arg) -> PyResult<Self> {
        guard("LoanTerms.from_json", || {
            let s = json.cast::<PyString>().map_err(|_| invalid("json", show(json), wrong_type("a str")))?.to_string();
            Ok(PyLoanTerms { inner: LoanTerms::from_json(&s).py_err()? })
        })
    }

    /// The shared JSON form.
    fn to_json(&self) -> PyResult<String> {
        guard("LoanTerms.to_json", || self.inner.to_json().py_err())
    }

    /// Generate the repayment schedule.
    fn schedule(&self, py: Python<'_>) -> PyResult<PySchedule> {
        guard("LoanTerms.schedule", || {
            let s = py.detach(|| Schedule::generate(&self.inner)).py_err()?;
            Ok(PySchedule { inner: s })
        })
    }

    /// The schedule and the true cost under every named convention.
    fn quote(&self, py: Python<'_>) -> PyResult<PyQuote> {
        guard("LoanTerms.quote", || {
            let q = py.detach(|| Quote::new(&self.inner)).py_err()?;
            Ok(PyQuote { inner: q })
        })
    }

    /// A keyword of the terms, read from their JSON form (see the class docstring).
    fn __getattr__<'py>(&self, py: Python<'py>, name: &str) -> PyResult<Bound<'py, PyAny>> {
        guard("LoanTerms.__getattr__", || {
            let missing = || PyAttributeError::new_err(format!("'LoanTerms' object has no attribute '{name}'"));
            if !keywords().iter().any(|k| k == name) {
                return Err(missing());
            }
            let form = serde_json::to_value(&self.inner).map_err(|e| to_pyerr(e.into()))?;
            let mut v = &form;
            for key in form_path(name) {
                v = v.get(key).ok_or_else(missing)?;
            }
            to_python(py, v, name)
        })
    }

    /// The attributes, the keywords included (for tab completion).
    fn __dir__(slf: &Bound<'_, Self>) -> PyResult<Vec<String>> {
        dir_with(slf.as_any(), keywords().iter().cloned())
    }

    fn __repr__(&self) -> PyResult<String> {
        guard("LoanTerms.__repr__", || Ok(self.repr()))
    }

    /// HTML view for Jupyter.
    fn _repr_html_(&self) -> PyResult<String> {
        guard("LoanTerms._repr_html_", || Ok(html::terms(&self.inner)))
    }
}

impl PyLoanTerms {
    fn repr(&self) -> String {
        format!(
            "LoanTerms(principal={} {}, rate={} % per {}, installments={}, frequency={}, disbursed={})",
            self.inner.principal,
            self.inner.currency.code(),
            self.inner.rate.percent,
            name_of(&self.inner.rate.per),
            self.inner.installments,
            serde_json::to_string(&self.inner.frequency).unwrap_or_default(),
            self.inner.disbursement_date
        )
    }
}
