#![doc = include_str!("../../../README.md")]
//! # The crate
//!
//! Exact micro-credit loan schedules and the true cost of credit, for programmes that lend small
//! amounts to families starting a business. Money is `rust_decimal` with its currency; every
//! schedule amount is computed from exact fractions in minor units and rounded once.
//!
//! Modules are named after the domain:
//! [`money`] (currencies, rounding), [`calendar`] (day counts, frequencies, working days),
//! [`terms`] (loan terms and their JSON form), [`schedule`] (installments), [`pricing`]
//! (APR, EIR, XIRR, APRC and regional conventions), [`quote`] (schedule + cost in one value),
//! [`spreadsheet`] (Excel/numpy-financial functions) and [`engine`] (one loan's rows in minor
//! units, column by column, for crates that lay out whole books: `microcredit-tables`).
//! The crate is pure: no I/O, no threads, no FFI.
//! [`json_form`] documents the JSON form of terms, schedules and quotes that every binding shares.
//!
//! ```
//! use microcredit::{Convention, LoanTerms, Quote};
//! let terms = LoanTerms::from_json(r#"{
//!     "principal": "800", "currency": "USD",
//!     "rate": {"percent": "24", "per": "year"},
//!     "installments": 6, "frequency": {"unit": "months", "every": 1},
//!     "disbursement_date": "2025-02-03",
//!     "fees": [{"kind": "upfront", "percent": "2"}]
//! }"#)?;
//! let q = Quote::new(&terms)?;
//! assert_eq!(q.schedule.installments.len(), 6);
//! assert_eq!(q.schedule.disbursement.net_amount.to_string(), "784.00");
//! assert!(q.cost(&Convention::MFT_APR).unwrap().percent > "24".parse().unwrap()); // the fee costs extra
//! # Ok::<(), microcredit::Error>(())
//! ```

pub mod account;
pub mod calendar;
#[doc = include_str!("json_form.md")]
pub mod json_form {}
pub mod error;
/// The engine's column-level output: one loan's rows in minor units, written into working memory
/// reused from loan to loan. For crates that lay out whole books (`microcredit-tables` runs it
/// over many loans in parallel); a single loan is better served by [`Schedule`].
pub mod engine {
    pub use crate::calendar::{UNIX_EPOCH_DAY, date_of_day};
    pub use crate::pricing::{mft_apr_and_eir, rate_of_flows};
    pub use crate::schedule::{
        AmountsRow, Annuity, AnnuityRows, Buffers, RowSums, Rows, Upfront, generate_rows_or_annuity,
    };
    pub use crate::terms::MAX_INSTALLMENTS;
}
pub mod money;
pub mod pricing;
pub mod quote;
pub mod schedule;
mod solver;
pub mod spreadsheet;
pub mod terms;
#[cfg(feature = "uniffi")]
pub mod uniffi_support;

// The uniffi scaffolding of the core's types (the `uniffi` feature; see [`uniffi_support`]).
#[cfg(feature = "uniffi")]
uniffi::setup_scaffolding!();

/// The date crate of every date (re-exported for the same reason).
pub use chrono;
pub use chrono::NaiveDate;
/// The decimal crate every amount and rate is in (re-exported so a dependent crate needs no
/// version of its own that could disagree).
pub use rust_decimal;
pub use rust_decimal::Decimal;

pub use calendar::{BusinessDayRule, BusinessDays, DayCount, Frequency, MonthEnd, Ratio, YearFraction};
pub use error::{Error, ErrorKind, Lang, Reason, Result};
pub use money::{Currency, Money, RoundingMode};
pub use pricing::{
    Annualisation, CashFlow, Component, Convention, CostBreakdown, CostOfCredit, DisplayRounding, Inclusion,
    NamedConvention, TimeMeasure, client_cash_flows, cost_breakdown, cost_of_credit, cost_of_flows,
};
pub use quote::Quote;
pub use schedule::{Disbursement, Installment, Schedule, Totals};
pub use terms::{
    Amortization, AnnuityRates, Collection, CompulsorySavings, DeferredInterest, Fee, FeeKind, Insurance,
    InsuranceBasis, InterestBasis, InterestMethod, InterestRate, JSON_VERSION, LoanTerms, LoanTermsBuilder, RatePeriod,
};
