//! `Schedule`, `Quote` and the small value classes they hand out. The value classes
//! (`Installment`, `Totals`, `Disbursement`, `CostOfCredit`, `CostBreakdown`) read their
//! attributes from the core value's JSON form, as `LoanTerms` does: each key is an attribute
//! (amounts as `Decimal`, dates as `datetime.date`, counts as `int`, names as `str`), so a field
//! the core adds is an attribute here with no code; the stub names them.

use arrow_array::RecordBatch;
use chrono::NaiveDate;
use microcredit::{Installment, Quote, Schedule};
use pyo3::prelude::*;
use pyo3::types::{PyCapsule, PyDict};
use rust_decimal::Decimal;
use serde_json::Value;

use crate::convert::{Arg, Quoted, dir_with, form_attribute, form_repr, name_text, show, to_python};
use crate::errors::{IntoPy, guard, invalid, wrong_type};
use crate::html;
use crate::table::{PyArrowTable, stream_capsule};
use crate::terms::PyLoanTerms;
use microcredit::Reason;
use microcredit_tables::schedule_table::InstallmentArrays;

/// A value class of the core read through its JSON form: `$name` in Python, made from a `$core`,
/// its repr naming the keys `$shown`.
macro_rules! value_class {
    ($(#[$doc:meta])* $class:ident = $name:literal of $core:ty, repr [$($shown:literal),*]) => {
        $(#[$doc])*
        #[pyclass(name = $name, module = "microcredit", frozen)]
        pub struct $class(Value);

        impl From<&$core> for $class {
            fn from(v: &$core) -> Self {
                // A struct of numbers, dates and names always serializes.
                $class(serde_json::to_value(v).unwrap_or_default())
            }
        }

        #[pymethods]
        impl $class {
            fn __getattr__<'py>(&self, py: Python<'py>, name: &str) -> PyResult<Bound<'py, PyAny>> {
                guard(concat!($name, ".__getattr__"), || form_attribute(py, $name, &self.0, name))
            }
            /// The attributes, the form's keys included (for tab completion).
            fn __dir__(slf: &Bound<'_, Self>) -> PyResult<Vec<String>> {
                dir_with(slf.as_any(), slf.get().0.as_object().into_iter().flat_map(|m| m.keys().cloned()))
            }
            fn __repr__(&self) -> PyResult<String> {
                guard(concat!($name, ".__repr__"), || Ok(form_repr($name, &self.0, &[$($shown),*])))
            }
        }
    };
}

value_class!(
    /// One installment of a schedule.
    PyInstallment = "Installment" of Installment,
    repr ["number", "due_date", "principal", "interest", "fees", "total", "balance"]
);
value_class!(
    /// Column sums of a schedule.
    PyTotals = "Totals" of microcredit::Totals,
    repr ["principal", "interest", "fees", "insurance", "savings", "total"]
);
value_class!(
    /// What happens at disbursement.
    PyDisbursement = "Disbursement" of microcredit::Disbursement,
    repr ["date", "loan_amount", "fees", "insurance", "savings", "net_amount"]
);
value_class!(
    /// The true cost of a loan under one convention.
    PyCostOfCredit = "CostOfCredit" of microcredit::CostOfCredit,
    repr ["convention", "percent", "annual_rate"]
);
value_class!(
    /// The cost by component, and the APR layer by layer.
    PyCostBreakdown = "CostBreakdown" of microcredit::CostBreakdown,
    repr ["total_cost", "apr_interest", "apr_with_fees", "apr_with_insurance", "apr_all_in"]
);

/// A loan's repayment schedule.
#[pyclass(name = "Schedule", module = "microcredit", frozen, eq)]
#[derive(PartialEq)]
pub struct PySchedule {
    pub inner: Schedule,
}

impl PySchedule {
    fn batch(&self) -> PyResult<RecordBatch> {
        InstallmentArrays::of(&self.inner)
            .into_batch()
            .map_err(|e| invalid("schedule", "table", Reason::Unreadable { detail: e.to_string() }))
    }
}

