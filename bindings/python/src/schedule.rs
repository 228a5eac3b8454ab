//! `Schedule`, `Quote` and the small value classes they hand out.

use arrow_array::RecordBatch;
use chrono::NaiveDate;
use microcredit::{CostBreakdown, CostOfCredit, Installment, Quote, Schedule};
use pyo3::prelude::*;
use pyo3::types::{PyCapsule, PyDict};
use rust_decimal::Decimal;

use crate::convert::{Quoted, name_text, show};
use crate::errors::{IntoPy, guard, invalid, wrong_type};
use crate::html;
use crate::table::{PyArrowTable, stream_capsule};
use crate::terms::{PyLoanTerms, json_value};
use microcredit::Reason;
use microcredit_tables::schedule_table::InstallmentArrays;

pub use microcredit_tables::schedule_table::date32;

/// A decimal as an i128 mantissa at `scale` (the amount fits by construction).
pub fn at_scale(d: Decimal, scale: u32) -> i128 {
    let mut x = d;
    x.rescale(scale);
    x.mantissa()
}

/// `Name(field=value, ...)`: the repr of the value classes.
fn repr(name: &str, fields: &[(&str, &dyn std::fmt::Display)]) -> PyResult<String> {
    guard(name, || {
        let parts: Vec<String> = fields.iter().map(|(k, v)| format!("{k}={v}")).collect();
        Ok(format!("{name}({})", parts.join(", ")))
    })
}

/// One installment of a schedule.
#[pyclass(name = "Installment", module = "microcredit", frozen, get_all)]
pub struct PyInstallment {
    /// 1-based number.
    pub number: u32,
    /// Due date.
    pub due_date: NaiveDate,
    /// Days since the previous due date (or the disbursement).
    pub days: u32,
    /// Principal part.
    pub principal: Decimal,
    /// Interest part.
    pub interest: Decimal,
    /// Per-installment fees.
    pub fees: Decimal,
    /// Insurance premium.
    pub insurance: Decimal,
    /// Compulsory savings deposited.
    pub savings: Decimal,
    /// What the family pays on the due date.
    pub total: Decimal,
    /// Principal still owed after this installment.
    pub balance: Decimal,
}

#[pymethods]
impl PyInstallment {
    fn __repr__(&self) -> PyResult<String> {
        repr(
            "Installment",
            &[
                ("number", &self.number),
                ("due_date", &self.due_date),
                ("principal", &self.principal),
                ("interest", &self.interest),
                ("fees", &self.fees),
                ("total", &self.total),
                ("balance", &self.balance),
            ],
        )
    }
}

/// Column sums of a schedule.
#[pyclass(name = "Totals", module = "microcredit", frozen, get_all)]
pub struct PyTotals {
    /// Sum of principal parts.
    pub principal: Decimal,
    /// Sum of interest.
    pub interest: Decimal,
    /// Sum of per-installment fees.
    pub fees: Decimal,
    /// Sum of insurance premiums paid with installments.
    pub insurance: Decimal,
    /// Sum of savings deposited with installments.
    pub savings: Decimal,
    /// Sum of installment totals.
    pub total: Decimal,
}

#[pymethods]
impl PyTotals {
    fn __repr__(&self) -> PyResult<String> {
        repr(
            "Totals",
            &[
                ("principal", &self.principal),
                ("interest", &self.interest),
                ("fees", &self.fees),
                ("insurance", &self.insurance),
                ("savings", &self.savings),
                ("total", &self.total),
            ],
        )
    }
}

/// What happens at disbursement.
#[pyclass(name = "Disbursement", module = "microcredit", frozen, get_all)]
pub struct PyDisbursement {
    /// Date.
    pub date: NaiveDate,
    /// Loan balance at disbursement (financed charges included).
    pub loan_amount: Decimal,
    /// Upfront fees.
    pub fees: Decimal,
    /// Upfront insurance.
    pub insurance: Decimal,
    /// Savings withheld.
    pub savings: Decimal,
    /// What the family receives in hand.
    pub net_amount: Decimal,
}

#[pymethods]
impl PyDisbursement {
    fn __repr__(&self) -> PyResult<String> {
        repr(
            "Disbursement",
            &[
                ("date", &self.date),
                ("loan_amount", &self.loan_amount),
                ("fees", &self.fees),
                ("insurance", &self.insurance),
                ("savings", &self.savings),
                ("net_amount", &self.net_amount),
            ],
        )
    }
}

/// A loan's repayment schedule.
#[pyclass(name = "Schedule", module = "microcredit", frozen, eq)]
#[derive(PartialEq)]
pub struct PySchedule {
    pub inner: Schedule,
}

