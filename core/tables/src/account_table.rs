//! Account states of a whole book from two tables, as a programme exports them: installments
//! (loan id, due date, what is due) and repayments (loan id, date, amount); out, one row per loan
//! and date asked about with its status, what is paid, owed, overdue and due, its payoff, days
//! past due and delinquency bucket. The loans are replayed in parallel, each by the core's
//! ledger ([`microcredit::account::Book`]): the same rules as one account.
//!
//! Installments table: `loan_id` (integers or text), `due_date`, and either `amount_due` (the
//! whole installment, counted as principal: a table that does not split it cannot say more) or
//! any of `principal_due`, `interest_due`, `fees_due`, `penalties_due`; optionally
//! `disbursement_date` (the start of the first period; without it the first installment's period
//! is taken to begin before any payment). Repayments table: `loan_id`, `date`, `amount`. Money
//! columns may be decimals, integers, text or floats (a float is read through its shortest
//! decimal text and must fit the currency's minor unit). Rows may come in any order; a loan's
//! repayments on one day count in the order the table lists them.

use std::cmp::Ordering;
use std::sync::Arc;

use arrow_array::cast::AsArray;
use arrow_array::types::Int64Type;
use arrow_array::{Array, ArrayRef, Date32Array, Int64Array, PrimitiveArray, RecordBatch, StringArray, UInt32Array};
use arrow_schema::{DataType, Field, Schema};
use chrono::NaiveDate;
use microcredit::account::{AccountRules, Book, DueRow, Summary};
use microcredit::{Currency, Error as CoreError, Reason};
use rayon::prelude::*;
use rust_decimal::Decimal;

use crate::loan_table::{Col, date_col, float_decimal, money_col, nearest_of};
use crate::schedule_table::{date32, decimal_array};

type CoreResult<T> = Result<T, CoreError>;

/// The columns of the output, in order.
pub const STATE_COLUMNS: [&str; 21] = [
    "loan_id",
    "on",
    "status",
    "due",
    "paid",
    "outstanding",
    "overdue",
    "due_by_date",
    "payoff",
    "principal_outstanding",
    "interest_outstanding",
    "fees_outstanding",
    "penalties_outstanding",
    "principal_overdue",
    "interest_overdue",
    "fees_overdue",
    "penalties_overdue",
    "days_past_due",
    "delinquent_days",
    "bucket",
    "overpaid",
];

/// A loan-id column: integers or text.
enum Keys {
    Int(PrimitiveArray<Int64Type>),
    Text(StringArray),
}

impl Keys {
    fn of(a: &ArrayRef, name: &str) -> CoreResult<Keys> {
        let bad = || {
            CoreError::invalid(
                name,
                format!("column of type {}", a.data_type()),
                Reason::wrong_type("integer or text loan ids"),
            )
        };
        match a.data_type() {
            d if d.is_integer() => {
                let c = arrow_cast::cast(a, &DataType::Int64).map_err(|_| bad())?;
                Ok(Keys::Int(c.as_primitive::<Int64Type>().clone()))
            }
            DataType::Utf8 | DataType::LargeUtf8 | DataType::Utf8View | DataType::Dictionary(..) => {
                let c = arrow_cast::cast(a, &DataType::Utf8).map_err(|_| bad())?;
                Ok(Keys::Text(c.as_string::<i32>().clone()))
            }
            _ => Err(bad()),
        }
    }

    fn check_no_nulls(&self, name: &str) -> CoreResult<()> {
        let nulls = match self {
            Keys::Int(a) => a.null_count(),
            Keys::Text(a) => a.null_count(),
        };
        if nulls > 0 { Err(CoreError::invalid(name, "null", Reason::required())) } else { Ok(()) }
    }

    /// Order of row `i` of `self` against row `j` of `other` (both of one kind).
    fn cmp(&self, i: usize, other: &Keys, j: usize) -> Ordering {
        match (self, other) {
            (Keys::Int(a), Keys::Int(b)) => a.value(i).cmp(&b.value(j)),
            (Keys::Text(a), Keys::Text(b)) => a.value(i).cmp(b.value(j)),
            (Keys::Int(_), Keys::Text(_)) => Ordering::Less,
            (Keys::Text(_), Keys::Int(_)) => Ordering::Greater,
        }
    }

