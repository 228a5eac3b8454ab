"""microcredit.schedules on the peers' synthetic loans (shared/peers/_common.py, same seed).

Times, like the peer scripts, only the computation: from a pandas DataFrame of loan terms (built
before timing) to the two Arrow tables. Prints one JSON line per measurement:

- schedules_microcredit: schedules only (pricing=False), the counterpart of
  schedules_numpy_financial.py and schedules_python_decimal.py;
- eir_xirr_microcredit: schedules plus APR, EIR and XIRR of every loan (pricing=True), the
  counterpart of xirr_pyxirr.py.

The loans are the peers': 2 % flat upfront fee (``fee_percent``), monthly installments, principal
and rate as exact Decimal128 built from the integer cents and basis points.
"""

from __future__ import annotations

import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[3]
sys.path.insert(0, str(REPO.parent / "shared" / "peers"))
sys.path.insert(0, str(REPO / "shared" / "peers"))

import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
import pyarrow as pa  # noqa: E402
from _common import make_loans, parse_args, run  # noqa: E402

import microcredit as mc  # noqa: E402


def frame(loans: dict) -> pd.DataFrame:
    """The peers' loans as a DataFrame of terms (exact decimals, dates at midnight)."""
    n = loans["principal_cents"].size
    return pd.DataFrame(
        {
            "principal": pd.arrays.ArrowExtensionArray(mc.decimal_array(loans["principal_cents"], 2)),
            "currency": pd.Categorical(["USD"] * n),
            "rate_percent": pd.arrays.ArrowExtensionArray(mc.decimal_array(loans["rate_bp"], 2)),
            "installments": loans["term"].astype(np.int64),
            "disbursement_date": loans["disbursed"].astype("datetime64[s]"),
            "fee_percent": np.full(n, 2, dtype=np.int64),
        }
    )


def check(res: tuple) -> dict:
    inst, loans_tbl = res
    t = pa.table(loans_tbl)
    ok = t.column("error").null_count  # a null error means the loan was scheduled
    return {
        "failed_loans": int(t.num_rows - ok),
        "total_interest": str(pa.compute.sum(pa.table(inst).column("interest")).as_py()),
    }


def check_pricing(res: tuple) -> dict:
    out = check(res)
    t = pa.table(res[1])
    out["mean_xirr"] = round(float(pa.compute.mean(t.column("xirr").cast(pa.float64())).as_py()), 6)
    out["mean_eir"] = round(float(pa.compute.mean(t.column("eir").cast(pa.float64())).as_py()), 6)
    return out


if __name__ == "__main__":
    args = parse_args()
    loans = make_loans(args.n, args.seed)
    df = frame(loans)
    rows = int(loans["term"].sum())
    run("schedules_microcredit", args.n, lambda: mc.schedules(df, pricing=False), runs=args.runs, rows=rows, extra=check)
    run(
        "eir_xirr_microcredit",
        args.n,
        lambda: mc.schedules(df, pricing=True),
        runs=args.runs,
        rows=rows + args.n,
        extra=check_pricing,
    )
