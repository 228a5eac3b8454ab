//! Conversions of Python values to core types, with typed errors: amounts as `Decimal`, `str` or
//! `int` (a `float` is refused, never converted; only the spreadsheet functions' [`number`] reads
//! one, as numpy-financial does, by its shortest round-trip decimal), dates as `datetime.date` (a `datetime` is
//! refused, never truncated), enums as their snake_case names.
//!
//! Every conversion is bounded, whatever the caller passes:
//! - nested dicts and lists (the JSON form of a frequency) at most [`MAX_DEPTH`] levels deep (loan
//!   terms never nest deeper than about 4), an error naming the field past that; field paths
//!   in errors are cut to [`microcredit::error::MAX_PATH`] characters;
//! - text is measured before it is copied: an amount longer than [`MAX_NUMBER_TEXT`] characters,
//!   or a name, code or date longer than [`MAX_NAME_TEXT`], is refused without being read whole;
//! - an int is measured in bits before it is converted (Python's int-to-str digit limit is never
//!   reached: `10**5000` is a `ValidationError`, not a `ValueError`);
//! - a rejected value is rendered by [`show`], which never formats more than a bounded prefix of
//!   a large str, bytes, int or container.

use chrono::NaiveDate;
use microcredit::money::parse_decimal_exact;
use pyo3::exceptions::PyAttributeError;
use pyo3::intern;
use pyo3::prelude::*;
use pyo3::types::{
    PyBool, PyByteArray, PyBytes, PyDate, PyDateTime, PyDict, PyFloat, PyFrozenSet, PyInt, PyList, PySet, PySlice,
    PyString, PyTuple,
};
use rust_decimal::Decimal;
use serde::de::DeserializeOwned;
use serde_json::Value;

use crate::errors::{invalid, wrong_type};
use microcredit::Reason;

/// Any Python value, as an argument is taken before it is converted.
pub type Arg<'py> = Bound<'py, PyAny>;

/// How deep [`to_json`] follows nested dicts and lists: loan terms nest about 4 levels at most.
pub const MAX_DEPTH: usize = 32;
/// The longest text read as a number: 28 digits, a sign, a point, an exponent and zeros that
/// change nothing fit with room to spare.
pub const MAX_NUMBER_TEXT: usize = 1_000;
pub use microcredit::error::{MAX_NAME_TEXT, child_path};
/// The longest text inside a dict converted by [`to_json`].
pub const MAX_JSON_TEXT: usize = 256;
/// How many characters of a rejected value [`show`] renders, about (the core cuts echoed values
/// to `microcredit::error::ECHO_LIMIT`).
const SHOW_LIMIT: usize = 60;
/// Characters of a long str shown before `...`.
const SHOW_PREFIX: usize = 32;
/// An int wider than this many bits is shown by its size, not its digits.
const SHOW_INT_BITS: u64 = 256;

/// A short, safe rendering of a Python value for an error message: never longer than about
/// [`SHOW_LIMIT`] characters, and a large str, bytes, int or container is measured, not formatted
/// whole (a 100 MB string is never copied into a message).
pub fn show(obj: &Arg) -> String {
    let mut out = String::new();
    render(obj, &mut out, 0);
    if out.chars().count() > SHOW_LIMIT {
        let mut cut: String = out.chars().take(SHOW_LIMIT - 3).collect();
        cut.push_str("...");
        cut
    } else {
        out
    }
}

fn push_repr(obj: &Arg, out: &mut String) {
    match obj.repr() {
        Ok(r) => out.push_str(&r.to_string()),
        Err(_) => out.push_str("<unprintable>"),
    }
}

