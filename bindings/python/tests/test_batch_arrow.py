"""microcredit.schedules: frames in (pandas, polars, pyarrow), Arrow tables out, readable by
pyarrow, pandas, polars and DuckDB; per-loan errors in the loans table; bad frames raise."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest

import microcredit as mc

pa = pytest.importorskip("pyarrow")
pd = pytest.importorskip("pandas")

D = Decimal


def frame() -> "pd.DataFrame":
    return pd.DataFrame(
        {
            "principal": [D("1000"), D("500.50"), D("800"), D("1000")],
            "currency": ["USD", "USD", "USD", "XYZ"],
            "rate_percent": [D("12"), D("3"), D("24"), D("12")],
            "installments": [12, 16, 6, 12],
            "disbursement_date": [datetime.date(2025, 1, 15)] * 4,
            "rate_per": ["year", "month", "year", "year"],
            "frequency_unit": ["months", "weeks", "months", "months"],
            "interest_method": ["declining_balance", "flat", "declining_balance", "declining_balance"],
            "fee_percent": [None, D("2"), D("2"), None],
            "savings_percent": [None, D("10"), None, None],
        }
    )


def test_batch_matches_single_schedules() -> None:
    inst, loans = mc.schedules(frame())
    assert isinstance(inst, mc.Table) and isinstance(loans, mc.Table)
    t = pa.table(inst)
    lt = pa.table(loans)
    assert lt.num_rows == 4
    assert t.schema.field("principal").type == pa.decimal128(38, 2)
    assert t.schema.field("due_date").type == pa.date32()
    first = [r for r in t.to_pylist() if r["loan"] == 0]
    single = mc.LoanTerms("1000", "USD", "12", 12, disbursement_date=datetime.date(2025, 1, 15)).schedule()
    assert [r["total"] for r in first] == [i.total for i in single.installments]
    assert [r["due_date"] for r in first] == [i.due_date for i in single.installments]
    rows = lt.to_pylist()
    assert rows[0]["error"] is None and rows[0]["apr"] is not None
    assert abs(rows[0]["apr"] - D("0.12")) < D("0.0001")
    # The weekly flat loan with fee and savings: same as its quote.
    q = mc.LoanTerms(
        "500.50", "USD", "3", 16, rate_per="month", frequency="weekly", interest_method="flat",
        disbursement_date=datetime.date(2025, 1, 15), fees=[{"kind": "upfront", "percent": "2"}],
        savings={"at_disbursement_percent": "10"},
    ).quote()
    assert rows[1]["total_interest"] == q.schedule.totals.interest
    # The batch prices exactly as a quote does.
    assert rows[1]["eir"] == q.cost("mft_eir").annual_rate
    assert rows[1]["apr"] == q.cost("mft_apr").annual_rate
    # Per-loan error: in the loans table, no installments.
    assert rows[3]["error_kind"] == "unknown_currency"
    assert "XYZ" in rows[3]["error"]
    assert rows[3]["currency"] is None
    assert 3 not in set(t.column("loan").to_pylist())


def test_consumers_pyarrow_pandas_polars_duckdb() -> None:
    inst, loans = mc.schedules(frame(), pricing=False)
    assert pa.table(inst).num_rows == inst.num_rows == len(inst)
    df = inst.to_pandas()
    assert df["principal"].iloc[0] == pa.table(inst).column("principal")[0].as_py()
    assert isinstance(df["principal"].iloc[0], Decimal)
    pl = pytest.importorskip("polars")
    p = inst.to_polars()
    assert p.height == inst.num_rows
    assert pl.DataFrame(loans).height == 4
    duckdb = pytest.importorskip("duckdb")
    con = duckdb.connect()
    con.register("inst", inst.to_pyarrow())
    n = con.sql("select count(*) from inst").fetchall()
    assert n[0][0] == inst.num_rows
    # Also straight from the object, through its __arrow_c_stream__.
    installments_table = inst  # noqa: F841 - found by DuckDB's replacement scan
    total = duckdb.sql("select sum(principal) as p from installments_table where loan = 0").fetchall()
    assert total[0][0] == D("1000.00")
    assert loans.to_pandas()["apr"].isna().all()  # pricing off


def test_polars_and_pyarrow_inputs() -> None:
    pl = pytest.importorskip("polars")
    df = pl.DataFrame(
        {
            "principal": ["1000", "2000"],
            "currency": ["KES", "KES"],
            "rate_percent": [18, 20],
            "installments": [12, 24],
            "disbursement_date": [datetime.date(2025, 2, 1), datetime.date(2025, 3, 1)],
        }
    )
    inst, loans = mc.schedules(df)
    assert loans.num_rows == 2 and inst.num_rows == 36
    tbl = pa.table(
        {
            "principal": mc.decimal_array([100000, 250000], 2),
            "currency": ["USD", "USD"],
            "rate_percent": mc.decimal_array([2450, 1800], 2),
            "installments": pa.array([6, 12], pa.int32()),
            "disbursement_date": pa.array([datetime.date(2025, 1, 1)] * 2, pa.date32()),
        }
    )
    inst2, loans2 = mc.schedules(tbl)
    assert pa.table(loans2).column("loan_amount").to_pylist() == [D("1000.00"), D("2500.00")]


def test_categorical_text_columns_read_as_their_strings() -> None:
    """Dictionary-encoded text (pandas and polars Categorical), nulls included, gives the tables
    the same frame gives with plain strings; a null currency is that row's error."""
    pl = pytest.importorskip("polars")
    plain = frame()
    cat = plain.assign(
        currency=pd.Categorical(plain["currency"]),
        rate_per=pd.Categorical(plain["rate_per"]),
        interest_method=pd.Categorical(plain["interest_method"]),
    )
    for df in (cat, pl.from_pandas(plain).with_columns(pl.col("currency").cast(pl.Categorical))):
        for got, want in zip(mc.schedules(df), mc.schedules(plain)):
            assert pa.table(got).equals(pa.table(want))
    with_null = cat.assign(currency=pd.Categorical(["USD", None, "USD", "XYZ"]))
    rows = pa.table(mc.schedules(with_null)[1]).to_pylist()
    assert rows[1]["error_field"] == "currency" and rows[0]["error"] is None and rows[2]["error"] is None


