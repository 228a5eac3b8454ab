//! The schedule tables written: a book's installments and its loans as Arrow record batches,
//! from a batch's columns without copying them (money as Decimal128 at the largest minor unit of
//! the book's currencies, dates as Date32), with the columns a [`LoanTable`] carries through.
//!
//! [`LoanTable`]: crate::loan_table::LoanTable

use std::sync::Arc;

use arrow_array::cast::AsArray;
use arrow_array::types::{Decimal128Type, Int64Type};
use arrow_array::{
    Array, ArrayRef, Date32Array, Decimal128Array, RecordBatch, StringArray, UInt32Array, new_null_array,
};
use arrow_buffer::NullBuffer;
use arrow_schema::{ArrowError, DataType, Field, Schema, SchemaRef};
use chrono::{Datelike, NaiveDate};
use microcredit::calendar::UNIX_EPOCH_DAY;
use microcredit::{Currency, Error as CoreError, Installment, Reason, Schedule};
use rayon::prelude::*;
use rust_decimal::Decimal;

use crate::batch::{BatchOptions, InstallmentColumns, LoanSummary, schedule_batch_from};
use crate::loan_table::{LoanTable, ReadOptions};

type CoreResult<T> = Result<T, CoreError>;

/// A date as Arrow's Date32: days since 1970-01-01.
///
/// ```
/// let d = chrono::NaiveDate::from_ymd_opt(1970, 1, 2).unwrap();
/// assert_eq!(microcredit_tables::schedule_table::date32(d), 1);
/// ```
pub fn date32(d: NaiveDate) -> i32 {
    d.num_days_from_ce() - UNIX_EPOCH_DAY
}

/// Schedules (and, with `options.pricing`, APR/EIR/XIRR) of every loan of a loans table, in one
/// call: the table read as [`LoanTable::read`] reads it, the batch run over it, the two tables
/// out (installments, loans). A caller that shows progress runs [`LoanTable::pieces`] itself and
/// builds the tables with [`schedule_tables`].
///
/// ```
/// use std::sync::Arc;
/// use arrow_array::{ArrayRef, Float64Array, Int64Array, RecordBatch, StringArray};
/// use microcredit_tables::{batch::BatchOptions, loan_table::ReadOptions, schedule_table::schedule_table};
/// let batch = RecordBatch::try_from_iter([
///     ("loan_id", Arc::new(StringArray::from(vec!["A-1", "A-2"])) as ArrayRef),
///     ("principal", Arc::new(Float64Array::from(vec![1000.0, 500.5])) as ArrayRef),
///     ("currency", Arc::new(StringArray::from(vec!["USD", "USD"])) as ArrayRef),
///     ("rate_percent", Arc::new(Float64Array::from(vec![24.0, 30.0])) as ArrayRef),
///     ("installments", Arc::new(Int64Array::from(vec![12, 6])) as ArrayRef),
///     ("disbursement_date", Arc::new(StringArray::from(vec!["2026-01-15", "2026-02-01"])) as ArrayRef),
/// ])?;
/// let read = ReadOptions::default().keep(["loan_id"]);
/// let (installments, loans) = schedule_table(&[batch], &read, BatchOptions::default())?;
/// assert_eq!(installments.iter().map(|b| b.num_rows()).sum::<usize>(), 18);
/// assert_eq!(loans[0].schema().field(1).name(), "loan_id");
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn schedule_table(
    batches: &[RecordBatch],
    read: &ReadOptions,
    options: BatchOptions,
) -> CoreResult<(Vec<RecordBatch>, Vec<RecordBatch>)> {
    let table = LoanTable::read(batches, read)?;
    let mut parts = Vec::new();
    let mut loans = Vec::with_capacity(table.len());
    for (at, piece) in table.pieces(usize::MAX) {
        let batch = schedule_batch_from::<i128, _>(&piece, options)?;
        parts.push((at, batch.installments));
        loans.extend(batch.loans);
    }
    schedule_tables(parts, loans, options.pricing, table.carried())
}

/// A rate as its mantissa at scale 10, rounded half-even as `Decimal::round_dp` rounds; `None`
/// past Decimal128(38, 10).
fn rate_at_10(d: Decimal) -> Option<i128> {
    let (m, s) = (d.mantissa(), d.scale());
    if s <= 10 {
        return m.checked_mul(10i128.pow(10 - s)).filter(|x| x.unsigned_abs() < 10u128.pow(38));
    }
    let unit = 10i128.pow(s - 10);
    let (q, r) = (m / unit, (m % unit).abs());
    let up = 2 * r > unit || (2 * r == unit && q % 2 != 0);
    Some(if up { q + m.signum() } else { q })
}

