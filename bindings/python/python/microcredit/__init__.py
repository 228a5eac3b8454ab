"""microcredit: exact micro-credit loan schedules and the true cost of credit.

The engine is the Rust crate ``microcredit``; this package is a thin binding:

- :class:`LoanTerms` builds and validates the terms of one loan; ``terms.schedule()`` gives its
  :class:`Schedule` and ``terms.quote()`` a :class:`Quote` (schedule + cost under every convention).
- :func:`cost_of_credit`, :func:`cost_of_flows`, :func:`annualise` and :func:`reg_z_apr` price
  schedules and cash flows.
- :func:`pmt`, :func:`ipmt`, :func:`ppmt`, :func:`fv`, :func:`rate`, :func:`irr`, :func:`xirr`,
  :func:`npv` are the Excel / numpy-financial functions, in 28-digit decimals (inputs with more
  digits, such as ``Decimal(1) / 3``, are rounded to 28 digits; floats are refused).
- :func:`schedules` prices a whole table of loans (pandas, polars, pyarrow) and returns Arrow
  tables (money as Decimal128, dates as Date32) that pandas, polars, pyarrow and DuckDB read.

Amounts are ``decimal.Decimal``, ``str`` or ``int``; a ``float`` raises :class:`ValidationError`
(it is never converted silently). Dates are ``datetime.date``; a ``datetime`` is refused. Every error
is a subclass of :class:`Error`.
"""

from __future__ import annotations

from typing import Any

from . import _microcredit
from ._microcredit import *  # noqa: F403 (every name the native module exports: its __all__)
from ._microcredit import ValidationError

__all__ = ["decimal_array"]
__all__ += _microcredit.__all__


def decimal_array(minor_units: Any, scale: int = 2) -> Any:
    """An exact ``pyarrow`` Decimal128 array from integer minor units (e.g. cents).

    ``decimal_array(np.array([150000, 99]), 2)`` holds ``1500.00`` and ``0.99``. Use it to build
    the money columns of a frame for :func:`schedules` from integer data without going through
    floats. Needs numpy and pyarrow.
    """
    import numpy as np
    import pyarrow as pa

    if not isinstance(scale, int) or isinstance(scale, bool) or not 0 <= scale <= 38:
        raise ValidationError(f"invalid scale: {scale!r} (must be an int between 0 and 38)")
    ints = np.asarray(minor_units)
    if ints.dtype.kind not in "iu":
        raise ValidationError(
            f"invalid minor_units: dtype {ints.dtype} (expected integers; floats are never converted)"
        )
    ints = ints.astype(np.int64, copy=False)
    words = np.empty((ints.size, 2), dtype=np.int64)
    words[:, 0] = ints
    words[:, 1] = ints >> 63  # sign extension to 128 bits
    return pa.Array.from_buffers(pa.decimal128(38, scale), ints.size, [None, pa.py_buffer(words.tobytes())])