def test_mixed_currency_scales() -> None:
    df = pd.DataFrame(
        {
            "principal": ["1000", "1000.125", "500000"],
            "currency": ["USD", "TND", "UGX"],
            "rate_percent": ["12", "12", "12"],
            "installments": [3, 3, 3],
            "disbursement_date": [datetime.date(2025, 1, 15)] * 3,
        }
    )
    inst, loans = mc.schedules(df)
    t = pa.table(loans)
    assert t.schema.field("loan_amount").type == pa.decimal128(38, 3)
    assert t.column("loan_amount").to_pylist() == [D("1000.000"), D("1000.125"), D("500000.000")]


def test_timestamps_at_midnight_ok_time_of_day_is_a_row_error() -> None:
    df = pd.DataFrame(
        {
            "principal": [1000, 1000],
            "currency": ["USD", "USD"],
            "rate_percent": [12, 12],
            "installments": [3, 3],
            "disbursement_date": [pd.Timestamp("2025-01-15"), pd.Timestamp("2025-01-15 10:30")],
        }
    )
    _, loans = mc.schedules(df)
    rows = pa.table(loans).to_pylist()
    assert rows[0]["error"] is None
    assert rows[1]["error_field"] == "disbursement_date"


@pytest.mark.parametrize(
    ("change", "column"),
    [
        (lambda df: df.drop(columns=["principal"]), "principal"),
        (lambda df: df.assign(principal=[True, False, True, True]), "principal"),  # floats are read: see test_frame_front_doors.py
        (lambda df: df.assign(installments=["a", "b", "c", "d"]), "installments"),
        (lambda df: df.assign(disbursement_date=[1, 2, 3, 4]), "disbursement_date"),
        (lambda df: df.assign(disbursement_date=pd.to_datetime(["2025-01-01"] * 4).tz_localize("UTC")), "disbursement_date"),
        (lambda df: df.iloc[0:0], "frame"),
    ],
)
def test_malformed_frames_raise_naming_the_column(change, column: str) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(mc.ValidationError) as e:
        mc.schedules(change(frame()))
    assert e.value.field == column
    assert column in str(e.value)