fn arrow_err(table: &str) -> impl Fn(ArrowError) -> CoreError + '_ {
    move |e| CoreError::invalid("table", table, Reason::Unreadable { detail: e.to_string() })
}

/// Installments of one core run over the rows from `offset` on, as a record batch. The core's
/// columns become the Arrow buffers without a copy: money comes as i128 minor units, which are
/// the Decimal128 mantissas at the table's `scale` (multiplied in place by `factors[row]` when the
/// loans' currencies differ in minor units).
fn installment_batch(
    factors: Option<&[i128]>,
    offset: u32,
    cols: InstallmentColumns<i128>,
    scale: u32,
    carried: &[(String, ArrayRef)],
) -> Result<RecordBatch, ArrowError> {
    let InstallmentColumns {
        mut loan,
        number,
        due_day,
        days,
        principal,
        interest,
        fees,
        insurance,
        savings,
        total,
        balance,
    } = cols;
    let [fees, insurance, savings] = [fees, insurance, savings].map(|c| c.into_values());
    let mut money = [Some(principal), Some(interest), fees, insurance, savings, Some(total), Some(balance)];
    if let Some(f) = factors {
        let at = |k: u32| (k + offset) as usize;
        money.par_iter_mut().flatten().for_each(|v| v.iter_mut().zip(&loan).for_each(|(x, &k)| *x *= f[at(k)]));
    }
    // The loan column holds input rows: the core's loan indices, shifted in place.
    if offset != 0 {
        loan.par_iter_mut().for_each(|k| *k += offset);
    }
    let rows = UInt32Array::from(loan.clone());
    let kept = carried
        .iter()
        .map(|(name, all)| Ok((name.as_str(), arrow_select::take::take(all.as_ref(), &rows, None)?)))
        .collect::<Result<Vec<_>, ArrowError>>()?;
    let batch = InstallmentArrays { loan: Some(loan), number, due_date: due_day, days, money, scale: scale as i8 };
    with_carried(batch.into_batch()?, kept)
}

/// `batch` with the carried columns `kept` after its first column (the input row).
fn with_carried(batch: RecordBatch, kept: Vec<(&str, ArrayRef)>) -> Result<RecordBatch, ArrowError> {
    if kept.is_empty() {
        return Ok(batch);
    }
    let (schema, mut columns, _) = batch.into_parts();
    let mut fields: Vec<Field> = schema.fields().iter().map(|f| f.as_ref().clone()).collect();
    for (k, (name, array)) in kept.into_iter().enumerate() {
        fields.insert(1 + k, Field::new(name, array.data_type().clone(), true));
        columns.insert(1 + k, array);
    }
    RecordBatch::try_new(Arc::new(Schema::new(fields)), columns)
}

/// What a currency's minor units are multiplied by to be mantissas at the table's money `scale`
/// (the largest minor unit among the loans): 10^(scale − minor units), by table for the usual
/// differences (ISO 4217 minor units are 0 to 4), without a `pow` loop per loan.
fn scale_factor(scale: u32, currency: Currency) -> i128 {
    const FACTORS: [i128; 5] = [1, 10, 100, 1_000, 10_000];
    let shift = scale - currency.minor_units();
    FACTORS.get(shift as usize).copied().unwrap_or_else(|| 10i128.pow(shift))
}

