//! Loan accounts for Python: `Account` (record what happened, the state on any date, a Jupyter
//! view) and `account_states(installments, repayments, on=...)` over whole books as frames. The
//! ledger and every rule are the core's (`microcredit::account`, `microcredit-tables`); this
//! module converts Python values to the core's JSON form and back, mints event ids (UUIDv7 from
//! the clock) and maps errors.

use arrow_array::RecordBatch;
use chrono::NaiveDate;
use microcredit::account::{Account, AccountRules, AccountState, Event, EventId, Recording};
use microcredit::{Currency, Decimal, Reason};
use pyo3::prelude::*;
use pyo3_arrow::input::AnyRecordBatch;
use serde_json::{Value, json};

use crate::convert::{Arg, date, decimal, dir_with, form_attribute, form_repr, name_text, show, to_json, to_python};
use crate::errors::{IntoPy, guard, invalid, wrong_type};
use crate::table::PyArrowTable;
use crate::terms::PyLoanTerms;

/// The state of an account on a date (attributes as in the JSON form: `status`, `overdue`,
/// `days_past_due`, `payoff`, `installments`, ...; parts are dicts of `principal`, `interest`,
/// `fees`, `penalties`).
#[pyclass(name = "AccountState", module = "microcredit", frozen)]
pub struct PyAccountState(Value);

#[pymethods]
impl PyAccountState {
    fn __getattr__<'py>(&self, py: Python<'py>, name: &str) -> PyResult<Bound<'py, PyAny>> {
        guard("AccountState.__getattr__", || form_attribute(py, "AccountState", &self.0, name))
    }
    fn __dir__(slf: &Bound<'_, Self>) -> PyResult<Vec<String>> {
        dir_with(slf.as_any(), slf.get().0.as_object().into_iter().flat_map(|m| m.keys().cloned()))
    }
    fn __repr__(&self) -> String {
        form_repr("AccountState", &self.0, &["date", "status", "days_past_due", "bucket"])
    }
    /// The state in the JSON form.
    fn to_json(&self) -> String {
        self.0.to_string()
    }
    /// A table of the installments and the totals, for Jupyter.
    fn _repr_html_(&self) -> String {
        crate::html::account_state(&self.0)
    }
}

/// A loan account: the terms, the account's rules and the events recorded on it.
///
/// >>> import datetime as dt, microcredit as mc
/// >>> t = mc.LoanTerms(principal="1000", currency="USD", rate_percent="24", installments=4,
/// ...                  disbursement_date=dt.date(2025, 1, 10))
/// >>> a = mc.Account(t)
/// >>> _ = a.record_disbursement()
/// >>> a.record_repayment("262.62", dt.date(2025, 2, 10), receipt="R-1")["outcome"]
/// 'recorded'
/// >>> s = a.state(dt.date(2025, 3, 25))
/// >>> s.status, s.days_past_due, s.overdue["principal"]
/// ('in_arrears', 15, Decimal('247.47'))
#[pyclass(name = "Account", module = "microcredit")]
pub struct PyAccount(Account);

/// A v7 event id from the clock.
fn new_id() -> EventId {
    EventId::from_u128(uuid::Uuid::now_v7().as_u128())
}

fn recording(device: &str, officer: &str) -> Recording {
    let now = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |d| d.as_millis());
    Recording::new(i64::try_from(now).unwrap_or(i64::MAX), device, officer)
}

/// Optional text (a receipt, a device id): None, or a str of at most 64 characters.
fn text(obj: Option<&Arg>, field: &str) -> PyResult<Option<String>> {
    obj.filter(|o| !o.is_none()).map(|o| name_text(o, field, "a str")).transpose()
}

fn rules_of(rules: Option<&Arg>) -> PyResult<AccountRules> {
    match rules.filter(|r| !r.is_none()) {
        None => Ok(AccountRules::default()),
        Some(r) => AccountRules::from_json(&to_json(r, "rules")?.to_string()).py_err(),
    }
}

impl PyAccount {
    /// An amount in the loan's currency, as the form writes it (too many decimals is the
    /// core's typed error here, before the form is read).
    fn money(&self, amount: &Arg) -> PyResult<String> {
        Ok(microcredit::Money::new(decimal(amount, "amount")?, self.0.currency()).py_err()?.to_string())
    }

