//! Whole books of micro-credit loans as columns: the schedules of many loans laid out column by
//! column in minor units, in parallel, with each loan's totals and price.
//!
//! The crate sits on the domain crate [`microcredit`], which owns every loan rule; this one owns
//! how a book is laid out and worked through: column types ([`batch::InstallmentColumns`]),
//! splitting a book into parallel tasks (rayon), the memory those columns take, and the per-loan
//! summaries. The Python package reads and writes these columns as Arrow tables.
//!
//! ```
//! use microcredit::LoanTerms;
//! use microcredit_tables::batch::{BatchOptions, schedule_batch};
//! let terms = LoanTerms::from_json(r#"{"currency": "USD", "principal": "1000",
//!     "rate": {"percent": "24", "per": "year"}, "installments": 12,
//!     "frequency": {"unit": "months", "every": 1}, "disbursement_date": "2026-01-15"}"#)?;
//! let book = vec![terms; 3];
//! let batch = schedule_batch(&book, BatchOptions::default())?;
//! assert_eq!(batch.rows(), 36);
//! # Ok::<(), microcredit::Error>(())
//! ```

#[cfg(feature = "arrow")]
pub mod account_table;
pub mod batch;
#[cfg(feature = "arrow")]
pub mod loan_table;
mod memory;
#[cfg(feature = "arrow")]
pub mod schedule_table;
