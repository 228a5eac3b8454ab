"""The Python API: terms, schedules, quotes, pricing functions, errors, HTML views, plots."""

from __future__ import annotations

import datetime
import json
from decimal import Decimal
from typing import Any

import pytest

import microcredit as mc

D = Decimal


def test_schedule_matches_core_doc_example(usd_terms_kwargs: dict[str, Any]) -> None:
    s = mc.LoanTerms(**usd_terms_kwargs).schedule()
    assert len(s) == 12
    assert s.installments[0].total == D("88.85")
    assert s.totals.principal == D("1000.00")
    assert s.installments[-1].balance == 0
    assert all(isinstance(i.principal, Decimal) for i in s.installments)
    assert isinstance(s.installments[0].due_date, datetime.date)
    assert s.maturity_date == s.installments[-1].due_date


def test_terms_accept_str_and_int_amounts(usd_terms_kwargs: dict[str, Any]) -> None:
    a = mc.LoanTerms(**usd_terms_kwargs)
    b = mc.LoanTerms(**{**usd_terms_kwargs, "principal": "1000.00", "rate_percent": 12})
    assert a == b
    assert a.schedule() == b.schedule()


def test_every_option_round_trips_json() -> None:
    t = mc.LoanTerms(
        D("5000"),
        "PEN",
        D("3.5"),
        10,
        disbursement_date=datetime.date(2025, 3, 3),
        frequency={"unit": "weeks", "every": 2},
        rate_per="month",
        interest_method="declining_balance",
        amortization="equal_principal",
        interest_basis="actual_days",
        day_count="act_360",
        first_repayment_date=datetime.date(2025, 3, 20),
        grace_on_principal=1,
        grace_on_interest_payment=1,
        deferred_interest="spread",
        interest_free_periods=0,
        installment_multiple=D("1"),
        rounding="half_up",
        fees=[
            {"name": "disbursement", "kind": "upfront", "percent": D("2"), "collect": "financed"},
            {"kind": "per_installment", "amount": "1.50"},
        ],
        insurance={"percent": D("0.1"), "basis": "outstanding_balance"},
        savings={"at_disbursement_percent": D("10"), "per_installment": D("5")},
        business_days={"non_working_weekdays": ["sat", "sun"], "holidays": [datetime.date(2025, 5, 1)], "rule": "next"},
    )
    back = mc.LoanTerms.from_json(t.to_json())
    assert back == t
    assert back.rate_per == "month"
    assert back.fees[0]["percent"] == D("2")
    assert back.insurance == {"percent": D("0.1"), "basis": "outstanding_balance", "collect": "deducted"}
    assert back.business_days is not None and back.business_days["non_working_weekdays"] == ["sat", "sun"]
    s = t.schedule()
    assert s.installments[-1].balance == 0
    assert s.savings_refund > 0


def test_quote_costs_every_convention() -> None:
    t = mc.LoanTerms(
        "500", "USD", "3", 16, rate_per="month", interest_method="flat",
        frequency="weekly", disbursement_date=datetime.date(2025, 3, 3),
        fees=[{"kind": "upfront", "percent": "2"}],
    )
    q = t.quote()
    assert set(q.costs) == set(mc.conventions())
    assert q.cost("mft_apr").percent > 36
    assert q.cost("mft_eir").percent > q.cost("mft_apr").percent
    assert q.breakdown.apr_all_in >= q.breakdown.apr_interest
    assert mc.cost_of_credit(q.schedule, "mft_apr").percent == q.cost("mft_apr").percent
    assert mc.cost_of_credit(q.schedule).convention == "mft_apr"
    assert json.loads(q.to_json())["terms"]["currency"] == "USD"
    with pytest.raises(mc.ValidationError):
        q.cost("nope")


def test_cost_of_flows_and_annualise() -> None:
    flows = [(datetime.date(1994, 1, 1), D("1000")), (datetime.date(1995, 7, 1), D("-1200"))]
    c = mc.cost_of_flows(flows, "monthly", "eu_aprc")
    assert D("12") < c.annual_rate * 100 < D("14")
    c2 = mc.cost_of_flows([{"date": "1994-01-01", "amount": "1000"}, {"date": "1995-07-01", "amount": "-1200"}],
                          convention="eu_aprc")
    assert c2.annual_rate == c.annual_rate
    assert mc.annualise(D("0.01"), 52, "nominal") == D("0.52")
    assert abs(mc.annualise("0.01", 12) - D("0.1268250301")) < D("1e-9")


def test_spreadsheet_functions() -> None:
    assert round(mc.pmt(D("0.075") / 12, 180, 200000), 6) == D("-1854.024720")
    assert round(mc.ipmt(D("0.1") / 12, 1, 36, 8000), 2) == D("-66.67")
    assert mc.fv("0.1", 1, 0, -100) == D("110")
    assert abs(mc.rate(48, -200, 8000) - D("0.00770147248820137")) < D("1e-14")
    assert abs(mc.irr([-100, 39, 59, 55, 20]) - D("0.28095")) < D("0.00001")
    assert mc.npv("0.1", [500, 1500], "excel") > 0
    ppmt = mc.ppmt(D("0.1") / 12, 1, 24, 2000)
    assert ppmt < 0


def test_solver_error_is_typed() -> None:
    with pytest.raises(mc.SolverError) as e:
        mc.irr([100, 100, 100])
    assert e.value.kind in ("no_rate", "no_convergence")
    assert isinstance(e.value, mc.Error)