def test_not_a_frame() -> None:
    for bad in (None, 42, "principal", [1, 2, 3], {"principal": [1]}):
        with pytest.raises(mc.ValidationError):
            mc.schedules(bad)


def test_row_level_bad_values() -> None:
    df = frame().assign(interest_method=["flat", "flatt", "flat", "flat"], currency=["USD"] * 4)
    _, loans = mc.schedules(df)
    rows = pa.table(loans).to_pylist()
    assert rows[1]["error_field"] == "interest_method" and rows[1]["error_kind"] == "invalid_field"
    assert sum(r["error"] is None for r in rows) == 3


def test_terms_json_column() -> None:
    t = mc.LoanTerms("1000", "USD", "12", 12, disbursement_date=datetime.date(2025, 1, 15), fees=[{"kind": "upfront", "amount": "10"}])
    df = pd.DataFrame({"terms_json": [t.to_json(), "{bad"]})
    inst, loans = mc.schedules(df)
    rows = pa.table(loans).to_pylist()
    assert rows[0]["error"] is None and rows[1]["error_kind"] == "json"
    assert inst.num_rows == 12


def test_progress_flag() -> None:
    inst, loans = mc.schedules(frame(), progress=True)
    assert loans.num_rows == 4


@pytest.mark.parametrize("with_errors", [True, False])
def test_progress_runs_match_one_run(with_errors: bool) -> None:
    # More loans than one progress step (16,384): the installments come back in several record
    # batches, with each loan's input row, the same as in one run.
    big = pd.concat([frame()] * 6000, ignore_index=True)
    if not with_errors:
        big = big[big["currency"] == "USD"].reset_index(drop=True)
    one = mc.schedules(big, pricing=False)
    stepped = mc.schedules(big, pricing=False, progress=True)
    for a, b in zip(one, stepped):
        assert pa.table(a).equals(pa.table(b))
    rows = pa.table(one[0]).group_by("loan").aggregate([("number", "count")]).sort_by("loan")
    assert rows.column("loan").to_pylist()[:3] == [0, 1, 2]
    assert (3 in rows.column("loan").to_pylist()) is (not with_errors)


def test_phase_timings_only_when_asked() -> None:
    """MICROCREDIT_LOG=debug prints each phase of a batch with its duration (tracing spans);
    without it the module prints nothing."""
    import os
    import subprocess
    import sys

    code = (
        "import datetime as dt, pyarrow as pa, microcredit as mc\n"
        "t = pa.table({'principal': ['1000'], 'currency': ['USD'], 'rate_percent': ['24'],"
        " 'installments': [12], 'disbursement_date': [dt.date(2025, 1, 15)]})\n"
        "mc.schedules(t)\n"
    )
    env = {k: v for k, v in os.environ.items() if k != "MICROCREDIT_LOG"}
    quiet = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=120)
    assert quiet.returncode == 0, quiet.stderr
    assert quiet.stderr == ""
    loud = subprocess.run(
        [sys.executable, "-c", code], env={**env, "MICROCREDIT_LOG": "debug"}, capture_output=True, text=True, timeout=120
    )
    assert loud.returncode == 0, loud.stderr
    for phase in ("schedule_batch", "tables", "schedules"):
        assert phase in loud.stderr, loud.stderr
    assert "close" in loud.stderr and "time.busy" in loud.stderr, loud.stderr


@pytest.mark.parametrize(
    ("value", "code"),
    [([1.5, 2.0], "float_not_accepted"), (["1", "2"], "wrong_type"), ([[1], [2]], "wrong_type"), ("12", "wrong_type")],
)
def test_decimal_array_errors_are_the_cores(value: object, code: str) -> None:
    """The pure-Python helper's errors are made by the core: kind, code, field and a Spanish message."""
    pytest.importorskip("numpy")
    with pytest.raises(mc.ValidationError) as info:
        mc.decimal_array(value, 2)
    e = info.value
    assert (e.kind, e.code, e.field) == ("invalid_field", code, "minor_units")
    assert e.message_es.startswith("valor no válido en minor_units")
    with pytest.raises(mc.ValidationError) as scale:
        mc.decimal_array([1], 39)
    assert scale.value.code == "not_whole_number"
    assert {"min": "0", "max": "38"}.items() <= scale.value.params.items()