    fn show(&self, i: usize) -> String {
        match self {
            Keys::Int(a) => a.value(i).to_string(),
            Keys::Text(a) => microcredit::error::bounded(&a.value(i)),
        }
    }
}

/// The columns an installments table may have (`number` is read for nothing: rows are ordered by
/// due date).
pub const INSTALLMENT_COLUMNS: [&str; 9] = [
    "loan_id",
    "number",
    "due_date",
    "amount_due",
    "principal_due",
    "interest_due",
    "fees_due",
    "penalties_due",
    "disbursement_date",
];

/// The columns a repayments table may have (`receipt` and `channel` are read for nothing yet).
pub const REPAYMENT_COLUMNS: [&str; 5] = ["loan_id", "date", "amount", "receipt", "channel"];

/// Refuse a column the table does not read: a misspelt money column must not vanish silently.
fn known_columns(batch: &RecordBatch, known: &[&str], table: &str) -> CoreResult<()> {
    for field in batch.schema_ref().fields() {
        let name = field.name();
        if !known.contains(&name.as_str()) {
            let shown = format!("{table}.{}", microcredit::error::bounded(name));
            return Err(CoreError::invalid(
                shown,
                microcredit::error::bounded(name),
                Reason::UnknownColumn { nearest: nearest_of(name, known) },
            ));
        }
    }
    Ok(())
}

fn column<'b>(batch: &'b RecordBatch, name: &str, table: &str) -> CoreResult<&'b ArrayRef> {
    batch.column_by_name(name).ok_or_else(|| {
        let names: Vec<&str> = batch.schema_ref().fields().iter().map(|f| f.name().as_str()).collect();
        CoreError::invalid(table, names.join(", "), Reason::MissingColumn { required: name.to_string() })
    })
}

/// Money of row `i` in minor units; a float takes the fast exact route when it can (see
/// [`float_minor`]), else its shortest text.
fn minor(col: &Col, i: usize, name: &str, cur: Currency) -> CoreResult<i128> {
    if let Col::Float(a) = col
        && a.is_valid(i)
        && let Some(m) = float_minor(a.value(i), cur.minor_units())
    {
        return Ok(m);
    }
    let d = match col {
        Col::Float(a) if a.is_valid(i) => float_decimal(a.value(i), name)?,
        _ => col.decimal(i, name)?,
    };
    let Some(mut d) = d else { return Ok(0) };
    if d.abs() > microcredit::account::MAX_AMOUNT {
        return Err(CoreError::invalid(name, d, Reason::AtMost { limit: "1e12".into() }));
    }
    cur.check_scale(name, d)?;
    d.rescale(cur.minor_units());
    Ok(d.mantissa())
}

/// A float's amount in minor units when its shortest decimal text has at most `units` decimals:
/// then `round(v·10^units)/10^units` is `v` again (both are the double nearest that decimal),
/// and only then. `None` sends the value the slow way (to an error, or past 2^53).
fn float_minor(v: f64, units: u32) -> Option<i128> {
    let scale = [1.0, 10.0, 100.0, 1000.0, 10_000.0].get(units as usize).copied()?;
    let m = (v * scale).round();
    (m.abs() <= 1.0e12 * scale && m / scale == v).then_some(m as i128)
}

/// The installments' money columns: either `amount_due`, or the parts.
struct Dues {
    parts: [Col; 4],
}

const PART_COLUMNS: [&str; 4] = ["principal_due", "interest_due", "fees_due", "penalties_due"];

