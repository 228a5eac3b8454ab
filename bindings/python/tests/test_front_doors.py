"""Issue 15, front doors for analysts: floats in the spreadsheet functions (as numpy-financial),
xirr in pyxirr's order, the realised cost of an unfinished loan warned about, and LoanTerms built
generically from the core's JSON form (every keyword round-trips as an attribute)."""

from __future__ import annotations

import datetime as dt
import inspect
import json
import warnings
from decimal import Decimal
from typing import Any

import pytest

import microcredit as mc

D = Decimal


# ------------------------------------------------------------------------------------------------
# 1. Floats in the spreadsheet functions.


def test_pmt_takes_floats_as_numpy_financial_does() -> None:
    r = mc.pmt(0.02, 12, 1000)
    assert isinstance(r, Decimal)
    assert r == mc.pmt(D("0.02"), 12, 1000)  # 0.02 is read as the digits repr shows
    npf = pytest.importorskip("numpy_financial")
    assert abs(float(r) - npf.pmt(0.02, 12, 1000)) < 1e-9


@pytest.mark.parametrize(
    ("call", "exact"),
    [
        (lambda: mc.fv(0.1, 1.0, 0.0, -100.0), lambda: mc.fv("0.1", 1, 0, -100)),
        (lambda: mc.ipmt(0.01, 1, 36, 8000.0), lambda: mc.ipmt("0.01", 1, 36, 8000)),
        (lambda: mc.ppmt(0.01, 1, 24, 2000.0), lambda: mc.ppmt("0.01", 1, 24, 2000)),
        (lambda: mc.rate(48, -200.0, 8000.0), lambda: mc.rate(48, -200, 8000)),
        (lambda: mc.irr([-100.0, 39.0, 59.0, 55.0, 20.0]), lambda: mc.irr([-100, 39, 59, 55, 20])),
        (lambda: mc.npv(0.1, [-100.0, 110.5]), lambda: mc.npv("0.1", ["-100", "110.5"])),
        (lambda: mc.annualise(0.01, 12), lambda: mc.annualise("0.01", 12)),
    ],
    ids=["fv", "ipmt", "ppmt", "rate", "irr", "npv", "annualise"],
)
def test_every_spreadsheet_function_takes_floats(call: Any, exact: Any) -> None:
    assert call() == exact()


def test_numpy_arrays_of_floats_and_ints() -> None:
    np = pytest.importorskip("numpy")
    assert mc.irr(np.array([-100.0, 39.0, 59.0, 55.0, 20.0])) == mc.irr([-100, 39, 59, 55, 20])
    assert mc.irr(np.array([-100, 39, 59, 55, 20])) == mc.irr([-100, 39, 59, 55, 20])
    assert mc.pmt(np.float64(0.02), np.int64(12), np.float32(1000)) == mc.pmt("0.02", 12, 1000)
    dates = [dt.date(2020, 1, 1), dt.date(2021, 1, 1)]
    assert mc.xirr(dates, np.array([-1000.0, 1100.0])) == mc.xirr(dates, [-1000, 1100])


@pytest.mark.parametrize("bad", [float("nan"), float("inf"), -float("inf")])
def test_nan_and_infinities_name_the_argument(bad: float) -> None:
    for call, field in (
        (lambda: mc.pmt(0.02, 12, bad), "pv"),
        (lambda: mc.pmt(bad, 12, 1000), "rate"),
        (lambda: mc.irr([-100, bad]), "values[1]"),
        (lambda: mc.xirr([dt.date(2020, 1, 1), dt.date(2021, 1, 1)], [-100, bad]), "amounts[1]"),
    ):
        with pytest.raises(mc.ValidationError) as e:
            call()
        assert (e.value.field, e.value.code) == (field, "not_finite")


def test_amounts_of_terms_still_refuse_floats() -> None:
    with pytest.raises(mc.ValidationError) as e:
        mc.LoanTerms(1000.0, "USD", "24", 12, disbursement_date=dt.date(2025, 1, 15))
    assert (e.value.field, e.value.code) == ("principal", "float_not_accepted")


# ------------------------------------------------------------------------------------------------
# 2. xirr in pyxirr's order.


DATES = [dt.date(2008, 1, 1), dt.date(2008, 3, 1), dt.date(2008, 10, 30), dt.date(2009, 2, 15), dt.date(2009, 4, 1)]
AMOUNTS = [-10000, 2750, 4250, 3250, 2750]


