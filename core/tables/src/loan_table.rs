//! The loans table read: the flat-row schema of a book of loans (one row per loan, [`COLUMNS`]),
//! its defaults and its validation, in one place for every reader (the Python package, a Rust
//! service, a Spark job through Arrow). Rows become the core's `LoanTerms` inside the batch's
//! parallel tasks ([`LoanTable`] pieces are the batch's [`LoanSource`]s).
//!
//! What a table may hold:
//! - every column of [`COLUMNS`] (five required: principal, currency, rate_percent, installments,
//!   disbursement_date; or `terms_json`, the JSON form of each loan's terms);
//! - columns the caller names in [`ReadOptions::keep`] (a loan id, a branch): not read, carried
//!   through untouched to the output tables;
//! - nothing else: an unknown column is an error naming the known column nearest in spelling
//!   (`fee_pct` → `fee_percent`), unless [`ReadOptions::keep_unknown`] carries them all through.
//!   Columns pandas adds for its index (`__index_level_0__`) are ignored.
//!
//! Money and rates come as decimals, integers or text, exactly; float columns (what a CSV reader
//! gives) are read through each value's shortest decimal text (`1000.1` is 1000.1, never
//! 1000.100000000000022737...), and the core's rules then refuse a value finer than the currency's
//! minor units. A float NaN is a missing value (pandas' way of writing one).

use std::ops::Range;

use arrow_array::cast::AsArray;
use arrow_array::types::{Date32Type, Decimal128Type, Float64Type, Int64Type};
use arrow_array::{Array, ArrayRef, PrimitiveArray, RecordBatch, StringArray};
use arrow_schema::{DataType, TimeUnit};
use chrono::NaiveDate;
use microcredit::error::{MAX_NAME_TEXT, Quoted};
use microcredit::money::parse_decimal_exact;
use microcredit::{
    Amortization, AnnuityRates, Collection, CompulsorySavings, Currency, DayCount, DeferredInterest,
    Error as CoreError, Fee, FeeKind, Frequency, Insurance, InsuranceBasis, InterestBasis, InterestMethod,
    InterestRate, LoanTerms, MonthEnd, RatePeriod, Reason, RoundingMode,
};
use rayon::prelude::*;
use rust_decimal::Decimal;
use serde::de::DeserializeOwned;

use crate::batch::LoanSource;

type CoreResult<T> = Result<T, CoreError>;

/// A column of the input, normalised to a few Arrow types.
pub(crate) enum Col {
    Missing,
    Dec(PrimitiveArray<Decimal128Type>, i8),
    /// Floats, read through each value's shortest decimal text.
    Float(PrimitiveArray<Float64Type>),
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

pub(crate) fn money_col(a: Option<&ArrayRef>, name: &str) -> CoreResult<Col> {
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
        DataType::Float16 | DataType::Float32 | DataType::Float64 => float_col(a, name),
        _ => Err(col_err(name, dt, Reason::wrong_type("a decimal, integer, float or string column"))),
    }
}

/// A float column as Float64 (a float32 widens exactly; its shortest text is then the float64's).
fn float_col(a: &ArrayRef, name: &str) -> CoreResult<Col> {
    let c = if a.data_type() == &DataType::Float64 { a.clone() } else { cast(a, &DataType::Float64, name)? };
    Ok(Col::Float(c.as_primitive::<Float64Type>().clone()))
}

/// A count column: integers, or floats holding whole numbers (a CSV column with a blank cell
/// reads as floats).
pub(crate) fn int_col(a: Option<&ArrayRef>, name: &str) -> CoreResult<Col> {
    let Some(a) = a else { return Ok(Col::Missing) };
    match a.data_type() {
        DataType::Null => Ok(Col::Missing),
        d if is_int(d) => int64_col(a, name),
        DataType::Float16 | DataType::Float32 | DataType::Float64 => float_col(a, name),
        d => Err(col_err(name, d, Reason::wrong_type("an integer column"))),
    }
}

/// The exact decimal of a float's shortest round-trip text; NaN is a missing value.
pub(crate) fn float_decimal(v: f64, name: &str) -> CoreResult<Option<Decimal>> {
    if v.is_nan() {
        return Ok(None);
    }
    // Rust writes a float's shortest round-trip digits, never in exponent form.
    let text = if v.is_finite() { v.to_string() } else { String::new() };
    parse_decimal_exact(&text).map(Some).ok_or_else(|| CoreError::invalid(name, v, Reason::NotADecimal))
}

