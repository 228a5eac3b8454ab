"""microcredit and its peers (shared/peers/) timed in one process, round by round.

Every contender computes on the same seeded loans (`_common.make_loans`, same N) in the input form
its own script gives it, built before any timing:

- schedules: ``microcredit.schedules(frame, pricing=False)`` from a pandas DataFrame to the two
  Arrow tables, against ``schedules_numpy_financial.schedules`` (float64 arrays) and
  ``schedules_python_decimal.schedules`` (pure-Python Decimal tuples);
- true cost: ``microcredit.schedules(frame, pricing=True)`` (schedules, tables, APR, EIR and XIRR
  of every loan) against ``xirr_pyxirr.xirr_all`` (XIRR only, flows pre-split into lists).

After one warm-up call each, every round times each contender once, in an order that rotates from
round to round, and frees each result before the next call. The machine drifts by tens of
percent within minutes; a ratio taken within one round compares calls made seconds apart, so the
median of the per-round ratios is the figure to read (the ratio of the medians is printed too).

With ``--suite accounts``: the state of every loan of a book on one date,
``microcredit.account_states(installments, repayments, on=...)`` from pandas DataFrames to an
Arrow table (the full component-wise state, exact), against ``accounts_pandas.states`` and
``accounts_polars.states`` (paid, outstanding, arrears and days past due in float64), on the
book of ``_common.make_repayments``; each result's check values (loans, paid, arrears, loans over
30 days past due, the largest days past due) must agree.

Prints one JSON line per contender, one per comparison, then a Markdown table.
Usage: side_by_side.py [--suite schedules|accounts] [--n 100000] [--rounds 7] [--seed 42]
"""

from __future__ import annotations

import argparse
import gc
import json
import statistics
import sys
import time
from decimal import Decimal
from pathlib import Path
from typing import Any, Callable

HERE = Path(__file__).resolve().parent
REPO = HERE.parents[2]
for peers in (REPO.parent / "shared" / "peers", REPO / "shared" / "peers"):
    if peers.is_dir():
        sys.path.insert(0, str(peers))
        break
sys.path.insert(0, str(HERE))

import pyarrow as pa  # noqa: E402
import schedules_numpy_financial as npf_peer  # noqa: E402
import schedules_python_decimal as dec_peer  # noqa: E402
import xirr_pyxirr as xirr_peer  # noqa: E402
from _common import make_loans  # noqa: E402
from bench_schedules import check, frame  # noqa: E402

import microcredit as mc  # noqa: E402

# (ours, peer, goal: how many times faster ours must be)
ACCOUNT_COMPARISONS = [
    ("accounts_microcredit", "accounts_pandas", 2.0),
    ("accounts_microcredit", "accounts_polars", 2.0),
]
COMPARISONS = [
    ("schedules_microcredit", "schedules_numpy_financial", 5.0),
    ("schedules_microcredit", "schedules_python_decimal", 25.0),
    ("eir_xirr_microcredit", "xirr_pyxirr", 1.0),
]


def contenders(n: int, seed: int) -> dict[str, tuple[Callable[[], Any], Callable[[Any], dict[str, Any]]]]:
    """Each contender's call and the check of its result (ours from bench_schedules, the peers'
    their own), the inputs built here (untimed) as each peer script builds them."""
    loans = make_loans(n, seed)
    df = frame(loans)
    p, r, t = loans["principal"], loans["annual_rate"], loans["term"]
    dec_loans = [
        (Decimal(int(c)).scaleb(-2), Decimal(int(bp)).scaleb(-4), int(k))
        for c, bp, k in zip(loans["principal_cents"], loans["rate_bp"], loans["term"])
    ]
    dates, flows = xirr_peer.cash_flows(loans)
    date_lists = [d.tolist() for d in dates]
    flow_lists = [f.tolist() for f in flows]

    def ours(res: Any) -> dict[str, Any]:
        return {**check(res), "rows": pa.table(res[0]).num_rows}

    return {
        "schedules_microcredit": (lambda: mc.schedules(df, pricing=False), ours),
        "schedules_numpy_financial": (lambda: npf_peer.schedules(p, r, t), lambda res: npf_peer.check(res, p)),
        "schedules_python_decimal": (lambda: dec_peer.schedules(dec_loans), lambda res: dec_peer.check(res, dec_loans)),
        "eir_xirr_microcredit": (lambda: mc.schedules(df, pricing=True), ours),
        "xirr_pyxirr": (lambda: xirr_peer.xirr_all(date_lists, flow_lists), lambda res: {"loans": len(res)}),
    }