    /// Record an event of the JSON form built here; the outcome as a dict.
    fn record_form(
        &mut self,
        py: Python<'_>,
        mut form: Value,
        device: Option<&Arg>,
        officer: Option<&Arg>,
    ) -> PyResult<Py<PyAny>> {
        let device = text(device, "device")?.unwrap_or_default();
        let officer = text(officer, "officer")?.unwrap_or_default();
        if let Value::Object(m) = &mut form {
            m.entry("id").or_insert_with(|| json!(new_id().to_string()));
            m.entry("recorded").or_insert_with(|| json!(recording(&device, &officer)));
        }
        let event: Event = serde_json::from_value(form).map_err(microcredit::Error::from).py_err()?;
        let recorded = self.0.record(event).py_err()?;
        Ok(to_python(py, &json!(recorded), "")?.unbind())
    }
}

#[pymethods]
impl PyAccount {
    #[new]
    #[pyo3(signature = (terms, rules = None))]
    fn new(terms: &Arg, rules: Option<&Arg>) -> PyResult<Self> {
        guard("Account", || {
            let terms = terms
                .cast::<PyLoanTerms>()
                .map_err(|_| invalid("terms", show(terms), wrong_type("microcredit.LoanTerms")))?;
            Ok(PyAccount(Account::open(terms.get().inner.clone(), rules_of(rules)?).py_err()?))
        })
    }

    /// Record the disbursement (unless given, what is still to disburse on the terms' date: the
    /// core's `Account::disbursement_due`).
    #[pyo3(signature = (amount = None, date = None, *, device = None, officer = None))]
    fn record_disbursement(
        &mut self,
        py: Python<'_>,
        amount: Option<&Arg>,
        date: Option<&Arg>,
        device: Option<&Arg>,
        officer: Option<&Arg>,
    ) -> PyResult<Py<PyAny>> {
        guard("Account.record_disbursement", || {
            let (due_on, due) = self.0.disbursement_due();
            let amount = match amount.filter(|a| !a.is_none()) {
                Some(a) => self.money(a)?,
                None => due.to_string(),
            };
            let day = match date.filter(|d| !d.is_none()) {
                Some(d) => self::date(d, "date")?,
                None => due_on,
            };
            let form = json!({"effective": day, "kind": "disbursement", "amount": amount});
            self.record_form(py, form, device, officer)
        })
    }

    /// Record a repayment. A receipt the account already holds with the same amount and date
    /// changes nothing (`outcome` is `already_recorded`); with another amount or date it raises
    /// `ValidationError` (`receipt_conflict`).
    #[pyo3(signature = (amount, date, *, receipt = None, channel = None, device = None, officer = None))]
    #[allow(clippy::too_many_arguments)]
    fn record_repayment(
        &mut self,
        py: Python<'_>,
        amount: &Arg,
        date: &Arg,
        receipt: Option<&Arg>,
        channel: Option<&Arg>,
        device: Option<&Arg>,
        officer: Option<&Arg>,
    ) -> PyResult<Py<PyAny>> {
        guard("Account.record_repayment", || {
            let form = json!({"effective": self::date(date, "date")?, "kind": "repayment", "amount": self.money(amount)?,
                              "receipt": text(receipt, "receipt")?, "channel": text(channel, "channel")?});
            self.record_form(py, form, device, officer)
        })
    }

    /// Reverse an earlier event by its id: the account is replayed as if it had never been
    /// recorded.
    #[pyo3(signature = (event_id, date, *, device = None, officer = None))]
    fn reverse(
        &mut self,
        py: Python<'_>,
        event_id: &Arg,
        date: &Arg,
        device: Option<&Arg>,
        officer: Option<&Arg>,
    ) -> PyResult<Py<PyAny>> {
        guard("Account.reverse", || {
            let of = EventId::parse(&name_text(event_id, "event_id", "an event id")?).py_err()?;
            let form = json!({"effective": self::date(date, "date")?, "kind": "reversal", "of": of});
            self.record_form(py, form, device, officer)
        })
    }