def test_xirr_takes_dates_then_amounts_as_pyxirr() -> None:
    r = mc.xirr(DATES, AMOUNTS)
    assert round(r, 4) == D("0.3734")  # Excel's documentation: 0.373362535
    assert list(inspect.signature(mc.xirr).parameters)[:2] == ["dates", "amounts"]
    pyxirr = pytest.importorskip("pyxirr")
    assert abs(float(r) - pyxirr.xirr(DATES, AMOUNTS)) < 1e-9
    assert mc.xirr(DATES, AMOUNTS, guess=0.1) == r
    assert mc.xirr([d.isoformat() for d in DATES], [str(a) for a in AMOUNTS]) == r


@pytest.mark.parametrize(
    "amounts", [AMOUNTS, [str(a) for a in AMOUNTS], [float(a) for a in AMOUNTS]], ids=["ints", "text", "floats"]
)
def test_xirr_in_the_old_order_is_an_error_not_a_swap(amounts: list[Any]) -> None:
    with pytest.raises(mc.ValidationError) as e:
        mc.xirr(amounts, DATES)  # type: ignore[arg-type]
    assert e.value.code == "argument_order"
    assert e.value.field == "dates"
    assert "xirr(dates, amounts)" in str(e.value) and "pyxirr" in str(e.value)
    assert e.value.message_es and e.value.message_es != str(e.value)


def test_xirr_lengths_name_the_amounts() -> None:
    with pytest.raises(mc.ValidationError) as e:
        mc.xirr(DATES, AMOUNTS[:-1])
    assert e.value.code == "length_mismatch" and "amounts" in str(e.value)


# ------------------------------------------------------------------------------------------------
# 4. The realised cost of an unfinished loan says so.


def test_cost_of_a_loan_repaid_in_part_warns() -> None:
    flows = [(dt.date(2025, 1, 1), "1000"), (dt.date(2025, 2, 1), "-100"), (dt.date(2025, 3, 1), "-100")]
    with pytest.warns(mc.UnfinishedLoanWarning, match="not finished") as caught:
        c = mc.cost_of_flows(flows)
    assert c.annual_rate < 0  # the absurd rate the warning is about
    w = caught[0].message
    assert isinstance(w, mc.UnfinishedLoanWarning) and isinstance(w, UserWarning)
    assert (w.lent, w.repaid) == (D("1000"), D("200"))  # type: ignore[attr-defined]
    assert caught[0].filename == __file__  # points at the caller


def test_cost_of_a_finished_loan_does_not_warn() -> None:
    flows = [(dt.date(2025, 1, 1), "1000"), (dt.date(2025, 2, 1), "-520"), (dt.date(2025, 3, 1), "-520")]
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert mc.cost_of_flows(flows).annual_rate > 0
        # The lender's side of the same loan: the signs say nothing about which side is the loan.
        assert mc.cost_of_flows([(d, str(-D(a))) for d, a in flows]).annual_rate > 0


# ------------------------------------------------------------------------------------------------
# 5. LoanTerms built generically: every keyword round-trips as an attribute.


EVERY_KEYWORD: dict[str, Any] = {
    "principal": D("5000"),
    "currency": "PEN",
    "rate_percent": D("3.5"),
    "installments": 10,
    "disbursement_date": dt.date(2025, 3, 3),
    "frequency": {"unit": "weeks", "every": 2},
    "rate_per": "month",
    "interest_method": "declining_balance",
    "amortization": "equal_principal",
    "interest_basis": "actual_days",
    "day_count": "act_360",
    "annuity_rates": "actual",
    "first_repayment_date": dt.date(2025, 3, 20),
    "grace_on_principal": 1,
    "grace_on_interest_payment": 1,
    "deferred_interest": "spread",
    "interest_free_periods": 1,
    "installment_multiple": D("0.50"),
    "rounding": "half_up",
    "fees": [
        {"name": "disbursement", "kind": "upfront", "percent": D("2"), "collect": "financed"},
        {"name": "10", "kind": "per_installment", "amount": D("1.50"), "collect": "deducted"},
    ],
    "insurance": {"percent": D("0.1"), "basis": "outstanding_balance", "collect": "deducted"},
    "savings": {"at_disbursement_percent": D("10"), "per_installment": D("5")},
    "business_days": {"non_working_weekdays": ["sat", "sun"], "holidays": [dt.date(2025, 5, 1)], "rule": "next"},
}


def test_every_keyword_reads_back_as_its_attribute() -> None:
    t = mc.LoanTerms(**EVERY_KEYWORD)
    for name, given in EVERY_KEYWORD.items():
        assert getattr(t, name) == given, name
    assert isinstance(t.principal, Decimal) and isinstance(t.disbursement_date, dt.date)
    assert isinstance(t.fees[1]["name"], str)  # a label stays text, even one that looks like a number
    assert str(t.installment_multiple) == "0.50"  # the scale kept
    back = mc.LoanTerms.from_json(t.to_json())
    assert back == t
    # The keywords are the JSON form's keys (rate given as rate_percent and rate_per).
    form = json.loads(t.to_json())
    assert set(EVERY_KEYWORD) == (set(form) - {"version", "rate"}) | {"rate_percent", "rate_per"}
    assert set(EVERY_KEYWORD) <= set(dir(t))