/// The loans table: one row per input row, its totals and rates or its error. One pass over the
/// summaries (they are large: a pass per column would stream them a dozen times).
fn loans_batch<'a>(
    first: u32,
    loans: &'a [CoreResult<LoanSummary>],
    pricing: bool,
    scale: u32,
    carried: &[(String, ArrayRef)],
) -> Result<RecordBatch, ArrowError> {
    let n_rows = loans.len();
    // Plain values with validity masks (a masked slot holds 0): one Vec<bool> shared by every
    // column of a scheduled loan.
    let mut ok_rows: Vec<bool> = Vec::with_capacity(n_rows);
    let mut currency: Vec<Option<&str>> = Vec::with_capacity(n_rows);
    let mut money: [Vec<i128>; 6] = std::array::from_fn(|_| Vec::with_capacity(n_rows));
    let mut installments: Vec<u32> = Vec::with_capacity(n_rows);
    let mut maturity: Vec<i32> = Vec::with_capacity(n_rows);
    for r in loans {
        ok_rows.push(r.is_ok());
        match r {
            Ok(l) => {
                let factor = scale_factor(scale, l.currency);
                let amounts = [
                    l.loan_amount,
                    l.net_disbursement,
                    l.total_interest,
                    l.total_fees,
                    l.total_insurance,
                    l.total_paid,
                ];
                for (col, v) in money.iter_mut().zip(amounts) {
                    col.push(i128::from(v) * factor);
                }
                currency.push(Some(l.currency.code()));
                installments.push(l.installments);
                maturity.push(date32(l.maturity_date));
            }
            Err(_) => {
                money.iter_mut().for_each(|c| c.push(0));
                currency.push(None);
                installments.push(0);
                maturity.push(0);
            }
        }
    }
    let nulls = Some(NullBuffer::from(ok_rows));
    let dec = DataType::Decimal128(38, scale as i8);
    let rate = DataType::Decimal128(38, 10);
    let mut fields = vec![Field::new("loan", DataType::UInt32, false), Field::new("currency", DataType::Utf8, true)];
    let mut cols: Vec<ArrayRef> = vec![
        Arc::new(UInt32Array::from_iter_values(first..first + n_rows as u32)),
        Arc::new(StringArray::from(currency)),
    ];
    let [loan_amount, net, interest, fees, insurance, paid] = money;
    for (name, v) in [("loan_amount", loan_amount), ("net_disbursement", net)] {
        fields.push(Field::new(name, dec.clone(), true));
        cols.push(masked_decimal_array(v, nulls.clone(), scale as i8));
    }
    fields.push(Field::new("installments", DataType::UInt32, true));
    cols.push(Arc::new(UInt32Array::new(installments.into(), nulls.clone())));
    for (name, v) in
        [("total_interest", interest), ("total_fees", fees), ("total_insurance", insurance), ("total_paid", paid)]
    {
        fields.push(Field::new(name, dec.clone(), true));
        cols.push(masked_decimal_array(v, nulls.clone(), scale as i8));
    }
    fields.push(Field::new("maturity_date", DataType::Date32, true));
    cols.push(Arc::new(Date32Array::new(maturity.into(), nulls)));
    // The rates (all null unless priced), each with its own validity.
    for (k, name) in ["apr", "eir", "xirr"].into_iter().enumerate() {
        fields.push(Field::new(name, rate.clone(), true));
        cols.push(if pricing {
            let values = loans.iter().map(|r| {
                let l = r.as_ref().ok()?;
                [l.apr, l.eir, l.xirr][k].and_then(rate_at_10)
            });
            let (v, valid): (Vec<i128>, Vec<bool>) = values.map(|v| (v.unwrap_or(0), v.is_some())).unzip();
            masked_decimal_array(v, Some(NullBuffer::from(valid)), 10)
        } else {
            new_null_array(&rate, n_rows)
        });
    }
    // A loan's error: its terms' or its schedule's, or (the schedule being fine) its pricing's.
    // A block without errors gets all-null error columns, made in one step each.
    let error = |r: &'a CoreResult<LoanSummary>| match r {
        Err(e) => Some(e),
        Ok(l) => l.pricing_error.as_deref(),
    };
    let errors: [ArrayRef; 3] = if loans.iter().any(|r| error(r).is_some()) {
        let text = |v: Vec<Option<&str>>| -> ArrayRef { Arc::new(StringArray::from(v)) };
        let messages: Vec<Option<String>> = loans.iter().map(|r| error(r).map(|e| e.to_string())).collect();
        [
            text(loans.iter().map(|r| error(r).map(|e| e.kind())).collect()),
            text(loans.iter().map(|r| error(r).and_then(|e| e.field())).collect()),
            text(messages.iter().map(Option::as_deref).collect()),
        ]
    } else {
        std::array::from_fn(|_| new_null_array(&DataType::Utf8, n_rows))
    };
    for (name, col) in ["error_kind", "error_field", "error"].into_iter().zip(errors) {
        fields.push(Field::new(name, DataType::Utf8, true));
        cols.push(col);
    }
    let kept = carried.iter().map(|(name, all)| (name.as_str(), all.slice(first as usize, n_rows))).collect();
    with_carried(RecordBatch::try_new(Arc::new(Schema::new(fields)), cols)?, kept)
}

/// Rows per record batch of the loans table (built in parallel).
const LOANS_PER_BATCH: usize = 16_384;