/// Append a bounded rendering of `obj` to `out` (containers to depth 2, until the limit is passed).
fn render(obj: &Arg, out: &mut String, depth: usize) {
    let py = obj.py();
    if obj.is_none()
        || obj.is_instance_of::<PyBool>()
        || obj.is_instance_of::<PyFloat>()
        || obj.is_instance_of::<PyDate>()
    {
        push_repr(obj, out);
    } else if obj.is_instance_of::<PyInt>() {
        let bits: u64 = obj.call_method0(intern!(py, "bit_length")).and_then(|b| b.extract()).unwrap_or(u64::MAX);
        if bits <= SHOW_INT_BITS {
            push_repr(obj, out);
        } else {
            let negative = obj.lt(0i32).unwrap_or(false);
            // Decimal digits of a number of `bits` bits: bits × log10(2), rounded up.
            let digits = (bits as f64 * std::f64::consts::LOG10_2).ceil() as u64;
            out.push_str(&format!("{}<int of {digits} digits>", if negative { "-" } else { "" }));
        }
    } else if obj.is_instance_of::<PyString>() || obj.is_instance_of::<PyBytes>() || obj.is_instance_of::<PyByteArray>()
    {
        let n = obj.len().unwrap_or(0);
        if n <= SHOW_LIMIT {
            push_repr(obj, out);
        } else {
            // Only a prefix is sliced off and formatted; the rest is counted.
            match obj.get_item(PySlice::new(py, 0, SHOW_PREFIX as isize, 1)) {
                Ok(prefix) => push_repr(&prefix, out),
                Err(_) => out.push_str("<unprintable>"),
            }
            out.push_str(&format!("... ({n} long)"));
        }
    } else if let Ok(d) = obj.cast::<PyDict>() {
        if depth >= 2 {
            out.push_str("{...}");
            return;
        }
        out.push('{');
        for (k, (key, value)) in d.iter().enumerate() {
            if out.chars().count() > SHOW_LIMIT {
                out.push_str("...");
                break;
            }
            if k > 0 {
                out.push_str(", ");
            }
            render(&key, out, depth + 1);
            out.push_str(": ");
            render(&value, out, depth + 1);
        }
        out.push('}');
    } else if obj.is_instance_of::<PyList>()
        || obj.is_instance_of::<PyTuple>()
        || obj.is_instance_of::<PySet>()
        || obj.is_instance_of::<PyFrozenSet>()
    {
        let (open, close) = if obj.is_instance_of::<PyList>() {
            ('[', ']')
        } else if obj.is_instance_of::<PyTuple>() {
            ('(', ')')
        } else {
            ('{', '}')
        };
        if depth >= 2 {
            out.push(open);
            out.push_str("...");
            out.push(close);
            return;
        }
        out.push(open);
        if let Ok(items) = obj.try_iter() {
            for (k, item) in items.enumerate() {
                if out.chars().count() > SHOW_LIMIT {
                    out.push_str("...");
                    break;
                }
                if k > 0 {
                    out.push_str(", ");
                }
                match item {
                    Ok(item) => render(&item, out, depth + 1),
                    Err(_) => out.push_str("<unprintable>"),
                }
            }
        }
        out.push(close);
    } else {
        // decimal.Decimal, a frame, any other object: its own repr (pandas and pyarrow bound theirs).
        let mut s = String::new();
        push_repr(obj, &mut s);
        out.push_str(&s.chars().take(SHOW_LIMIT + 3).collect::<String>());
    }
}

fn type_name(obj: &Arg) -> String {
    obj.get_type().name().map(|n| n.to_string()).unwrap_or_else(|_| "?".into())
}

/// The text of a Python `str` of at most `max` characters, measured before it is copied; `None`
/// when it is longer.
pub fn short_text(s: &Bound<'_, PyString>, max: usize) -> Option<String> {
    if s.len().unwrap_or(usize::MAX) > max {
        return None;
    }
    Some(s.to_string())
}

/// A Python `str` of at most [`MAX_NAME_TEXT`] characters (a name, a code, a date), or
/// `ValidationError` naming `field`: `what` says what was expected.
pub fn name_text(obj: &Arg, field: &str, what: &str) -> PyResult<String> {
    let s = obj.cast::<PyString>().map_err(|_| {
        invalid(field, show(obj), Reason::WrongType { expected: what.to_string(), found: type_name(obj) })
    })?;
    short_text(s, MAX_NAME_TEXT).ok_or_else(|| invalid(field, show(obj), Reason::TooLong { max: MAX_NAME_TEXT as u64 }))
}

