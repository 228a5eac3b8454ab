"""The side-by-side benchmark (benches/side_by_side.py) runs, on a few loans, against the peers'
own functions, and microcredit's results in it are complete and exact: it is checked here so it
cannot rot between the sittings that record its figures in BENCHMARKS.md."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import REPO

BENCH = REPO / "bindings" / "python" / "benches" / "side_by_side.py"
PEERS = [p for p in (REPO.parent / "shared" / "peers", REPO / "shared" / "peers") if p.is_dir()]


@pytest.mark.skipif(not PEERS, reason="the peers' scripts (shared/peers) are not beside the repository")
def test_side_by_side_runs_and_is_exact() -> None:
    pytest.importorskip("numpy_financial")
    pytest.importorskip("pyxirr")
    out = subprocess.run(
        [sys.executable, str(BENCH), "--n", "300", "--rounds", "2"],
        check=True,
        capture_output=True,
        text=True,
        timeout=300,
    ).stdout
    lines = [json.loads(line) for line in out.splitlines() if line.startswith("{")]
    by_name = {line["name"]: line for line in lines if "name" in line}
    comparisons = [line for line in lines if "comparison" in line]
    assert len(by_name) == 5 and len(comparisons) == 3
    ours = by_name["schedules_microcredit"]
    assert ours["failed_loans"] == 0
    # The pure-Decimal peer rounds half-up where microcredit rounds half-even: the totals of
    # interest differ by at most a cent a row.
    peer = by_name["schedules_python_decimal"]
    assert abs(float(ours["total_interest"]) - float(peer["total_interest"])) <= 0.01 * ours["rows"]
    assert by_name["eir_xirr_microcredit"]["total_interest"] == ours["total_interest"]
    assert all(c["median_ratio"] > 0 for c in comparisons)
