//! The spreadsheet functions (pmt, ipmt, ppmt, fv, rate, irr, npv, xirr) over any Decimal inputs,
//! MAX and MIN included: each answers a value or a typed error, never a panic.
#![no_main]

use arbitrary::Arbitrary;
use libfuzzer_sys::fuzz_target;
use microcredit::spreadsheet::{self, NpvStyle, When};
use microcredit_fuzz::{Date, Dec, check_error};

#[derive(Debug, Arbitrary)]
enum Call {
    Pmt { rate: Dec, nper: Dec, pv: Dec, fv: Dec, begin: bool },
    Fv { rate: Dec, nper: Dec, pmt: Dec, pv: Dec, begin: bool },
    Ipmt { rate: Dec, per: Dec, nper: Dec, pv: Dec, fv: Dec, begin: bool },
    Ppmt { rate: Dec, per: Dec, nper: Dec, pv: Dec, fv: Dec, begin: bool },
    Rate { nper: Dec, pmt: Dec, pv: Dec, fv: Dec, begin: bool },
    Irr { values: Vec<Dec> },
    Npv { rate: Dec, values: Vec<Dec>, excel: bool },
    Xirr { flows: Vec<(Dec, Date)>, extra_date: Option<Date> },
}

fn when(begin: bool) -> When {
    if begin { When::Begin } else { When::End }
}

fn values(v: &[Dec]) -> Vec<rust_decimal::Decimal> {
    v.iter().take(64).map(|d| d.0).collect()
}

fuzz_target!(|call: Call| {
    let result = match call {
        Call::Pmt { rate, nper, pv, fv, begin } => spreadsheet::pmt(rate.0, nper.0, pv.0, fv.0, when(begin)),
        Call::Fv { rate, nper, pmt, pv, begin } => spreadsheet::fv(rate.0, nper.0, pmt.0, pv.0, when(begin)),
        Call::Ipmt { rate, per, nper, pv, fv, begin } => {
            spreadsheet::ipmt(rate.0, per.0, nper.0, pv.0, fv.0, when(begin))
        }
        Call::Ppmt { rate, per, nper, pv, fv, begin } => {
            spreadsheet::ppmt(rate.0, per.0, nper.0, pv.0, fv.0, when(begin))
        }
        Call::Rate { nper, pmt, pv, fv, begin } => spreadsheet::rate(nper.0, pmt.0, pv.0, fv.0, when(begin)),
        Call::Irr { values: v } => spreadsheet::irr(&values(&v)),
        Call::Npv { rate, values: v, excel } => {
            spreadsheet::npv(rate.0, &values(&v), if excel { NpvStyle::Excel } else { NpvStyle::Numpy })
        }
        Call::Xirr { flows, extra_date } => {
            let flows = &flows[..flows.len().min(64)];
            let v: Vec<_> = flows.iter().map(|(d, _)| d.0).collect();
            let mut dates: Vec<_> = flows.iter().map(|(_, d)| d.0).collect();
            dates.extend(extra_date.map(|d| d.0)); // sometimes one date too many
            spreadsheet::xirr(&v, &dates)
        }
    };
    if let Err(e) = result {
        check_error(&e);
    }
});