/// An int as a decimal: measured in bits first, so no int is ever converted to text.
fn int_decimal(obj: &Arg, field: &str) -> PyResult<Decimal> {
    obj.extract::<i128>()
        .ok()
        .and_then(|v| Decimal::try_from_i128_with_scale(v, 0).ok())
        .ok_or_else(|| invalid(field, show(obj), Reason::TooManyDigits))
}

/// An amount or rate: `decimal.Decimal`, `str` or `int`. Floats, NaN, infinities, booleans and
/// anything that does not fit a 28-digit decimal raise `ValidationError` naming `field`. Text is
/// read by the core's exact parser (`microcredit::money::parse_decimal_exact`): never rounded.
pub fn decimal(obj: &Arg, field: &str) -> PyResult<Decimal> {
    if obj.is_instance_of::<PyBool>() {
        return Err(invalid(field, show(obj), wrong_type("an amount")));
    }
    if obj.is_instance_of::<PyFloat>() {
        return Err(invalid(field, show(obj), Reason::FloatNotAccepted));
    }
    if obj.is_instance_of::<PyInt>() {
        return int_decimal(obj, field);
    }
    let text = decimal_text(obj, field)?.ok_or_else(|| invalid(field, show(obj), Reason::NotADecimal))?;
    parse_decimal_exact(&text).ok_or_else(|| invalid(field, show(obj), Reason::NotADecimal))
}

/// The text of a `str` or a finite `decimal.Decimal` (`None` when longer than
/// [`MAX_NUMBER_TEXT`]); any other type is an error.
fn decimal_text(obj: &Arg, field: &str) -> PyResult<Option<String>> {
    if let Ok(s) = obj.cast::<PyString>() {
        return Ok(short_text(s, MAX_NUMBER_TEXT));
    }
    if !is_decimal(obj) {
        return Err(invalid(
            field,
            show(obj),
            Reason::WrongType { expected: "a decimal.Decimal, str or int".into(), found: type_name(obj) },
        ));
    }
    let finite = obj.call_method0(intern!(obj.py(), "is_finite")).and_then(|f| f.extract::<bool>()).unwrap_or(false);
    if !finite {
        return Err(invalid(field, show(obj), Reason::NotFinite));
    }
    let text = obj.str().map(|s| s.to_string()).unwrap_or_default();
    Ok((text.len() <= MAX_NUMBER_TEXT).then_some(text))
}

/// Whether `obj` is a `decimal.Decimal`.
fn is_decimal(obj: &Arg) -> bool {
    let py = obj.py();
    py.import(intern!(py, "decimal"))
        .and_then(|m| m.getattr(intern!(py, "Decimal")))
        .and_then(|c| obj.is_instance(&c))
        .unwrap_or(false)
}

/// A number for the spreadsheet and pricing functions, which compute in 28-digit decimals: like
/// [`decimal`], but digits beyond the 28 a decimal holds are rounded (`Decimal(1) / 3` works), as
/// the functions' own arithmetic would round them. Floats are still refused.
pub fn decimal_rounded(obj: &Arg, field: &str) -> PyResult<Decimal> {
    match decimal(obj, field) {
        Ok(d) => Ok(d),
        Err(e) => {
            if !(obj.is_instance_of::<PyString>() || is_decimal(obj)) {
                return Err(e);
            }
            let Ok(Some(text)) = decimal_text(obj, field) else { return Err(e) };
            let t = text.trim();
            let parsed =
                if t.contains(['e', 'E']) { Decimal::from_scientific(t).ok() } else { t.parse::<Decimal>().ok() };
            parsed.ok_or(e)
        }
    }
}

