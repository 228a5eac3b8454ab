//! Spreadsheet functions over plain cash flows, compatible with Excel and numpy-financial:
//! `pmt`, `ipmt`, `ppmt`, `fv`, `rate`, `irr`, `xirr`, `npv`.
//!
//! Sign convention (OpenFormula, Excel, numpy-financial): money received is positive, money paid
//! is negative; a loan of 8000 repaid by 48 payments of 200 is `pv = 8000, pmt = -200`.
//! [`When::End`] is Excel's `type = 0` (payments at the end of each period). Amount functions
//! work in 28-digit decimals and return unrounded results; rate solvers work in f64 and return an
//! error, never NaN, when there is no rate.

use chrono::NaiveDate;
use rust_decimal::Decimal;
use rust_decimal::prelude::{FromPrimitive, MathematicalOps, ToPrimitive};
use serde::{Deserialize, Serialize};

use crate::error::{Error, Reason, Result};
use crate::solver::{self, Discount, Flow};

/// When payments fall in each period.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "uniffi", derive(uniffi::Enum))]
pub enum When {
    /// At the end (Excel type 0, numpy-financial `'end'`).
    #[default]
    End,
    /// At the beginning (Excel type 1).
    Begin,
}

fn overflow(what: &str) -> Error {
    Error::Overflow { what: what.into() }
}

/// Checked decimal arithmetic: an amount past the 28 digits a decimal holds is
/// [`Error::Overflow`] naming the function, never a panic.
fn add(a: Decimal, b: Decimal, what: &str) -> Result<Decimal> {
    a.checked_add(b).ok_or_else(|| overflow(what))
}
fn sub(a: Decimal, b: Decimal, what: &str) -> Result<Decimal> {
    a.checked_sub(b).ok_or_else(|| overflow(what))
}
fn mul(a: Decimal, b: Decimal, what: &str) -> Result<Decimal> {
    a.checked_mul(b).ok_or_else(|| overflow(what))
}
fn div(a: Decimal, b: Decimal, what: &str) -> Result<Decimal> {
    a.checked_div(b).ok_or_else(|| overflow(what))
}

/// `1 + rate`, the growth factor of one period.
fn one_plus(rate: Decimal) -> Result<Decimal> {
    add(Decimal::ONE, rate, "1 + rate")
}

/// `(1 + rate)^nper`. A negative base has no real power of a fractional exponent: that is an
/// error naming `rate` (numpy-financial returns NaN there; Excel #NUM!).
fn growth(rate: Decimal, nper: Decimal) -> Result<Decimal> {
    let base = one_plus(rate)?;
    if nper.fract().is_zero() && nper >= Decimal::ZERO {
        let n = nper.to_u64().ok_or_else(|| overflow("nper"))?;
        return base.checked_powu(n).ok_or_else(|| overflow("(1 + rate)^nper"));
    }
    if base.is_sign_negative() {
        return Err(Error::invalid("rate", rate, Reason::NoRealPower));
    }
    if base.is_zero() {
        return if nper > Decimal::ZERO {
            Ok(Decimal::ZERO)
        } else {
            Err(Error::invalid("rate", rate, Reason::NoPowerOfZero))
        };
    }
    base.checked_powd(nper).ok_or_else(|| overflow("(1 + rate)^nper"))
}

fn check_nper(nper: Decimal) -> Result<()> {
    if nper <= Decimal::ZERO {
        return Err(Error::invalid("nper", nper, Reason::NotPositive));
    }
    Ok(())
}

/// The payment per period (Excel PMT, numpy-financial `pmt`).
///
/// ```
/// use microcredit::spreadsheet::{pmt, When};
/// use rust_decimal::Decimal;
/// let d = |s: &str| s.parse::<Decimal>().unwrap();
/// // numpy-financial docs: pmt(0.075/12, 12*15, 200000) = -1854.0247200054619
/// let p = pmt(d("0.075") / d("12"), d("180"), d("200000"), Decimal::ZERO, When::End)?;
/// assert_eq!(p.round_dp(6), d("-1854.024720"));
/// # Ok::<(), microcredit::Error>(())
/// ```
pub fn pmt(rate: Decimal, nper: Decimal, pv: Decimal, fv: Decimal, when: When) -> Result<Decimal> {
    check_nper(nper)?;
    if rate.is_zero() {
        return Ok(-div(add(pv, fv, "pmt")?, nper, "pmt")?);
    }
    let g = growth(rate, nper)?;
    let w = if when == When::Begin { one_plus(rate)? } else { Decimal::ONE };
    let num = mul(add(mul(pv, g, "pmt")?, fv, "pmt")?, rate, "pmt")?;
    let den = mul(w, sub(g, Decimal::ONE, "pmt")?, "pmt")?;
    if den.is_zero() {
        return Err(Error::invalid("rate", rate, Reason::NoPaymentRepays));
    }
    Ok(-div(num, den, "pmt")?)
}

