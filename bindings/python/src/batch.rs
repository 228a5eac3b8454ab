//! `schedules(frame)`: a table of loan terms in (anything exposing `__arrow_c_stream__`), the core's
//! batch run over it with the GIL released (the frame is the core's `LoanSource`: rows become
//! terms inside the core's parallel tasks), two Arrow tables out. Per-loan errors, a row's
//! conversion included, go into the loans table (a loan whose schedule is fine but whose rate has
//! no solution keeps its totals and names the pricing error there); a frame that is empty, lacks a
//! required column or has a column of the wrong type raises `ValidationError` naming the column.
//!
//! A row's error names the field and the bad value (cut to a bounded prefix): a value that a
//! column cast could not hold (a uint64 beyond int64, a decimal256 of 1e60) is reported as itself,
//! not as a missing value. The batch's memory is checked before it is allocated (`memory_limit`,
//! by default the core's `DEFAULT_MEMORY_LIMIT`; with a progress bar, the pieces share it): a book
//! too large is a `ValidationError` naming `memory_limit`, the bytes needed and the limit.

use std::ops::Range;
use std::sync::Arc;

use arrow_array::cast::AsArray;
use arrow_array::types::{Date32Type, Decimal128Type, Int64Type};
use arrow_array::{
    Array, ArrayRef, Date32Array, PrimitiveArray, RecordBatch, StringArray, UInt32Array, new_null_array,
};
use arrow_buffer::NullBuffer;
use arrow_schema::{ArrowError, DataType, Field, Schema, TimeUnit};
use chrono::NaiveDate;
use microcredit::money::parse_decimal_exact;
use microcredit::{
    Amortization, AnnuityRates, Collection, CompulsorySavings, Currency, DayCount, DeferredInterest,
    Error as CoreError, Fee, FeeKind, Frequency, Insurance, InsuranceBasis, InterestBasis, InterestMethod,
    InterestRate, LoanTerms, MonthEnd, RatePeriod, RoundingMode,
};
use microcredit_tables::batch::{
    BatchOptions, DEFAULT_MEMORY_LIMIT, InstallmentColumns, LoanSource, LoanSummary, estimated_bytes,
    schedule_batch_from,
};
use pyo3::prelude::*;
use pyo3_arrow::input::AnyRecordBatch;
use rayon::prelude::*;
use rust_decimal::Decimal;
use serde::de::DeserializeOwned;

use crate::convert::{MAX_NAME_TEXT, Quoted, show};
use crate::errors::{guard, internal, invalid, required, to_pyerr, whole_u32, wrong_type};
use crate::schedule::date32;
use crate::table::{InstallmentArrays, PyArrowTable, masked_decimal_array};
use crate::terms::frequency_name;
use microcredit::Reason;

type CoreResult<T> = Result<T, CoreError>;

/// A column of the input, normalised to a few Arrow types.
enum Col {
    Missing,
    Dec(PrimitiveArray<Decimal128Type>, i8),
    Int(PrimitiveArray<Int64Type>),
    Str(StringArray),
    Date(PrimitiveArray<Date32Type>),
    /// Timestamps without a time zone, as integers, with the number of units in a day.
    Stamp(PrimitiveArray<Int64Type>, i64),
    /// A column read through a cast that made some values null (out of the target type's
    /// range), with the original array: those rows are errors naming the original value.
    Lossy(Box<Col>, ArrayRef),
}

/// `col`, read from `cast` (a cast of `original`), remembering `original` when the cast lost
/// values (made them null). Columns that lost nothing stay as they are: no cost per row.
fn keep_lost(original: &ArrayRef, cast: &ArrayRef, col: Col) -> Col {
    if cast.null_count() > original.null_count() { Col::Lossy(Box::new(col), original.clone()) } else { col }
}

/// The error of a row whose value the column cast could not hold: the original value, shown.
#[inline(never)]
fn lost(original: &ArrayRef, i: usize, name: &str) -> CoreError {
    let reason = Reason::OutOfRangeFor { type_name: original.data_type().to_string() };
    match arrow_cast::display::ArrayFormatter::try_new(original.as_ref(), &Default::default()) {
        Ok(f) => CoreError::invalid(name, f.value(i), reason),
        Err(_) => CoreError::invalid(name, "?", reason),
    }
}

fn col_err(name: &str, dt: &DataType, reason: Reason) -> CoreError {
    CoreError::invalid(name, format!("column of type {dt}"), reason)
}

fn cast(a: &ArrayRef, to: &DataType, name: &str) -> CoreResult<ArrayRef> {
    arrow_cast::cast(a, to)
        .map_err(|e| col_err(name, a.data_type(), Reason::Unreadable { detail: format!("as {to}: {e}") }))
}

fn is_text(dt: &DataType) -> bool {
    match dt {
        DataType::Utf8 | DataType::LargeUtf8 | DataType::Utf8View => true,
        DataType::Dictionary(_, v) => is_text(v),
        _ => false,
    }
}