    /// Record any event given in the JSON form (a dict: `effective`, `kind` and the kind's
    /// fields; `id` and `recorded` are filled in when absent).
    #[pyo3(signature = (event, *, device = None, officer = None))]
    fn record(
        &mut self,
        py: Python<'_>,
        event: &Arg,
        device: Option<&Arg>,
        officer: Option<&Arg>,
    ) -> PyResult<Py<PyAny>> {
        guard("Account.record", || {
            let form = to_json(event, "event")?;
            if !form.is_object() {
                return Err(invalid("event", show(event), wrong_type("a dict in the JSON form of events")));
            }
            self.record_form(py, form, device, officer)
        })
    }

    /// The state on `on`: the events effective on or before it, replayed.
    fn state(&self, on: &Arg) -> PyResult<PyAccountState> {
        guard("Account.state", || {
            let state: AccountState = self.0.state_on(date(on, "on")?).py_err()?;
            Ok(PyAccountState(json!(state)))
        })
    }

    /// The amount that closes the loan on `on`.
    fn payoff(&self, on: &Arg) -> PyResult<Decimal> {
        guard("Account.payoff", || Ok(self.0.payoff_on(date(on, "on")?).py_err()?.total()))
    }

    /// Every event recorded, in the order recorded, as dicts of the JSON form.
    #[getter]
    fn events(&self, py: Python<'_>) -> PyResult<Py<PyAny>> {
        guard("Account.events", || Ok(to_python(py, &json!(self.0.events()), "")?.unbind()))
    }

    /// The events as JSON text (a list in the JSON form).
    fn events_json(&self) -> String {
        json!(self.0.events()).to_string()
    }

    fn __repr__(&self) -> String {
        format!(
            "Account({} {}, {} events)",
            self.0.currency().code(),
            self.0.terms().map_or(Decimal::ZERO, |t| t.principal),
            self.0.events().len()
        )
    }

    /// The current state (every event counted), for Jupyter.
    fn _repr_html_(&self) -> PyResult<String> {
        guard("Account._repr_html_", || Ok(crate::html::account_state(&json!(self.0.current_state().py_err()?))))
    }
}

/// Record batches of a frame (anything exposing `__arrow_c_stream__`).
fn batches(frame: &Arg, field: &str) -> PyResult<Vec<RecordBatch>> {
    let unreadable = |e: &dyn std::fmt::Display| invalid(field, "stream", Reason::Unreadable { detail: e.to_string() });
    let input = frame.extract::<AnyRecordBatch>().map_err(|_| {
        invalid(field, show(frame), wrong_type("a table exposing __arrow_c_stream__ (pandas, polars or pyarrow)"))
    })?;
    input.into_reader().map_err(|e| unreadable(&e))?.collect::<Result<_, _>>().map_err(|e| unreadable(&e))
}

/// The state of every loan of a book on one or several dates: `installments` (columns `loan_id`,
/// `due_date`, and `amount_due` or `principal_due`/`interest_due`/`fees_due`/`penalties_due`;
/// optionally `disbursement_date`) and `repayments` (`loan_id`, `date`, `amount`) as pandas,
/// polars or pyarrow tables; one row per loan and date out (see `microcredit-tables`'
/// `account_table`), as an Arrow table.
#[pyfunction]
#[pyo3(signature = (installments, repayments, *, on, currency = None, rules = None))]
pub fn account_states(
    py: Python<'_>,
    installments: &Arg,
    repayments: &Arg,
    on: &Arg,
    currency: Option<&Arg>,
    rules: Option<&Arg>,
) -> PyResult<PyArrowTable> {
    guard("account_states", || {
        let code = text(currency, "currency")?.unwrap_or_else(|| "USD".into());
        let currency = Currency::from_code(&code).py_err()?;
        let rules = rules_of(rules)?;
        let dates: Vec<NaiveDate> =
            if on.is_instance_of::<pyo3::types::PyList>() || on.is_instance_of::<pyo3::types::PyTuple>() {
                on.try_iter()?.enumerate().map(|(i, d)| date(&d?, &format!("on[{i}]"))).collect::<PyResult<_>>()?
            } else {
                vec![date(on, "on")?]
            };
        let inst = batches(installments, "installments")?;
        let reps = if repayments.is_none() { Vec::new() } else { batches(repayments, "repayments")? };
        let table = py
            .detach(|| microcredit_tables::account_table::account_states(&inst, &reps, currency, &rules, &dates))
            .py_err()?;
        Ok(PyArrowTable::one(table))
    })
}
