//! `LoanTerms`: the Python face of the core's terms. Converts keyword arguments to the core struct;
//! every rule is checked by the core (`LoanTerms::validate`).

use std::collections::BTreeSet;
use std::str::FromStr;

use chrono::{NaiveDate, Weekday};
use microcredit::{
    BusinessDays, CompulsorySavings, Currency, Error as CoreError, Fee, Frequency, Insurance, InterestRate, LoanTerms,
    MonthEnd, Quote, RatePeriod, Schedule,
};

use pyo3::prelude::*;
use pyo3::types::{PyDict, PyList, PyString};
use rust_decimal::Decimal;
use serde::Serialize;

use crate::convert::{
    MAX_NAME_TEXT, Quoted, count, date, decimal, enum_str, name_text, opt_date, opt_decimal, short_text, show, to_json,
};
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

/// A dict whose keys are taken one by one; keys left over are an error.
struct DictArgs<'py> {
    dict: Bound<'py, PyDict>,
    field: String,
}

impl<'py> DictArgs<'py> {
    fn new(obj: &Bound<'py, PyAny>, field: &str) -> PyResult<Self> {
        let dict = obj.cast::<PyDict>().map_err(|_| invalid(field, show(obj), wrong_type("a dict")))?.copy()?;
        Ok(DictArgs { dict, field: field.to_string() })
    }
    fn take(&self, key: &str) -> PyResult<Option<Bound<'py, PyAny>>> {
        let v = self.dict.get_item(key)?;
        if v.is_some() {
            self.dict.del_item(key)?;
        }
        Ok(v.filter(|v| !v.is_none()))
    }
    fn path(&self, key: &str) -> String {
        format!("{}.{key}", self.field)
    }
    fn finish(self) -> PyResult<()> {
        if let Some((k, _)) = self.dict.iter().next() {
            return Err(invalid(&self.field, show(&k), Reason::UnknownKey));
        }
        Ok(())
    }
}