/// The future value (Excel FV, numpy-financial `fv`).
///
/// ```
/// use microcredit::spreadsheet::{fv, When};
/// use rust_decimal::Decimal;
/// let d = |s: &str| s.parse::<Decimal>().unwrap();
/// assert_eq!(fv(d("0.1"), d("1"), d("0"), d("-100"), When::End)?, d("110"));
/// # Ok::<(), microcredit::Error>(())
/// ```
pub fn fv(rate: Decimal, nper: Decimal, pmt: Decimal, pv: Decimal, when: When) -> Result<Decimal> {
    if rate.is_zero() {
        return Ok(-add(pv, mul(pmt, nper, "fv")?, "fv")?);
    }
    let g = growth(rate, nper)?;
    let w = if when == When::Begin { one_plus(rate)? } else { Decimal::ONE };
    let annuity = mul(div(mul(pmt, w, "fv")?, rate, "fv")?, sub(g, Decimal::ONE, "fv")?, "fv")?;
    Ok(-add(mul(pv, g, "fv")?, annuity, "fv")?)
}

/// The interest part of payment `per` (1-based) (Excel IPMT, numpy-financial `ipmt`).
///
/// ```
/// use microcredit::spreadsheet::{ipmt, When};
/// use rust_decimal::Decimal;
/// let d = |s: &str| s.parse::<Decimal>().unwrap();
/// // Excel docs: IPMT(10%/12, 1, 3*12, 8000) = -66.67
/// let i = ipmt(d("0.1") / d("12"), d("1"), d("36"), d("8000"), Decimal::ZERO, When::End)?;
/// assert_eq!(i.round_dp(2), d("-66.67"));
/// # Ok::<(), microcredit::Error>(())
/// ```
pub fn ipmt(rate: Decimal, per: Decimal, nper: Decimal, pv: Decimal, fv_: Decimal, when: When) -> Result<Decimal> {
    check_nper(nper)?;
    if per < Decimal::ONE || per > nper {
        return Err(Error::invalid("per", per, Reason::Between { min: "1".into(), max: "nper".into() }));
    }
    let total = pmt(rate, nper, pv, fv_, when)?;
    let balance = fv(rate, per - Decimal::ONE, total, pv, when)?;
    let mut interest = mul(balance, rate, "ipmt")?;
    if when == When::Begin {
        if per == Decimal::ONE {
            return Ok(Decimal::ZERO);
        }
        interest = div(interest, one_plus(rate)?, "ipmt")?;
    }
    Ok(interest)
}

/// The principal part of payment `per` (Excel PPMT, numpy-financial `ppmt`): `pmt − ipmt`.
///
/// ```
/// use microcredit::spreadsheet::{ppmt, When};
/// use rust_decimal::Decimal;
/// let d = |s: &str| s.parse::<Decimal>().unwrap();
/// // Excel docs: PPMT(10%/12, 1, 2*12, 2000) = -75.62
/// let p = ppmt(d("0.1") / d("12"), d("1"), d("24"), d("2000"), Decimal::ZERO, When::End)?;
/// assert_eq!(p.round_dp(2), d("-75.62"));
/// # Ok::<(), microcredit::Error>(())
/// ```
pub fn ppmt(rate: Decimal, per: Decimal, nper: Decimal, pv: Decimal, fv_: Decimal, when: When) -> Result<Decimal> {
    sub(pmt(rate, nper, pv, fv_, when)?, ipmt(rate, per, nper, pv, fv_, when)?, "ppmt")
}

/// Net present value. `NpvStyle::Numpy` discounts the first value at t = 0 (numpy-financial);
/// `NpvStyle::Excel` at t = 1 (Excel NPV).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "uniffi", derive(uniffi::Enum))]
pub enum NpvStyle {
    /// First value at t = 0.
    #[default]
    Numpy,
    /// First value at t = 1.
    Excel,
}

/// Net present value of periodic values.
///
/// ```
/// use microcredit::spreadsheet::{npv, NpvStyle};
/// use rust_decimal::Decimal;
/// let d = |s: &str| s.parse::<Decimal>().unwrap();
/// let v = [d("-100"), d("110")];
/// assert_eq!(npv(d("0.1"), &v, NpvStyle::Numpy)?, Decimal::ZERO);
/// # Ok::<(), microcredit::Error>(())
/// ```
pub fn npv(rate: Decimal, values: &[Decimal], style: NpvStyle) -> Result<Decimal> {
    if rate <= -Decimal::ONE {
        return Err(Error::invalid("rate", rate, Reason::GreaterThan { limit: "-1".into() }));
    }
    let growth = one_plus(rate)?;
    let mut total = Decimal::ZERO;
    let mut factor = if style == NpvStyle::Excel { growth } else { Decimal::ONE };
    for v in values {
        total = add(total, div(*v, factor, "npv")?, "npv")?;
        // Past 10^28 every later value discounts to nothing: stop growing the factor there.
        factor = factor.checked_mul(growth).unwrap_or(Decimal::MAX);
    }
    Ok(total)
}