#[pymethods]
impl PySchedule {
    /// ISO 4217 code of every amount.
    #[getter]
    fn currency(&self) -> &'static str {
        self.inner.currency.code()
    }
    /// The frequency in its JSON form.
    #[getter]
    fn frequency<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        guard("Schedule.frequency", || {
            to_python(py, &serde_json::to_value(self.inner.frequency).unwrap_or_default(), "")
        })
    }
    /// The installments, in order.
    #[getter]
    fn installments(&self) -> PyResult<Vec<PyInstallment>> {
        guard("Schedule.installments", || Ok(self.inner.installments.iter().map(PyInstallment::from).collect()))
    }
    /// Column sums.
    #[getter]
    fn totals(&self) -> PyTotals {
        PyTotals::from(&self.inner.totals)
    }
    /// The disbursement.
    #[getter]
    fn disbursement(&self) -> PyDisbursement {
        PyDisbursement::from(&self.inner.disbursement)
    }
    /// Compulsory savings refunded with the last installment.
    #[getter]
    fn savings_refund(&self) -> Decimal {
        self.inner.savings_refund
    }
    /// Date of the last installment.
    #[getter]
    fn maturity_date(&self) -> PyResult<NaiveDate> {
        guard("Schedule.maturity_date", || Ok(self.inner.maturity_date()))
    }
    /// The shared JSON form.
    fn to_json(&self) -> PyResult<String> {
        guard("Schedule.to_json", || self.inner.to_json().py_err())
    }
    /// Installments as an Arrow table.
    fn to_arrow(&self) -> PyResult<PyArrowTable> {
        guard("Schedule.to_arrow", || Ok(PyArrowTable::one(self.batch()?)))
    }
    /// Export the installments as an Arrow C stream.
    #[pyo3(signature = (requested_schema=None))]
    fn __arrow_c_stream__<'py>(
        &self,
        py: Python<'py>,
        requested_schema: Option<Bound<'py, PyAny>>,
    ) -> PyResult<Bound<'py, PyCapsule>> {
        guard("Schedule.__arrow_c_stream__", || {
            let requested = requested_capsule(requested_schema)?;
            let b = self.batch()?;
            stream_capsule(py, std::slice::from_ref(&b), &b.schema(), requested)
        })
    }
    /// Installments as a `pandas.DataFrame` (money as `decimal.Decimal`).
    fn to_pandas<'py>(slf: &Bound<'py, Self>) -> PyResult<Bound<'py, PyAny>> {
        guard("Schedule.to_pandas", || {
            slf.py().import("pyarrow")?.call_method1("table", (slf,))?.call_method0("to_pandas")
        })
    }
    /// Installments as a `polars.DataFrame`.
    fn to_polars<'py>(slf: &Bound<'py, Self>) -> PyResult<Bound<'py, PyAny>> {
        guard("Schedule.to_polars", || slf.py().import("polars")?.call_method1("DataFrame", (slf,)))
    }
    fn __len__(&self) -> usize {
        self.inner.installments.len()
    }
    fn __repr__(&self) -> PyResult<String> {
        guard("Schedule.__repr__", || Ok(self.repr()))
    }
    /// HTML view for Jupyter.
    fn _repr_html_(&self) -> PyResult<String> {
        guard("Schedule._repr_html_", || Ok(html::schedule(&self.inner)))
    }
}

/// The schema an Arrow consumer asks for: None, or a PyCapsule (anything else is refused).
pub fn requested_capsule<'py>(requested: Option<Bound<'py, PyAny>>) -> PyResult<Option<Bound<'py, PyCapsule>>> {
    match requested {
        Some(r) if !r.is_none() => match r.cast_into::<PyCapsule>() {
            Ok(c) => Ok(Some(c)),
            Err(e) => {
                Err(invalid("requested_schema", show(e.into_inner().as_any()), wrong_type("an Arrow schema PyCapsule")))
            }
        },
        _ => Ok(None),
    }
}

impl PySchedule {
    fn repr(&self) -> String {
        let t = &self.inner.totals;
        format!(
            "Schedule({} installments, {} principal {}, interest {}, total {}, maturity {})",
            self.inner.installments.len(),
            self.inner.currency.code(),
            t.principal,
            t.interest,
            t.total,
            self.inner.maturity_date()
        )
    }
}

/// Schedule and true cost of one loan.
#[pyclass(name = "Quote", module = "microcredit", frozen)]
pub struct PyQuote {
    pub inner: Quote,
}

#[pymethods]
impl PyQuote {
    /// The terms quoted.
    #[getter]
    fn terms(&self) -> PyLoanTerms {
        PyLoanTerms { inner: self.inner.terms.clone() }
    }
    /// Their schedule.
    #[getter]
    fn schedule(&self) -> PySchedule {
        PySchedule { inner: self.inner.schedule.clone() }
    }
    /// The cost under every named convention, keyed by convention name.
    #[getter]
    fn costs<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyDict>> {
        guard("Quote.costs", || {
            let d = PyDict::new(py);
            for c in &self.inner.costs {
                d.set_item(&c.convention, PyCostOfCredit::from(c))?;
            }
            Ok(d)
        })
    }
    /// The cost by component and the APR layer by layer.
    #[getter]
    fn breakdown(&self) -> PyCostBreakdown {
        PyCostBreakdown::from(&self.inner.breakdown)
    }
    /// The cost under one convention (`mft_apr`, `mft_eir`, `xirr_act365`, `eu_aprc`, `us_reg_z`,
    /// `ecuador_tea`, `peru_tcea`, `mexico_cat`).
    fn cost(&self, convention: &Arg) -> PyResult<PyCostOfCredit> {
        guard("Quote.cost", || {
            let name = name_text(convention, "convention", "a convention name")?;
            match self.inner.cost_named(&name) {
                Some(c) => Ok(c.into()),
                None => Err(invalid("convention", Quoted(&name), Reason::UnknownConvention)),
            }
        })
    }
    /// The shared JSON form.
    fn to_json(&self) -> PyResult<String> {
        guard("Quote.to_json", || self.inner.to_json().py_err())
    }
    fn __repr__(&self) -> PyResult<String> {
        guard("Quote.__repr__", || Ok(self.repr()))
    }
    /// HTML view for Jupyter.
    fn _repr_html_(&self) -> PyResult<String> {
        guard("Quote._repr_html_", || Ok(html::quote(&self.inner)))
    }
}

impl PyQuote {
    fn repr(&self) -> String {
        let apr = self.inner.cost_named("mft_apr").map(|c| c.percent.to_string()).unwrap_or_default();
        let eir = self.inner.cost_named("mft_eir").map(|c| c.percent.to_string()).unwrap_or_default();
        format!(
            "Quote({} {} over {} installments: APR {} %, EIR {} %, total cost {})",
            self.inner.terms.principal,
            self.inner.terms.currency.code(),
            self.inner.schedule.installments.len(),
            apr,
            eir,
            self.inner.breakdown.total_cost
        )
    }
}
