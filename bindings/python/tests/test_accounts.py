"""Loan accounts from Python: the shared scenarios (tests/golden/accounts.json, also run in Rust
and Kotlin) through ``mc.Account``; a field officer's flow with receipts and errors in Spanish;
whole books through ``mc.account_states`` from pandas frames, checked against the pandas peer's
own definitions on make_repayments' book."""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal
from typing import Any

import pytest

import microcredit as mc
from conftest import REPO, load_cases

CASES = load_cases("accounts.json")


def mismatches(expected: Any, actual: Any, path: str) -> list[str]:
    """Where ``expected`` (a JSON subset) differs from ``actual``, as tests/tests/accounts.rs
    compares: objects by key, lists of objects by their ``event`` or ``number`` key."""
    if isinstance(expected, dict) and isinstance(actual, dict):
        out = []
        for k, v in expected.items():
            out += mismatches(v, actual[k], f"{path}.{k}") if k in actual else [f"{path}.{k}: missing"]
        return out
    if isinstance(expected, list) and isinstance(actual, list):
        out = []
        for i, item in enumerate(expected):
            key = next((k for k in ("event", "number") if isinstance(item, dict) and k in item), None)
            found = next((a for a in actual if a.get(key) == item[key]), None) if key else (actual[i] if i < len(actual) else None)
            out += mismatches(item, found, f"{path}[{i}]") if found is not None else [f"{path}[{i}]: no match"]
        return out
    return [] if expected == actual else [f"{path}: expected {expected!r}, got {actual!r}"]


def account_of(case: dict[str, Any]) -> mc.Account:
    a = mc.Account(mc.LoanTerms.from_json(json.dumps(case["terms"])), case.get("rules"))
    for event in case["events"]:
        a.record(event)
    return a


def state(a: mc.Account, on: str) -> dict[str, Any]:
    return json.loads(a.state(dt.date.fromisoformat(on)).to_json())


@pytest.mark.parametrize("case", CASES, ids=[c["id"] for c in CASES])
def test_account_scenario(case: dict[str, Any]) -> None:
    """Every shared scenario, to the cent, with its refusals (same code and field, nothing
    changed) and repeats (nothing changed)."""
    a = account_of(case)
    for expect in case["expect"]:
        wanted = {k: v for k, v in expect.items() if k != "on"}
        assert mismatches(wanted, state(a, expect["on"]), expect["on"]) == []
    last = case["expect"][-1]["on"]
    before = state(a, last)
    for refused in case.get("refused", []):
        with pytest.raises(mc.Error) as err:
            a.record(refused["event"])
        assert err.value.code == refused["code"], str(err.value)
        if "field" in refused:
            assert err.value.field == refused["field"]
        assert state(a, last) == before
    for again in case.get("already_recorded", []):
        assert a.record(again)["outcome"] == "already_recorded"
        assert state(a, last) == before
    for key, listed in (("installments_count", "installments"), ("penalties_count", "penalties_charged")):
        for on, count in case.get(key, {}).items():
            assert len(state(a, on)[listed]) == count
    if "then" in case:
        a.record(case["then"]["event"])
        assert mismatches(case["then"]["expect"], state(a, case["then"]["on"]), "then") == []
    if "changed_by_last_event" in case:
        shorter = mc.Account(mc.LoanTerms.from_json(json.dumps(case["terms"])), case.get("rules"))
        for event in case["events"][:-1]:
            shorter.record(event)
        assert shorter.record(case["events"][-1])["changed"] == case["changed_by_last_event"]


def loan() -> mc.LoanTerms:
    return mc.LoanTerms(
        principal="1000", currency="USD", rate_percent="24", installments=4, disbursement_date=dt.date(2025, 1, 10)
    )