impl Dues {
    fn of(batch: &RecordBatch) -> CoreResult<Dues> {
        let get = |n: &str| money_col(batch.column_by_name(n), n);
        if batch.column_by_name("amount_due").is_some() {
            if let Some(n) = PART_COLUMNS.iter().find(|n| batch.column_by_name(n).is_some()) {
                let reason = Reason::UnknownName {
                    detail: "give amount_due or the parts (principal_due, ...), not both".into(),
                };
                return Err(CoreError::invalid("installments", n, reason));
            }
            return Ok(Dues { parts: [get("amount_due")?, Col::Missing, Col::Missing, Col::Missing] });
        }
        if PART_COLUMNS.iter().all(|n| batch.column_by_name(n).is_none()) {
            return Err(CoreError::invalid(
                "installments",
                "no money column",
                Reason::MissingColumn {
                    required: "amount_due, or principal_due/interest_due/fees_due/penalties_due".into(),
                },
            ));
        }
        Ok(Dues { parts: [get(PART_COLUMNS[0])?, get(PART_COLUMNS[1])?, get(PART_COLUMNS[2])?, get(PART_COLUMNS[3])?] })
    }

    fn row(&self, i: usize, cur: Currency) -> CoreResult<[i128; 4]> {
        let mut due = [0; 4];
        for (p, col) in self.parts.iter().enumerate() {
            let name = if p == 0 && self.parts[1..].iter().all(|c| matches!(c, Col::Missing)) {
                "amount_due"
            } else {
                PART_COLUMNS[p]
            };
            due[p] = minor(col, i, name, cur)?;
            if due[p] < 0 {
                return Err(CoreError::invalid(
                    name,
                    Decimal::from_i128_with_scale(due[p], cur.minor_units()),
                    Reason::Negative,
                ));
            }
        }
        Ok(due)
    }
}

/// Row indices in (loan id, date) order: the identity when the table is in that order already.
fn order(keys: &Keys, dates: &[NaiveDate]) -> Vec<usize> {
    let n = dates.len();
    let by = |a: &usize, b: &usize| keys.cmp(*a, keys, *b).then(dates[*a].cmp(&dates[*b]));
    let mut idx: Vec<usize> = (0..n).collect();
    if (1..n).any(|i| by(&(i - 1), &i) == Ordering::Greater) {
        idx.sort_by(by); // stable: a loan's payments of one day keep the table's order
    }
    idx
}

/// A date column's dates (none may be missing).
fn days(col: &Col, n: usize, name: &str) -> CoreResult<Vec<NaiveDate>> {
    (0..n).map(|i| col.date(i, name)?.ok_or_else(|| CoreError::invalid(name, "null", Reason::required()))).collect()
}

/// A repayment of a loan the installments table does not have.
fn unknown_loan(keys: &Keys, i: usize) -> CoreError {
    let reason = Reason::UnknownName { detail: "no installments for this loan".into() };
    CoreError::invalid("repayments.loan_id", keys.show(i), reason)
}