/// A number for the spreadsheet functions, taken as numpy-financial and pyxirr take it: like
/// [`decimal_rounded`] (`Decimal`, `str`, `int`, numpy ints), and a `float` (numpy floats too) as
/// its shortest round-trip decimal, the digits Python's `repr` shows (`0.1` is 0.1, not
/// 0.1000000000000000055511151231257827). NaN and infinities raise `ValidationError` naming
/// `field`; a float too large for 28 digits is refused, one too small to show rounds to 0.
pub fn number(obj: &Arg, field: &str) -> PyResult<Decimal> {
    let py = obj.py();
    if obj.is_instance_of::<PyBool>() || obj.is_instance_of::<PyInt>() || obj.is_instance_of::<PyString>() {
        return decimal_rounded(obj, field);
    }
    let x = if let Ok(f) = obj.cast::<PyFloat>() {
        f.value()
    } else if is_decimal(obj) {
        return decimal_rounded(obj, field);
    } else {
        // numpy scalars and other numbers: whole ones by `__index__`, the others by `__float__`.
        let numbers = py.import(intern!(py, "numbers"))?;
        if obj.is_instance(&numbers.getattr(intern!(py, "Integral"))?)? {
            let whole = obj.call_method0(intern!(py, "__index__"))?;
            return decimal_rounded(&whole, field);
        }
        if !obj.is_instance(&numbers.getattr(intern!(py, "Real"))?)? {
            return decimal_rounded(obj, field);
        }
        obj.call_method0(intern!(py, "__float__")).and_then(|f| f.extract::<f64>())?
    };
    if !x.is_finite() {
        return Err(invalid(field, show(obj), Reason::NotFinite));
    }
    // Rust's `Display` of an f64 is its shortest round-trip digits, as Python's `repr`.
    let text = format!("{x}");
    parse_decimal_exact(&text)
        .or_else(|| text.parse::<Decimal>().ok())
        .ok_or_else(|| invalid(field, show(obj), Reason::TooManyDigits))
}

/// An optional argument read with `read`: absent or `None` stays `None`.
pub fn optional<T>(
    obj: Option<&Arg>,
    field: &str,
    read: impl FnOnce(&Arg, &str) -> PyResult<T>,
) -> PyResult<Option<T>> {
    match obj {
        Some(o) if !o.is_none() => read(o, field).map(Some),
        _ => Ok(None),
    }
}

/// A date: `datetime.date` or an ISO `YYYY-MM-DD` string. A `datetime.datetime` is refused
/// (pass `.date()` explicitly) so a time of day or a time zone is never dropped silently.
pub fn date(obj: &Arg, field: &str) -> PyResult<NaiveDate> {
    if obj.is_instance_of::<PyDateTime>() {
        return Err(invalid(field, show(obj), Reason::HasTimeOfDay));
    }
    if obj.is_instance_of::<PyDate>() {
        return obj.extract::<NaiveDate>().map_err(|_| invalid(field, show(obj), Reason::OutOfCalendar));
    }
    if let Ok(s) = obj.cast::<PyString>() {
        return short_text(s, MAX_NAME_TEXT)
            .and_then(|s| microcredit::calendar::parse_date_exact(&s))
            .ok_or_else(|| invalid(field, show(obj), Reason::NotADate));
    }
    Err(invalid(field, show(obj), Reason::WrongType { expected: "a datetime.date".into(), found: type_name(obj) }))
}

/// A whole number that fits a `u32` (bools and floats refused).
pub fn count(obj: &Arg, field: &str) -> PyResult<u32> {
    if obj.is_instance_of::<PyBool>() || !obj.is_instance_of::<PyInt>() {
        return Err(invalid(field, show(obj), Reason::WrongType { expected: "an int".into(), found: type_name(obj) }));
    }
    obj.extract::<u32>()
        .map_err(|_| invalid(field, show(obj), Reason::WholeNumber { min: "0".into(), max: "4294967295".into() }))
}

/// A str naming an enum variant (`"flat"`, `"act_365f"`...), parsed by the core's own serde names.
pub fn enum_str<T: DeserializeOwned>(obj: &Arg, field: &str) -> PyResult<T> {
    let s = name_text(obj, field, "a str naming an option")?;
    enum_text(&s, field)
}