def test_a_field_officers_day() -> None:
    """Record a repayment with its receipt, record it again (nothing changes), the same receipt
    with another amount (a conflict, in Spanish too), then what is due and the payoff."""
    a = mc.Account(loan())
    a.record_disbursement(device="phone-7", officer="officer-12")
    first = a.record_repayment("262.62", dt.date(2025, 2, 10), receipt="R-1", channel="cash", device="phone-7")
    assert first == {"outcome": "recorded", "changed": []}
    assert a.record_repayment(Decimal("262.62"), "2025-02-10", receipt="R-1")["outcome"] == "already_recorded"
    with pytest.raises(mc.ValidationError) as err:
        a.record_repayment("200", dt.date(2025, 2, 10), receipt="R-1")
    assert err.value.code == "receipt_conflict" and err.value.field == "receipt"
    assert "recibo" in err.value.message_es
    s = a.state(dt.date(2025, 3, 10))
    assert (s.status, s.due_by_date["principal"], s.due_by_date["interest"]) == ("active", Decimal("247.47"), Decimal("15.15"))
    assert a.payoff(dt.date(2025, 3, 10)) == Decimal("772.53")  # 757.38 principal + March's 15.15 interest
    events = a.events
    assert [e["kind"] for e in events] == ["disbursement", "repayment"]
    assert events[0]["recorded"]["device"] == "phone-7" and len(events[1]["id"]) == 36
    undo = a.reverse(events[1]["id"], dt.date(2025, 3, 12))
    assert undo["outcome"] == "recorded"
    assert a.state(dt.date(2025, 3, 12)).days_past_due == 30
    assert "Account on" in a._repr_html_() and "<table" in s._repr_html_()


def test_bad_events_are_typed_errors_and_change_nothing() -> None:
    a = mc.Account(loan())
    with pytest.raises(mc.ValidationError) as err:
        a.record_repayment("10", dt.date(2025, 2, 1))
    assert err.value.code == "before_disbursement"
    a.record_disbursement()
    for amount, code in (("0", "not_positive"), ("-5", "not_positive"), ("1.005", "too_many_decimals")):
        with pytest.raises(mc.Error) as err:
            a.record_repayment(amount, dt.date(2025, 2, 1))
        assert err.value.code == code
    with pytest.raises(mc.CurrencyError):
        a.record({"effective": "2025-02-01", "kind": "repayment", "amount": "10 PEN"})
    with pytest.raises(mc.ValidationError) as err:
        a.reverse("0194a000-0000-7000-8000-999999999999", dt.date(2025, 2, 1))
    assert err.value.code == "unknown_event"
    with pytest.raises(mc.JsonError):
        a.record({"effective": "2025-02-01", "kind": "gift", "amount": "10 USD"})
    assert len(a.events) == 1


def test_account_states_of_a_book_from_pandas() -> None:
    pd = pytest.importorskip("pandas")
    pa = pytest.importorskip("pyarrow")
    inst = pd.DataFrame(
        {
            "loan_id": [7, 7, 8],
            "due_date": pd.to_datetime(["2025-02-10", "2025-03-10", "2025-02-10"]),
            "amount_due": [262.62, 262.62, 50.0],
        }
    )
    reps = pd.DataFrame({"loan_id": [7, 8], "date": pd.to_datetime(["2025-02-10", "2025-02-10"]), "amount": [100.0, 50.0]})
    t = pa.table(mc.account_states(inst, reps, on=[dt.date(2025, 3, 15), dt.date(2025, 2, 11)])).to_pylist()
    assert [(r["loan_id"], r["on"], r["status"]) for r in t] == [
        (7, dt.date(2025, 3, 15), "in_arrears"),
        (7, dt.date(2025, 2, 11), "in_arrears"),
        (8, dt.date(2025, 3, 15), "closed"),
        (8, dt.date(2025, 2, 11), "closed"),
    ]
    assert (t[0]["overdue"], t[0]["days_past_due"], t[0]["bucket"]) == (Decimal("425.24"), 33, "31-60")
    with pytest.raises(mc.ValidationError) as err:
        mc.account_states(inst.rename(columns={"amount_due": "amount_owed"}), reps, on=dt.date(2025, 3, 15))
    assert err.value.code == "unknown_column" and "amount_due" in str(err.value)


def test_account_states_match_the_pandas_peer_on_its_book() -> None:
    """The peers' check values (shared/peers/accounts_pandas.py) on make_repayments' book."""
    pd = pytest.importorskip("pandas")
    pytest.importorskip("numpy")
    import sys

    peers = next((p for p in (REPO.parent / "shared" / "peers", REPO / "shared" / "peers") if p.is_dir()), None)
    if peers is None:
        pytest.skip("the peers' scripts (shared/peers) are not beside the repository")
    sys.path.insert(0, str(peers))
    import accounts_pandas as peer
    from _common import make_repayments

    sys.path.insert(0, str(REPO / "bindings" / "python" / "benches"))
    from side_by_side import account_summary

    inst, reps, as_of = make_repayments(2_000, 42)
    inst, reps = pd.DataFrame(inst), pd.DataFrame(reps)
    theirs = peer.summary(peer.states(inst, reps, pd.Timestamp(as_of)))
    ours = account_summary(mc.account_states(inst, reps, on=as_of.item(), currency="USD"))
    assert ours == theirs
