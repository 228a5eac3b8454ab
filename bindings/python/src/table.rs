//! `Table`: Arrow record batches exposed through the Arrow PyCapsule interface
//! (`__arrow_c_stream__`), so pyarrow, pandas, polars and DuckDB read them without copying.

use std::sync::Arc;

use arrow_array::{ArrayRef, RecordBatch, StructArray};
use arrow_schema::{ArrowError, DataType, Field, SchemaRef};
use microcredit::Reason;
use microcredit_tables::schedule_table::money_as;
use pyo3::prelude::*;
use pyo3::types::PyCapsule;
use pyo3_arrow::ffi::{ArrayIterator, to_schema_pycapsule, to_stream_pycapsule};

use crate::convert::{name_text, show};
use crate::errors::{guard, invalid};
use crate::schedule::requested_capsule;

/// An Arrow table (money as Decimal128, dates as Date32).
#[pyclass(name = "Table", module = "microcredit", frozen)]
pub struct PyArrowTable {
    pub batches: Vec<RecordBatch>,
    pub schema: SchemaRef,
}

impl PyArrowTable {
    /// A table of one batch.
    pub fn one(batch: RecordBatch) -> Self {
        PyArrowTable { schema: batch.schema(), batches: vec![batch] }
    }
}

/// Export batches as an Arrow C stream capsule.
pub fn stream_capsule<'py>(
    py: Python<'py>,
    batches: &[RecordBatch],
    schema: &SchemaRef,
    requested_schema: Option<Bound<'py, PyCapsule>>,
) -> PyResult<Bound<'py, PyCapsule>> {
    let field =
        Arc::new(Field::new_struct("", schema.fields().clone(), false).with_metadata(schema.metadata().clone()));
    let arrays: Vec<Result<ArrayRef, ArrowError>> =
        batches.iter().map(|b| Ok(Arc::new(StructArray::from(b.clone())) as ArrayRef)).collect();
    let reader = Box::new(ArrayIterator::new(arrays.into_iter(), field));
    Ok(to_stream_pycapsule(py, reader, requested_schema)?)
}

#[pymethods]
impl PyArrowTable {
    /// Export as an Arrow C stream (Arrow PyCapsule interface).
    #[pyo3(signature = (requested_schema=None))]
    fn __arrow_c_stream__<'py>(
        &self,
        py: Python<'py>,
        requested_schema: Option<Bound<'py, PyAny>>,
    ) -> PyResult<Bound<'py, PyCapsule>> {
        guard("Table.__arrow_c_stream__", || {
            stream_capsule(py, &self.batches, &self.schema, requested_capsule(requested_schema)?)
        })
    }

    /// Export the schema (Arrow PyCapsule interface).
    fn __arrow_c_schema__<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyCapsule>> {
        guard("Table.__arrow_c_schema__", || Ok(to_schema_pycapsule(py, self.schema.as_ref())?))
    }

    /// Number of rows.
    #[getter]
    fn num_rows(&self) -> usize {
        self.batches.iter().map(|b| b.num_rows()).sum()
    }

    /// Column names, in order.
    #[getter]
    fn column_names(&self) -> Vec<String> {
        self.schema.fields().iter().map(|f| f.name().clone()).collect()
    }

    fn __len__(&self) -> usize {
        self.num_rows()
    }

    /// A `pyarrow.Table` (needs pyarrow).
    fn to_pyarrow<'py>(slf: &Bound<'py, Self>) -> PyResult<Bound<'py, PyAny>> {
        guard("Table.to_pyarrow", || slf.py().import("pyarrow")?.call_method1("table", (slf,)))
    }

    /// A `pandas.DataFrame` (needs pandas and pyarrow). `money` says what money columns hold:
    /// `"decimal"` (the default: exact `decimal.Decimal`, object columns that pandas sums but
    /// cannot `groupby().cumsum()`), `"float"` (float64: every pandas operation, exact to the cent
    /// below 2**53 cents, for plots and aggregates) or `"minor_units"` (int64 cents or the
    /// table's smallest unit: exact and fast, every pandas operation).
    #[pyo3(signature = (money = None))]
    fn to_pandas<'py>(slf: &Bound<'py, Self>, money: Option<&Bound<'py, PyAny>>) -> PyResult<Bound<'py, PyAny>> {
        guard("Table.to_pandas", || {
            let py = slf.py();
            let pyarrow = py.import("pyarrow")?;
            let form = match money.filter(|m| !m.is_none()) {
                None => "decimal".to_string(),
                Some(m) => name_text(m, "money", "\"decimal\", \"float\" or \"minor_units\"")?,
            };
            let to = match form.as_str() {
                "decimal" => return pyarrow.call_method1("table", (slf,))?.call_method0("to_pandas"),
                "float" => DataType::Float64,
                "minor_units" => DataType::Int64,
                _ => {
                    let reason = Reason::UnknownName { detail: "expected decimal, float or minor_units".into() };
                    return Err(invalid("money", show(money.unwrap_or(slf.as_any())), reason));
                }
            };
            let table = slf.get();
            let (batches, schema) = money_as(&table.batches, &table.schema, &to)
                .map_err(|e| invalid("money", form.as_str(), Reason::Unreadable { detail: e.to_string() }))?;
            let out = Bound::new(py, PyArrowTable { batches, schema })?;
            pyarrow.call_method1("table", (out,))?.call_method0("to_pandas")
        })
    }

    /// A `polars.DataFrame` (needs polars); money columns are `Decimal(38, scale)`.
    fn to_polars<'py>(slf: &Bound<'py, Self>) -> PyResult<Bound<'py, PyAny>> {
        guard("Table.to_polars", || slf.py().import("polars")?.call_method1("DataFrame", (slf,)))
    }

    fn __repr__(&self) -> PyResult<String> {
        guard("Table.__repr__", || {
            let cols: Vec<String> =
                self.schema.fields().iter().map(|f| format!("{}: {}", f.name(), f.data_type())).collect();
            Ok(format!("microcredit.Table({} rows; {})", self.num_rows(), cols.join(", ")))
        })
    }
}