fn is_int(dt: &DataType) -> bool {
    matches!(
        dt,
        DataType::Int8
            | DataType::Int16
            | DataType::Int32
            | DataType::Int64
            | DataType::UInt8
            | DataType::UInt16
            | DataType::UInt32
            | DataType::UInt64
    )
}

fn text_col(a: &ArrayRef, name: &str) -> CoreResult<Col> {
    let s = if a.data_type() == &DataType::Utf8 { a.clone() } else { cast(a, &DataType::Utf8, name)? };
    Ok(Col::Str(s.as_string::<i32>().clone()))
}

/// An integer column as Int64 (a uint64 beyond int64 is kept as a lost value).
fn int64_col(a: &ArrayRef, name: &str) -> CoreResult<Col> {
    let c = cast(a, &DataType::Int64, name)?;
    Ok(keep_lost(a, &c, Col::Int(c.as_primitive::<Int64Type>().clone())))
}

fn money_col(a: Option<&ArrayRef>, name: &str) -> CoreResult<Col> {
    let Some(a) = a else { return Ok(Col::Missing) };
    let dt = a.data_type();
    match dt {
        DataType::Null => Ok(Col::Missing),
        DataType::Decimal128(_, s) => Ok(Col::Dec(a.as_primitive::<Decimal128Type>().clone(), *s)),
        DataType::Decimal32(_, s) | DataType::Decimal64(_, s) | DataType::Decimal256(_, s) => {
            let c = cast(a, &DataType::Decimal128(38, *s), name)?;
            Ok(keep_lost(a, &c, Col::Dec(c.as_primitive::<Decimal128Type>().clone(), *s)))
        }
        d if is_int(d) => int64_col(a, name),
        d if is_text(d) => text_col(a, name),
        DataType::Float16 | DataType::Float32 | DataType::Float64 => Err(col_err(name, dt, Reason::FloatNotAccepted)),
        _ => Err(col_err(name, dt, wrong_type("a decimal, integer or string column"))),
    }
}

fn int_col(a: Option<&ArrayRef>, name: &str) -> CoreResult<Col> {
    let Some(a) = a else { return Ok(Col::Missing) };
    match a.data_type() {
        DataType::Null => Ok(Col::Missing),
        d if is_int(d) => int64_col(a, name),
        d => Err(col_err(name, d, wrong_type("an integer column"))),
    }
}

fn str_col(a: Option<&ArrayRef>, name: &str) -> CoreResult<Col> {
    let Some(a) = a else { return Ok(Col::Missing) };
    match a.data_type() {
        DataType::Null => Ok(Col::Missing),
        d if is_text(d) => text_col(a, name),
        d => Err(col_err(name, d, wrong_type("a string column"))),
    }
}

fn date_col(a: Option<&ArrayRef>, name: &str) -> CoreResult<Col> {
    let Some(a) = a else { return Ok(Col::Missing) };
    let dt = a.data_type();
    let per_day = |u: &TimeUnit| match u {
        TimeUnit::Second => 86_400,
        TimeUnit::Millisecond => 86_400_000,
        TimeUnit::Microsecond => 86_400_000_000,
        TimeUnit::Nanosecond => 86_400_000_000_000,
    };
    match dt {
        DataType::Null => Ok(Col::Missing),
        DataType::Date32 => Ok(Col::Date(a.as_primitive::<Date32Type>().clone())),
        DataType::Date64 => {
            Ok(Col::Stamp(cast(a, &DataType::Int64, name)?.as_primitive::<Int64Type>().clone(), 86_400_000))
        }
        DataType::Timestamp(u, None) => {
            Ok(Col::Stamp(cast(a, &DataType::Int64, name)?.as_primitive::<Int64Type>().clone(), per_day(u)))
        }
        DataType::Timestamp(_, Some(_)) => Err(col_err(name, dt, Reason::HasTimeOfDay)),
        d if is_text(d) => text_col(a, name),
        _ => Err(col_err(name, dt, wrong_type("a date column"))),
    }
}

fn date_from_days(days: i64, name: &str) -> CoreResult<NaiveDate> {
    i32::try_from(days)
        .ok()
        .and_then(|d| d.checked_add(microcredit::calendar::UNIX_EPOCH_DAY))
        .and_then(NaiveDate::from_num_days_from_ce_opt)
        .ok_or_else(|| CoreError::invalid(name, days, Reason::OutOfCalendar))
}

impl Col {
    fn is_null(&self, i: usize) -> bool {
        match self {
            Col::Missing => true,
            Col::Dec(a, _) => a.is_null(i),
            Col::Int(a) | Col::Stamp(a, _) => a.is_null(i),
            Col::Str(a) => a.is_null(i),
            Col::Date(a) => a.is_null(i),
            Col::Lossy(c, _) => c.is_null(i),
        }
    }

