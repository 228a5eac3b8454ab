"""The shared table of bad inputs (tests/golden/bad_inputs.json), also run by the Rust and Kotlin
tests: every case fails with the same kind, code, field and error kind in all three."""

from __future__ import annotations

import json
from decimal import Decimal
from typing import Any

import pytest

import microcredit as mc
from conftest import GOLDEN

TABLE = json.loads((GOLDEN / "bad_inputs.json").read_text(encoding="utf-8"))
BASE: dict[str, Any] = TABLE["base"]
CASES: list[dict[str, Any]] = TABLE["cases"]

# The exception class of each error kind (the core's `Error::error_kind`).
CLASSES = {
    "validation": mc.ValidationError,
    "currency": mc.CurrencyError,
    "solver": mc.SolverError,
    "json": mc.JsonError,
}


def run(case: dict[str, Any]) -> None:
    """Run a case: it must raise."""
    call, args = case.get("call"), case.get("args", {})
    if call is None:
        if "json" in case:
            text = case["json"]
        else:
            text = json.dumps({**BASE, **case["set"]})
        mc.LoanTerms.from_json(text).schedule()
    elif call == "pmt":
        mc.pmt(Decimal(args["rate"]), Decimal(args["nper"]), Decimal(args["pv"]))
    elif call == "irr":
        mc.irr([Decimal(v) for v in args["values"]])
    elif call == "npv":
        mc.npv(Decimal(args["rate"]), [Decimal(v) for v in args["values"]])
    elif call == "currency":
        mc.LoanTerms(
            principal=BASE["principal"],
            currency=args["code"],
            rate_percent=BASE["rate"]["percent"],
            installments=BASE["installments"],
            disbursement_date=BASE["disbursement_date"],
        )
    else:
        raise AssertionError(f"unknown call {call}")


def test_the_table_is_large_enough() -> None:
    assert len(CASES) >= 25


@pytest.mark.parametrize("case", CASES, ids=[c["id"] for c in CASES])
def test_bad_input(case: dict[str, Any]) -> None:
    with pytest.raises(mc.Error) as info:
        run(case)
    e = info.value
    assert type(e) is CLASSES[case["error_kind"]], type(e)
    assert (e.kind, e.code, e.field) == (case["kind"], case["code"], case["field"]), str(e)
    assert isinstance(e.params, dict)
    for name, value in case.get("params", {}).items():
        assert e.params.get(name) == value, e.params
    if "message_en" in case:
        assert str(e) == case["message_en"]
    if "message_es" in case:
        assert e.message_es == case["message_es"]
    assert e.message_es and e.message_es != str(e)


def test_one_error_in_english_and_spanish() -> None:
    with pytest.raises(mc.ValidationError) as info:
        mc.LoanTerms.from_json(json.dumps({**BASE, "principal": "0"}))
    e = info.value
    assert e.code == "not_positive"
    assert e.params == {"field": "principal", "value": "0"}
    assert str(e) == "invalid principal: 0 (must be greater than zero)"
    assert e.message_es == "valor no válido en principal: 0 (debe ser mayor que cero)"