/// Build the two tables from batches' output: the installments of each batch run (with the
/// input row of its first loan) as one record batch each, and the loans, one per input row, each
/// with the `carried` columns (over every input row) after their `loan` column. Takes the
/// columns by value so they are freed as they become tables.
pub fn schedule_tables(
    parts: Vec<(u32, InstallmentColumns<i128>)>,
    loans: Vec<CoreResult<LoanSummary>>,
    pricing: bool,
    carried: &[(String, ArrayRef)],
) -> CoreResult<(Vec<RecordBatch>, Vec<RecordBatch>)> {
    // Money scale of the tables: the largest minor unit among the scheduled loans' currencies
    // (one parallel pass over the summaries, which are large and no longer in cache).
    let units = loans
        .par_iter()
        .filter_map(|l| l.as_ref().ok().map(|l| (l.currency.minor_units(), l.currency.minor_units())))
        .reduce_with(|(a, b), (c, d)| (a.min(c), b.max(d)));
    let scale = units.map_or(2, |(_, most)| most);
    let factors: Option<Vec<i128>> = units
        .is_some_and(|(fewest, most)| fewest != most)
        .then(|| loans.iter().map(|l| l.as_ref().map_or(1, |l| scale_factor(scale, l.currency))).collect());
    let (inst, loans) = rayon::join(
        || {
            let _span = tracing::debug_span!("installments_table").entered();
            parts
                .into_par_iter()
                .map(|(offset, cols)| installment_batch(factors.as_deref(), offset, cols, scale, carried))
                .collect::<Result<Vec<_>, _>>()
        },
        || {
            let _span = tracing::debug_span!("loans_table").entered();
            // In parallel, a record batch per block of rows.
            loans
                .par_chunks(LOANS_PER_BATCH)
                .enumerate()
                .map(|(k, block)| loans_batch((k * LOANS_PER_BATCH) as u32, block, pricing, scale, carried))
                .collect::<Result<Vec<_>, _>>()
        },
    );
    Ok((inst.map_err(arrow_err("installments"))?, loans.map_err(arrow_err("loans"))?))
}

/// Money as Decimal128(38, `scale`) from mantissas at that scale. Every mantissa fits 38 digits
/// (i64 minor units times at most 10^3, or a 28-digit `Decimal`), so none is checked again.
pub fn decimal_array(mantissas: Vec<i128>, scale: i8) -> ArrayRef {
    Arc::new(Decimal128Array::from(mantissas).with_data_type(DataType::Decimal128(38, scale)))
}

/// Nullable Decimal128(38, `scale`) from mantissas and a validity mask (`None`: all valid).
pub fn masked_decimal_array(mantissas: Vec<i128>, nulls: Option<NullBuffer>, scale: i8) -> ArrayRef {
    Arc::new(Decimal128Array::new(mantissas.into(), nulls).with_data_type(DataType::Decimal128(38, scale)))
}

/// The columns of an installments table, as Arrow wants them: dates as days since 1970-01-01 and
/// the seven money columns (principal, interest, fees, insurance, savings, total, balance) as
/// mantissas at `scale`.
pub struct InstallmentArrays {
    /// Input row of each installment's loan (batch tables only).
    pub loan: Option<Vec<u32>>,
    /// Installment numbers (1-based).
    pub number: Vec<u32>,
    /// Due dates, days since 1970-01-01.
    pub due_date: Vec<i32>,
    /// Days in each period.
    pub days: Vec<u32>,
    /// Principal, interest, fees, insurance, savings, total, balance, as mantissas at `scale`
    /// (`None`: every row is zero).
    pub money: [Option<Vec<i128>>; 7],
    /// Decimal places of every money column.
    pub scale: i8,
}

const MONEY: [&str; 7] = ["principal", "interest", "fees", "insurance", "savings", "total", "balance"];

