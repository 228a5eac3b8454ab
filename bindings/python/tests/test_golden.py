"""The golden cases of tests/golden/*.json, compared exactly as the Rust runner
(tests/tests/golden.rs) compares them."""

from __future__ import annotations

import datetime
import json
from decimal import Decimal
from typing import Any

import pytest

import microcredit as mc
from conftest import known_gaps, load_cases, skip_reason


def dec(v: Any) -> Decimal:
    """A golden number (JSON string or number) as a Decimal."""
    return Decimal(str(v))


def _params(name: str) -> list[Any]:
    out = []
    for case in load_cases(name):
        reason = skip_reason(case)
        marks = [pytest.mark.skip(reason=reason)] if reason else []
        out.append(pytest.param(case, id=case["id"], marks=marks))
    return out


# ---- schedules.json ---------------------------------------------------------------------------


@pytest.mark.parametrize("case", _params("schedules.json"))
def test_schedule_case(case: dict[str, Any]) -> None:
    terms = mc.LoanTerms.from_json(json.dumps(case["terms"]))
    s = terms.schedule()
    expected = case["expected"].get("installments", [])
    problems = []
    if len(expected) != len(s.installments):
        problems.append(f"{len(s.installments)} installments, expected {len(expected)}")
    for e, got in zip(expected, s.installments):
        n = got.number
        fields = {
            "principal": got.principal,
            "interest": got.interest,
            "fees": got.fees + got.insurance,
            "total": got.total,
            "balance": got.balance,
            "number": Decimal(got.number),
        }
        for k, v in fields.items():
            if k in e and dec(e[k]) != v:
                problems.append(f"#{n} {k}: got {v}, expected {e[k]}")
        if "due_date" in e and e["due_date"] != got.due_date.isoformat():
            problems.append(f"#{n} due_date: got {got.due_date}, expected {e['due_date']}")
    for k, v in (("total_principal", s.totals.principal), ("total_interest", s.totals.interest)):
        if k in case["expected"] and dec(case["expected"][k]) != v:
            problems.append(f"{k}: got {v}, expected {case['expected'][k]}")
    assert not problems, "\n".join(problems[:8])


# ---- excel.json -------------------------------------------------------------------------------


def _when(args: dict[str, Any]) -> str:
    return "begin" if args.get("when") in ("begin", "1") else "end"


def _arg(args: dict[str, Any], k: str) -> Decimal:
    return dec(args[k]) if k in args else Decimal(0)


def excel_value(case: dict[str, Any]) -> Decimal:
    a = case["args"]
    f = case["function"]
    values = [dec(v) for v in a.get("values", [])]
    if f == "pmt":
        return mc.pmt(_arg(a, "rate"), _arg(a, "nper"), _arg(a, "pv"), _arg(a, "fv"), _when(a))
    if f == "ipmt":
        return mc.ipmt(_arg(a, "rate"), _arg(a, "per"), _arg(a, "nper"), _arg(a, "pv"), _arg(a, "fv"), _when(a))
    if f == "ppmt":
        return mc.ppmt(_arg(a, "rate"), _arg(a, "per"), _arg(a, "nper"), _arg(a, "pv"), _arg(a, "fv"), _when(a))
    if f == "rate":
        return mc.rate(_arg(a, "nper"), _arg(a, "pmt"), _arg(a, "pv"), _arg(a, "fv"), _when(a))
    if f == "irr":
        return mc.irr(values)
    if f == "npv":
        style = "excel" if case.get("npv_style") == "excel" else "numpy"
        return mc.npv(_arg(a, "rate"), values, style)
    if f == "xirr":
        dates = [datetime.date.fromisoformat(d) for d in a["dates"]]
        return mc.xirr(dates, values)
    raise AssertionError(f"unknown function {f}")


@pytest.mark.parametrize("case", _params("excel.json"))
def test_excel_case(case: dict[str, Any]) -> None:
    expected = dec(case["expected"])
    tol = dec(case.get("tolerance", "0.000000001"))
    got = excel_value(case)
    assert abs(got - expected) <= tol, f"got {got}, expected {expected} ± {tol}"


# ---- pricing.json -----------------------------------------------------------------------------