@pytest.mark.parametrize(
    ("kwargs", "exc", "field"),
    [
        ({"principal": 0.5}, mc.ValidationError, "principal"),
        ({"principal": D("0")}, mc.ValidationError, "principal"),
        ({"principal": D("10.001")}, mc.ValidationError, "principal"),
        ({"currency": "XYZ"}, mc.CurrencyError, "currency"),
        ({"installments": 0}, mc.ValidationError, "installments"),
        ({"installments": 2.0}, mc.ValidationError, "installments"),
        ({"disbursement_date": datetime.datetime(2025, 1, 1, 10, 0)}, mc.ValidationError, "disbursement_date"),
        ({"interest_method": "flatt"}, mc.ValidationError, "interest_method"),
        ({"frequency": "hourly"}, mc.ValidationError, "frequency"),
        ({"fees": [{"kind": "upfront", "percent": 2.0}]}, mc.ValidationError, "fees[0].percent"),
        ({"fees": [{"kind": "upfront", "percentt": "2"}]}, mc.ValidationError, "fees[0]"),
        ({"rate_percent": D("NaN")}, mc.ValidationError, "rate.percent"),
    ],
)
def test_bad_terms_raise_typed_errors(usd_terms_kwargs: dict[str, Any], kwargs: dict[str, Any], exc: type, field: str) -> None:
    with pytest.raises(exc) as e:
        mc.LoanTerms(**{**usd_terms_kwargs, **kwargs})
    assert e.value.field == field
    assert field.split("[")[0].split(".")[0] in str(e.value)


def test_float_message_names_field_and_value(usd_terms_kwargs: dict[str, Any]) -> None:
    with pytest.raises(mc.ValidationError, match=r"invalid principal: 1000\.5 \(floats are not accepted"):
        mc.LoanTerms(**{**usd_terms_kwargs, "principal": 1000.5})


def test_json_errors() -> None:
    with pytest.raises(mc.JsonError):
        mc.LoanTerms.from_json("{not json")
    with pytest.raises(mc.JsonError):
        mc.LoanTerms.from_json('{"principal": "1"}')
    with pytest.raises(mc.ValidationError):
        mc.LoanTerms.from_json(42)  # type: ignore[arg-type]


def test_schedule_arrow_and_frames(usd_terms_kwargs: dict[str, Any]) -> None:
    pa = pytest.importorskip("pyarrow")
    s = mc.LoanTerms(**usd_terms_kwargs).schedule()
    t = pa.table(s)
    assert t.num_rows == 12
    assert t.schema.field("principal").type == pa.decimal128(38, 2)
    assert t.schema.field("due_date").type == pa.date32()
    assert t.column("total").to_pylist()[0] == D("88.85")
    df = s.to_pandas()
    assert df["principal"].sum() == D("1000.00")
    pl = pytest.importorskip("polars")
    p = s.to_polars()
    assert isinstance(p, pl.DataFrame) and p.height == 12


def test_repr_html(usd_terms_kwargs: dict[str, Any]) -> None:
    t = mc.LoanTerms(**{**usd_terms_kwargs, "fees": [{"name": "<b>fee</b>", "kind": "upfront", "amount": "5"}]})
    assert "<table" in t._repr_html_() and "&lt;b&gt;" in t._repr_html_()
    assert "88.85" in t.schedule()._repr_html_()
    assert "mft_apr" in t.quote()._repr_html_()
    assert "LoanTerms(" in repr(t) and "Schedule(" in repr(t.schedule()) and "Quote(" in repr(t.quote())


def test_plots(usd_terms_kwargs: dict[str, Any]) -> None:
    matplotlib = pytest.importorskip("matplotlib")
    matplotlib.use("Agg")
    from microcredit.plot import plot_costs, plot_schedule

    t = mc.LoanTerms(**usd_terms_kwargs)
    ax = plot_schedule(t.schedule())
    assert len(ax.patches) == 24  # principal + interest bars
    q2 = mc.LoanTerms(**{**usd_terms_kwargs, "interest_method": "flat"}).quote()
    ax2 = plot_costs([t.quote(), q2], ["declining", "flat"])
    assert len(ax2.patches) == 4
    assert [t.get_text() for t in ax2.get_legend().get_texts()] == ["APR (MFTransparency)", "EIR (MFTransparency)"]
    with pytest.raises(mc.ValidationError) as mismatch:
        plot_costs([t.quote()], ["a", "b"])
    assert (mismatch.value.code, mismatch.value.field) == ("length_mismatch", "labels")
    assert mismatch.value.message_es
    # What the family never receives is drawn: the withheld fee and savings at 0, the savings
    # returned after the last installment.
    dear = mc.LoanTerms(
        **{**usd_terms_kwargs, "fees": [{"kind": "upfront", "percent": "2"}], "savings": {"at_disbursement_percent": "10"}}
    )
    ax3 = plot_schedule(dear.schedule())
    labels = [t.get_text() for t in ax3.get_legend().get_texts()]
    assert "withheld at disbursement" in labels and "savings returned" in labels
    import matplotlib.pyplot as plt

    plt.close("all")


def test_error_hierarchy() -> None:
    for cls in (mc.ValidationError, mc.CurrencyError, mc.SolverError, mc.JsonError):
        assert issubclass(cls, mc.Error)
    assert issubclass(mc.Error, Exception)
    assert mc.Error.__module__ == "microcredit"


def test_docstrings_on_every_public_name() -> None:
    for name in mc.__all__:
        obj = getattr(mc, name)
        if isinstance(obj, (int, list)):
            continue
        assert obj.__doc__, f"{name} has no docstring"
