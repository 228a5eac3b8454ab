//! The batch over a `LoanSource` whose rows come from structured input: rows whose terms fail,
//! rows whose `installments()` disagrees with their terms, with and without pricing, as i64 and
//! i128 columns, sometimes under a small memory limit. It never panics; a loan that fails is an
//! error for that loan only; each loan's rows and summary are those of `Schedule::generate` for
//! the same terms.
#![no_main]

use arbitrary::Arbitrary;
use libfuzzer_sys::fuzz_target;
use microcredit_tables::batch::{Batch, BatchOptions, LoanSource, MinorUnits, estimated_bytes, schedule_batch_from};
use microcredit::{Error, LoanTerms, Schedule};
use microcredit_fuzz::{TermsInput, check_error, minor};

#[derive(Debug, Arbitrary)]
struct RowInput {
    terms: TermsInput,
    /// The number of installments the source claims, when not the terms' own.
    claimed: Option<u16>,
    /// Copies of this row that follow it (the same disbursement day, as a group's loans).
    copies: u8,
}

#[derive(Debug, Arbitrary)]
struct Input {
    rows: Vec<RowInput>,
    pricing: bool,
    wide: bool,
    memory_limit: Option<u16>,
}

/// Loans as JSON text, converted inside the batch's tasks, each with the installments claimed.
struct Book {
    rows: Vec<(String, u32)>,
}

impl LoanSource for Book {
    type Scratch = Option<LoanTerms>;
    fn len(&self) -> usize {
        self.rows.len()
    }
    fn installments(&self, i: usize) -> u32 {
        self.rows[i].1
    }
    fn scratch(&self) -> Self::Scratch {
        None
    }
    fn terms<'s>(&'s self, i: usize, t: &'s mut Self::Scratch) -> Result<&'s LoanTerms, Error> {
        Ok(t.insert(LoanTerms::from_json(&self.rows[i].0)?))
    }
}

fn slots(claimed: u32) -> usize {
    if (1..=1200).contains(&claimed) { claimed as usize } else { 0 }
}

fn run<M: MinorUnits>(book: &Book, options: BatchOptions) {
    let rows: usize = book.rows.iter().map(|r| slots(r.1)).sum();
    let batch = match schedule_batch_from::<M, _>(book, options) {
        Ok(b) => b,
        Err(e) => {
            check_error(&e);
            assert!(
                matches!(e, Error::LimitExceeded { .. })
                    && estimated_bytes::<M>(book.rows.len(), rows) > options.memory_limit,
                "the whole batch failed: {e:?}"
            );
            return;
        }
    };
    assert!(estimated_bytes::<M>(book.rows.len(), rows) <= options.memory_limit, "batch over its memory limit ran");
    check::<M>(book, &batch, options);
}