def account_summary(table: Any) -> dict[str, Any]:
    """The peers' check values from microcredit's account-state table (paid as the peers count
    it: everything received, surplus included)."""
    import pyarrow.compute as pc

    t = pa.table(table)
    total = lambda col: float(pc.sum(t[col]).as_py() or 0)  # noqa: E731
    dpd = t["days_past_due"]
    return {
        "loans": t.num_rows,
        "paid": round(total("paid") + total("overpaid"), 2),
        "arrears": round(total("overdue"), 2),
        "dpd_over_30": int(pc.sum(pc.greater(dpd, 30)).as_py() or 0),
        "dpd_max": int(pc.max(dpd).as_py() or 0),
    }


def account_contenders(n: int, seed: int) -> dict[str, tuple[Callable[[], Any], Callable[[Any], dict[str, Any]]]]:
    """microcredit and the two peers on the book of ``make_repayments`` (inputs built untimed)."""
    import accounts_pandas as pd_peer
    import accounts_polars as pl_peer
    import pandas as pd
    import polars as pl
    from _common import make_repayments

    inst, reps, as_of = make_repayments(n, seed)
    inst_pd, reps_pd = pd.DataFrame(inst), pd.DataFrame(reps)
    inst_pl, reps_pl = pl.DataFrame(inst), pl.DataFrame(reps)
    day = as_of.item()
    peer_summary = lambda s: {k: v for k, v in s.items() if k != "threads"}  # noqa: E731
    return {
        "accounts_microcredit": (lambda: mc.account_states(inst_pd, reps_pd, on=day, currency="USD"), account_summary),
        "accounts_pandas": (lambda: pd_peer.states(inst_pd, reps_pd, pd.Timestamp(as_of)), lambda g: peer_summary(pd_peer.summary(g))),
        "accounts_polars": (lambda: pl_peer.states(inst_pl, reps_pl, day), lambda g: peer_summary(pl_peer.summary(g))),
    }


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--suite", choices=["schedules", "accounts"], default="schedules")
    ap.add_argument("--n", type=int, default=100_000)
    ap.add_argument("--rounds", type=int, default=7)
    ap.add_argument("--seed", type=int, default=42)
    args = ap.parse_args()
    accounts = args.suite == "accounts"
    calls = account_contenders(args.n, args.seed) if accounts else contenders(args.n, args.seed)
    comparisons = ACCOUNT_COMPARISONS if accounts else COMPARISONS
    names = list(calls)
    times: dict[str, list[float]] = {k: [] for k in names}
    seen: dict[str, dict[str, Any]] = {}
    for k, (call, check_result) in calls.items():  # warm-up, and the checks of each result
        seen[k] = check_result(call())
    for r in range(args.rounds):
        for k in names[r % len(names) :] + names[: r % len(names)]:
            gc.collect()
            t0 = time.perf_counter()
            result = calls[k][0]()
            times[k].append(time.perf_counter() - t0)
            del result
    for k in names:
        ts = times[k]
        line = {"name": k, "n": args.n, "seconds": round(statistics.median(ts), 6)}
        line |= {"min_s": round(min(ts), 6), "max_s": round(max(ts), 6), **seen[k]}
        print(json.dumps(line), flush=True)
    rows = []
    if accounts:
        values = {k: {c: v for c, v in seen[k].items() if c != "rows"} for k in names}
        line = {"check": "account check values agree", "met": all(v == values[names[0]] for v in values.values())}
        print(json.dumps(line | {"values": values}), flush=True)
    for ours, peer, goal in comparisons:
        per_round = [b / a for a, b in zip(times[ours], times[peer])]
        ratio = statistics.median(per_round)
        of_medians = statistics.median(times[peer]) / statistics.median(times[ours])
        line = {"comparison": f"{ours} vs {peer}", "median_ratio": round(ratio, 2)}
        line |= {"min_ratio": round(min(per_round), 2), "max_ratio": round(max(per_round), 2)}
        line |= {"ratio_of_medians": round(of_medians, 2), "goal": goal, "met": ratio >= goal}
        print(json.dumps(line), flush=True)
        rows.append((ours, peer, ratio, min(per_round), max(per_round), goal))
    print(f"\n| {args.n:,} loans, {args.rounds} rounds | median s (min–max) |\n|---|--:|")
    for k in names:
        ts = times[k]
        print(f"| {k} | {statistics.median(ts):.3f} ({min(ts):.3f}–{max(ts):.3f}) |")
    print("\n| microcredit vs peer | per-round ratio, median (min–max) | goal | met |\n|---|--:|--:|---|")
    for ours, peer, ratio, lo, hi, goal in rows:
        met = "yes" if ratio >= goal else "no"
        print(f"| {ours} vs {peer} | {ratio:.2f}× ({lo:.2f}–{hi:.2f}) | ≥ {goal:g}× | {met} |")


if __name__ == "__main__":
    main()