    // The accessors test for a missing column inline and read a present one out of line: most
    // optional columns are absent, and each row asks every one of them.
    #[inline(always)]
    fn decimal(&self, i: usize, name: &str) -> CoreResult<Option<Decimal>> {
        if matches!(self, Col::Missing) { Ok(None) } else { self.decimal_at(i, name) }
    }

    #[inline(never)]
    fn decimal_at(&self, i: usize, name: &str) -> CoreResult<Option<Decimal>> {
        if let Col::Lossy(c, original) = self {
            return if c.is_null(i) && original.is_valid(i) {
                Err(lost(original, i, name))
            } else {
                c.decimal_at(i, name)
            };
        }
        if self.is_null(i) {
            return Ok(None);
        }
        match self {
            Col::Dec(a, s) => {
                let v = a.value(i);
                let d = if *s >= 0 {
                    Decimal::try_from_i128_with_scale(v, *s as u32).ok()
                } else {
                    10i128
                        .checked_pow(u32::from(s.unsigned_abs()))
                        .and_then(|m| v.checked_mul(m))
                        .and_then(|x| Decimal::try_from_i128_with_scale(x, 0).ok())
                };
                // (Trailing zeros are kept: the core accepts "500.00" for a 2-decimal currency.)
                d.map(Some).ok_or_else(|| CoreError::invalid(name, format!("{v}e-{s}"), Reason::TooManyDigits))
            }
            Col::Int(a) => Ok(Some(Decimal::from(a.value(i)))),
            Col::Str(a) => {
                let t = a.value(i);
                parse_decimal_exact(t).map(Some).ok_or_else(|| CoreError::invalid(name, Quoted(t), Reason::NotADecimal))
            }
            _ => Ok(None),
        }
    }

    #[inline(always)]
    fn int(&self, i: usize, name: &str) -> CoreResult<Option<u32>> {
        if matches!(self, Col::Missing) { Ok(None) } else { self.int_at(i, name) }
    }

    #[inline(never)]
    fn int_at(&self, i: usize, name: &str) -> CoreResult<Option<u32>> {
        match self {
            Col::Lossy(c, original) if c.is_null(i) && original.is_valid(i) => Err(lost(original, i, name)),
            Col::Lossy(c, _) => c.int_at(i, name),
            Col::Int(a) if !a.is_null(i) => {
                let v = a.value(i);
                u32::try_from(v).map(Some).map_err(|_| CoreError::invalid(name, v, whole_u32()))
            }
            _ => Ok(None),
        }
    }

    #[inline(always)]
    fn text(&self, i: usize) -> Option<&str> {
        match self {
            Col::Str(a) if !a.is_null(i) => Some(a.value(i)),
            Col::Lossy(c, _) => c.text(i),
            _ => None,
        }
    }

    #[inline(always)]
    fn date(&self, i: usize, name: &str) -> CoreResult<Option<NaiveDate>> {
        if matches!(self, Col::Missing) { Ok(None) } else { self.date_at(i, name) }
    }

    #[inline(never)]
    fn date_at(&self, i: usize, name: &str) -> CoreResult<Option<NaiveDate>> {
        if let Col::Lossy(c, original) = self {
            return if c.is_null(i) && original.is_valid(i) {
                Err(lost(original, i, name))
            } else {
                c.date_at(i, name)
            };
        }
        if self.is_null(i) {
            return Ok(None);
        }
        match self {
            Col::Date(a) => date_from_days(i64::from(a.value(i)), name).map(Some),
            Col::Stamp(a, per_day) => {
                let v = a.value(i);
                // Whole days and the rest, dividing by a constant for each unit.
                let split = |d: i64| (v.div_euclid(d), v.rem_euclid(d));
                let (days, rest) = match *per_day {
                    86_400 => split(86_400),
                    86_400_000 => split(86_400_000),
                    86_400_000_000 => split(86_400_000_000),
                    d => split(d),
                };
                if rest != 0 {
                    return Err(CoreError::invalid(name, v, Reason::HasTimeOfDay));
                }
                date_from_days(days, name).map(Some)
            }
            Col::Str(a) => {
                let t = a.value(i);
                let parsed =
                    if t.len() > MAX_NAME_TEXT { None } else { NaiveDate::parse_from_str(t.trim(), "%Y-%m-%d").ok() };
                parsed.map(Some).ok_or_else(|| CoreError::invalid(name, Quoted(t), Reason::NotADate))
            }
            _ => Ok(None),
        }
    }
}

/// Enum names parsed once per distinct value.
#[derive(Clone)]
struct Names<T> {
    field: &'static str,
    seen: Vec<(String, T)>,
}

impl<T: DeserializeOwned + Copy> Names<T> {
    fn new(field: &'static str) -> Self {
        Names { field, seen: Vec::new() }
    }
    #[inline(always)]
    fn get(&mut self, col: &Col, i: usize, default: T) -> CoreResult<T> {
        match col {
            Col::Missing => Ok(default),
            _ => self.get_at(col, i, default),
        }
    }