/// The state of every loan of a book on each date of `on`, as one Arrow table (columns
/// [`STATE_COLUMNS`]; the loan id as the installments table gives it), loans in id order and,
/// within a loan, dates in the order given.
///
/// ```
/// use std::sync::Arc;
/// use arrow_array::{Date32Array, Float64Array, Int64Array, RecordBatch, ArrayRef};
/// use microcredit::account::AccountRules;
/// use microcredit::{Currency, NaiveDate};
/// use microcredit_tables::account_table::account_states;
/// let day = |s: &str| microcredit_tables::schedule_table::date32(s.parse().unwrap());
/// let inst = RecordBatch::try_from_iter([
///     ("loan_id", Arc::new(Int64Array::from(vec![7, 7])) as ArrayRef),
///     ("due_date", Arc::new(Date32Array::from(vec![day("2025-02-10"), day("2025-03-10")])) as ArrayRef),
///     ("amount_due", Arc::new(Float64Array::from(vec![262.62, 262.62])) as ArrayRef),
/// ])?;
/// let pay = RecordBatch::try_from_iter([
///     ("loan_id", Arc::new(Int64Array::from(vec![7])) as ArrayRef),
///     ("date", Arc::new(Date32Array::from(vec![day("2025-02-10")])) as ArrayRef),
///     ("amount", Arc::new(Float64Array::from(vec![100.0])) as ArrayRef),
/// ])?;
/// let on = ["2025-03-15".parse::<NaiveDate>()?];
/// let t = account_states(&[inst], &[pay], Currency::USD, &AccountRules::default(), &on)?;
/// assert_eq!(t.num_rows(), 1);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn account_states(
    installments: &[RecordBatch],
    repayments: &[RecordBatch],
    currency: Currency,
    rules: &AccountRules,
    on: &[NaiveDate],
) -> CoreResult<RecordBatch> {
    let concat = |batches: &[RecordBatch], table: &str| -> CoreResult<RecordBatch> {
        let Some(first) = batches.first() else {
            return Err(CoreError::invalid(table, "no batches", Reason::NoRows));
        };
        arrow_select::concat::concat_batches(first.schema_ref(), batches)
            .map_err(|e| CoreError::invalid(table, "batches", Reason::Unreadable { detail: e.to_string() }))
    };
    if on.is_empty() || on.len() > 366 {
        return Err(CoreError::invalid("on", on.len(), Reason::Between { min: "1".into(), max: "366".into() }));
    }
    let book = Book::new(currency, rules)?;
    let inst = concat(installments, "installments")?;
    let reps = if repayments.is_empty() { None } else { Some(concat(repayments, "repayments")?) };

    known_columns(&inst, &INSTALLMENT_COLUMNS, "installments")?;
    if let Some(r) = &reps {
        known_columns(r, &REPAYMENT_COLUMNS, "repayments")?;
    }
    let loan_ids = column(&inst, "loan_id", "installments")?;
    let keys = Keys::of(loan_ids, "installments.loan_id")?;
    keys.check_no_nulls("installments.loan_id")?;
    let due_dates =
        days(&date_col(Some(column(&inst, "due_date", "installments")?), "due_date")?, inst.num_rows(), "due_date")?;
    let starts = date_col(inst.column_by_name("disbursement_date"), "disbursement_date")?;
    let dues = Dues::of(&inst)?;
    let inst_order = order(&keys, &due_dates);

    let (rep_keys, rep_days, rep_amounts) = match &reps {
        Some(r) => {
            let k = Keys::of(column(r, "loan_id", "repayments")?, "repayments.loan_id")?;
            k.check_no_nulls("repayments.loan_id")?;
            let d = days(&date_col(Some(column(r, "date", "repayments")?), "date")?, r.num_rows(), "date")?;
            let a = money_col(Some(column(r, "amount", "repayments")?), "amount")?;
            (Some(k), d, Some(a))
        }
        None => (None, Vec::new(), None),
    };
    let rep_order = rep_keys.as_ref().map_or_else(Vec::new, |k| order(k, &rep_days));

    // Loans: ranges of the installments' order, and of the repayments' order.
    let mut loans: Vec<(usize, std::ops::Range<usize>, std::ops::Range<usize>)> = Vec::new();
    let (mut i, mut j) = (0, 0);
    while i < inst_order.len() {
        let first = inst_order[i];
        let mut end = i + 1;
        while end < inst_order.len() && keys.cmp(inst_order[end], &keys, first) == Ordering::Equal {
            end += 1;
        }
        let mut rj = j;
        if let Some(rk) = &rep_keys {
            if j < rep_order.len() && rk.cmp(rep_order[j], &keys, first) == Ordering::Less {
                return Err(unknown_loan(rk, rep_order[j]));
            }
            rj = j;
            while j < rep_order.len() && rk.cmp(rep_order[j], &keys, first) == Ordering::Equal {
                j += 1;
            }
        }
        loans.push((first, i..end, rj..j));
        i = end;
    }
    if let (Some(rk), true) = (&rep_keys, j < rep_order.len()) {
        return Err(unknown_loan(rk, rep_order[j]));
    }

    let summaries: Vec<CoreResult<Vec<Summary>>> = loans
        .par_iter()
        .map_init(
            || (Vec::<DueRow>::new(), Vec::<(NaiveDate, i128)>::new()),
            |(rows, pays), (first, ri, pj)| {
                rows.clear();
                pays.clear();
                for (n, &r) in inst_order[ri.clone()].iter().enumerate() {
                    rows.push((n as u32 + 1, due_dates[r], dues.row(r, currency)?));
                }
                if let Some(amounts) = &rep_amounts {
                    for &r in &rep_order[pj.clone()] {
                        let amount = minor(amounts, r, "amount", currency)?;
                        // A zero row (an export's placeholder) pays nothing; a negative one is an
                        // error (a reversal is not a negative repayment).
                        if amount < 0 {
                            let shown = Decimal::from_i128_with_scale(amount, currency.minor_units());
                            return Err(CoreError::invalid("amount", shown, Reason::Negative));
                        }
                        pays.push((rep_days[r], amount));
                    }
                }
                let start = match starts.date(*first, "disbursement_date")? {
                    Some(d) => d,
                    None => NaiveDate::MIN,
                };
                Ok(on.iter().map(|&d| book.summary(start, rows, pays, d)).collect())
            },
        )
        .collect();

    let mut firsts = Vec::with_capacity(loans.len() * on.len());
    let mut all = Vec::with_capacity(loans.len() * on.len());
    for ((first, _, _), s) in loans.iter().zip(summaries) {
        for (k, summary) in s?.into_iter().enumerate() {
            firsts.push(*first as u32);
            all.push((on[k], summary));
        }
    }
    build(&book, loan_ids, &firsts, &all, currency)
}

