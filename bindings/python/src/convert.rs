//! Conversions of Python values to core types, with typed errors: amounts as `Decimal`, `str` or
//! `int` (a `float` is refused, never converted), dates as `datetime.date` (a `datetime` is
//! refused, never truncated), enums as their snake_case names.

use std::str::FromStr;

use chrono::NaiveDate;
use pyo3::intern;
use pyo3::prelude::*;
use pyo3::types::{PyBool, PyDate, PyDateTime, PyDict, PyFloat, PyInt, PyList, PyString, PyTuple};
use rust_decimal::Decimal;
use serde::de::DeserializeOwned;

use crate::errors::invalid;

/// A short, safe rendering of a Python value for an error message.
pub fn show(obj: &Bound<'_, PyAny>) -> String {
    let s = obj.repr().map(|r| r.to_string()).unwrap_or_else(|_| "<unprintable>".into());
    if s.chars().count() > 60 { format!("{}...", s.chars().take(57).collect::<String>()) } else { s }
}

fn type_name(obj: &Bound<'_, PyAny>) -> String {
    obj.get_type().name().map(|n| n.to_string()).unwrap_or_else(|_| "?".into())
}

/// Parse decimal text (plain or scientific) exactly; `None` if it is not a finite decimal that
/// fits 28 significant digits.
pub fn parse_decimal_text(s: &str) -> Option<Decimal> {
    let t = s.trim();
    if t.is_empty() || t.contains('_') {
        return None;
    }
    let d = if t.contains(['e', 'E']) { Decimal::from_scientific(t).ok()? } else { Decimal::from_str(t).ok()? };
    // rust_decimal rounds text with more than 28 significant digits; refuse instead of rounding.
    let digits: String = t.split(['e', 'E']).next().unwrap_or("").chars().filter(|c| c.is_ascii_digit()).collect();
    let significant = digits.trim_start_matches('0').trim_end_matches('0');
    let kept = d.normalize().mantissa().unsigned_abs().to_string();
    let kept = kept.trim_end_matches('0');
    if significant != kept && !(significant.is_empty() && d.is_zero()) {
        return None;
    }
    Some(d)
}

/// An amount or rate: `decimal.Decimal`, `str` or `int`. Floats, NaN, infinities, booleans and
/// anything that does not fit a 28-digit decimal raise `ValidationError` naming `field`.
pub fn decimal(obj: &Bound<'_, PyAny>, field: &str) -> PyResult<Decimal> {
    let py = obj.py();
    if obj.is_instance_of::<PyBool>() {
        return Err(invalid(field, show(obj), "a bool is not an amount"));
    }
    if obj.is_instance_of::<PyFloat>() {
        return Err(invalid(
            field,
            show(obj),
            "floats are not accepted for exact amounts; pass a decimal.Decimal, a str or an int",
        ));
    }
    let text: String = if obj.is_instance_of::<PyInt>() || obj.is_instance_of::<PyString>() {
        obj.str()?.to_string()
    } else {
        let dec_cls = py.import(intern!(py, "decimal"))?.getattr(intern!(py, "Decimal"))?;
        if obj.is_instance(&dec_cls)? {
            let finite: bool = obj.call_method0(intern!(py, "is_finite"))?.extract()?;
            if !finite {
                return Err(invalid(field, show(obj), "must be a finite number"));
            }
            obj.str()?.to_string()
        } else {
            return Err(invalid(
                field,
                show(obj),
                &format!("expected a decimal.Decimal, str or int, not {}", type_name(obj)),
            ));
        }
    };
    parse_decimal_text(&text)
        .ok_or_else(|| invalid(field, show(obj), "not a finite decimal number of at most 28 significant digits"))
}

/// A number for the spreadsheet and pricing functions, which compute in 28-digit decimals: like
/// [`decimal`], but digits beyond the 28 a decimal holds are rounded (`Decimal(1) / 3` works), as
/// the functions' own arithmetic would round them. Floats are still refused.
pub fn decimal_rounded(obj: &Bound<'_, PyAny>, field: &str) -> PyResult<Decimal> {
    match decimal(obj, field) {
        Ok(d) => Ok(d),
        Err(e) => {
            let is_decimal_or_str = obj.is_instance_of::<PyString>()
                || obj
                    .py()
                    .import(intern!(obj.py(), "decimal"))?
                    .getattr(intern!(obj.py(), "Decimal"))
                    .and_then(|c| obj.is_instance(&c))
                    .unwrap_or(false);
            if !is_decimal_or_str {
                return Err(e);
            }
            let finite =
                obj.call_method0(intern!(obj.py(), "is_finite")).and_then(|f| f.extract::<bool>()).unwrap_or(true);
            let text = obj.str()?.to_string();
            let t = text.trim();
            let parsed =
                if t.contains(['e', 'E']) { Decimal::from_scientific(t).ok() } else { Decimal::from_str(t).ok() };
            match parsed {
                Some(d) if finite => Ok(d),
                _ => Err(e),
            }
        }
    }
}