    #[inline(never)]
    fn get_at(&mut self, col: &Col, i: usize, default: T) -> CoreResult<T> {
        let Some(s) = col.text(i) else { return Ok(default) };
        if let Some((_, v)) = self.seen.iter().find(|(k, _)| k == s) {
            return Ok(*v);
        }
        if s.len() > MAX_NAME_TEXT {
            return Err(CoreError::invalid(self.field, Quoted(s), Reason::TooLong { max: MAX_NAME_TEXT as u64 }));
        }
        let v: T = serde_json::from_value(serde_json::Value::String(s.to_string())).map_err(|e| {
            let r = e.to_string();
            CoreError::invalid(
                self.field,
                Quoted(s),
                Reason::UnknownName { detail: r.split(" at line").next().unwrap_or(&r).replace('`', "'") },
            )
        })?;
        if self.seen.len() < 64 {
            self.seen.push((s.to_string(), v));
        }
        Ok(v)
    }
}

/// The columns a frame may have.
struct Columns {
    principal: Col,
    currency: Col,
    rate_percent: Col,
    installments: Col,
    disbursement_date: Col,
    rate_per: Col,
    frequency: Col,
    frequency_unit: Col,
    frequency_every: Col,
    month_end: Col,
    interest_method: Col,
    amortization: Col,
    interest_basis: Col,
    day_count: Col,
    annuity_rates: Col,
    first_repayment_date: Col,
    grace_on_principal: Col,
    grace_on_interest_payment: Col,
    deferred_interest: Col,
    interest_free_periods: Col,
    installment_multiple: Col,
    rounding: Col,
    fee_percent: Col,
    fee_amount: Col,
    fee_collect: Col,
    fee_per_installment: Col,
    insurance_percent: Col,
    insurance_basis: Col,
    insurance_collect: Col,
    savings_percent: Col,
    savings_per_installment: Col,
    terms_json: Col,
}

/// Every column name `schedules` reads.
pub const COLUMNS: [&str; 32] = [
    "principal",
    "currency",
    "rate_percent",
    "installments",
    "disbursement_date",
    "rate_per",
    "frequency",
    "frequency_unit",
    "frequency_every",
    "month_end",
    "interest_method",
    "amortization",
    "interest_basis",
    "day_count",
    "annuity_rates",
    "first_repayment_date",
    "grace_on_principal",
    "grace_on_interest_payment",
    "deferred_interest",
    "interest_free_periods",
    "installment_multiple",
    "rounding",
    "fee_percent",
    "fee_amount",
    "fee_collect",
    "fee_per_installment",
    "insurance_percent",
    "insurance_basis",
    "insurance_collect",
    "savings_percent",
    "savings_per_installment",
    "terms_json",
];

const REQUIRED: [&str; 5] = ["principal", "currency", "rate_percent", "installments", "disbursement_date"];

impl Columns {
    fn new(batch: &RecordBatch, has_json: bool) -> CoreResult<Columns> {
        let get = |n: &str| batch.column_by_name(n);
        if !has_json {
            for n in REQUIRED {
                if get(n).is_none() {
                    return Err(CoreError::invalid(
                        n,
                        "missing",
                        Reason::MissingColumn {
                            required: "principal, currency, rate_percent, installments, disbursement_date".into(),
                        },
                    ));
                }
            }
        }
        Ok(Columns {
            principal: money_col(get("principal"), "principal")?,
            currency: str_col(get("currency"), "currency")?,
            rate_percent: money_col(get("rate_percent"), "rate_percent")?,
            installments: int_col(get("installments"), "installments")?,
            disbursement_date: date_col(get("disbursement_date"), "disbursement_date")?,
            rate_per: str_col(get("rate_per"), "rate_per")?,
            frequency: str_col(get("frequency"), "frequency")?,
            frequency_unit: str_col(get("frequency_unit"), "frequency_unit")?,
            frequency_every: int_col(get("frequency_every"), "frequency_every")?,
            month_end: str_col(get("month_end"), "month_end")?,
            interest_method: str_col(get("interest_method"), "interest_method")?,
            amortization: str_col(get("amortization"), "amortization")?,
            interest_basis: str_col(get("interest_basis"), "interest_basis")?,
            day_count: str_col(get("day_count"), "day_count")?,
            annuity_rates: str_col(get("annuity_rates"), "annuity_rates")?,
            first_repayment_date: date_col(get("first_repayment_date"), "first_repayment_date")?,
            grace_on_principal: int_col(get("grace_on_principal"), "grace_on_principal")?,
            grace_on_interest_payment: int_col(get("grace_on_interest_payment"), "grace_on_interest_payment")?,
            deferred_interest: str_col(get("deferred_interest"), "deferred_interest")?,
            interest_free_periods: int_col(get("interest_free_periods"), "interest_free_periods")?,
            installment_multiple: money_col(get("installment_multiple"), "installment_multiple")?,
            rounding: str_col(get("rounding"), "rounding")?,
            fee_percent: money_col(get("fee_percent"), "fee_percent")?,
            fee_amount: money_col(get("fee_amount"), "fee_amount")?,
            fee_collect: str_col(get("fee_collect"), "fee_collect")?,
            fee_per_installment: money_col(get("fee_per_installment"), "fee_per_installment")?,
            insurance_percent: money_col(get("insurance_percent"), "insurance_percent")?,
            insurance_basis: str_col(get("insurance_basis"), "insurance_basis")?,
            insurance_collect: str_col(get("insurance_collect"), "insurance_collect")?,
            savings_percent: money_col(get("savings_percent"), "savings_percent")?,
            savings_per_installment: money_col(get("savings_per_installment"), "savings_per_installment")?,
            terms_json: str_col(get("terms_json"), "terms_json")?,
        })
    }
}