fn build(
    book: &Book,
    loan_ids: &ArrayRef,
    firsts: &[u32],
    all: &[(NaiveDate, Summary)],
    cur: Currency,
) -> CoreResult<RecordBatch> {
    let scale = cur.minor_units() as i8;
    let money = |f: &dyn Fn(&Summary) -> i128| decimal_array(all.iter().map(|(_, s)| f(s)).collect(), scale);
    let total = |m: [i128; 4]| m.iter().sum::<i128>();
    let ids = arrow_select::take::take(loan_ids.as_ref(), &UInt32Array::from(firsts.to_vec()), None)
        .map_err(|e| CoreError::invalid("loan_id", "take", Reason::Unreadable { detail: e.to_string() }))?;
    let columns: Vec<ArrayRef> = vec![
        ids,
        Arc::new(Date32Array::from(all.iter().map(|(d, _)| date32(*d)).collect::<Vec<_>>())),
        Arc::new(StringArray::from(all.iter().map(|(_, s)| s.status.name()).collect::<Vec<_>>())),
        money(&|s| total(s.due)),
        money(&|s| total(s.paid)),
        money(&|s| total(s.outstanding)),
        money(&|s| total(s.overdue)),
        money(&|s| total(s.due_by_date)),
        money(&|s| total(s.payoff)),
        money(&|s| s.outstanding[0]),
        money(&|s| s.outstanding[1]),
        money(&|s| s.outstanding[2]),
        money(&|s| s.outstanding[3]),
        money(&|s| s.overdue[0]),
        money(&|s| s.overdue[1]),
        money(&|s| s.overdue[2]),
        money(&|s| s.overdue[3]),
        Arc::new(Int64Array::from(all.iter().map(|(_, s)| i64::from(s.days_past_due)).collect::<Vec<_>>())),
        Arc::new(Int64Array::from(all.iter().map(|(_, s)| i64::from(s.delinquent_days)).collect::<Vec<_>>())),
        Arc::new(StringArray::from(all.iter().map(|(_, s)| book.bucket(s.delinquent_days)).collect::<Vec<_>>())),
        money(&|s| s.overpaid),
    ];
    let fields: Vec<Field> = STATE_COLUMNS
        .iter()
        .zip(&columns)
        .map(|(n, c)| Field::new(*n, c.data_type().clone(), *n == "loan_id"))
        .collect();
    RecordBatch::try_new(Arc::new(Schema::new(fields)), columns)
        .map_err(|e| CoreError::invalid("account_states", "table", Reason::Unreadable { detail: e.to_string() }))
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;
    use arrow_array::{Date32Array, Float64Array};

    fn d(s: &str) -> i32 {
        date32(s.parse().unwrap())
    }

    fn tables(amounts: Vec<f64>, pay_loans: Vec<i64>) -> (RecordBatch, RecordBatch) {
        let inst = RecordBatch::try_from_iter([
            ("loan_id", Arc::new(Int64Array::from(vec![8, 7, 7])) as ArrayRef),
            (
                "due_date",
                Arc::new(Date32Array::from(vec![d("2025-02-10"), d("2025-03-10"), d("2025-02-10")])) as ArrayRef,
            ),
            ("amount_due", Arc::new(Float64Array::from(vec![50.0, 262.62, 262.62])) as ArrayRef),
        ])
        .unwrap();
        let n = amounts.len();
        let pay = RecordBatch::try_from_iter([
            ("loan_id", Arc::new(Int64Array::from(pay_loans)) as ArrayRef),
            ("date", Arc::new(Date32Array::from(vec![d("2025-02-10"); n])) as ArrayRef),
            ("amount", Arc::new(Float64Array::from(amounts)) as ArrayRef),
        ])
        .unwrap();
        (inst, pay)
    }

    #[test]
    fn states_of_loans_in_any_row_order() {
        let (inst, pay) = tables(vec![100.0, 50.0], vec![7, 8]);
        let on = ["2025-03-15".parse().unwrap()];
        let t = account_states(&[inst], &[pay], Currency::USD, &AccountRules::default(), &on).unwrap();
        let ids = t.column(0).as_primitive::<Int64Type>();
        assert_eq!((ids.value(0), ids.value(1)), (7, 8));
        let status = t.column_by_name("status").unwrap().as_string::<i32>();
        assert_eq!((status.value(0), status.value(1)), ("in_arrears", "closed"));
        let overdue = t.column_by_name("overdue").unwrap().as_primitive::<arrow_array::types::Decimal128Type>();
        assert_eq!(overdue.value(0), 42_524); // 162.62 + 262.62
        let dpd = t.column_by_name("days_past_due").unwrap().as_primitive::<Int64Type>();
        assert_eq!(dpd.value(0), 33);
    }

    #[test]
    fn bad_tables_are_typed_errors() {
        let on = ["2025-03-15".parse().unwrap()];
        let rules = AccountRules::default();
        let (inst, pay) = tables(vec![100.005], vec![7]);
        let e = account_states(&[inst], &[pay], Currency::USD, &rules, &on).unwrap_err();
        assert_eq!((e.code(), e.field()), ("too_many_decimals", Some("amount")));
        let (inst, pay) = tables(vec![10.0], vec![9]);
        let e = account_states(&[inst], &[pay], Currency::USD, &rules, &on).unwrap_err();
        assert_eq!((e.code(), e.field()), ("unknown_name", Some("repayments.loan_id")));
        let (inst, pay) = tables(vec![-1.0], vec![7]);
        assert_eq!(account_states(&[inst], &[pay], Currency::USD, &rules, &on).unwrap_err().code(), "negative");
        let (inst, pay) = tables(vec![1.0], vec![7]);
        let no_money = inst.project(&[0, 1]).unwrap();
        let renamed = RecordBatch::try_from_iter([
            ("loan_id", inst.column(0).clone()),
            ("due_date", inst.column(1).clone()),
            ("amount_owed", inst.column(2).clone()),
        ])
        .unwrap();
        let e = account_states(&[renamed], std::slice::from_ref(&pay), Currency::USD, &rules, &on).unwrap_err();
        assert_eq!((e.code(), e.field()), ("unknown_column", Some("installments.amount_owed")));
        assert!(e.to_string().contains("amount_due"), "{e}");
        assert_eq!(
            account_states(&[no_money], &[pay], Currency::USD, &rules, &on).unwrap_err().code(),
            "missing_column"
        );
    }

    #[test]
    fn floats_take_the_exact_fast_route_only_when_it_is_exact() {
        assert_eq!(float_minor(0.29, 2), Some(29));
        assert_eq!(float_minor(262.62, 2), Some(26_262));
        assert_eq!(float_minor(0.295, 2), None);
        assert_eq!(float_minor(1e17, 2), None);
        assert_eq!(float_minor(1e12, 2), Some(100_000_000_000_000));
        assert_eq!(float_minor(1.5e12, 2), None); // the slow route refuses it: above 1e12
        assert_eq!(float_minor(f64::NAN, 2), None);
    }
}