/// An optional argument read with `read`: absent or `None` stays `None`.
pub fn optional<T>(
    obj: Option<&Bound<'_, PyAny>>,
    field: &str,
    read: impl FnOnce(&Bound<'_, PyAny>, &str) -> PyResult<T>,
) -> PyResult<Option<T>> {
    match obj {
        Some(o) if !o.is_none() => read(o, field).map(Some),
        _ => Ok(None),
    }
}

/// Optional amount: `None` stays `None`.
pub fn opt_decimal(obj: Option<&Bound<'_, PyAny>>, field: &str) -> PyResult<Option<Decimal>> {
    optional(obj, field, decimal)
}

/// A date: `datetime.date` or an ISO `YYYY-MM-DD` string. A `datetime.datetime` is refused
/// (pass `.date()` explicitly) so a time of day or a time zone is never dropped silently.
pub fn date(obj: &Bound<'_, PyAny>, field: &str) -> PyResult<NaiveDate> {
    if obj.is_instance_of::<PyDateTime>() {
        return Err(invalid(
            field,
            show(obj),
            "a datetime is not a date; pass datetime.date (e.g. value.date()) so no time of day or time zone is dropped silently",
        ));
    }
    if obj.is_instance_of::<PyDate>() {
        return obj.extract::<NaiveDate>();
    }
    if let Ok(s) = obj.cast::<PyString>() {
        let s = s.to_string();
        return NaiveDate::parse_from_str(s.trim(), "%Y-%m-%d")
            .map_err(|_| invalid(field, show(obj), "not an ISO date YYYY-MM-DD"));
    }
    Err(invalid(field, show(obj), &format!("expected a datetime.date, not {}", type_name(obj))))
}

/// Optional date.
pub fn opt_date(obj: Option<&Bound<'_, PyAny>>, field: &str) -> PyResult<Option<NaiveDate>> {
    optional(obj, field, date)
}

/// A whole number that fits a `u32` (bools and floats refused).
pub fn count(obj: &Bound<'_, PyAny>, field: &str) -> PyResult<u32> {
    if obj.is_instance_of::<PyBool>() || !obj.is_instance_of::<PyInt>() {
        return Err(invalid(field, show(obj), &format!("expected an int, not {}", type_name(obj))));
    }
    obj.extract::<u32>().map_err(|_| invalid(field, show(obj), "must be a whole number between 0 and 4294967295"))
}

/// A str naming an enum variant (`"flat"`, `"act_365f"`...), parsed by the core's own serde names.
pub fn enum_str<T: DeserializeOwned>(obj: &Bound<'_, PyAny>, field: &str) -> PyResult<T> {
    let s = obj
        .cast::<PyString>()
        .map_err(|_| invalid(field, show(obj), &format!("expected a str, not {}", type_name(obj))))?
        .to_string();
    enum_text(&s, field)
}

/// Parse an enum from its name.
pub fn enum_text<T: DeserializeOwned>(s: &str, field: &str) -> PyResult<T> {
    serde_json::from_value(serde_json::Value::String(s.to_string())).map_err(|e| {
        let reason = e.to_string();
        let reason = reason.split(" at line").next().unwrap_or(&reason).replace('`', "'");
        invalid(field, format!("'{s}'"), &reason)
    })
}

/// Python value to JSON for the core's serde forms: dict, list/tuple, str, int, bool, None,
/// Decimal (as a string) and date (ISO). Floats are refused.
pub fn to_json(obj: &Bound<'_, PyAny>, field: &str) -> PyResult<serde_json::Value> {
    use serde_json::Value;
    if obj.is_none() {
        return Ok(Value::Null);
    }
    if let Ok(b) = obj.cast::<PyBool>() {
        return Ok(Value::Bool(b.is_true()));
    }
    if obj.is_instance_of::<PyInt>() {
        let v: i64 = obj.extract().map_err(|_| invalid(field, show(obj), "integer out of range"))?;
        return Ok(Value::from(v));
    }
    if let Ok(s) = obj.cast::<PyString>() {
        return Ok(Value::String(s.to_string()));
    }
    if obj.is_instance_of::<PyFloat>() {
        return Err(invalid(field, show(obj), "floats are not accepted; pass a decimal.Decimal, a str or an int"));
    }
    if obj.is_instance_of::<PyDate>() {
        return Ok(Value::String(date(obj, field)?.to_string()));
    }
    if let Ok(d) = obj.cast::<PyDict>() {
        let mut m = serde_json::Map::new();
        for (k, v) in d.iter() {
            let key = k.cast::<PyString>().map_err(|_| invalid(field, show(&k), "dict keys must be str"))?.to_string();
            let sub = format!("{field}.{key}");
            m.insert(key, to_json(&v, &sub)?);
        }
        return Ok(Value::Object(m));
    }
    if obj.is_instance_of::<PyList>() || obj.is_instance_of::<PyTuple>() {
        let mut out = Vec::new();
        for (i, v) in obj.try_iter()?.enumerate() {
            out.push(to_json(&v?, &format!("{field}[{i}]"))?);
        }
        return Ok(Value::Array(out));
    }
    // decimal.Decimal
    let d = decimal(obj, field)?;
    Ok(Value::String(d.to_string()))
}
