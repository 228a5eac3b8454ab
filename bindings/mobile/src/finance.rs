//! Spreadsheet functions (`microcredit::spreadsheet`) and the cost of plain cash flows
//! (`microcredit::pricing`), exported one to one: each function converts its arguments, calls the
//! core function of the same name and maps its error. No formula lives here.
//!
//! Sign convention (as in the core, Excel and numpy-financial): money received is positive, money
//! paid is negative. Amounts and rates are exact decimals (Kotlin `BigDecimal`); rates are
//! fractions (0.01 = 1 %).

use microcredit::pricing::{DatedAmount, UnitPeriodFlow};
use microcredit::spreadsheet::{self, NpvStyle, When};
use microcredit::{Annualisation, Decimal, Frequency, NaiveDate, NamedConvention};

use crate::{Cost, Result};

/// The payment per period (Excel `PMT`, numpy-financial `pmt`), unrounded.
#[uniffi::export]
pub fn pmt(rate: Decimal, nper: Decimal, pv: Decimal, fv: Decimal, timing: When) -> Result<Decimal> {
    Ok(spreadsheet::pmt(rate, nper, pv, fv, timing)?)
}

/// The interest part of payment `per` (1-based) (Excel `IPMT`, numpy-financial `ipmt`).
#[uniffi::export]
pub fn ipmt(rate: Decimal, per: Decimal, nper: Decimal, pv: Decimal, fv: Decimal, timing: When) -> Result<Decimal> {
    Ok(spreadsheet::ipmt(rate, per, nper, pv, fv, timing)?)
}

/// The principal part of payment `per` (1-based) (Excel `PPMT`, numpy-financial `ppmt`).
#[uniffi::export]
pub fn ppmt(rate: Decimal, per: Decimal, nper: Decimal, pv: Decimal, fv: Decimal, timing: When) -> Result<Decimal> {
    Ok(spreadsheet::ppmt(rate, per, nper, pv, fv, timing)?)
}

/// The future value (Excel `FV`, numpy-financial `fv`).
#[uniffi::export]
pub fn fv(rate: Decimal, nper: Decimal, pmt: Decimal, pv: Decimal, timing: When) -> Result<Decimal> {
    Ok(spreadsheet::fv(rate, nper, pmt, pv, timing)?)
}

/// The rate per period (Excel `RATE`, numpy-financial `rate`); `NoRate`/`NoConvergence` when the
/// solver finds none.
#[uniffi::export]
pub fn rate(nper: Decimal, pmt: Decimal, pv: Decimal, fv: Decimal, timing: When) -> Result<Decimal> {
    Ok(spreadsheet::rate(nper, pmt, pv, fv, timing)?)
}

/// The internal rate of return of periodic values (Excel `IRR`, numpy-financial `irr`).
#[uniffi::export]
pub fn irr(values: Vec<Decimal>) -> Result<Decimal> {
    Ok(spreadsheet::irr(&values)?)
}

/// The effective annual rate of dated values over actual days / 365 (Excel `XIRR`); `dates` has
/// one entry per value.
#[uniffi::export]
pub fn xirr(values: Vec<Decimal>, dates: Vec<NaiveDate>) -> Result<Decimal> {
    Ok(spreadsheet::xirr(&values, &dates)?)
}

/// Net present value of periodic values, the first at t = 0 (`Numpy`) or t = 1 (`Excel`).
#[uniffi::export]
pub fn npv(rate: Decimal, values: Vec<Decimal>, style: NpvStyle) -> Result<Decimal> {
    Ok(spreadsheet::npv(rate, &values, style)?)
}

/// The cost of credit of plain dated cash flows under a named convention. The first date is the
/// start; the k-th later date is period k; `frequency` gives the period (APR conventions, Reg Z
/// unit periods).
#[uniffi::export]
pub fn cost_of_flows(flows: Vec<DatedAmount>, frequency: Frequency, convention: NamedConvention) -> Result<Cost> {
    Cost::try_from(microcredit::pricing::cost_of_flows(&flows, frequency, &convention.convention())?)
}

/// A periodic rate made annual: nominal `r × m` (APR) or effective `(1 + r)^m − 1` (EIR), as a
/// fraction.
#[uniffi::export]
pub fn annualise(periodic: Decimal, periods_per_year: f64, how: Annualisation) -> Result<Decimal> {
    Ok(microcredit::pricing::annualise(periodic, periods_per_year, how)?)
}

/// The US Reg Z APR (Appendix J) of flows on the unit-period grid, as a fraction: the unit-period
/// rate times `unit_periods_per_year`.
#[uniffi::export]
pub fn reg_z_apr(flows: Vec<UnitPeriodFlow>, unit_periods_per_year: f64) -> Result<Decimal> {
    Ok(microcredit::pricing::reg_z_apr(&flows, unit_periods_per_year)?)
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    fn d(s: &str) -> Decimal {
        s.parse().unwrap()
    }

    #[test]
    fn delegates_to_the_core() {
        let p = pmt(d("0.00625"), d("180"), d("200000"), Decimal::ZERO, When::End).unwrap();
        assert_eq!(p.round_dp(6), d("-1854.024720"));
        assert_eq!(fv(d("0.1"), d("1"), d("0"), d("-100"), When::End).unwrap(), d("110"));
        assert_eq!(npv(d("0.1"), vec![d("-100"), d("110")], NpvStyle::Numpy).unwrap(), Decimal::ZERO);
        let flows = vec![
            UnitPeriodFlow { amount: d("1000"), t: 0, odd: 0.0 },
            UnitPeriodFlow { amount: d("-1044"), t: 1, odd: 0.0 },
        ];
        assert_eq!(reg_z_apr(flows, 2.0).unwrap().round_dp(4), d("0.0880"));
        assert_eq!(annualise(d("0.01"), 52.0, Annualisation::Nominal).unwrap().round_dp(4), d("0.52"));
    }

    #[test]
    fn errors_are_typed() {
        use crate::MicrocreditError;
        let date = |s: &str| microcredit::calendar::parse_date("date", s).unwrap();
        let flows = vec![
            DatedAmount { date: date("2024-01-01"), amount: d("1000") },
            DatedAmount { date: date("2025-01-01"), amount: d("-1200") },
        ];
        let freq = Frequency::Months { every: 12, month_end: Default::default() };
        let cost = cost_of_flows(flows, freq, NamedConvention::EuAprc).unwrap();
        assert_eq!((cost.convention, cost.percent), (NamedConvention::EuAprc, d("20.0")));
        assert!(matches!(
            pmt(d("0.1"), Decimal::ZERO, d("100"), Decimal::ZERO, When::End),
            Err(MicrocreditError::Validation { field, .. }) if field == "nper"
        ));
        assert!(matches!(
            xirr(vec![d("-1"), d("2")], vec![date("2024-01-01")]),
            Err(MicrocreditError::Validation { field, .. }) if field == "dates"
        ));
    }
}