def test_sets_are_lists_of_the_form() -> None:
    holidays = {dt.date(2025, 5, 1), dt.date(2025, 12, 25)}
    t = mc.LoanTerms(
        "1000", "USD", "24", 12, disbursement_date=dt.date(2025, 1, 15),
        business_days={"non_working_weekdays": frozenset({"sun"}), "holidays": holidays},
    )
    assert t.business_days == {"non_working_weekdays": ["sun"], "holidays": sorted(holidays), "rule": "same_day"}


def test_defaults_read_back_from_the_form() -> None:
    t = mc.LoanTerms("1000", "USD", 24, 12, disbursement_date="2025-01-15")
    assert (t.rate_percent, t.rate_per, t.rounding, t.fees, t.insurance) == (D("24"), "year", "half_even", [], None)
    assert t.frequency == {"unit": "months", "every": 1, "month_end": "same_day"}
    assert t.first_repayment_date is None and t.grace_on_principal == 0
    with pytest.raises(AttributeError):
        t.rate  # noqa: B018 - the form's `rate` is read as rate_percent and rate_per
    with pytest.raises(AttributeError):
        t.nope  # noqa: B018
    assert not hasattr(t, "version")


def test_unknown_keywords_and_keys() -> None:
    with pytest.raises(TypeError, match="unexpected keyword argument 'grace'"):
        mc.LoanTerms("1000", "USD", "24", 12, disbursement_date=dt.date(2025, 1, 15), grace=1)
    with pytest.raises(mc.ValidationError) as e:
        mc.LoanTerms("1000", "USD", "24", 12, disbursement_date=dt.date(2025, 1, 15), savings={"per_instalment": "5"})
    assert (e.value.field, e.value.code, e.value.value) == ("savings", "unknown_key", "'per_instalment'")


@pytest.mark.parametrize(
    ("kwargs", "field", "code"),
    [
        ({"fees": [{"kind": "upfront", "amount": "-1"}]}, "fees[0].amount", "negative"),
        ({"fees": [{"kind": "upfront", "amount": 1.5}]}, "fees[0].amount", "float_not_accepted"),
        ({"fees": [{"kind": "weekly", "amount": "1"}]}, "fees[0].kind", "unknown_name"),
        ({"insurance": {"percent": "1"}}, "insurance", "unreadable"),
        ({"grace_on_principal": "1"}, "grace_on_principal", "wrong_type"),
        ({"grace_on_principal": -1}, "grace_on_principal", "unreadable"),
        ({"business_days": {"holidays": ["2025-13-01"]}}, "business_days.holidays[0]", "unreadable"),
        ({"rate_per": "fortnight"}, "rate.per", "unknown_name"),
        ({"rate_percent": "abc"}, "rate.percent", "unreadable"),
        ({"principal": None}, "principal", "required"),
    ],
)
def test_errors_name_the_field_in_the_form(kwargs: dict[str, Any], field: str, code: str) -> None:
    base: dict[str, Any] = {
        "principal": "1000", "currency": "USD", "rate_percent": "24", "installments": 12,
        "disbursement_date": dt.date(2025, 1, 15),
    }
    with pytest.raises(mc.ValidationError) as e:
        mc.LoanTerms(**{**base, **kwargs})
    assert (e.value.field, e.value.code) == (field, code), str(e.value)


# ------------------------------------------------------------------------------------------------
# 6. Docstrings with examples.


@pytest.mark.parametrize(
    "obj",
    [mc.pmt, mc.ipmt, mc.ppmt, mc.fv, mc.rate, mc.irr, mc.npv, mc.xirr, mc.annualise, mc.cost_of_flows, mc.LoanTerms],
)
def test_help_shows_an_example(obj: Any) -> None:
    assert ">>> " in (obj.__doc__ or ""), obj


@pytest.mark.parametrize(
    "obj",
    [mc.pmt, mc.ipmt, mc.ppmt, mc.fv, mc.rate, mc.irr, mc.npv, mc.xirr, mc.annualise, mc.cost_of_flows, mc.LoanTerms,
     mc.LoanTerms.from_json],
    ids=lambda o: getattr(o, "__qualname__", str(o)),
)
def test_the_examples_run(obj: Any) -> None:
    import doctest

    parser = doctest.DocTestParser()
    test = parser.get_doctest(obj.__doc__ or "", {"mc": mc, "dt": dt}, obj.__qualname__, None, 0)
    runner = doctest.DocTestRunner(optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE)
    out: list[str] = []
    runner.run(test, out=out.append)
    assert runner.failures == 0, "".join(out)
