//! Batch: schedules and pricing of many loans at once, in parallel (rayon), as columns — the
//! shape the bindings turn into Arrow tables without copying row by row.
//!
//! Amounts are integers in each loan's minor units (cents); a loan's currency is in the summary
//! table. A loan whose terms are invalid gets its error in the summary and no installment rows;
//! the other loans are unaffected.

use chrono::NaiveDate;
use rayon::prelude::*;
use rust_decimal::Decimal;

use crate::error::{Error, Result};
use crate::money::Currency;
use crate::pricing::{self, Convention};
use crate::schedule::{Row, generate_rows};
use crate::terms::LoanTerms;

/// Installment rows of many loans, column by column.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct InstallmentColumns {
    /// Index of the loan in the input.
    pub loan: Vec<u32>,
    /// Installment number (1-based).
    pub number: Vec<u32>,
    /// Due date.
    pub due_date: Vec<NaiveDate>,
    /// Days in the period.
    pub days: Vec<u32>,
    /// Principal, minor units.
    pub principal: Vec<i64>,
    /// Interest, minor units.
    pub interest: Vec<i64>,
    /// Fees, minor units.
    pub fees: Vec<i64>,
    /// Insurance, minor units.
    pub insurance: Vec<i64>,
    /// Savings deposited, minor units.
    pub savings: Vec<i64>,
    /// Installment total, minor units.
    pub total: Vec<i64>,
    /// Balance after, minor units.
    pub balance: Vec<i64>,
}

impl InstallmentColumns {
    fn with_capacity(n: usize) -> Self {
        InstallmentColumns {
            loan: Vec::with_capacity(n),
            number: Vec::with_capacity(n),
            due_date: Vec::with_capacity(n),
            days: Vec::with_capacity(n),
            principal: Vec::with_capacity(n),
            interest: Vec::with_capacity(n),
            fees: Vec::with_capacity(n),
            insurance: Vec::with_capacity(n),
            savings: Vec::with_capacity(n),
            total: Vec::with_capacity(n),
            balance: Vec::with_capacity(n),
        }
    }

    fn push(&mut self, loan: u32, r: &Row) {
        self.loan.push(loan);
        self.number.push(r.number);
        self.due_date.push(r.due_date);
        self.days.push(r.days);
        // Amounts are bounded by validation (principal ≤ 1e12 units), so they fit an i64.
        self.principal.push(r.principal as i64);
        self.interest.push(r.interest as i64);
        self.fees.push(r.fees as i64);
        self.insurance.push(r.insurance as i64);
        self.savings.push(r.savings as i64);
        self.total.push(r.total() as i64);
        self.balance.push(r.balance as i64);
    }

    fn truncate(&mut self, len: usize) {
        self.loan.truncate(len);
        self.number.truncate(len);
        self.due_date.truncate(len);
        self.days.truncate(len);
        self.principal.truncate(len);
        self.interest.truncate(len);
        self.fees.truncate(len);
        self.insurance.truncate(len);
        self.savings.truncate(len);
        self.total.truncate(len);
        self.balance.truncate(len);
    }

    fn append(&mut self, mut other: InstallmentColumns) {
        self.loan.append(&mut other.loan);
        self.number.append(&mut other.number);
        self.due_date.append(&mut other.due_date);
        self.days.append(&mut other.days);
        self.principal.append(&mut other.principal);
        self.interest.append(&mut other.interest);
        self.fees.append(&mut other.fees);
        self.insurance.append(&mut other.insurance);
        self.savings.append(&mut other.savings);
        self.total.append(&mut other.total);
        self.balance.append(&mut other.balance);
    }

    /// Number of rows.
    pub fn len(&self) -> usize {
        self.loan.len()
    }

    /// Whether there are no rows.
    pub fn is_empty(&self) -> bool {
        self.loan.is_empty()
    }
}

/// One loan's totals and true cost.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LoanSummary {
    /// The loan's currency (sets the scale of its minor units).
    pub currency: Currency,
    /// Loan balance at disbursement (financed charges included), minor units.
    pub loan_amount: i64,
    /// What the family receives, minor units.
    pub net_disbursement: i64,
    /// Number of installments.
    pub installments: u32,
    /// Total interest, minor units.
    pub total_interest: i64,
    /// Total fees, upfront included, minor units.
    pub total_fees: i64,
    /// Total insurance, upfront included, minor units.
    pub total_insurance: i64,
    /// Sum of installment totals, minor units.
    pub total_paid: i64,
    /// Date of the last installment.
    pub maturity_date: NaiveDate,
    /// MFTransparency APR (fraction), when pricing was asked for.
    pub apr: Option<Decimal>,
    /// MFTransparency EIR (fraction).
    pub eir: Option<Decimal>,
    /// XIRR over actual days / 365 (fraction).
    pub xirr: Option<Decimal>,
    /// Why the loan could not be priced (its schedule is still there), when pricing was asked for.
    pub pricing_error: Option<Error>,
}

/// The result of a batch: installment columns and one entry per input loan.
#[derive(Debug, Clone, Default)]
pub struct Batch {
    /// Installments of every valid loan, in input order, as consecutive chunks of columns (one per
    /// parallel task), so that nothing copies them into one: an Arrow table takes each chunk as a
    /// record batch. [`Batch::installments`] joins them when one set of columns is wanted.
    pub chunks: Vec<InstallmentColumns>,
    /// Per loan, in input order: its summary or its error.
    pub loans: Vec<Result<LoanSummary>>,
}