/// Parsers for the enum columns, shared across rows.
#[derive(Clone)]
struct Parsers {
    rate_per: Names<RatePeriod>,
    month_end: Names<MonthEnd>,
    interest_method: Names<InterestMethod>,
    amortization: Names<Amortization>,
    interest_basis: Names<InterestBasis>,
    day_count: Names<DayCount>,
    deferred_interest: Names<DeferredInterest>,
    rounding: Names<RoundingMode>,
    fee_collect: Names<Collection>,
    insurance_basis: Names<InsuranceBasis>,
    insurance_collect: Names<Collection>,
    annuity_rates: Names<AnnuityRates>,
    currency: Vec<(String, Currency)>,
    frequency: Vec<(String, Frequency)>,
    template: LoanTerms,
}

impl Parsers {
    fn new() -> CoreResult<Self> {
        let template = LoanTerms::builder(
            Decimal::ONE_HUNDRED,
            Currency::USD,
            InterestRate::per_year(Decimal::ONE),
            1,
            Frequency::monthly(),
            NaiveDate::from_ymd_opt(2025, 1, 1).unwrap_or_default(),
        )
        .build()?;
        Ok(Parsers {
            annuity_rates: Names::new("annuity_rates"),
            template,
            rate_per: Names::new("rate_per"),
            month_end: Names::new("month_end"),
            interest_method: Names::new("interest_method"),
            amortization: Names::new("amortization"),
            interest_basis: Names::new("interest_basis"),
            day_count: Names::new("day_count"),
            deferred_interest: Names::new("deferred_interest"),
            rounding: Names::new("rounding"),
            fee_collect: Names::new("fee_collect"),
            insurance_basis: Names::new("insurance_basis"),
            insurance_collect: Names::new("insurance_collect"),
            currency: Vec::new(),
            frequency: Vec::new(),
        })
    }

    fn currency(&mut self, c: &Col, i: usize) -> CoreResult<Currency> {
        let Some(s) = c.text(i) else { return Err(CoreError::invalid("currency", "null", required())) };
        if let Some((_, v)) = self.currency.iter().find(|(k, _)| k == s) {
            return Ok(*v);
        }
        let v = Currency::from_code(s)?;
        if self.currency.len() < 64 {
            self.currency.push((s.to_string(), v));
        }
        Ok(v)
    }

    fn frequency(&mut self, c: &Columns, i: usize) -> CoreResult<Frequency> {
        if let Some(s) = c.frequency.text(i) {
            if let Some((_, v)) = self.frequency.iter().find(|(k, _)| k == s) {
                return Ok(*v);
            }
            let v = match frequency_name(s) {
                Some(f) => f,
                None => serde_json::from_str::<Frequency>(s).map_err(|_| {
                    CoreError::invalid(
                        "frequency",
                        Quoted(s),
                        Reason::UnknownName {
                            detail: "expected daily, weekly, fortnightly, four_weekly, monthly, quarterly or a JSON object like {\"unit\": \"weeks\", \"every\": 2}".into(),
                        },
                    )
                })?,
            };
            if self.frequency.len() < 64 {
                self.frequency.push((s.to_string(), v));
            }
            return Ok(v);
        }
        let every = c.frequency_every.int(i, "frequency_every")?.unwrap_or(1);
        let month_end = self.month_end.get(&c.month_end, i, MonthEnd::SameDay)?;
        Ok(match c.frequency_unit.text(i).unwrap_or("months") {
            "months" | "month" => Frequency::Months { every, month_end },
            "weeks" | "week" => Frequency::Weeks { every },
            "days" | "day" => Frequency::Days { every },
            other => {
                return Err(CoreError::invalid(
                    "frequency_unit",
                    Quoted(other),
                    Reason::UnknownName {
                        detail: "expected days, weeks or months (use the frequency column for semi_monthly)".into(),
                    },
                ));
            }
        })
    }