def frequency_of(case: dict[str, Any]) -> dict[str, Any]:
    """The repayment frequency of a flows case, inferred as the Rust runner does: monthly unless
    periods.unit_period ("2 weeks", "semimonth", "quarter"...) or periods_per_year says otherwise."""
    periods = case.get("periods")
    unit = periods.get("unit_period", "") if isinstance(periods, dict) else ""
    unit = unit or ""
    first = unit.split()[0] if unit.split() else ""
    every = int(first) if first.isdigit() else 1
    ppy = case.get("periods_per_year")
    ppy = float(ppy) if isinstance(ppy, (int, float)) and not isinstance(ppy, bool) else None
    if "semimonth" in unit or ppy == 24.0:
        return {"unit": "semi_monthly", "days": [1, 16]}
    if "week" in unit or ppy == 52.0:
        return {"unit": "weeks", "every": every}
    if "quarter" in unit:
        return {"unit": "months", "every": 3}
    if "year" in unit:
        return {"unit": "months", "every": 12}
    return {"unit": "months", "every": every}


def unit_period_apr(periods: Any) -> Any:
    """Reg Z cases on the unit-period grid: each payment line is `count` equal payments at t, t+1,
    ... whole unit periods with odd fraction f_days / f_denominator. None if not in that form."""
    if not isinstance(periods, dict):
        return None
    try:
        ppy = float(periods["unit_periods_per_year"])
    except (KeyError, TypeError, ValueError):
        return None
    flows = []
    for key, sign in (("advances", 1), ("payments", -1)):
        lines = periods.get(key)
        if not isinstance(lines, list):
            return None
        for line in lines:
            odd = float(dec(line["f_days"])) / float(dec(line["f_denominator"]))
            for k in range(int(line.get("count", 1))):
                flows.append((sign * dec(line["amount"]), int(line["t"]) + k, odd))
    return lambda: mc.reg_z_apr(flows, ppy)


def pricing_checks(case: dict[str, Any]) -> list[tuple[str, Any, Decimal]]:
    """(what, callable giving the value, expected) for each check of a case, named as the Rust
    runner names them (known_gaps.json may list "<id> <what>")."""
    hundred = Decimal(100)
    # Expected values are in percent unless the case says "fraction".
    scale = Decimal(1) if case.get("unit") == "fraction" else hundred
    out: list[tuple[str, Any, Decimal]] = []
    if "periodic_rate" in case:
        r, m = dec(case["periodic_rate"]), case["periods_per_year"]
        if "expected_apr" in case:
            out.append(("apr", lambda: mc.annualise(r, m, "nominal") * hundred, dec(case["expected_apr"])))
        if "expected_eir" in case:
            out.append(("eir", lambda: mc.annualise(r, m, "effective") * scale, dec(case["expected_eir"])))
    elif isinstance(case.get("periodic_flows"), list):
        values = [dec(v) for v in case["periodic_flows"]]
        m = case["periods_per_year"]
        if "expected_apr" in case:
            out.append(("apr", lambda: mc.annualise(mc.irr(values), m, "nominal") * scale, dec(case["expected_apr"])))
        if "expected_eir" in case:
            out.append(("eir", lambda: mc.annualise(mc.irr(values), m, "effective") * scale, dec(case["expected_eir"])))
    elif isinstance(case.get("flows"), list):
        flows = [(datetime.date.fromisoformat(f["date"]), dec(f["amount"])) for f in case["flows"]]
        conv = case["convention"]
        freq = frequency_of(case)
        out.append(
            (f"{conv} (dated flows)", lambda: mc.cost_of_flows(flows, freq, conv).annual_rate * scale, dec(case["expected"]))
        )
    unit = unit_period_apr(case.get("periods"))
    if unit is not None:
        out.append(("us_reg_z (unit periods)", lambda: unit() * hundred, dec(case["expected"])))
    return out


def _pricing_params() -> list[Any]:
    gaps = known_gaps()
    out = []
    for case in load_cases("pricing.json"):
        reason = skip_reason(case)
        checks = pricing_checks(case)
        if not checks:
            # The Rust runner counts a case with no runnable form as a failure; so do we.
            out.append(pytest.param(case, None, id=f"{case['id']}-no-form"))
        for what, _, _ in checks:
            why = reason or gaps.get(f"{case['id']} {what}")
            marks = [pytest.mark.skip(reason=why)] if why else []
            out.append(pytest.param(case, what, id=f"{case['id']} {what}", marks=marks))
    return out


@pytest.mark.parametrize(("case", "what"), _pricing_params())
def test_pricing_case(case: dict[str, Any], what: str | None) -> None:
    assert what is not None, "no runnable form (periodic_rate, periodic_flows or flows)"
    tol = dec(case.get("tolerance", "0.005"))
    for w, fn, expected in pricing_checks(case):
        if w != what:
            continue
        got = fn()
        assert abs(got - expected) <= tol, f"got {round(got, 6)}, expected {expected} ± {tol}"