impl Batch {
    /// Number of installment rows in all chunks.
    pub fn rows(&self) -> usize {
        self.chunks.iter().map(InstallmentColumns::len).sum()
    }

    /// All installments as one set of columns (a copy of the chunks, joined).
    pub fn installments(&self) -> InstallmentColumns {
        let mut out = InstallmentColumns::with_capacity(self.rows());
        for c in &self.chunks {
            out.append(c.clone());
        }
        out
    }
}

/// What a batch computes besides the schedules.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct BatchOptions {
    /// Also price each loan (APR, EIR, XIRR).
    pub pricing: bool,
}

const CHUNK: usize = 2048;

/// Schedules (and optionally pricing) of many loans, in parallel.
///
/// ```
/// use microcredit::{LoanTerms, batch::{schedule_batch, BatchOptions}};
/// let t = LoanTerms::from_json(r#"{"principal": "1000", "currency": "USD",
///   "rate": {"percent": "24"}, "installments": 6, "frequency": {"unit": "months", "every": 1},
///   "disbursement_date": "2025-01-15"}"#)?;
/// let b = schedule_batch(&[t.clone(), t], BatchOptions { pricing: true });
/// assert_eq!(b.rows(), 12);
/// assert_eq!(b.installments().balance.last(), Some(&0));
/// assert_eq!(b.loans[1].as_ref().unwrap().apr.unwrap().round_dp(4).to_string(), "0.2400");
/// # Ok::<(), microcredit::Error>(())
/// ```
pub fn schedule_batch(terms: &[LoanTerms], options: BatchOptions) -> Batch {
    let parts: Vec<(InstallmentColumns, Vec<Result<LoanSummary>>)> = terms
        .par_chunks(CHUNK)
        .enumerate()
        .map(|(c, chunk)| {
            let mut cols = InstallmentColumns::with_capacity(chunk.iter().map(|t| t.installments as usize).sum());
            let mut loans = Vec::with_capacity(chunk.len());
            for (j, t) in chunk.iter().enumerate() {
                let index = (c * CHUNK + j) as u32;
                let start = cols.len();
                let summary = match generate_rows(t, |r| cols.push(index, r)) {
                    Ok(up) => summarize(t, &cols, start, &up, options),
                    Err(e) => Err(e),
                };
                if summary.is_err() {
                    cols.truncate(start); // an invalid loan leaves no rows behind
                }
                loans.push(summary);
            }
            (cols, loans)
        })
        .collect();
    let mut out = Batch { chunks: Vec::with_capacity(parts.len()), loans: Vec::with_capacity(terms.len()) };
    for (cols, loans) in parts {
        out.chunks.push(cols);
        out.loans.extend(loans);
    }
    out
}

/// Totals of the rows from `start` on (one loan's), and its price when asked for. A loan whose
/// schedule is fine but whose rate has no solution keeps its rows; the reason is in
/// `pricing_error`.
fn summarize(
    t: &LoanTerms,
    cols: &InstallmentColumns,
    start: usize,
    up: &crate::schedule::Upfront,
    options: BatchOptions,
) -> Result<LoanSummary> {
    let sum = |col: &[i64]| col[start..].iter().map(|&v| i128::from(v)).sum::<i128>();
    let narrow = |v: i128| i64::try_from(v).map_err(|_| Error::Overflow { what: "batch totals".into() });
    let maturity = cols.due_date.last().copied().filter(|_| cols.len() > start).unwrap_or(t.disbursement_date);
    let (mut apr, mut eir, mut xirr, mut pricing_error) = (None, None, None, None);
    if options.pricing {
        let scale = 10f64.powi(t.currency.minor_units() as i32);
        let mut flows = Vec::with_capacity(cols.len() - start + 1);
        flows.push((t.disbursement_date, 0u32, up.net_amount as f64 / scale));
        for k in start..cols.len() {
            flows.push((cols.due_date[k], cols.number[k], -(cols.total[k] as f64) / scale));
        }
        if let Some(last) = flows.last_mut() {
            last.2 += up.savings_refund as f64 / scale;
        }
        let priced = pricing::mft_apr_and_eir(&flows, t.disbursement_date, t.frequency).and_then(|(apr, eir)| {
            let xirr = pricing::rate_of_flows(&flows, t.disbursement_date, t.frequency, &Convention::XIRR)?;
            Ok((apr, eir, xirr.annual_rate))
        });
        match priced {
            Ok((a, e, x)) => (apr, eir, xirr) = (Some(a), Some(e), Some(x)),
            Err(e) => pricing_error = Some(e),
        }
    }
    Ok(LoanSummary {
        currency: t.currency,
        loan_amount: narrow(up.loan_amount)?,
        net_disbursement: narrow(up.net_amount)?,
        installments: (cols.len() - start) as u32,
        total_interest: narrow(sum(&cols.interest))?,
        total_fees: narrow(sum(&cols.fees) + up.fees)?,
        total_insurance: narrow(sum(&cols.insurance) + up.insurance)?,
        total_paid: narrow(sum(&cols.total))?,
        maturity_date: maturity,
        apr,
        eir,
        xirr,
        pricing_error,
    })
}