    /// The terms of row `i` from the columns, written over `t` (the terms of an earlier row or the
    /// template): every field the columns can set is set, the others keep the core's defaults.
    fn row_into(&mut self, c: &Columns, i: usize, t: &mut LoanTerms) -> CoreResult<()> {
        let req = |v: Option<Decimal>, n: &str| v.ok_or_else(|| CoreError::invalid(n, "null", required()));
        t.principal = req(c.principal.decimal(i, "principal")?, "principal")?;
        t.currency = self.currency(&c.currency, i)?;
        let percent = req(c.rate_percent.decimal(i, "rate_percent")?, "rate_percent")?;
        t.installments = c
            .installments
            .int(i, "installments")?
            .ok_or_else(|| CoreError::invalid("installments", "null", required()))?;
        t.disbursement_date = c
            .disbursement_date
            .date(i, "disbursement_date")?
            .ok_or_else(|| CoreError::invalid("disbursement_date", "null", required()))?;
        // The fees' vector is the previous row's, cleared: no allocation per row.
        t.fees.clear();
        let fee_collect = self.fee_collect.get(&c.fee_collect, i, Collection::Deducted)?;
        if let Some(p) = c.fee_percent.decimal(i, "fee_percent")? {
            t.fees.push(Fee {
                name: None,
                kind: FeeKind::Upfront,
                amount: None,
                percent: Some(p),
                collect: fee_collect,
            });
        }
        if let Some(a) = c.fee_amount.decimal(i, "fee_amount")? {
            t.fees.push(Fee {
                name: None,
                kind: FeeKind::Upfront,
                amount: Some(a),
                percent: None,
                collect: fee_collect,
            });
        }
        if let Some(a) = c.fee_per_installment.decimal(i, "fee_per_installment")? {
            t.fees.push(Fee::per_installment(a));
        }
        t.insurance = match c.insurance_percent.decimal(i, "insurance_percent")? {
            Some(p) => Some(Insurance {
                percent: p,
                basis: self.insurance_basis.get(&c.insurance_basis, i, InsuranceBasis::OutstandingBalance)?,
                collect: self.insurance_collect.get(&c.insurance_collect, i, Collection::Deducted)?,
            }),
            None => None,
        };
        let sp = c.savings_percent.decimal(i, "savings_percent")?;
        let si = c.savings_per_installment.decimal(i, "savings_per_installment")?;
        t.savings = if sp.is_some() || si.is_some() {
            Some(CompulsorySavings {
                at_disbursement_percent: sp.unwrap_or_default(),
                per_installment: si.unwrap_or_default(),
            })
        } else {
            None
        };
        t.rate = InterestRate { percent, per: self.rate_per.get(&c.rate_per, i, RatePeriod::default())? };
        t.interest_method = self.interest_method.get(&c.interest_method, i, InterestMethod::default())?;
        t.amortization = self.amortization.get(&c.amortization, i, Amortization::default())?;
        t.interest_basis = self.interest_basis.get(&c.interest_basis, i, InterestBasis::default())?;
        t.day_count = self.day_count.get(&c.day_count, i, DayCount::default())?;
        t.annuity_rates = self.annuity_rates.get(&c.annuity_rates, i, AnnuityRates::default())?;
        t.frequency = self.frequency(c, i)?;
        t.first_repayment_date = c.first_repayment_date.date(i, "first_repayment_date")?;
        t.grace_on_principal = c.grace_on_principal.int(i, "grace_on_principal")?.unwrap_or(0);
        t.grace_on_interest_payment = c.grace_on_interest_payment.int(i, "grace_on_interest_payment")?.unwrap_or(0);
        t.deferred_interest = self.deferred_interest.get(&c.deferred_interest, i, DeferredInterest::default())?;
        t.interest_free_periods = c.interest_free_periods.int(i, "interest_free_periods")?.unwrap_or(0);
        t.installment_multiple = c.installment_multiple.decimal(i, "installment_multiple")?;
        t.rounding = self.rounding.get(&c.rounding, i, RoundingMode::default())?;
        Ok(())
    }
}

/// One record batch of the frame (rows `rows` of it) as the core's [`LoanSource`]: each row is
/// converted to terms inside the core's parallel tasks, into terms the task reuses. Rows given as
/// `terms_json` are parsed beforehand (their number of installments is needed to place their rows).
struct Frame<'a> {
    cols: &'a Columns,
    /// Per row of the batch, its terms parsed from `terms_json` (empty without that column).
    json: &'a [Option<CoreResult<LoanTerms>>],
    parsers: &'a Parsers,
    rows: Range<usize>,
}

impl LoanSource for Frame<'_> {
    /// The parsers and the terms a task converts rows into.
    type Scratch = (Parsers, LoanTerms);

    fn len(&self) -> usize {
        self.rows.len()
    }

    fn installments(&self, i: usize) -> u32 {
        let i = self.rows.start + i;
        if let (Col::Int(a), true) = (&self.cols.installments, self.json.is_empty()) {
            // (Read twice a loan: kept to a load and a test.)
            return if a.is_valid(i) { u32::try_from(a.value(i)).unwrap_or(0) } else { 0 };
        }
        match self.json.get(i) {
            Some(Some(parsed)) => parsed.as_ref().map_or(0, |t| t.installments),
            _ => self.cols.installments.int(i, "installments").ok().flatten().unwrap_or(0),
        }
    }

    fn scratch(&self) -> Self::Scratch {
        (self.parsers.clone(), self.parsers.template.clone())
    }

    fn terms<'s>(&'s self, i: usize, scratch: &'s mut Self::Scratch) -> CoreResult<&'s LoanTerms> {
        let i = self.rows.start + i;
        if let Some(Some(parsed)) = self.json.get(i) {
            return parsed.as_ref().map_err(Clone::clone);
        }
        let (parsers, terms) = scratch;
        parsers.row_into(self.cols, i, terms)?;
        Ok(terms)
    }
}

