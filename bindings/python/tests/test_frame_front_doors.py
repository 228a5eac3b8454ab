"""A new user's first book: a CSV read by pandas (float money, an id column, a misspelled column)
given to ``microcredit.schedules``. Issue 15, "front doors": a misspelled column is an error that
names the nearest known column (never silently ignored); columns named in ``keep`` pass through to
both output tables; float money is read as its shortest decimal text, and refused (that loan's
error) when finer than the currency's minor units; NaN is a missing value.

The rules live in the crate ``microcredit-tables`` (``loan_table.rs``); these tests check that the
Python package reaches them as an analyst would."""

from __future__ import annotations

import io
from decimal import Decimal

import pytest

import microcredit as mc

pd = pytest.importorskip("pandas")
pytest.importorskip("pyarrow")

CSV = """loan_id,principal,currency,rate_percent,installments,disbursement_date,fee_pct
FAM-001,1000.00,USD,24,12,2026-01-15,2
FAM-002,500.50,USD,30.5,6,2026-02-01,
FAM-003,1200.10,USD,18,10,2026-03-10,1.5
"""


def book(csv: str = CSV) -> "pd.DataFrame":
    return pd.read_csv(io.StringIO(csv))


def test_the_csv_really_has_float_money_and_a_blank_fee() -> None:
    df = book()
    assert df["principal"].dtype == "float64" and df["fee_pct"].isna().sum() == 1


def test_a_misspelled_column_names_the_column_meant() -> None:
    with pytest.raises(mc.ValidationError) as info:
        mc.schedules(book(), keep=["loan_id"])
    e = info.value
    assert (e.code, e.field) == ("unknown_column", "fee_pct")
    assert e.params["nearest"] == "fee_percent"
    assert "fee_percent" in str(e) and "fee_percent" in e.message_es
    assert e.message_es.startswith("valor no válido en fee_pct") and "columna desconocida" in e.message_es


def test_an_unnamed_id_column_is_refused_too_and_keep_carries_it_through() -> None:
    df = book().rename(columns={"fee_pct": "fee_percent"})
    with pytest.raises(mc.ValidationError) as info:
        mc.schedules(df)
    assert (info.value.code, info.value.field) == ("unknown_column", "loan_id")

    inst, loans = mc.schedules(df, keep=["loan_id"])
    lt = loans.to_pandas()
    assert list(lt.columns[:2]) == ["loan", "loan_id"]
    assert list(lt["loan_id"]) == ["FAM-001", "FAM-002", "FAM-003"]
    it = inst.to_pandas()
    assert list(it.columns[:2]) == ["loan", "loan_id"]
    assert it.groupby("loan_id").size().to_dict() == {"FAM-001": 12, "FAM-002": 6, "FAM-003": 10}
    # Every installment's id is its loan's.
    assert (it["loan_id"] == lt["loan_id"].iloc[it["loan"]].to_numpy()).all()


def test_float_money_is_read_as_its_shortest_decimal() -> None:
    df = book().rename(columns={"fee_pct": "fee_percent"})
    _, loans = mc.schedules(df, keep=["loan_id"])
    lt = loans.to_pandas().set_index("loan_id")
    assert lt.loc["FAM-003", "loan_amount"] == Decimal("1200.10")  # not 1200.0999999999999
    assert lt.loc["FAM-001", "net_disbursement"] == Decimal("980.00")  # a 2 % fee withheld
    assert lt.loc["FAM-002", "net_disbursement"] == Decimal("500.50")  # NaN fee: no fee
    assert lt["error"].isna().all()
    # The same book with exact decimals gives the same tables.
    exact = df.assign(
        principal=[Decimal("1000.00"), Decimal("500.50"), Decimal("1200.10")],
        rate_percent=[Decimal("24"), Decimal("30.5"), Decimal("18")],
        fee_percent=[Decimal("2"), None, Decimal("1.5")],
    )
    _, exact_loans = mc.schedules(exact, keep=["loan_id"])
    assert exact_loans.to_pandas().set_index("loan_id")["total_paid"].equals(lt["total_paid"])


def test_float_money_finer_than_the_currency_is_that_loans_error() -> None:
    csv = CSV.replace("1200.10", "1200.105").replace("fee_pct", "fee_percent")
    _, loans = mc.schedules(book(csv), keep=["loan_id"])
    lt = loans.to_pandas().set_index("loan_id")
    assert lt.loc["FAM-003", "error_field"] == "principal"
    assert "1200.105" in lt.loc["FAM-003", "error"]
    assert lt.loc[["FAM-001", "FAM-002"], "error"].isna().all()


def test_unknown_columns_keep_carries_every_extra_column() -> None:
    df = book().assign(branch=["Ibarra", "Tulcán", "Ibarra"])
    inst, loans = mc.schedules(df, unknown_columns="keep")
    names = loans.column_names
    assert names[:4] == ["loan", "loan_id", "fee_pct", "branch"]
    assert "fee_pct" in inst.column_names and "branch" in inst.column_names


@pytest.mark.parametrize(
    ("kwargs", "code", "field"),
    [
        ({"keep": ["no_such_column"]}, "missing_column", "keep"),
        ({"keep": "loan_id"}, "wrong_type", "keep"),
        ({"unknown_columns": "ignore"}, "unknown_name", "unknown_columns"),
    ],
)
def test_bad_options_are_typed_errors(kwargs: dict[str, object], code: str, field: str) -> None:
    df = book().rename(columns={"fee_pct": "fee_percent"})
    with pytest.raises(mc.ValidationError) as info:
        mc.schedules(df, **kwargs)
    assert (info.value.code, info.value.field) == (code, field)


def test_a_kept_column_may_not_take_an_output_columns_name() -> None:
    df = book().rename(columns={"fee_pct": "fee_percent"}).assign(total=[1, 2, 3])
    with pytest.raises(mc.ValidationError) as info:
        mc.schedules(df, keep=["loan_id", "total"])
    assert (info.value.code, info.value.field) == ("column_name_taken", "total")


def test_a_named_pandas_index_is_a_column_like_any_other() -> None:
    df = book().rename(columns={"fee_pct": "fee_percent"}).set_index("loan_id")
    _, loans = mc.schedules(df, keep=["loan_id"])
    assert list(loans.to_pandas()["loan_id"]) == ["FAM-001", "FAM-002", "FAM-003"]
    # A default (range) index adds nothing.
    _, plain = mc.schedules(df.reset_index(drop=True))
    assert "__index_level_0__" not in plain.column_names
