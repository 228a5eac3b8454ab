"""Python-only inputs, generated: every value either works or raises a typed microcredit.Error.
Never a crash, never a PanicException, never a silent conversion of a float or a datetime. An error
of kind "internal" (a guarded Rust panic) is a failure, not an outcome."""

from __future__ import annotations

import datetime
import inspect
import math
import warnings
from decimal import Decimal
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import microcredit as mc

BASE: dict[str, Any] = {
    "principal": Decimal("1000"),
    "currency": "USD",
    "rate_percent": Decimal("24"),
    "installments": 6,
    "disbursement_date": datetime.date(2025, 1, 15),
}

anything = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(10**40), max_value=10**40),
    st.floats(allow_nan=True, allow_infinity=True),
    st.decimals(allow_nan=True, allow_infinity=True),
    st.decimals(places=40, allow_nan=False, allow_infinity=False),
    st.text(max_size=30),
    st.binary(max_size=10),
    st.dates(),
    st.datetimes(timezones=st.sampled_from([None, datetime.timezone.utc])),
    st.lists(st.integers(), max_size=3),
    st.dictionaries(st.text(max_size=5), st.integers(), max_size=3),
    st.just(object()),
)

FIELDS = [
    "principal", "currency", "rate_percent", "installments", "disbursement_date", "frequency",
    "rate_per", "interest_method", "amortization", "interest_basis", "day_count",
    "first_repayment_date", "grace_on_principal", "installment_multiple", "rounding", "fees",
    "insurance", "savings", "business_days",
]


def _typed(e: mc.Error) -> None:
    """A microcredit.Error must say what it is about: a kind, and never "internal" (a bug)."""
    assert isinstance(e.kind, str) and e.kind, f"error without a kind: {e}"
    assert e.kind != "internal", f"internal error (a guarded panic): {e}"


def _try(fn: Any) -> Any:
    """Call fn; a typed microcredit.Error is fine; an internal one, or anything else (including
    PanicException), fails."""
    try:
        return fn()
    except mc.Error as e:
        _typed(e)
        return None


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(field=st.sampled_from(FIELDS), value=anything)
def test_any_value_in_any_field_is_typed(field: str, value: Any) -> None:
    t = _try(lambda: mc.LoanTerms(**{**BASE, field: value}))
    if t is not None:
        _try(t.schedule)
        _try(t.quote)


@settings(max_examples=200, deadline=None)
@given(st.floats(allow_nan=True, allow_infinity=True))
def test_floats_never_accepted_as_amounts(x: float) -> None:
    with pytest.raises(mc.ValidationError) as e:
        mc.LoanTerms(**{**BASE, "principal": x})
    assert e.value.field == "principal"


@settings(max_examples=200, deadline=None)
@given(st.floats(allow_nan=True, allow_infinity=True))
def test_spreadsheet_functions_read_floats_by_their_repr(x: float) -> None:
    # As numpy-financial: a float is a number; its digits are the ones repr shows; NaN and
    # infinities are typed errors naming the argument.
    if not math.isfinite(x):
        with pytest.raises(mc.ValidationError) as e:
            mc.pmt(x, 12, 1000)
        assert (e.value.field, e.value.code) == ("rate", "not_finite")
        return
    r = _try(lambda: mc.pmt(x, 12, 1000))
    exact = _try(lambda: mc.pmt(Decimal(repr(x)), 12, 1000))
    if r is not None and exact is not None:
        assert r == exact


@settings(max_examples=200, deadline=None)
@given(st.one_of(st.decimals(allow_nan=False, allow_infinity=False), st.decimals(places=30, min_value=1, max_value=10**6)))
def test_decimals_with_many_places_are_exact_or_refused(d: Decimal) -> None:
    t = _try(lambda: mc.LoanTerms(**{**BASE, "principal": d}))
    if t is not None:
        assert t.principal == d  # never rounded silently


@settings(max_examples=100, deadline=None)
@given(st.integers(min_value=29, max_value=60))
def test_too_many_significant_digits_refused(places: int) -> None:
    d = Decimal("1." + "0" * (places - 1) + "1")
    with pytest.raises(mc.ValidationError):
        mc.LoanTerms(**{**BASE, "rate_percent": d})


@settings(max_examples=100, deadline=None)
@given(st.datetimes(timezones=st.sampled_from([None, datetime.timezone.utc, datetime.timezone(datetime.timedelta(hours=-5))])))
def test_datetimes_refused_not_truncated(dt: datetime.datetime) -> None:
    with pytest.raises(mc.ValidationError) as e:
        mc.LoanTerms(**{**BASE, "disbursement_date": dt})
    assert e.value.field == "disbursement_date"
    with pytest.raises(mc.ValidationError):
        mc.xirr([dt, dt], [-100, 110])


@settings(max_examples=200, deadline=None)
@given(st.integers(min_value=-(10**60), max_value=10**60))
def test_huge_ints(n: int) -> None:
    _try(lambda: mc.LoanTerms(**{**BASE, "principal": n}).schedule())
    _try(lambda: mc.LoanTerms(**{**BASE, "installments": n}))
    _try(lambda: mc.pmt("0.01", n, 1000))
    _try(lambda: mc.fv("0.01", n, -10, 1000))


@settings(max_examples=200, deadline=None)
@given(
    fn=st.sampled_from(["pmt", "ipmt", "ppmt", "fv", "rate", "npv"]),
    args=st.lists(anything, min_size=3, max_size=6),
)
def test_spreadsheet_functions_typed(fn: str, args: list[Any]) -> None:
    f = getattr(mc, fn)
    try:
        inspect.signature(f).bind(*args)
    except TypeError:
        with pytest.raises(TypeError):  # wrong number of arguments: Python's own signature check
            f(*args)
        return
    _try(lambda: f(*args))


@settings(max_examples=150, deadline=None)
@given(values=st.lists(anything, max_size=6), dates=st.lists(anything, max_size=6))
def test_irr_xirr_flows_typed(values: list[Any], dates: list[Any]) -> None:
    _try(lambda: mc.irr(values))
    _try(lambda: mc.xirr(dates, values))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", mc.UnfinishedLoanWarning)
        _try(lambda: mc.cost_of_flows(list(zip(dates, values))))
    _try(lambda: mc.annualise(values[0] if values else None, dates[0] if dates else None))


@settings(max_examples=100, deadline=None)
@given(st.lists(st.decimals(min_value=-10**6, max_value=10**6, places=2), min_size=2, max_size=30))
def test_irr_of_arbitrary_flows_is_value_or_solver_error(values: list[Decimal]) -> None:
    try:
        r = mc.irr(values)
        assert r.is_finite()
    except (mc.SolverError, mc.ValidationError) as e:
        _typed(e)


def test_none_where_required() -> None:
    for field in ("principal", "currency", "rate_percent", "installments", "disbursement_date"):
        with pytest.raises(mc.ValidationError):
            mc.LoanTerms(**{**BASE, field: None})