/// One record batch of the frame: its columns read, its `terms_json` parsed, its number of rows.
struct Part {
    cols: Columns,
    json: Vec<Option<CoreResult<LoanTerms>>>,
    rows: usize,
}

/// The frame's record batches.
struct Input {
    parts: Vec<Part>,
    parsers: Parsers,
    rows: usize,
}

impl Input {
    fn new(batches: &[RecordBatch]) -> CoreResult<Input> {
        let rows: usize = batches.iter().map(|b| b.num_rows()).sum();
        if rows == 0 {
            return Err(CoreError::invalid("frame", "0 rows", Reason::NoRows));
        }
        if u32::try_from(rows).is_err() {
            return Err(CoreError::invalid("frame", rows, Reason::TooManyRows));
        }
        let mut parts = Vec::with_capacity(batches.len());
        for b in batches {
            let has_json = b.column_by_name("terms_json").is_some();
            let cols = Columns::new(b, has_json)?;
            let json = if has_json {
                (0..b.num_rows()).into_par_iter().map(|i| cols.terms_json.text(i).map(LoanTerms::from_json)).collect()
            } else {
                Vec::new()
            };
            parts.push(Part { cols, json, rows: b.num_rows() });
        }
        Ok(Input { parts, parsers: Parsers::new()?, rows })
    }

    /// The frame in pieces of at most `size` rows, each with the index of its first row.
    fn pieces(&self, size: usize) -> Vec<(u32, Frame<'_>)> {
        let mut out = Vec::new();
        let mut first = 0usize;
        for Part { cols, json, rows: n } in &self.parts {
            for start in (0..*n).step_by(size.max(1)) {
                let rows = start..start.saturating_add(size).min(*n);
                let at = (first + start) as u32;
                out.push((at, Frame { cols, json, parsers: &self.parsers, rows }));
            }
            first += n;
        }
        out
    }
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
    InstallmentArrays { loan: Some(loan), number, due_date: due_day, days, money, scale: scale as i8 }.into_batch()
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
    RecordBatch::try_new(Arc::new(Schema::new(fields)), cols)
}

/// Rows per record batch of the loans table (built in parallel).
const LOANS_PER_BATCH: usize = 16_384;

/// Build the two tables from the core's output: the installments of each core run (with the
/// input row of its first loan) as one record batch each, and the loans, one per input row.
/// Takes everything by value so the inputs are freed here too, with the GIL released.
fn tables(
    parts: Vec<(u32, InstallmentColumns<i128>)>,
    loans: Vec<CoreResult<LoanSummary>>,
    pricing: bool,
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
                .map(|(offset, cols)| installment_batch(factors.as_deref(), offset, cols, scale))
                .collect::<Result<Vec<_>, _>>()
        },
        || {
            let _span = tracing::debug_span!("loans_table").entered();
            // In parallel, a record batch per block of rows.
            loans
                .par_chunks(LOANS_PER_BATCH)
                .enumerate()
                .map(|(k, block)| loans_batch((k * LOANS_PER_BATCH) as u32, block, pricing, scale))
                .collect::<Result<Vec<_>, _>>()
        },
    );
    Ok((inst.map_err(arrow_err("installments"))?, loans.map_err(arrow_err("loans"))?))
}

const PROGRESS_CHUNK: usize = 16_384;

/// A flag given as a bool or a numpy bool (None: `default`); anything else, an int included, is a
/// `ValidationError`.
fn flag(obj: Option<&Bound<'_, PyAny>>, field: &str, default: bool) -> PyResult<bool> {
    match obj {
        Some(o) if !o.is_none() => o.extract::<bool>().map_err(|_| invalid(field, show(o), wrong_type("a bool"))),
        _ => Ok(default),
    }
}

/// The memory limit in bytes: a whole number >= 0 (None: the core's default).
fn memory_limit(obj: Option<&Bound<'_, PyAny>>) -> PyResult<u64> {
    match obj {
        Some(o) if !o.is_none() => {
            if o.is_instance_of::<pyo3::types::PyBool>() || !o.is_instance_of::<pyo3::types::PyInt>() {
                return Err(invalid("memory_limit", show(o), wrong_type("an int (bytes) or None")));
            }
            o.extract::<u64>().map_err(|_| {
                invalid("memory_limit", show(o), Reason::WholeNumber { min: "0".into(), max: "2**64 - 1".into() })
            })
        }
        _ => Ok(DEFAULT_MEMORY_LIMIT),
    }
}

