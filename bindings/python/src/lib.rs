//! Python bindings of `microcredit` (module `microcredit._microcredit`): thin conversions between
//! Python values and the core's types, the core's errors mapped to `microcredit.Error` subclasses,
//! and Arrow tables out of the batch API. No loan rule lives here.

/// The extension's own (Rust) allocations, above all the large table columns, go to mimalloc: it
/// keeps freed memory for the next call instead of returning it to the kernel and faulting it in
/// again page by page. Python's allocations are untouched. (polars ships a global allocator too.)
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

mod account;
mod batch;
mod convert;
mod errors;
mod html;
mod schedule;
mod table;
mod terms;

use microcredit::pricing::{self, DatedAmount};
use microcredit::spreadsheet::{self, NpvStyle, When};
use microcredit::{Annualisation, Convention};
use pyo3::prelude::*;
use pyo3::types::{PyDict, PyList, PyTuple};
use rust_decimal::Decimal;

use crate::convert::{Arg, date, decimal, decimal_rounded, enum_str, name_text, number, optional, show};
use crate::errors::{IntoPy, guard, invalid, wrong_type};
use crate::schedule::{PyCostOfCredit, PySchedule};
use crate::terms::list_items;
use microcredit::Reason;

fn convention(name: &Arg) -> PyResult<Convention> {
    let s = name_text(name, "convention", "a convention name")?;
    Convention::by_name(&s).py_err()
}

fn when(w: &Arg) -> PyResult<When> {
    enum_str(w, "when")
}

/// Values of a spreadsheet function: a list, tuple, numpy array or other iterable of numbers
/// (floats included, see [`number`]).
fn decimals(values: &Arg, field: &str) -> PyResult<Vec<Decimal>> {
    let iter = list_items(values, field, "a sequence of amounts")?;
    iter.enumerate().map(|(i, v)| number(&v?, &format!("{field}[{i}]"))).collect()
}

/// The true cost of a schedule under one convention.
#[pyfunction]
#[pyo3(signature = (schedule, convention = None))]
fn cost_of_credit(py: Python<'_>, schedule: &Arg, convention: Option<&Arg>) -> PyResult<PyCostOfCredit> {
    guard("cost_of_credit", || {
        let s = schedule
            .cast::<PySchedule>()
            .map_err(|_| invalid("schedule", show(schedule), wrong_type("a microcredit.Schedule")))?;
        let c = optional(convention, "convention", |c, _| self::convention(c))?.unwrap_or(Convention::MFT_APR);
        let s = &s.get().inner;
        let r = py.detach(|| pricing::cost_of_credit(s, &c)).py_err()?;
        Ok(PyCostOfCredit::from(&r))
    })
}

/// The true cost of dated cash flows (client side: + received, - paid), under a convention
/// (default ``mft_apr``); ``frequency`` is the period of the APR conventions (default monthly).
///
/// Flows that pay back less than was lent are a loan not yet finished: their rate is not its
/// cost (the money still owed counts as never paid), so the result comes with an
/// ``UnfinishedLoanWarning`` (a ``UserWarning``; its ``lent`` and ``repaid`` are ``Decimal``).
///
/// >>> import datetime as dt, microcredit as mc
/// >>> flows = [(dt.date(2024, 1, 1), "1000"), (dt.date(2025, 1, 1), "-1200")]
/// >>> mc.cost_of_flows(flows, {"unit": "months", "every": 12}, "eu_aprc").percent
/// Decimal('20.0')
#[pyfunction]
#[pyo3(signature = (flows, frequency = None, convention = None))]
fn cost_of_flows(
    py: Python<'_>,
    flows: &Arg,
    frequency: Option<&Arg>,
    convention: Option<&Arg>,
) -> PyResult<PyCostOfCredit> {
    guard("cost_of_flows", || {
        let flows = dated_amounts(flows)?;
        let freq = optional(frequency, "frequency", |f, _| terms::frequency(f))?
            .unwrap_or_else(microcredit::Frequency::monthly);
        let c = optional(convention, "convention", |c, _| self::convention(c))?.unwrap_or(Convention::MFT_APR);
        let r = py.detach(|| pricing::cost_of_flows(&flows, freq, &c)).py_err()?;
        let repaid = pricing::FlowsRepayment::of(&flows);
        if !repaid.is_complete() {
            errors::warn_unfinished(py, &repaid)?;
        }
        Ok(PyCostOfCredit::from(&r))
    })
}

