//! `schedules(frame)`: a table of loan terms in (anything exposing `__arrow_c_stream__`), read by
//! `microcredit-tables` (its flat-row schema, defaults and validation) and run by its batch with
//! the GIL released, two Arrow tables out. Per-loan errors go into the loans table; a frame that
//! is empty, lacks a required column, has a column of the wrong type or an unknown column raises
//! `ValidationError` naming the column (an unknown one with the nearest known name). Columns named
//! in `keep` (a loan id, a branch) pass through to both tables. The batch's memory is checked
//! before it is allocated (`memory_limit`; with a progress bar, the pieces share it).

use arrow_array::RecordBatch;
use microcredit::{Error as CoreError, Reason};
use microcredit_tables::batch::{BatchOptions, DEFAULT_MEMORY_LIMIT, LoanSource, estimated_bytes, schedule_batch_from};
use microcredit_tables::loan_table::{LoanTable, ReadOptions};
use microcredit_tables::schedule_table::schedule_tables;
use pyo3::prelude::*;
use pyo3_arrow::input::AnyRecordBatch;

use crate::convert::{Arg, name_text, show};
use crate::errors::{guard, internal, invalid, to_pyerr, wrong_type};
use crate::table::PyArrowTable;

const PROGRESS_CHUNK: usize = 16_384;

/// A flag given as a bool or a numpy bool (None: `default`); anything else, an int included, is a
/// `ValidationError`.
fn flag(obj: Option<&Arg>, field: &str, default: bool) -> PyResult<bool> {
    match obj {
        Some(o) if !o.is_none() => o.extract::<bool>().map_err(|_| invalid(field, show(o), wrong_type("a bool"))),
        _ => Ok(default),
    }
}

/// The memory limit in bytes: a whole number >= 0 (None: the core's default).
fn memory_limit(obj: Option<&Arg>) -> PyResult<u64> {
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

/// How the frame's columns beyond the ones `schedules` reads are treated: `keep` names columns to
/// carry through; `unknown_columns` is "error" (the default) or "keep".
fn read_options(keep: Option<&Arg>, unknown: Option<&Arg>) -> PyResult<ReadOptions> {
    let mut names = Vec::new();
    if let Some(keep) = keep.filter(|k| !k.is_none()) {
        if keep.is_instance_of::<pyo3::types::PyString>() {
            return Err(invalid("keep", show(keep), wrong_type("a list of column names")));
        }
        let items = keep.try_iter().map_err(|_| invalid("keep", show(keep), wrong_type("a list of column names")))?;
        for (i, item) in items.enumerate() {
            names.push(name_text(&item?, &format!("keep[{i}]"), "a column name")?);
        }
    }
    let keep_unknown = match unknown.filter(|u| !u.is_none()) {
        None => false,
        Some(u) => match name_text(u, "unknown_columns", "\"error\" or \"keep\"")?.as_str() {
            "error" => false,
            "keep" => true,
            _ => {
                let reason = Reason::UnknownName { detail: "expected \"error\" or \"keep\"".into() };
                return Err(invalid("unknown_columns", show(u), reason));
            }
        },
    };
    Ok(ReadOptions::default().keep(names).keep_unknown(keep_unknown))
}

/// Schedules (and, with `pricing`, APR/EIR/XIRR) of every loan in `frame`.
///
/// Columns the frame may have are in `BATCH_COLUMNS`; any other column raises `ValidationError`
/// naming the known column nearest in spelling (`fee_pct`: did you mean `fee_percent`?), unless
/// `keep` names it (carried through untouched to both tables, after their `loan` column: a loan
/// id, a branch) or `unknown_columns="keep"` carries every unknown column through. Money and rates
/// may be decimals, integers, text or floats (a float is read as its shortest decimal text; a
/// value finer than the currency's minor units is that loan's error; NaN is a missing value).
///
/// `memory_limit` (bytes; None: the core's default of 4 GiB) bounds the memory of the batch,
/// estimated from the loans' numbers of installments before anything is allocated: a larger book
/// raises `ValidationError` with `.kind == "limit_exceeded"`, `.field == "memory_limit"` and
/// `.value` the bytes it would need. Raise the limit or split the frame.
#[pyfunction]
#[pyo3(signature = (frame, *, pricing = None, progress = None, memory_limit = None, keep = None, unknown_columns = None))]
#[pyo3(
    text_signature = "(frame, *, pricing=True, progress=False, memory_limit=None, keep=None, unknown_columns='error')"
)]
#[allow(clippy::too_many_arguments)]
pub fn schedules(
    py: Python<'_>,
    frame: &Arg,
    pricing: Option<&Arg>,
    progress: Option<&Arg>,
    memory_limit: Option<&Arg>,
    keep: Option<&Arg>,
    unknown_columns: Option<&Arg>,
) -> PyResult<(PyArrowTable, PyArrowTable)> {
    guard("schedules", || {
        let pricing = flag(pricing, "pricing", true)?;
        let progress = flag(progress, "progress", false)?;
        let limit = self::memory_limit(memory_limit)?;
        let read = read_options(keep, unknown_columns)?;
        run(py, frame, &read, pricing, progress, limit)
    })
}

fn run(
    py: Python<'_>,
    frame: &Arg,
    read: &ReadOptions,
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
    let input = py.detach(|| LoanTable::read(&batches, read)).map_err(to_pyerr)?;
    span.record("loans", input.len());
    let scheduling = tracing::debug_span!("schedule_batch").entered();
    let bar = if progress { tqdm(py, input.len())? } else { None };
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
            let out = schedule_tables(parts, loans, pricing, input.carried());
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