/// Parse an enum from its name (a name longer than [`MAX_NAME_TEXT`] is refused unread).
pub fn enum_text<T: DeserializeOwned>(s: &str, field: &str) -> PyResult<T> {
    if s.chars().count() > MAX_NAME_TEXT {
        return Err(invalid(field, Quoted(s), Reason::TooLong { max: MAX_NAME_TEXT as u64 }));
    }
    serde_json::from_value(serde_json::Value::String(s.to_string())).map_err(|e| {
        let reason = e.to_string();
        let detail = reason.split(" at line").next().unwrap_or(&reason).replace('`', "'");
        invalid(field, Quoted(s), Reason::UnknownName { detail })
    })
}

pub use microcredit::error::Quoted;

/// Python value to JSON for the core's serde forms: dict, list/tuple/set, str, int, bool, None,
/// Decimal (as a string) and date (ISO). Floats are refused. Bounded: at most [`MAX_DEPTH`]
/// levels of dicts and lists (an error naming the field past that), dict keys of at most
/// [`MAX_NAME_TEXT`] characters and texts of at most [`MAX_JSON_TEXT`].
pub fn to_json(obj: &Arg, field: &str) -> PyResult<serde_json::Value> {
    to_json_at(obj, field, 0)
}

fn to_json_at(obj: &Arg, field: &str, depth: usize) -> PyResult<serde_json::Value> {
    use serde_json::Value;
    if obj.is_none() {
        return Ok(Value::Null);
    }
    if let Ok(b) = obj.cast::<PyBool>() {
        return Ok(Value::Bool(b.is_true()));
    }
    if obj.is_instance_of::<PyInt>() {
        // A whole number; past 64 bits, its exact decimal text (a count that large is refused by
        // the form, an amount read exactly).
        return match obj.extract::<i64>() {
            Ok(v) => Ok(Value::from(v)),
            Err(_) => Ok(Value::String(int_decimal(obj, field)?.to_string())),
        };
    }
    if let Ok(s) = obj.cast::<PyString>() {
        return short_text(s, MAX_JSON_TEXT)
            .map(Value::String)
            .ok_or_else(|| invalid(field, show(obj), Reason::TooLong { max: MAX_JSON_TEXT as u64 }));
    }
    if obj.is_instance_of::<PyFloat>() {
        return Err(invalid(field, show(obj), Reason::FloatNotAccepted));
    }
    if obj.is_instance_of::<PyDate>() {
        return Ok(Value::String(date(obj, field)?.to_string()));
    }
    let is_dict = obj.is_instance_of::<PyDict>();
    // A set (of holidays, of weekdays) is read as a list: its order is not the form's business.
    let is_list = obj.is_instance_of::<PyList>()
        || obj.is_instance_of::<PyTuple>()
        || obj.is_instance_of::<PySet>()
        || obj.is_instance_of::<PyFrozenSet>();
    if (is_dict || is_list) && depth >= MAX_DEPTH {
        return Err(invalid(field, show(obj), Reason::TooDeep { max: MAX_DEPTH as u32 }));
    }
    if let Ok(d) = obj.cast::<PyDict>() {
        let mut m = serde_json::Map::new();
        for (k, v) in d.iter() {
            let key = k.cast::<PyString>().ok().and_then(|k| short_text(k, MAX_NAME_TEXT)).ok_or_else(|| {
                invalid(field, show(&k), wrong_type("dict keys of type str of at most 64 characters"))
            })?;
            let sub = child_path(field, &key);
            m.insert(key, to_json_at(&v, &sub, depth + 1)?);
        }
        return Ok(Value::Object(m));
    }
    if is_list {
        let mut out = Vec::new();
        let items = obj.try_iter().map_err(|_| invalid(field, show(obj), wrong_type("an iterable")))?;
        for (i, v) in items.enumerate() {
            out.push(to_json_at(&v?, &child_path(field, &format!("[{i}]")), depth + 1)?);
        }
        return Ok(Value::Array(out));
    }
    // decimal.Decimal
    let d = decimal(obj, field)?;
    Ok(Value::String(d.to_string()))
}