/// Cash flows given as `{'date': ..., 'amount': ...}` dicts or `(date, amount)` pairs.
fn dated_amounts(flows: &Arg) -> PyResult<Vec<DatedAmount>> {
    let iter = list_items(flows, "flows", "a sequence of (date, amount) pairs")?;
    let pair = |(i, f): (usize, PyResult<Arg<'_>>)| {
        let field = format!("flows[{i}]");
        let [d, a] = record(&f?, &field, ["date", "amount"], 2, "a (date, amount) pair", true)?;
        Ok(DatedAmount { date: date(&d, &format!("{field}.date"))?, amount: decimal(&a, &format!("{field}.amount"))? })
    };
    iter.enumerate().map(pair).collect()
}

/// One record of a sequence: a dict with the `keys` (the first `required` of them present), or a
/// tuple (with `lists`, a list too) of `required` to all of them in order; `what` names the tuple
/// in errors. An absent part is `None`.
fn record<'py, const N: usize>(
    f: &Arg<'py>,
    field: &str,
    keys: [&str; N],
    required: usize,
    what: &str,
    lists: bool,
) -> PyResult<[Arg<'py>; N]> {
    let fail = |expected: &str| invalid(field, show(f), wrong_type(expected));
    let mut parts: [Arg<'py>; N] = std::array::from_fn(|_| f.py().None().into_bound(f.py()));
    if let Ok(d) = f.cast::<PyDict>() {
        for (i, (part, key)) in parts.iter_mut().zip(keys).enumerate() {
            match d.get_item(key)? {
                Some(v) => *part = v,
                None if i < required => {
                    let shape: Vec<String> = keys.iter().map(|k| format!("'{k}': ...")).collect();
                    return Err(fail(&format!("{{{}}}", shape.join(", "))));
                }
                None => {}
            }
        }
        return Ok(parts);
    }
    let items = match f.cast::<PyTuple>() {
        Ok(t) => t.to_owned(),
        Err(_) if lists && f.is_instance_of::<PyList>() => f.cast::<PyList>()?.to_tuple(),
        Err(_) => return Err(fail(what)),
    };
    if items.len() < required || items.len() > N {
        return Err(fail(what));
    }
    for (part, item) in parts.iter_mut().zip(items.iter()) {
        *part = item;
    }
    Ok(parts)
}

/// A periodic rate as an annual rate: `nominal` (r × m) or `effective` ((1 + r)^m − 1, the
/// default). Numbers may be floats, as in numpy-financial; the result is a `Decimal`.
///
/// >>> mc.annualise("0.01", 52, "nominal")
/// Decimal('0.5200000000')
#[pyfunction]
#[pyo3(signature = (periodic_rate, periods_per_year, how = None))]
fn annualise(periodic_rate: &Arg, periods_per_year: &Arg, how: Option<&Arg>) -> PyResult<Decimal> {
    guard("annualise", || {
        let r = number(periodic_rate, "periodic_rate")?;
        // A count of periods, not an amount: int, Decimal, str or float (e.g. 365/255) are accepted.
        let m = real(periods_per_year, "periods_per_year")?;
        let how = optional(how, "how", enum_str)?.unwrap_or(Annualisation::Effective);
        pricing::annualise(r, m, how).py_err()
    })
}

/// A count or fraction of time (not an amount): int, float, Decimal or str.
fn real(obj: &Arg, field: &str) -> PyResult<f64> {
    if obj.is_instance_of::<pyo3::types::PyBool>() {
        return Err(invalid(field, show(obj), wrong_type("a number")));
    }
    let x = match obj.extract::<f64>() {
        Ok(x) => x,
        Err(_) => {
            let d = decimal_rounded(obj, field)?;
            rust_decimal::prelude::ToPrimitive::to_f64(&d).unwrap_or(f64::NAN)
        }
    };
    if !x.is_finite() {
        return Err(invalid(field, show(obj), Reason::NotFinite));
    }
    Ok(x)
}

/// US Regulation Z (Appendix J) APR, as a fraction, of flows placed on the unit-period grid:
/// each flow is `(amount, t, odd)` (or a dict with those keys): client-side amount, whole unit
/// periods `t` from the start, and the odd fraction of a unit period.
#[pyfunction]
fn reg_z_apr(py: Python<'_>, flows: &Arg, unit_periods_per_year: &Arg) -> PyResult<Decimal> {
    guard("reg_z_apr", || unit_period_apr(py, flows, unit_periods_per_year))
}

fn unit_period_apr(py: Python<'_>, flows: &Arg, unit_periods_per_year: &Arg) -> PyResult<Decimal> {
    let iter = list_items(flows, "flows", "a sequence of (amount, t, odd)")?;
    let flow = |(i, f): (usize, PyResult<Arg<'_>>)| {
        let field = format!("flows[{i}]");
        let [a, t, o] = record(&f?, &field, ["amount", "t", "odd"], 2, "an (amount, t, odd) tuple", false)?;
        Ok(pricing::UnitPeriodFlow {
            amount: decimal_rounded(&a, &format!("{field}.amount"))?,
            t: convert::count(&t, &format!("{field}.t"))?,
            odd: if o.is_none() { 0.0 } else { real(&o, &format!("{field}.odd"))? },
        })
    };
    let out = iter.enumerate().map(flow).collect::<PyResult<Vec<_>>>()?;
    let m = real(unit_periods_per_year, "unit_periods_per_year")?;
    py.detach(|| pricing::reg_z_apr(&out, m)).py_err()
}

/// Payment per period (Excel PMT, numpy-financial `pmt`): money paid is negative.
///
/// Every number may be a `Decimal`, `str`, `int` or `float` (a float is read as the digits
/// `repr` shows: `0.02` is exactly 0.02); NaN and infinities raise `ValidationError`. The result
/// is a `Decimal` of 28 digits.
///
/// >>> mc.pmt(0.02, 12, 1000)
/// Decimal('-94.55959662...')
#[pyfunction]
#[pyo3(signature = (rate, nper, pv, fv = None, when = None))]
fn pmt(rate: &Arg, nper: &Arg, pv: &Arg, fv: Option<&Arg>, when: Option<&Arg>) -> PyResult<Decimal> {
    guard("pmt", || {
        let (fv, w) = (opt(fv, "fv")?, opt_when(when)?);
        let [r, n, p] = amounts([(rate, "rate"), (nper, "nper"), (pv, "pv")])?;
        spreadsheet::pmt(r, n, p, fv, w).py_err()
    })
}

/// Future value (Excel FV, numpy-financial `fv`). Numbers as in :func:`pmt`; a `Decimal` back.
///
/// >>> mc.fv(0.1, 1, 0, -100)
/// Decimal('110.0')
#[pyfunction]
#[pyo3(signature = (rate, nper, pmt, pv, when = None))]
fn fv(rate: &Arg, nper: &Arg, pmt: &Arg, pv: &Arg, when: Option<&Arg>) -> PyResult<Decimal> {
    guard("fv", || {
        let w = opt_when(when)?;
        let [r, n, p, v] = amounts([(rate, "rate"), (nper, "nper"), (pmt, "pmt"), (pv, "pv")])?;
        spreadsheet::fv(r, n, p, v, w).py_err()
    })
}

/// IPMT and PPMT: the same arguments, the interest or the principal part of payment `per`.
type PaymentPart = fn(Decimal, Decimal, Decimal, Decimal, Decimal, When) -> microcredit::Result<Decimal>;

fn payment_part(
    what: &'static str,
    part: PaymentPart,
    [rate, per, nper, pv]: [&Arg; 4],
    fv: Option<&Arg>,
    when: Option<&Arg>,
) -> PyResult<Decimal> {
    guard(what, || {
        let (fv, w) = (opt(fv, "fv")?, opt_when(when)?);
        let [r, k, n, p] = amounts([(rate, "rate"), (per, "per"), (nper, "nper"), (pv, "pv")])?;
        part(r, k, n, p, fv, w).py_err()
    })
}

/// Interest part of payment `per` (Excel IPMT, numpy-financial `ipmt`). Numbers as in
/// :func:`pmt`; a `Decimal` back.
///
/// >>> round(mc.ipmt(0.1 / 12, 1, 36, 8000), 2)
/// Decimal('-66.67')
#[pyfunction]
#[pyo3(signature = (rate, per, nper, pv, fv = None, when = None))]
fn ipmt(rate: &Arg, per: &Arg, nper: &Arg, pv: &Arg, fv: Option<&Arg>, when: Option<&Arg>) -> PyResult<Decimal> {
    payment_part("ipmt", spreadsheet::ipmt, [rate, per, nper, pv], fv, when)
}

/// Principal part of payment `per` (Excel PPMT, numpy-financial `ppmt`). Numbers as in
/// :func:`pmt`; a `Decimal` back.
///
/// >>> round(mc.ppmt(0.1 / 12, 1, 24, 2000), 2)
/// Decimal('-75.62')
#[pyfunction]
#[pyo3(signature = (rate, per, nper, pv, fv = None, when = None))]
fn ppmt(rate: &Arg, per: &Arg, nper: &Arg, pv: &Arg, fv: Option<&Arg>, when: Option<&Arg>) -> PyResult<Decimal> {
    payment_part("ppmt", spreadsheet::ppmt, [rate, per, nper, pv], fv, when)
}

/// Rate per period (Excel RATE, numpy-financial `rate`). Numbers as in :func:`pmt`; a `Decimal`
/// back. `guess` is accepted for compatibility and not used: the core's solver brackets the
/// root itself.
///
/// >>> round(mc.rate(48, -200, 8000), 6)
/// Decimal('0.007701')
#[pyfunction]
#[pyo3(signature = (nper, pmt, pv, fv = None, when = None, guess = None))]
fn rate(
    nper: &Arg,
    pmt: &Arg,
    pv: &Arg,
    fv: Option<&Arg>,
    when: Option<&Arg>,
    guess: Option<&Arg>,
) -> PyResult<Decimal> {
    guard("rate", || {
        let _ = opt(guess, "guess")?;
        let (fv, w) = (opt(fv, "fv")?, opt_when(when)?);
        let [n, p, v] = amounts([(nper, "nper"), (pmt, "pmt"), (pv, "pv")])?;
        spreadsheet::rate(n, p, v, fv, w).py_err()
    })
}

/// Internal rate of return of equally spaced flows (Excel IRR, numpy-financial `irr`): a list,
/// tuple or numpy array of numbers (floats too, as in :func:`pmt`); a `Decimal` back. Several
/// rates: the one nearest zero. `guess` is accepted for compatibility and not used.
///
/// >>> round(mc.irr([-100, 39, 59, 55, 20]), 5)
/// Decimal('0.28095')
#[pyfunction]
#[pyo3(signature = (values, guess = None))]
fn irr(values: &Arg, guess: Option<&Arg>) -> PyResult<Decimal> {
    guard("irr", || {
        let _ = opt(guess, "guess")?;
        let v = decimals(values, "values")?;
        spreadsheet::irr(&v).py_err()
    })
}

/// Annual rate of dated flows over actual days / 365 (Excel XIRR), in pyxirr's order:
/// `xirr(dates, amounts)`. Dates are `datetime.date` or ISO text; amounts are numbers as in
/// :func:`pmt` (floats too), in a list, tuple or numpy array. A `Decimal` back.
///
/// The amounts first (Excel's order, which this function took before) raise `ValidationError`
/// with code `argument_order`: nothing is swapped silently. `guess` is accepted for
/// compatibility with pyxirr and not used: the core's solver brackets the root itself.
///
/// >>> import datetime as dt
/// >>> round(mc.xirr([dt.date(2021, 1, 1), dt.date(2022, 1, 1)], [-1000, 1100]), 6)
/// Decimal('0.100000')
#[pyfunction]
#[pyo3(signature = (dates, amounts, *, guess = None))]
fn xirr(dates: &Arg, amounts: &Arg, guess: Option<&Arg>) -> PyResult<Decimal> {
    guard("xirr", || {
        let _ = opt(guess, "guess")?;
        let dates: Vec<Bound<'_, PyAny>> =
            list_items(dates, "dates", "a sequence of dates")?.collect::<PyResult<_>>()?;
        let amounts: Vec<Bound<'_, PyAny>> =
            list_items(amounts, "amounts", "a sequence of amounts")?.collect::<PyResult<_>>()?;
        if dates.first().is_some_and(|d| is_number(d)) && amounts.first().is_some_and(|a| date(a, "amounts").is_ok()) {
            let order = Reason::ArgumentOrder { order: "xirr(dates, amounts), as in pyxirr".into() };
            return Err(invalid("dates", show(&dates[0]), order));
        }
        let d = dates.iter().enumerate().map(|(i, x)| date(x, &format!("dates[{i}]"))).collect::<PyResult<Vec<_>>>()?;
        let v = amounts
            .iter()
            .enumerate()
            .map(|(i, x)| number(x, &format!("amounts[{i}]")))
            .collect::<PyResult<Vec<_>>>()?;
        // The core names the amounts `values`, as Excel; pyxirr calls them `amounts`.
        spreadsheet::xirr(&v, &d).map_err(|e| e.renamed("values", "amounts")).py_err()
    })
}

/// Whether a value reads as a number rather than a date (an amount where a date belongs).
fn is_number(v: &Arg) -> bool {
    date(v, "").is_err() && number(v, "").is_ok()
}

/// Net present value: `style="numpy"` (the default) puts the first value at t=0,
/// `style="excel"` at t=1. Numbers as in :func:`pmt`; a `Decimal` back.
///
/// >>> mc.npv(0.1, [-100, 110])
/// Decimal('0')
#[pyfunction]
#[pyo3(signature = (rate, values, style = None))]
fn npv(rate: &Arg, values: &Arg, style: Option<&Arg>) -> PyResult<Decimal> {
    guard("npv", || {
        let r = number(rate, "rate")?;
        let v = decimals(values, "values")?;
        let s = optional(style, "style", enum_str)?.unwrap_or(NpvStyle::Numpy);
        spreadsheet::npv(r, &v, s).py_err()
    })
}

/// The named arguments of a spreadsheet function as numbers (28 digits, floats read as
/// numpy-financial takes them: see [`number`]), in order.
fn amounts<const N: usize>(args: [(&Arg, &str); N]) -> PyResult<[Decimal; N]> {
    let mut out = [Decimal::ZERO; N];
    for (o, (v, field)) in out.iter_mut().zip(args) {
        *o = number(v, field)?;
    }
    Ok(out)
}

fn opt(v: Option<&Arg>, field: &str) -> PyResult<Decimal> {
    Ok(optional(v, field, number)?.unwrap_or(Decimal::ZERO))
}

fn opt_when(w: Option<&Arg>) -> PyResult<When> {
    Ok(optional(w, "when", |x, _| when(x))?.unwrap_or(When::End))
}

/// Names of every cost-of-credit convention, in the order `Quote.costs` lists them.
#[pyfunction]
fn conventions() -> PyResult<Vec<&'static str>> {
    guard("conventions", || Ok(Convention::ALL.iter().map(|c| c.name).collect()))
}