/// Frequency from a shorthand name or the JSON form as a dict.
pub fn frequency(obj: &Bound<'_, PyAny>) -> PyResult<Frequency> {
    if obj.is_instance_of::<PyString>() {
        let s = name_text(obj, "frequency", "a frequency name")?;
        return frequency_name(&s).ok_or_else(|| {
            invalid(
                "frequency",
                Quoted(&s),
                Reason::UnknownName {
                    detail: "expected daily, weekly, fortnightly, four_weekly, monthly, quarterly or a dict like {'unit': 'weeks', 'every': 2}".into(),
                },
            )
        });
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

/// The shorthand names of common frequencies.
pub fn frequency_name(s: &str) -> Option<Frequency> {
    Some(match s {
        "daily" => Frequency::Days { every: 1 },
        "weekly" => Frequency::Weeks { every: 1 },
        "fortnightly" => Frequency::Weeks { every: 2 },
        "four_weekly" => Frequency::Weeks { every: 4 },
        "monthly" => Frequency::Months { every: 1, month_end: MonthEnd::SameDay },
        "quarterly" => Frequency::Months { every: 3, month_end: MonthEnd::SameDay },
        _ => return None,
    })
}

fn fee(obj: &Bound<'_, PyAny>, i: usize) -> PyResult<Fee> {
    let field = format!("fees[{i}]");
    let d = DictArgs::new(obj, &field)?;
    let kind = match d.take("kind")? {
        Some(k) => enum_str(&k, &d.path("kind"))?,
        None => {
            return Err(invalid(
                &d.path("kind"),
                "None",
                Reason::Required { expected: "'upfront' or 'per_installment'".into() },
            ));
        }
    };
    let name = match d.take("name")? {
        Some(n) => {
            Some(n.cast::<PyString>().map_err(|_| invalid(&d.path("name"), show(&n), wrong_type("a str")))?.to_string())
        }
        None => None,
    };
    let amount = opt_decimal(d.take("amount")?.as_ref(), &d.path("amount"))?;
    let percent = opt_decimal(d.take("percent")?.as_ref(), &d.path("percent"))?;
    let collect = match d.take("collect")? {
        Some(c) => enum_str(&c, &d.path("collect"))?,
        None => Default::default(),
    };
    d.finish()?;
    Ok(Fee { name, kind, amount, percent, collect })
}

fn insurance(obj: &Bound<'_, PyAny>) -> PyResult<Insurance> {
    let d = DictArgs::new(obj, "insurance")?;
    let percent = match d.take("percent")? {
        Some(p) => decimal(&p, "insurance.percent")?,
        None => return Err(invalid("insurance.percent", "None", Reason::Required { expected: String::new() })),
    };
    let basis = match d.take("basis")? {
        Some(b) => enum_str(&b, "insurance.basis")?,
        None => {
            return Err(invalid(
                "insurance.basis",
                "None",
                Reason::Required { expected: "'outstanding_balance' or 'principal_upfront'".into() },
            ));
        }
    };
    let collect = match d.take("collect")? {
        Some(c) => enum_str(&c, "insurance.collect")?,
        None => Default::default(),
    };
    d.finish()?;
    Ok(Insurance { percent, basis, collect })
}

fn savings(obj: &Bound<'_, PyAny>) -> PyResult<CompulsorySavings> {
    let d = DictArgs::new(obj, "savings")?;
    let at = opt_decimal(d.take("at_disbursement_percent")?.as_ref(), "savings.at_disbursement_percent")?;
    let per = opt_decimal(d.take("per_installment")?.as_ref(), "savings.per_installment")?;
    d.finish()?;
    Ok(CompulsorySavings { at_disbursement_percent: at.unwrap_or_default(), per_installment: per.unwrap_or_default() })
}

fn business_days(obj: &Bound<'_, PyAny>) -> PyResult<BusinessDays> {
    let d = DictArgs::new(obj, "business_days")?;
    let mut weekdays = Vec::new();
    if let Some(w) = d.take("non_working_weekdays")? {
        let items = list_items(&w, "business_days.non_working_weekdays", "a list of weekday names")?;
        for (i, x) in items.enumerate() {
            let x = x?;
            let f = format!("business_days.non_working_weekdays[{i}]");
            let s = name_text(&x, &f, "a weekday name like 'sat'")?;
            weekdays.push(Weekday::from_str(&s).map_err(|_| invalid(&f, show(&x), Reason::NotAWeekday))?);
        }
    }
    let mut holidays = BTreeSet::new();
    if let Some(h) = d.take("holidays")? {
        for (i, x) in list_items(&h, "business_days.holidays", "a list of dates")?.enumerate() {
            holidays.insert(date(&x?, &format!("business_days.holidays[{i}]"))?);
        }
    }
    let rule = match d.take("rule")? {
        Some(r) => enum_str(&r, "business_days.rule")?,
        None => Default::default(),
    };
    d.finish()?;
    Ok(BusinessDays { non_working_weekdays: weekdays, holidays, rule })
}

fn currency(obj: &Bound<'_, PyAny>) -> PyResult<Currency> {
    let s =
        obj.cast::<PyString>().map_err(|_| invalid("currency", show(obj), wrong_type("an ISO 4217 code as a str")))?;
    match short_text(s, MAX_NAME_TEXT) {
        Some(code) => Currency::from_code(&code).py_err(),
        // Not a code: only its first characters are read and echoed.
        None => Err(to_pyerr(CoreError::unknown_currency(&show(obj)))),
    }
}

/// The terms of one loan, validated by the core when built.
#[pyclass(name = "LoanTerms", module = "microcredit", frozen, eq)]
#[derive(Clone, PartialEq)]
pub struct PyLoanTerms {
    pub inner: LoanTerms,
}

#[pymethods]
impl PyLoanTerms {
    #[new]
    #[pyo3(signature = (
        principal, currency, rate_percent, installments, *, disbursement_date, frequency = None,
        rate_per = None, interest_method = None, amortization = None, interest_basis = None,
        day_count = None, annuity_rates = None, first_repayment_date = None, grace_on_principal = None,
        grace_on_interest_payment = None, deferred_interest = None, interest_free_periods = None,
        installment_multiple = None, rounding = None, fees = None, insurance = None, savings = None,
        business_days = None
    ))]
    #[pyo3(
        text_signature = "(principal, currency, rate_percent, installments, *, disbursement_date, frequency='monthly', rate_per='year', interest_method='declining_balance', amortization='equal_installments', interest_basis='period', day_count='act_365f', annuity_rates='nominal', first_repayment_date=None, grace_on_principal=0, grace_on_interest_payment=0, deferred_interest='first_installment_after_grace', interest_free_periods=0, installment_multiple=None, rounding='half_even', fees=(), insurance=None, savings=None, business_days=None)"
    )]
    #[allow(clippy::too_many_arguments)]
    fn new(
        principal: &Bound<'_, PyAny>,
        currency: &Bound<'_, PyAny>,
        rate_percent: &Bound<'_, PyAny>,
        installments: &Bound<'_, PyAny>,
        disbursement_date: &Bound<'_, PyAny>,
        frequency: Option<&Bound<'_, PyAny>>,
        rate_per: Option<&Bound<'_, PyAny>>,
        interest_method: Option<&Bound<'_, PyAny>>,
        amortization: Option<&Bound<'_, PyAny>>,
        interest_basis: Option<&Bound<'_, PyAny>>,
        day_count: Option<&Bound<'_, PyAny>>,
        annuity_rates: Option<&Bound<'_, PyAny>>,
        first_repayment_date: Option<&Bound<'_, PyAny>>,
        grace_on_principal: Option<&Bound<'_, PyAny>>,
        grace_on_interest_payment: Option<&Bound<'_, PyAny>>,
        deferred_interest: Option<&Bound<'_, PyAny>>,
        interest_free_periods: Option<&Bound<'_, PyAny>>,
        installment_multiple: Option<&Bound<'_, PyAny>>,
        rounding: Option<&Bound<'_, PyAny>>,
        fees: Option<&Bound<'_, PyAny>>,
        insurance: Option<&Bound<'_, PyAny>>,
        savings: Option<&Bound<'_, PyAny>>,
        business_days: Option<&Bound<'_, PyAny>>,
    ) -> PyResult<Self> {
        guard("LoanTerms", || {
            fn some<'a, 'py>(o: Option<&'a Bound<'py, PyAny>>) -> Option<&'a Bound<'py, PyAny>> {
                o.filter(|x| !x.is_none())
            }
            fn named<T: serde::de::DeserializeOwned + Default>(
                o: Option<&Bound<'_, PyAny>>,
                field: &str,
            ) -> PyResult<T> {
                match some(o) {
                    Some(x) => enum_str(x, field),
                    None => Ok(T::default()),
                }
            }
            fn whole(o: Option<&Bound<'_, PyAny>>, field: &str) -> PyResult<u32> {
                match some(o) {
                    Some(x) => count(x, field),
                    None => Ok(0),
                }
            }
            let cur = self::currency(currency)?;
            let frequency = match some(frequency) {
                Some(f) => self::frequency(f)?,
                None => Frequency::monthly(),
            };
            let mut fee_list = Vec::new();
            if let Some(fs) = some(fees) {
                if fs.is_instance_of::<PyDict>() || fs.is_instance_of::<PyString>() {
                    return Err(invalid("fees", show(fs), wrong_type("a list of fee dicts")));
                }
                let it = fs.try_iter().map_err(|_| invalid("fees", show(fs), wrong_type("a list of fee dicts")))?;
                for (i, f) in it.enumerate() {
                    fee_list.push(fee(&f?, i)?);
                }
            }
            let rate = InterestRate {
                percent: decimal(rate_percent, "rate.percent")?,
                per: named::<RatePeriod>(rate_per, "rate.per")?,
            };
            let builder = LoanTerms::builder(
                decimal(principal, "principal")?,
                cur,
                rate,
                count(installments, "installments")?,
                frequency,
                date(disbursement_date, "disbursement_date")?,
            )
            .interest_method(named(interest_method, "interest_method")?)
            .amortization(named(amortization, "amortization")?)
            .interest_basis(named(interest_basis, "interest_basis")?)
            .day_count(named(day_count, "day_count")?)
            .annuity_rates(named(annuity_rates, "annuity_rates")?)
            .first_repayment_date(opt_date(first_repayment_date, "first_repayment_date")?)
            .grace_on_principal(whole(grace_on_principal, "grace_on_principal")?)
            .grace_on_interest_payment(whole(grace_on_interest_payment, "grace_on_interest_payment")?)
            .deferred_interest(named(deferred_interest, "deferred_interest")?)
            .interest_free_periods(whole(interest_free_periods, "interest_free_periods")?)
            .installment_multiple(opt_decimal(installment_multiple, "installment_multiple")?)
            .rounding(named(rounding, "rounding")?)
            .fees(fee_list)
            .insurance(match some(insurance) {
                Some(x) => Some(self::insurance(x)?),
                None => None,
            })
            .savings(match some(savings) {
                Some(x) => Some(self::savings(x)?),
                None => None,
            })
            .business_days(match some(business_days) {
                Some(x) => Some(self::business_days(x)?),
                None => None,
            });
            Ok(PyLoanTerms { inner: builder.build().py_err()? })
        })
    }

    /// Parse terms from the shared JSON form (`core/microcredit/src/json_form.md`) and validate them.
    #[staticmethod]
    fn from_json(json: &Bound<'_, PyAny>) -> PyResult<Self> {
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

    /// The amount lent.
    #[getter]
    fn principal(&self) -> Decimal {
        self.inner.principal
    }
    /// ISO 4217 code of the loan's currency.
    #[getter]
    fn currency(&self) -> &'static str {
        self.inner.currency.code()
    }
    /// The nominal rate in percent.
    #[getter]
    fn rate_percent(&self) -> Decimal {
        self.inner.rate.percent
    }
    /// The period the rate is quoted for.
    #[getter]
    fn rate_per(&self) -> String {
        name_of(&self.inner.rate.per)
    }
    /// Number of installments.
    #[getter]
    fn installments(&self) -> u32 {
        self.inner.installments
    }
    /// The frequency in its JSON form, as a dict.
    #[getter]
    fn frequency<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        guard("LoanTerms.frequency", || json_value(py, &serde_json::to_value(self.inner.frequency).unwrap_or_default()))
    }
    /// When the money is disbursed.
    #[getter]
    fn disbursement_date(&self) -> NaiveDate {
        self.inner.disbursement_date
    }
    /// Declining balance or flat.
    #[getter]
    fn interest_method(&self) -> String {
        name_of(&self.inner.interest_method)
    }
    /// How principal is repaid.
    #[getter]
    fn amortization(&self) -> String {
        name_of(&self.inner.amortization)
    }
    /// Interest by period or by actual days.
    #[getter]
    fn interest_basis(&self) -> String {
        name_of(&self.inner.interest_basis)
    }
    /// Day count convention.
    #[getter]
    fn day_count(&self) -> String {
        name_of(&self.inner.day_count)
    }
    /// Which periodic rates the equal installment is computed from (`nominal` or `actual`).
    #[getter]
    fn annuity_rates(&self) -> String {
        name_of(&self.inner.annuity_rates)
    }
    /// A broken first period's due date, if any.
    #[getter]
    fn first_repayment_date(&self) -> Option<NaiveDate> {
        self.inner.first_repayment_date
    }
    /// Installments with no principal.
    #[getter]
    fn grace_on_principal(&self) -> u32 {
        self.inner.grace_on_principal
    }
    /// Periods whose interest is deferred.
    #[getter]
    fn grace_on_interest_payment(&self) -> u32 {
        self.inner.grace_on_interest_payment
    }
    /// When deferred interest is paid.
    #[getter]
    fn deferred_interest(&self) -> String {
        name_of(&self.inner.deferred_interest)
    }
    /// Periods with no interest.
    #[getter]
    fn interest_free_periods(&self) -> u32 {
        self.inner.interest_free_periods
    }
    /// Installments rounded to this multiple, if set.
    #[getter]
    fn installment_multiple(&self) -> Option<Decimal> {
        self.inner.installment_multiple
    }
    /// Rounding mode.
    #[getter]
    fn rounding(&self) -> String {
        name_of(&self.inner.rounding)
    }
    /// Fees, as dicts.
    #[getter]
    fn fees<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyList>> {
        guard("LoanTerms.fees", || self.fee_dicts(py))
    }
    /// Credit-life insurance, as a dict, or None.
    #[getter]
    fn insurance<'py>(&self, py: Python<'py>) -> PyResult<Option<Bound<'py, PyDict>>> {
        guard("LoanTerms.insurance", || self.insurance_dict(py))
    }
    /// Compulsory savings, as a dict, or None.
    #[getter]
    fn savings<'py>(&self, py: Python<'py>) -> PyResult<Option<Bound<'py, PyDict>>> {
        guard("LoanTerms.savings", || self.savings_dict(py))
    }
    /// Working days and holidays, as a dict, or None.
    #[getter]
    fn business_days<'py>(&self, py: Python<'py>) -> PyResult<Option<Bound<'py, PyDict>>> {
        guard("LoanTerms.business_days", || self.business_days_dict(py))
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
    fn fee_dicts<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyList>> {
        let out = PyList::empty(py);
        for f in &self.inner.fees {
            let d = PyDict::new(py);
            if let Some(n) = &f.name {
                d.set_item("name", n)?;
            }
            d.set_item("kind", name_of(&f.kind))?;
            if let Some(a) = f.amount {
                d.set_item("amount", a)?;
            }
            if let Some(p) = f.percent {
                d.set_item("percent", p)?;
            }
            d.set_item("collect", name_of(&f.collect))?;
            out.append(d)?;
        }
        Ok(out)
    }
    fn insurance_dict<'py>(&self, py: Python<'py>) -> PyResult<Option<Bound<'py, PyDict>>> {
        let Some(i) = &self.inner.insurance else { return Ok(None) };
        let d = PyDict::new(py);
        d.set_item("percent", i.percent)?;
        d.set_item("basis", name_of(&i.basis))?;
        d.set_item("collect", name_of(&i.collect))?;
        Ok(Some(d))
    }
    fn savings_dict<'py>(&self, py: Python<'py>) -> PyResult<Option<Bound<'py, PyDict>>> {
        let Some(s) = &self.inner.savings else { return Ok(None) };
        let d = PyDict::new(py);
        d.set_item("at_disbursement_percent", s.at_disbursement_percent)?;
        d.set_item("per_installment", s.per_installment)?;
        Ok(Some(d))
    }
    fn business_days_dict<'py>(&self, py: Python<'py>) -> PyResult<Option<Bound<'py, PyDict>>> {
        let Some(b) = &self.inner.business_days else { return Ok(None) };
        let d = PyDict::new(py);
        let days: Vec<String> = b.non_working_weekdays.iter().map(|w| w.to_string().to_lowercase()).collect();
        d.set_item("non_working_weekdays", days)?;
        d.set_item("holidays", b.holidays.iter().copied().collect::<Vec<NaiveDate>>())?;
        d.set_item("rule", name_of(&b.rule))?;
        Ok(Some(d))
    }

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

/// A JSON value as a Python object (via the json module).
pub fn json_value<'py>(py: Python<'py>, v: &serde_json::Value) -> PyResult<Bound<'py, PyAny>> {
    py.import("json")?.call_method1("loads", (v.to_string(),))
}