pub(crate) fn str_col(a: Option<&ArrayRef>, name: &str) -> CoreResult<Col> {
    let Some(a) = a else { return Ok(Col::Missing) };
    match a.data_type() {
        DataType::Null => Ok(Col::Missing),
        d if is_text(d) => text_col(a, name),
        d => Err(col_err(name, d, Reason::wrong_type("a string column"))),
    }
}

pub(crate) fn date_col(a: Option<&ArrayRef>, name: &str) -> CoreResult<Col> {
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
        _ => Err(col_err(name, dt, Reason::wrong_type("a date column"))),
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
    pub(crate) fn is_null(&self, i: usize) -> bool {
        match self {
            Col::Missing => true,
            Col::Dec(a, _) => a.is_null(i),
            Col::Float(a) => a.is_null(i) || a.value(i).is_nan(),
            Col::Int(a) | Col::Stamp(a, _) => a.is_null(i),
            Col::Str(a) => a.is_null(i),
            Col::Date(a) => a.is_null(i),
            Col::Lossy(c, _) => c.is_null(i),
        }
    }

    // The accessors test for a missing column inline and read a present one out of line: most
    // optional columns are absent, and each row asks every one of them.
    #[inline(always)]
    pub(crate) fn decimal(&self, i: usize, name: &str) -> CoreResult<Option<Decimal>> {
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
            Col::Float(a) => float_decimal(a.value(i), name),
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
                u32::try_from(v).map(Some).map_err(|_| CoreError::invalid(name, v, Reason::whole_u32()))
            }
            Col::Float(a) if !self.is_null(i) => {
                let v = a.value(i);
                let whole = v.fract() == 0.0 && (0.0..=f64::from(u32::MAX)).contains(&v);
                if whole { Ok(Some(v as u32)) } else { Err(CoreError::invalid(name, v, Reason::whole_u32())) }
            }
            _ => Ok(None),
        }
    }

    #[inline(always)]
    pub(crate) fn text(&self, i: usize) -> Option<&str> {
        match self {
            Col::Str(a) if !a.is_null(i) => Some(a.value(i)),
            Col::Lossy(c, _) => c.text(i),
            _ => None,
        }
    }

    #[inline(always)]
    pub(crate) fn date(&self, i: usize, name: &str) -> CoreResult<Option<NaiveDate>> {
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
                let parsed = if t.len() > MAX_NAME_TEXT { None } else { microcredit::calendar::parse_date_exact(t) };
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

/// Parsers for the enum columns, shared across rows (a task of the batch has its own copy).
#[derive(Clone)]
pub struct Parsers {
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
        let Some(s) = c.text(i) else { return Err(CoreError::invalid("currency", "null", Reason::required())) };
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
            let v = match Frequency::from_name(s) {
                Some(f) => f,
                None => serde_json::from_str::<Frequency>(s).map_err(|_| {
                    Frequency::unknown_name(s, "a JSON object like {\"unit\": \"weeks\", \"every\": 2}")
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
        let req = |v: Option<Decimal>, n: &str| v.ok_or_else(|| CoreError::invalid(n, "null", Reason::required()));
        t.principal = req(c.principal.decimal(i, "principal")?, "principal")?;
        t.currency = self.currency(&c.currency, i)?;
        let percent = req(c.rate_percent.decimal(i, "rate_percent")?, "rate_percent")?;
        t.installments = c
            .installments
            .int(i, "installments")?
            .ok_or_else(|| CoreError::invalid("installments", "null", Reason::required()))?;
        t.disbursement_date = c
            .disbursement_date
            .date(i, "disbursement_date")?
            .ok_or_else(|| CoreError::invalid("disbursement_date", "null", Reason::required()))?;
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

/// Rows `rows` of one record batch of a [`LoanTable`], as a batch's [`LoanSource`]: each row is
/// converted to terms inside the batch's parallel tasks, into terms the task reuses. Rows given as
/// `terms_json` are parsed beforehand (their number of installments is needed to place their rows).
pub struct TablePiece<'a> {
    cols: &'a Columns,
    /// Per row of the batch, its terms parsed from `terms_json` (empty without that column).
    json: &'a [Option<CoreResult<LoanTerms>>],
    parsers: &'a Parsers,
    rows: Range<usize>,
}

impl LoanSource for TablePiece<'_> {
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

/// One record batch of the table: its columns read, its `terms_json` parsed, its number of rows.
struct Part {
    cols: Columns,
    json: Vec<Option<CoreResult<LoanTerms>>>,
    rows: usize,
}

/// How a loans table is read: which columns beyond [`COLUMNS`] it may have.
///
/// ```
/// use microcredit_tables::loan_table::ReadOptions;
/// let options = ReadOptions::default().keep(["loan_id", "branch"]);
/// assert_eq!(options.kept(), ["loan_id", "branch"]);
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct ReadOptions {
    keep: Vec<String>,
    keep_unknown: bool,
}

impl ReadOptions {
    /// Columns carried through untouched to the output tables (a loan id, a branch, an officer):
    /// the table must have them.
    pub fn keep<S: Into<String>>(mut self, names: impl IntoIterator<Item = S>) -> Self {
        self.keep = names.into_iter().map(Into::into).collect();
        self
    }

    /// Carry every column the table does not read through to the output tables, instead of
    /// refusing it as a probable misspelling (default `false`).
    pub fn keep_unknown(mut self, yes: bool) -> Self {
        self.keep_unknown = yes;
        self
    }

    /// The columns named by [`ReadOptions::keep`].
    pub fn kept(&self) -> &[String] {
        &self.keep
    }
}

/// The names of the output tables' own columns: a carried column may not take one.
pub const OUTPUT_COLUMNS: [&str; 27] = [
    "loan",
    "currency",
    "loan_amount",
    "net_disbursement",
    "installments",
    "total_interest",
    "total_fees",
    "total_insurance",
    "total_paid",
    "maturity_date",
    "apr",
    "eir",
    "xirr",
    "error_kind",
    "error_field",
    "error",
    "number",
    "due_date",
    "days",
    "principal",
    "interest",
    "fees",
    "insurance",
    "savings",
    "total",
    "balance",
    "loans",
];

/// A loans table read for a batch: its record batches' columns, checked against the schema, and
/// the columns carried through (one array each, over every row).
pub struct LoanTable {
    parts: Vec<Part>,
    parsers: Parsers,
    rows: usize,
    carried: Vec<(String, ArrayRef)>,
}

impl LoanTable {
    /// Read `batches` (one table's record batches, one schema): a table without rows, without
    /// a required column, with a column of the wrong type or with an unknown column is an error
    /// naming the column. Rows are read later, by the batch's tasks; a bad row is that loan's
    /// error.
    ///
    /// ```
    /// use std::sync::Arc;
    /// use arrow_array::{ArrayRef, Float64Array, Int64Array, RecordBatch, StringArray};
    /// use microcredit_tables::loan_table::{LoanTable, ReadOptions};
    /// let column = |a: ArrayRef| a;
    /// let batch = RecordBatch::try_from_iter([
    ///     ("principal", column(Arc::new(Float64Array::from(vec![1000.0])))),
    ///     ("currency", column(Arc::new(StringArray::from(vec!["USD"])))),
    ///     ("rate_percent", column(Arc::new(Float64Array::from(vec![24.0])))),
    ///     ("installments", column(Arc::new(Int64Array::from(vec![12])))),
    ///     ("disbursement_date", column(Arc::new(StringArray::from(vec!["2026-01-15"])))),
    ///     ("fee_pct", column(Arc::new(Float64Array::from(vec![2.0])))),
    /// ]).unwrap();
    /// let err = LoanTable::read(&[batch], &ReadOptions::default()).err().unwrap();
    /// assert_eq!(err.field(), Some("fee_pct"));
    /// assert!(err.to_string().contains("fee_percent"));
    /// ```
    pub fn read(batches: &[RecordBatch], options: &ReadOptions) -> CoreResult<LoanTable> {
        let rows: usize = batches.iter().map(|b| b.num_rows()).sum();
        if rows == 0 {
            return Err(CoreError::invalid("frame", "0 rows", Reason::NoRows));
        }
        if u32::try_from(rows).is_err() {
            return Err(CoreError::invalid("frame", rows, Reason::TooManyRows));
        }
        let names = carried_names(&batches[0], options)?;
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
        let mut carried = Vec::with_capacity(names.len());
        for name in names {
            let arrays: Vec<&dyn Array> =
                batches.iter().filter_map(|b| b.column_by_name(&name)).map(|a| a.as_ref()).collect();
            let whole = arrow_select::concat::concat(&arrays).map_err(|e| {
                CoreError::invalid(name.as_str(), "column", Reason::Unreadable { detail: e.to_string() })
            })?;
            carried.push((name, whole));
        }
        Ok(LoanTable { parts, parsers: Parsers::new()?, rows, carried })
    }

    /// Number of loans (rows).
    pub fn len(&self) -> usize {
        self.rows
    }

    /// Whether the table has no loans (never: [`LoanTable::read`] refuses an empty table).
    pub fn is_empty(&self) -> bool {
        self.rows == 0
    }

    /// The columns carried through to the outputs, each over every row, in the table's order.
    pub fn carried(&self) -> &[(String, ArrayRef)] {
        &self.carried
    }

    /// The table in pieces of at most `size` rows, each with the index of its first row.
    pub fn pieces(&self, size: usize) -> Vec<(u32, TablePiece<'_>)> {
        let mut out = Vec::new();
        let mut first = 0usize;
        for Part { cols, json, rows: n } in &self.parts {
            for start in (0..*n).step_by(size.max(1)) {
                let rows = start..start.saturating_add(size).min(*n);
                let at = (first + start) as u32;
                out.push((at, TablePiece { cols, json, parsers: &self.parsers, rows }));
            }
            first += n;
        }
        out
    }
}

/// The columns of `batch` to carry through, in its order; an unknown column not carried is an
/// error naming the nearest known column.
fn carried_names(batch: &RecordBatch, options: &ReadOptions) -> CoreResult<Vec<String>> {
    let schema = batch.schema();
    for name in &options.keep {
        if schema.column_with_name(name).is_none() {
            let reason = Reason::MissingColumn { required: bounded_name(name) };
            return Err(CoreError::invalid("keep", Quoted(&bounded_name(name)), reason));
        }
    }
    let mut names = Vec::new();
    for field in schema.fields() {
        let name = field.name();
        let kept = options.keep.iter().any(|k| k == name);
        if COLUMNS.contains(&name.as_str()) && !kept {
            continue;
        }
        if name.starts_with("__index_level_") && !kept {
            continue; // pandas' index, added by pyarrow
        }
        if !kept && !options.keep_unknown {
            let reason = Reason::UnknownColumn { nearest: nearest_column(name) };
            return Err(CoreError::invalid(bounded_name(name), "column", reason));
        }
        if OUTPUT_COLUMNS.contains(&name.as_str()) {
            return Err(CoreError::invalid(bounded_name(name), "column", Reason::ColumnNameTaken));
        }
        names.push(name.clone());
    }
    Ok(names)
}

/// A column name cut to [`MAX_NAME_TEXT`] characters for an error.
fn bounded_name(name: &str) -> String {
    name.chars().take(MAX_NAME_TEXT).collect()
}

/// The known columns nearest in spelling to `name`: those it begins (`rate` → `rate_percent` or
/// `rate_per`), else the one with the fewest single-letter edits (`fee_pct` → `fee_percent`);
/// several are joined by `' or '`, as the error message quotes them.
///
/// ```
/// use microcredit_tables::loan_table::nearest_column;
/// assert_eq!(nearest_column("fee_pct"), "fee_percent");
/// assert_eq!(nearest_column("rate"), "rate_percent' or 'rate_per");
/// ```
pub fn nearest_column(name: &str) -> String {
    nearest_of(name, &COLUMNS)
}

/// The name of `columns` nearest to `name` (see [`nearest_column`]).
pub(crate) fn nearest_of(name: &str, columns: &[&str]) -> String {
    let lower = name.to_lowercase();
    let prefixed: Vec<&str> =
        columns.iter().copied().filter(|c| lower.len() >= 3 && c.starts_with(lower.as_str())).collect();
    if !prefixed.is_empty() {
        return prefixed.join("' or '");
    }
    columns.iter().min_by_key(|c| edits(&lower, c)).copied().unwrap_or_default().to_string()
}

/// Levenshtein distance between two short names (characters, not bytes).
fn edits(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().take(4 * MAX_NAME_TEXT).enumerate() {
        let mut diagonal = row[0];
        row[0] = i + 1;
        for (j, &cb) in b.iter().enumerate() {
            let next = (diagonal + usize::from(ca != cb)).min(row[j] + 1).min(row[j + 1] + 1);
            diagonal = row[j + 1];
            row[j + 1] = next;
        }
    }
    row[b.len()]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn misspellings_point_to_the_column_meant() {
        assert_eq!(nearest_column("fee_pct"), "fee_percent");
        assert_eq!(nearest_column("freq"), "frequency' or 'frequency_unit' or 'frequency_every");
        assert_eq!(nearest_column("Principal"), "principal");
        assert_eq!(nearest_column("instalments"), "installments");
        assert_eq!(nearest_column("rate"), "rate_percent' or 'rate_per");
    }
}