/// Codes of every currency the library knows.
#[pyfunction]
fn currencies() -> PyResult<Vec<&'static str>> {
    guard("currencies", || Ok(microcredit::Currency::all().map(|c| c.code()).collect()))
}

/// The native module.
/// Phase timings, off by default: with `MICROCREDIT_LOG` set (a `tracing` filter such as
/// `debug`), the module prints each batch phase (`schedules`, `schedule_batch`, `tables`, ...) to
/// stderr as it closes, with its duration. Nothing is installed when the variable is absent or
/// when the process already has a subscriber.
fn log_phases_if_asked() {
    let Ok(filter) = tracing_subscriber::EnvFilter::try_from_env("MICROCREDIT_LOG") else { return };
    let _ = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_span_events(tracing_subscriber::fmt::format::FmtSpan::CLOSE)
        .with_writer(std::io::stderr)
        .try_init();
}

#[pymodule]
mod _microcredit {
    use super::*;

    #[pymodule_export]
    use super::{
        annualise, conventions, cost_of_credit, cost_of_flows, currencies, fv, ipmt, irr, npv, pmt, ppmt, rate,
        reg_z_apr, xirr,
    };
    #[pymodule_export]
    use crate::account::{PyAccount, PyAccountState, account_states};
    #[pymodule_export]
    use crate::batch::schedules;
    #[pymodule_export]
    use crate::errors::py_invalid;
    #[pymodule_export]
    use crate::schedule::{
        PyCostBreakdown, PyCostOfCredit, PyDisbursement, PyInstallment, PyQuote, PySchedule, PyTotals,
    };
    #[pymodule_export]
    use crate::table::PyArrowTable;
    #[pymodule_export]
    use crate::terms::PyLoanTerms;

    #[pymodule_init]
    fn init(m: &Bound<'_, PyModule>) -> PyResult<()> {
        let py = m.py();
        crate::log_phases_if_asked();
        m.add("Error", py.get_type::<crate::errors::Error>())?;
        m.add("ValidationError", py.get_type::<crate::errors::ValidationError>())?;
        m.add("CurrencyError", py.get_type::<crate::errors::CurrencyError>())?;
        m.add("SolverError", py.get_type::<crate::errors::SolverError>())?;
        m.add("JsonError", py.get_type::<crate::errors::JsonError>())?;
        m.add("UnfinishedLoanWarning", py.get_type::<crate::errors::UnfinishedLoanWarning>())?;
        m.add("JSON_VERSION", microcredit::JSON_VERSION)?;
        m.add("BATCH_COLUMNS", microcredit_tables::loan_table::COLUMNS.to_vec())?;
        Ok(())
    }
}