impl InstallmentArrays {
    /// The installments of one schedule (no `loan` column), money at its currency's minor unit.
    ///
    /// ```
    /// use microcredit::{LoanTerms, Schedule};
    /// use microcredit_tables::schedule_table::InstallmentArrays;
    /// let terms = LoanTerms::from_json(r#"{"principal": "600", "currency": "USD", "rate": {"percent": "24"},
    ///     "installments": 6, "frequency": {"unit": "months", "every": 1}, "disbursement_date": "2025-01-15"}"#)?;
    /// let batch = InstallmentArrays::of(&Schedule::generate(&terms)?).into_batch()?;
    /// assert_eq!((batch.num_rows(), batch.schema().field(0).name().as_str()), (6, "number"));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn of(schedule: &Schedule) -> InstallmentArrays {
        let rows = &schedule.installments;
        let scale = schedule.currency.minor_units();
        let column = |f: fn(&Installment) -> Decimal| {
            let at_scale = |mut d: Decimal| {
                d.rescale(scale);
                d.mantissa()
            };
            Some(rows.iter().map(|i| at_scale(f(i))).collect())
        };
        InstallmentArrays {
            loan: None,
            number: rows.iter().map(|i| i.number).collect(),
            due_date: rows.iter().map(|i| date32(i.due_date)).collect(),
            days: rows.iter().map(|i| i.days).collect(),
            money: [
                column(|i| i.principal),
                column(|i| i.interest),
                column(|i| i.fees),
                column(|i| i.insurance),
                column(|i| i.savings),
                column(|i| i.total),
                column(|i| i.balance),
            ],
            scale: scale as i8,
        }
    }

    /// The record batch (no copy: each vector becomes its column's buffer).
    pub fn into_batch(self) -> Result<RecordBatch, ArrowError> {
        let dec = DataType::Decimal128(38, self.scale);
        let mut fields = Vec::with_capacity(11);
        let mut cols: Vec<ArrayRef> = Vec::with_capacity(11);
        if let Some(loan) = self.loan {
            fields.push(Field::new("loan", DataType::UInt32, false));
            cols.push(Arc::new(UInt32Array::from(loan)));
        }
        let rows = self.number.len();
        fields.push(Field::new("number", DataType::UInt32, false));
        cols.push(Arc::new(UInt32Array::from(self.number)));
        fields.push(Field::new("due_date", DataType::Date32, false));
        cols.push(Arc::new(Date32Array::from(self.due_date)));
        fields.push(Field::new("days", DataType::UInt32, false));
        cols.push(Arc::new(UInt32Array::from(self.days)));
        // Columns of zeros (a book without fees, say) share one array of zeros.
        let mut zeros: Option<ArrayRef> = None;
        for (name, v) in MONEY.into_iter().zip(self.money) {
            fields.push(Field::new(name, dec.clone(), false));
            cols.push(match v {
                Some(v) => decimal_array(v, self.scale),
                None => zeros.get_or_insert_with(|| decimal_array(vec![0; rows], self.scale)).clone(),
            });
        }
        RecordBatch::try_new(Arc::new(Schema::new(fields)), cols)
    }
}

/// The batches with their Decimal128 (money) columns as `to`: Float64 (the nearest float), or
/// Int64 of the mantissas (minor units at the column's scale, exact; a mantissa beyond int64 is
/// an error). Other columns, and other targets, are kept as they are.
///
/// ```
/// use std::sync::Arc;
/// use arrow_array::{ArrayRef, RecordBatch, cast::AsArray, types::Int64Type};
/// use arrow_schema::DataType;
/// use microcredit_tables::schedule_table::{decimal_array, money_as};
/// let batch = RecordBatch::try_from_iter([("total", decimal_array(vec![15050, 99], 2))])?;
/// let (batches, schema) = money_as(&[batch.clone()], &batch.schema(), &DataType::Int64)?;
/// assert_eq!(schema.field(0).data_type(), &DataType::Int64);
/// assert_eq!(batches[0].column(0).as_primitive::<Int64Type>().values(), &[15050, 99]);
/// # Ok::<(), arrow_schema::ArrowError>(())
/// ```
pub fn money_as(
    batches: &[RecordBatch],
    schema: &SchemaRef,
    to: &DataType,
) -> Result<(Vec<RecordBatch>, SchemaRef), ArrowError> {
    let field = |f: &Field| match f.data_type() {
        DataType::Decimal128(..) => Field::new(f.name(), to.clone(), f.is_nullable()),
        _ => f.clone(),
    };
    let schema: SchemaRef = Arc::new(Schema::new(schema.fields().iter().map(|f| field(f)).collect::<Vec<_>>()));
    let column = |a: &ArrayRef| -> Result<ArrayRef, ArrowError> {
        match (a.data_type(), to) {
            (DataType::Decimal128(..), DataType::Int64) => {
                let mantissas = a.as_primitive::<Decimal128Type>();
                let ints = mantissas.try_unary::<_, Int64Type, _>(|m| {
                    i64::try_from(m).map_err(|_| ArrowError::CastError(format!("{m} minor units exceed int64")))
                })?;
                Ok(Arc::new(ints))
            }
            (DataType::Decimal128(..), _) => arrow_cast::cast(a, to),
            _ => Ok(a.clone()),
        }
    };
    let batches = batches
        .iter()
        .map(|b| RecordBatch::try_new(schema.clone(), b.columns().iter().map(column).collect::<Result<_, _>>()?))
        .collect::<Result<Vec<_>, _>>()?;
    Ok((batches, schema))
}