fn to_f64(field: &str, v: Decimal) -> Result<f64> {
    v.to_f64().ok_or_else(|| Error::invalid(field, v, Reason::NotRepresentable))
}

fn from_f64(what: &str, x: f64) -> Result<Decimal> {
    Decimal::from_f64(x).map(|d| d.round_dp(18)).ok_or_else(|| Error::Overflow { what: format!("{what} rate") })
}

/// The periodic rate of an annuity (Excel RATE, numpy-financial `rate`).
///
/// ```
/// use microcredit::spreadsheet::{rate, When};
/// use rust_decimal::Decimal;
/// let d = |s: &str| s.parse::<Decimal>().unwrap();
/// // Excel docs: RATE(48, -200, 8000) = 0.77 % a month
/// let r = rate(d("48"), d("-200"), d("8000"), Decimal::ZERO, When::End)?;
/// assert_eq!(r.round_dp(9), d("0.007701472"));
/// # Ok::<(), microcredit::Error>(())
/// ```
pub fn rate(nper: Decimal, pmt_: Decimal, pv: Decimal, fv_: Decimal, when: When) -> Result<Decimal> {
    check_nper(nper)?;
    let n = to_f64("nper", nper)?;
    if n.fract() != 0.0 || n > 10_000.0 {
        return Err(Error::invalid("nper", nper, Reason::WholePeriods { max: 10_000 }));
    }
    let (p, v, f) = (to_f64("pmt", pmt_)?, to_f64("pv", pv)?, to_f64("fv", fv_)?);
    let shift = if when == When::Begin { 0.0 } else { 1.0 };
    let mut flows = vec![Flow { t: 0.0, odd: 0.0, amount: v }];
    for k in 0..n as u32 {
        flows.push(Flow { t: f64::from(k) + shift, odd: 0.0, amount: p });
    }
    flows.push(Flow { t: n, odd: 0.0, amount: f });
    let flows: Vec<Flow> = flows.into_iter().filter(|x| x.amount != 0.0).collect();
    from_f64("rate", solver::solve("rate", &flows, Discount::Periods, 0.1)?)
}

/// The internal rate of return of periodic values (Excel IRR, numpy-financial `irr`).
///
/// Values that change sign more than once can have several rates; the one returned is the rate
/// nearest zero, as numpy-financial's (e.g. 900, then 599 payments of −2, then +10: 0.000981,
/// not the other rate near −25 %).
///
/// ```
/// use microcredit::spreadsheet::irr;
/// use rust_decimal::Decimal;
/// let v: Vec<Decimal> = ["-100", "39", "59", "55", "20"].iter().map(|s| s.parse().unwrap()).collect();
/// assert_eq!(irr(&v)?.round_dp(5).to_string(), "0.28095");
/// # Ok::<(), microcredit::Error>(())
/// ```
pub fn irr(values: &[Decimal]) -> Result<Decimal> {
    let flows = values
        .iter()
        .enumerate()
        .map(|(k, v)| Ok(Flow { t: k as f64, odd: 0.0, amount: to_f64("values", *v)? }))
        .collect::<Result<Vec<_>>>()?;
    // Several rates (flows changing sign more than once): the one nearest zero, as
    // numpy-financial's `irr` returns the rate of smallest magnitude.
    from_f64("irr", solver::solve("irr", &flows, Discount::Periods, 0.0)?)
}

/// The effective annual rate of dated values over actual days / 365 (Excel XIRR).
///
/// ```
/// use microcredit::spreadsheet::xirr;
/// use rust_decimal::Decimal;
/// use chrono::NaiveDate;
/// let d = |s: &str| NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap();
/// let v: Vec<Decimal> = ["-10000", "2750", "4250", "3250", "2750"].iter().map(|s| s.parse().unwrap()).collect();
/// let dates = [d("2008-01-01"), d("2008-03-01"), d("2008-10-30"), d("2009-02-15"), d("2009-04-01")];
/// assert_eq!(xirr(&v, &dates)?.round_dp(4).to_string(), "0.3734"); // Excel docs: 0.373362535
/// # Ok::<(), microcredit::Error>(())
/// ```
pub fn xirr(values: &[Decimal], dates: &[NaiveDate]) -> Result<Decimal> {
    if values.len() != dates.len() {
        return Err(Error::invalid(
            "dates",
            dates.len(),
            Reason::LengthMismatch { other: "values".into(), count: values.len() as u64 },
        ));
    }
    let Some(&first) = dates.iter().min() else {
        return Err(Error::invalid("values", 0, Reason::TooFewFlows));
    };
    let flows = values
        .iter()
        .zip(dates)
        .map(|(v, d)| Ok(Flow { t: (*d - first).num_days() as f64 / 365.0, odd: 0.0, amount: to_f64("values", *v)? }))
        .collect::<Result<Vec<_>>>()?;
    from_f64("xirr", solver::solve("xirr", &flows, Discount::Real, 0.1)?)
}