impl PySchedule {
    fn batch(&self) -> PyResult<RecordBatch> {
        let s = &self.inner;
        let scale = s.currency.minor_units();
        let column = |f: fn(&Installment) -> Decimal| s.installments.iter().map(|i| at_scale(f(i), scale)).collect();
        InstallmentArrays {
            loan: None,
            number: s.installments.iter().map(|i| i.number).collect(),
            due_date: s.installments.iter().map(|i| date32(i.due_date)).collect(),
            days: s.installments.iter().map(|i| i.days).collect(),
            money: [
                Some(column(|i| i.principal)),
                Some(column(|i| i.interest)),
                Some(column(|i| i.fees)),
                Some(column(|i| i.insurance)),
                Some(column(|i| i.savings)),
                Some(column(|i| i.total)),
                Some(column(|i| i.balance)),
            ],
            scale: scale as i8,
        }
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
        guard("Schedule.frequency", || json_value(py, &serde_json::to_value(self.inner.frequency).unwrap_or_default()))
    }
    /// The installments, in order.
    #[getter]
    fn installments(&self) -> PyResult<Vec<PyInstallment>> {
        guard("Schedule.installments", || {
            Ok(self
                .inner
                .installments
                .iter()
                .map(|i| PyInstallment {
                    number: i.number,
                    due_date: i.due_date,
                    days: i.days,
                    principal: i.principal,
                    interest: i.interest,
                    fees: i.fees,
                    insurance: i.insurance,
                    savings: i.savings,
                    total: i.total,
                    balance: i.balance,
                })
                .collect())
        })
    }
    /// Column sums.
    #[getter]
    fn totals(&self) -> PyTotals {
        let t = &self.inner.totals;
        PyTotals {
            principal: t.principal,
            interest: t.interest,
            fees: t.fees,
            insurance: t.insurance,
            savings: t.savings,
            total: t.total,
        }
    }
    /// The disbursement.
    #[getter]
    fn disbursement(&self) -> PyDisbursement {
        let d = &self.inner.disbursement;
        PyDisbursement {
            date: d.date,
            loan_amount: d.loan_amount,
            fees: d.fees,
            insurance: d.insurance,
            savings: d.savings,
            net_amount: d.net_amount,
        }
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

/// The true cost of a loan under one convention.
#[pyclass(name = "CostOfCredit", module = "microcredit", frozen, get_all)]
#[derive(Clone)]
pub struct PyCostOfCredit {
    /// The convention's name, e.g. `mft_apr`.
    pub convention: String,
    /// The annual rate as a fraction (0.2684 = 26.84 %).
    pub annual_rate: Decimal,
    /// The rate per installment period, as a fraction.
    pub periodic_rate: Decimal,
    /// The annual rate in percent, rounded as the convention displays it.
    pub percent: Decimal,
}

impl From<&CostOfCredit> for PyCostOfCredit {
    fn from(c: &CostOfCredit) -> Self {
        PyCostOfCredit {
            convention: c.convention.clone(),
            annual_rate: c.annual_rate,
            periodic_rate: c.periodic_rate,
            percent: c.percent,
        }
    }
}

#[pymethods]
impl PyCostOfCredit {
    fn __repr__(&self) -> PyResult<String> {
        let convention = format!("'{}'", self.convention);
        repr(
            "CostOfCredit",
            &[("convention", &convention), ("percent", &self.percent), ("annual_rate", &self.annual_rate)],
        )
    }
}

/// The cost by component, and the APR layer by layer.
#[pyclass(name = "CostBreakdown", module = "microcredit", frozen, get_all)]
pub struct PyCostBreakdown {
    /// Total interest.
    pub interest: Decimal,
    /// Total fees, upfront included.
    pub fees: Decimal,
    /// Total insurance, upfront included.
    pub insurance: Decimal,
    /// Compulsory savings held by the lender (refunded at the end).
    pub savings_held: Decimal,
    /// Interest + fees + insurance.
    pub total_cost: Decimal,
    /// APR (percent) of interest alone.
    pub apr_interest: Decimal,
    /// APR with fees.
    pub apr_with_fees: Decimal,
    /// APR with fees and insurance.
    pub apr_with_insurance: Decimal,
    /// APR with everything, savings included (MFTransparency).
    pub apr_all_in: Decimal,
}

impl From<&CostBreakdown> for PyCostBreakdown {
    fn from(b: &CostBreakdown) -> Self {
        PyCostBreakdown {
            interest: b.interest,
            fees: b.fees,
            insurance: b.insurance,
            savings_held: b.savings_held,
            total_cost: b.total_cost,
            apr_interest: b.apr_interest,
            apr_with_fees: b.apr_with_fees,
            apr_with_insurance: b.apr_with_insurance,
            apr_all_in: b.apr_all_in,
        }
    }
}

#[pymethods]
impl PyCostBreakdown {
    fn __repr__(&self) -> PyResult<String> {
        repr(
            "CostBreakdown",
            &[
                ("total_cost", &self.total_cost),
                ("apr_interest", &self.apr_interest),
                ("apr_with_fees", &self.apr_with_fees),
                ("apr_with_insurance", &self.apr_with_insurance),
                ("apr_all_in", &self.apr_all_in),
            ],
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
    fn cost(&self, convention: &Bound<'_, PyAny>) -> PyResult<PyCostOfCredit> {
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