/// Schedules (and, with `pricing`, APR/EIR/XIRR) of every loan in `frame`.
///
/// `memory_limit` (bytes; None: the core's default of 4 GiB) bounds the memory of the batch,
/// estimated from the loans' numbers of installments before anything is allocated: a larger book
/// raises `ValidationError` with `.kind == "limit_exceeded"`, `.field == "memory_limit"` and
/// `.value` the bytes it would need. Raise the limit or split the frame.
#[pyfunction]
#[pyo3(signature = (frame, *, pricing = None, progress = None, memory_limit = None))]
#[pyo3(text_signature = "(frame, *, pricing=True, progress=False, memory_limit=None)")]
pub fn schedules(
    py: Python<'_>,
    frame: &Bound<'_, PyAny>,
    pricing: Option<&Bound<'_, PyAny>>,
    progress: Option<&Bound<'_, PyAny>>,
    memory_limit: Option<&Bound<'_, PyAny>>,
) -> PyResult<(PyArrowTable, PyArrowTable)> {
    guard("schedules", || {
        let pricing = flag(pricing, "pricing", true)?;
        let progress = flag(progress, "progress", false)?;
        let limit = self::memory_limit(memory_limit)?;
        run(py, frame, pricing, progress, limit)
    })
}

fn run(
    py: Python<'_>,
    frame: &Bound<'_, PyAny>,
    pricing: bool,
    progress: bool,
    limit: u64,
) -> PyResult<(PyArrowTable, PyArrowTable)> {
    let input = frame.extract::<AnyRecordBatch>().map_err(|_| {
        invalid("frame", show(frame), wrong_type("a table exposing __arrow_c_stream__ (pandas, polars or pyarrow)"))
    })?;
    let reader =
        input.into_reader().map_err(|e| invalid("frame", "stream", Reason::Unreadable { detail: e.to_string() }))?;
    let batches: Vec<RecordBatch> = reader
        .collect::<Result<_, _>>()
        .map_err(|e| invalid("frame", "stream", Reason::Unreadable { detail: e.to_string() }))?;
    let span = tracing::debug_span!("schedules", loans = tracing::field::Empty).entered();
    let input = py.detach(|| Input::new(&batches)).map_err(to_pyerr)?;
    span.record("loans", input.rows);
    let scheduling = tracing::debug_span!("schedule_batch").entered();
    let bar = if progress { tqdm(py, input.rows)? } else { None };
    // Installments of each run of the core, with the input row of its first loan; the loans'
    // summaries (or errors) in input order.
    let pieces = input.pieces(if bar.is_some() { PROGRESS_CHUNK } else { usize::MAX });
    let mut parts = Vec::with_capacity(pieces.len());
    let mut loans = Vec::new();
    // The pieces share the limit: each runs with what the earlier ones left.
    let mut used = 0u64;
    for (at, frame) in &pieces {
        let opts = BatchOptions::default().with_pricing(pricing).with_memory_limit(limit.saturating_sub(used));
        let part = py.detach(|| schedule_batch_from::<i128, _>(frame, opts)).map_err(|e| match e {
            CoreError::LimitExceeded { what, requested, .. } => {
                to_pyerr(CoreError::LimitExceeded { what, requested: used.saturating_add(requested), limit })
            }
            other => to_pyerr(other),
        })?;
        used = used.saturating_add(estimated_bytes::<i128>(part.loans.len(), part.rows()));
        parts.push((*at, part.installments));
        if loans.is_empty() {
            loans = part.loans;
        } else {
            loans.extend(part.loans);
        }
        if let Some(bar) = &bar {
            bar.call_method1("update", (frame.len(),))?;
        }
    }
    if let Some(bar) = &bar {
        bar.call_method0("close")?;
    }
    drop(scheduling);
    drop(pieces);
    let (inst, loans) = py
        .detach(|| {
            let _span = tracing::debug_span!("tables").entered();
            let out = tables(parts, loans, pricing);
            drop(input);
            drop(batches);
            out
        })
        .map_err(to_pyerr)?;
    let table = |batches: Vec<RecordBatch>| {
        let schema = batches.first().map(|b| b.schema()).ok_or_else(|| internal("schedules (an empty table)"))?;
        PyResult::Ok(PyArrowTable { batches, schema })
    };
    Ok((table(inst)?, table(loans)?))
}

/// A tqdm progress bar, or None when tqdm is not installed.
fn tqdm<'py>(py: Python<'py>, total: usize) -> PyResult<Option<Bound<'py, PyAny>>> {
    match py.import("tqdm.auto") {
        Ok(m) => {
            let kw = pyo3::types::PyDict::new(py);
            kw.set_item("total", total)?;
            kw.set_item("unit", "loan")?;
            kw.set_item("desc", "schedules")?;
            Ok(Some(m.getattr("tqdm")?.call((), Some(&kw))?))
        }
        Err(_) => Ok(None),
    }
}