fn check<M: MinorUnits>(book: &Book, batch: &Batch<M>, options: BatchOptions) {
    assert_eq!(batch.loans.len(), book.rows.len(), "one result per loan");
    let cols = &batch.installments;
    let n = cols.len();
    for col in [cols.number.len(), cols.due_day.len(), cols.days.len(), cols.principal.len(), cols.interest.len()] {
        assert_eq!(col, n);
    }
    for col in [cols.total.len(), cols.balance.len(), cols.fees.len(), cols.insurance.len(), cols.savings.len()] {
        assert_eq!(col, n);
    }
    let big = |v: i128| i64::try_from(v).is_err();
    let mut row = 0usize;
    for (i, ((json, claimed), result)) in book.rows.iter().zip(&batch.loans).enumerate() {
        let terms = LoanTerms::from_json(json);
        let expected = terms.as_ref().map_err(Clone::clone).and_then(Schedule::generate);
        match (result, &expected, &terms) {
            (Ok(summary), Ok(s), Ok(t)) => {
                let cur = t.currency;
                assert_eq!(*claimed as usize, s.installments.len(), "loan {i} kept rows it did not claim");
                assert_eq!(summary.installments as usize, s.installments.len());
                assert_eq!(summary.currency, cur);
                assert_eq!(i128::from(summary.loan_amount), minor(s.disbursement.loan_amount, cur), "loan {i}");
                assert_eq!(i128::from(summary.net_disbursement), minor(s.disbursement.net_amount, cur), "loan {i}");
                assert_eq!(i128::from(summary.total_interest), minor(s.totals.interest, cur), "loan {i}");
                assert_eq!(i128::from(summary.total_paid), minor(s.totals.total, cur), "loan {i}");
                assert_eq!(summary.maturity_date, s.maturity_date(), "loan {i}");
                if options.pricing {
                    let priced = summary.apr.is_some() && summary.eir.is_some() && summary.xirr.is_some();
                    assert!(priced != summary.pricing_error.is_some(), "loan {i}: priced and failed at once");
                } else {
                    assert!(summary.apr.is_none() && summary.pricing_error.is_none());
                }
                for (k, inst) in s.installments.iter().enumerate() {
                    let r = row + k;
                    assert_eq!(cols.loan[r] as usize, i, "row {r}");
                    assert_eq!(cols.number[r], inst.number, "row {r}");
                    assert_eq!(cols.due_date(r), Some(inst.due_date), "row {r} of loan {i}");
                    assert_eq!(cols.days[r], inst.days, "row {r} of loan {i}");
                    let amounts = [
                        (cols.principal[r], inst.principal),
                        (cols.interest[r], inst.interest),
                        (cols.total[r], inst.total),
                        (cols.balance[r], inst.balance),
                        (cols.fees.get(r).unwrap_or_default(), inst.fees),
                        (cols.insurance.get(r).unwrap_or_default(), inst.insurance),
                        (cols.savings.get(r).unwrap_or_default(), inst.savings),
                    ];
                    for (k2, (got, want)) in amounts.into_iter().enumerate() {
                        assert_eq!(got.into(), minor(want, cur), "amount {k2} of row {r} (loan {i})");
                    }
                }
                row += s.installments.len();
            }
            (Ok(summary), Err(e), _) => panic!("loan {i} scheduled in the batch ({summary:?}) but not alone: {e:?}"),
            (_, Ok(_), Err(_)) => unreachable!("a schedule without terms"),
            (Err(e), Ok(s), Ok(t)) => {
                check_error(e);
                // Only the installments claimed, or amounts too large for the columns or totals.
                let cur = t.currency;
                let largest = s
                    .installments
                    .iter()
                    .map(|i| minor(i.total, cur))
                    .chain([minor(s.totals.total, cur), minor(s.disbursement.loan_amount, cur)])
                    .max()
                    .unwrap_or(0);
                let wide = std::mem::size_of::<M>() == 16;
                let explained = *claimed as usize != s.installments.len()
                    || (!wide && big(largest))
                    || big(minor(s.totals.total, cur))
                    || big(minor(s.totals.interest, cur))
                    || big(minor(s.totals.fees, cur) + minor(s.disbursement.fees, cur))
                    || big(minor(s.totals.insurance, cur) + minor(s.disbursement.insurance, cur));
                assert!(
                    matches!(
                        e,
                        Error::Overflow { .. }
                            | Error::InvalidField { reason: microcredit::Reason::RowCountMismatch { .. }, .. }
                    ) && explained,
                    "loan {i} fails in the batch ({e:?}) but not alone (claimed {claimed}, {} installments)",
                    s.installments.len()
                );
            }
            (Err(e), Err(alone), _) => {
                check_error(e);
                assert_eq!(e.kind(), alone.kind(), "loan {i}: batch error {e:?}, alone {alone:?}");
            }
        }
    }
    assert_eq!(row, n, "rows of failed loans were left in the columns");
}

fuzz_target!(|input: Input| {
    let mut rows = Vec::new();
    for r in input.rows.iter().take(8) {
        let parts = r.terms.parts();
        let json = parts.json();
        let own = LoanTerms::from_json(&json).map_or(3, |t| t.installments);
        let claimed = r.claimed.map_or(own, |c| if c < 0xF000 { u32::from(c % 40) } else { u32::from(c) });
        for _ in 0..=(r.copies % 4) {
            rows.push((json.clone(), claimed));
        }
    }
    if std::env::var_os("MICROCREDIT_FUZZ_PRINT").is_some() {
        for (json, claimed) in &rows {
            eprintln!("row (claims {claimed} installments): {json}");
        }
    }
    let book = Book { rows };
    let mut options = BatchOptions::default().with_pricing(input.pricing);
    if let Some(limit) = input.memory_limit {
        options = options.with_memory_limit(u64::from(limit) * 16);
    }
    if input.wide { run::<i128>(&book, options) } else { run::<i64>(&book, options) }
});
