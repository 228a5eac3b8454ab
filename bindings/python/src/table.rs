//! `Table`: Arrow record batches exposed through the Arrow PyCapsule interface
//! (`__arrow_c_stream__`), so pyarrow, pandas, polars and DuckDB read them without copying.

use std::sync::Arc;

use arrow_array::{ArrayRef, Date32Array, Decimal128Array, RecordBatch, StructArray, UInt32Array};
use arrow_buffer::NullBuffer;
use arrow_schema::{ArrowError, DataType, Field, Schema, SchemaRef};
use pyo3::prelude::*;
use pyo3::types::PyCapsule;
use pyo3_arrow::ffi::{ArrayIterator, to_schema_pycapsule, to_stream_pycapsule};

use crate::errors::guard;
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

    /// A `pandas.DataFrame` (needs pandas and pyarrow); money columns hold `decimal.Decimal`.
    fn to_pandas<'py>(slf: &Bound<'py, Self>) -> PyResult<Bound<'py, PyAny>> {
        guard("Table.to_pandas", || {
            slf.py().import("pyarrow")?.call_method1("table", (slf,))?.call_method0("to_pandas")
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
