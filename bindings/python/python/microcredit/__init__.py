"""microcredit: exact micro-credit loan schedules and the true cost of credit.

The engine is the Rust crate ``microcredit``; this package is a thin binding:

- :class:`LoanTerms` builds and validates the terms of one loan; ``terms.schedule()`` gives its
  :class:`Schedule` and ``terms.quote()`` a :class:`Quote` (schedule + cost under every convention).
- :func:`cost_of_credit`, :func:`cost_of_flows`, :func:`annualise` and :func:`reg_z_apr` price
  schedules and cash flows.
- :func:`pmt`, :func:`ipmt`, :func:`ppmt`, :func:`fv`, :func:`rate`, :func:`irr`, :func:`xirr`,
  :func:`npv` are the Excel / numpy-financial functions, in 28-digit decimals (inputs with more
  digits, such as ``Decimal(1) / 3``, are rounded to 28 digits; a float, as numpy-financial takes
  it, is read as the digits ``repr`` shows). :func:`xirr` takes pyxirr's ``(dates, amounts)``.
  Results are ``Decimal``.
- :func:`schedules` prices a whole table of loans (pandas, polars, pyarrow) and returns Arrow
  tables (money as Decimal128, dates as Date32) that pandas, polars, pyarrow and DuckDB read.

Amounts of terms and flows are ``decimal.Decimal``, ``str`` or ``int``; a ``float`` raises
:class:`ValidationError` (it is never converted silently). :func:`cost_of_flows` of a loan not yet
repaid warns with :class:`UnfinishedLoanWarning`. Dates are ``datetime.date``; a ``datetime`` is refused. Every error
is a subclass of :class:`Error` with ``kind``, ``field`` and ``value`` (a bounded prefix of the
rejected value); no input crashes the interpreter or escapes as another exception: nested input is
refused past 32 levels, huge text and ints are measured before they are read, and a batch larger
than ``schedules(..., memory_limit=...)`` (4 GiB by default) is refused before it is allocated.
"""

from __future__ import annotations

from importlib.metadata import PackageNotFoundError
from importlib.metadata import version as _version
from typing import Any

from . import _microcredit
from ._microcredit import *  # noqa: F403 (every name the native module exports: its __all__)
from ._microcredit import ValidationError

try:
    __version__: str = _version("microcredit")
    """The installed package's version (the Rust crate's, from Cargo.toml)."""
except PackageNotFoundError:  # pragma: no cover - imported from a source tree, not installed
    __version__ = "0+unknown"

__all__ = ["__version__", "decimal_array"]
__all__ += [name for name in _microcredit.__all__ if not name.startswith("_")]


def _invalid(field: str, shown: str, code: str, **params: Any) -> ValidationError:
    """A :class:`ValidationError` for the pure-Python helpers, made by the core like every other:
    ``kind``, ``code``, ``params``, ``field``, ``value`` and ``message_es`` (``shown`` is already a
    short rendering of the value; ``code`` picks the rule)."""
    err: ValidationError = _microcredit._invalid(field, shown, code, **params)
    return err


def _show(value: Any) -> str:
    """A short rendering of a rejected value: never the repr of a huge or deeply nested object."""
    if isinstance(value, bool) or value is None:
        return repr(value)
    if isinstance(value, int):
        return repr(value) if value.bit_length() <= 64 else f"<int of {value.bit_length()} bits>"
    if isinstance(value, float):
        return repr(value)
    if isinstance(value, str):
        return repr(value) if len(value) <= 40 else f"{value[:32]!r}... ({len(value)} long)"
    return f"<{type(value).__name__}>"


def decimal_array(minor_units: Any, scale: int = 2) -> Any:
    """An exact ``pyarrow`` Decimal128 array from integer minor units (e.g. cents).

    ``decimal_array(np.array([150000, 99]), 2)`` holds ``1500.00`` and ``0.99``. Use it to build
    the money columns of a frame for :func:`schedules` from integer data without going through
    floats. Needs numpy and pyarrow. Values must fit a signed 64-bit integer; anything else
    (floats, huge ints, text) raises :class:`ValidationError`.
    """
    import numpy as np
    import pyarrow as pa

    if not isinstance(scale, int) or isinstance(scale, bool) or not 0 <= scale <= 38:
        raise _invalid("scale", _show(scale), "not_whole_number", min=0, max=38)
    if isinstance(minor_units, (str, bytes, bytearray, dict)):
        raise _invalid("minor_units", type(minor_units).__name__, "wrong_type", expected="a sequence or array of integers")
    try:
        ints = np.asarray(minor_units)
    except (ValueError, TypeError, OverflowError, RecursionError, MemoryError) as e:
        raise _invalid(
            "minor_units", type(minor_units).__name__, "wrong_type", expected=f"an array of integers ({type(e).__name__})"
        ) from None
    if ints.size == 0 and ints.dtype.kind == "f":
        ints = ints.astype(np.int64)  # an empty list: no values to convert
    if ints.dtype.kind == "f":
        raise _invalid("minor_units", f"dtype {ints.dtype}"[:60], "float_not_accepted")
    if ints.dtype.kind not in "iu":
        raise _invalid("minor_units", f"dtype {ints.dtype}"[:60], "wrong_type", expected="integers")
    if ints.dtype.kind == "u" and ints.size and int(ints.max()) > np.iinfo(np.int64).max:
        raise _invalid("minor_units", str(int(ints.max()))[:60], "out_of_range_for", type_name="Int64")
    if ints.ndim != 1:
        raise _invalid("minor_units", f"an array of {ints.ndim} dimensions", "wrong_type", expected="one dimension")
    ints = ints.astype(np.int64, copy=False)
    words = np.empty((ints.size, 2), dtype=np.int64)
    words[:, 0] = ints
    words[:, 1] = ints >> 63  # sign extension to 128 bits
    return pa.Array.from_buffers(pa.decimal128(38, scale), ints.size, [None, pa.py_buffer(words.tobytes())])