/// Keys whose text is free text (a label, a code, a convention's name), never read back as a
/// number or a date.
const TEXT_KEYS: [&str; 3] = ["name", "currency", "convention"];
/// Keys whose names read back lowercase, as the keyword takes them (`["sat", "sun"]`).
const LOWERCASE_KEYS: [&str; 1] = ["non_working_weekdays"];

/// A form value as Python: decimal text as `Decimal`, ISO text as `datetime.date`, whole numbers
/// as `int`, lists and dicts converted item by item; free text (a fee's `name`) stays text.
pub fn to_python<'py>(py: Python<'py>, v: &Value, key: &str) -> PyResult<Bound<'py, PyAny>> {
    Ok(match v {
        Value::Null => py.None().into_bound(py),
        Value::Bool(b) => PyBool::new(py, *b).to_owned().into_any(),
        Value::Number(n) => match n.as_i64() {
            Some(i) => i.into_pyobject(py)?.into_any(),
            None => n.as_f64().unwrap_or(f64::NAN).into_pyobject(py)?.into_any(),
        },
        Value::String(s) if TEXT_KEYS.contains(&key) => PyString::new(py, s).into_any(),
        Value::String(s) => {
            if let Some(d) = looks_like_date(s) {
                d.into_pyobject(py)?.into_any()
            } else if let Some(d) = looks_like_decimal(s) {
                d.into_pyobject(py)?.into_any()
            } else if LOWERCASE_KEYS.contains(&key) {
                PyString::new(py, &s.to_lowercase()).into_any()
            } else {
                PyString::new(py, s).into_any()
            }
        }
        Value::Array(items) => {
            let out = PyList::empty(py);
            for item in items {
                out.append(to_python(py, item, key)?)?;
            }
            out.into_any()
        }
        Value::Object(m) => {
            let out = PyDict::new(py);
            for (k, item) in m {
                out.set_item(k, to_python(py, item, k)?)?;
            }
            out.into_any()
        }
    })
}

/// ISO date text as the form writes it (`2025-01-15`, `+262142-12-31`).
fn looks_like_date(s: &str) -> Option<NaiveDate> {
    if !s.contains('-') || !s.chars().all(|c| c.is_ascii_digit() || c == '-' || c == '+') {
        return None;
    }
    microcredit::calendar::parse_date_exact(s)
}

/// Decimal text as the form writes it: digits, at most one point, a leading minus.
fn looks_like_decimal(s: &str) -> Option<rust_decimal::Decimal> {
    if s.is_empty() || !s.chars().all(|c| c.is_ascii_digit() || c == '.' || c == '-') {
        return None;
    }
    parse_decimal_exact(s)
}

/// Attribute `name` of a value read from its JSON form `form`, or `AttributeError`.
pub fn form_attribute<'py>(py: Python<'py>, class: &str, form: &Value, name: &str) -> PyResult<Bound<'py, PyAny>> {
    match form.get(name) {
        Some(v) => to_python(py, v, name),
        None => Err(PyAttributeError::new_err(format!("'{class}' object has no attribute '{name}'"))),
    }
}

/// `Class(key=value, ...)` of the form's `keys`: free text quoted, numbers and dates as written.
pub fn form_repr(class: &str, form: &Value, keys: &[&str]) -> String {
    let shown = |k: &str| match form.get(k) {
        Some(Value::String(s)) if TEXT_KEYS.contains(&k) => format!("'{s}'"),
        Some(Value::String(s)) => s.clone(),
        Some(v) => v.to_string(),
        None => String::new(),
    };
    let parts: Vec<String> = keys.iter().map(|k| format!("{k}={}", shown(k))).collect();
    format!("{class}({})", parts.join(", "))
}

/// `dir()` of an object whose attributes include `names` read through `__getattr__`.
pub fn dir_with(obj: &Arg, names: impl Iterator<Item = String>) -> PyResult<Vec<String>> {
    let base = obj.py().import("builtins")?.getattr("object")?.getattr("__dir__")?.call1((obj,))?;
    let mut out: Vec<String> = base.extract()?;
    out.extend(names);
    Ok(out)
}
