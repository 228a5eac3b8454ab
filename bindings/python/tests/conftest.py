"""Shared fixtures: where the golden cases live (tests/golden at the repository root)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

REPO = Path(__file__).resolve().parents[3]
GOLDEN = REPO / "tests" / "golden"


def load_cases(name: str) -> list[dict[str, Any]]:
    """The cases of a golden file."""
    return json.loads((GOLDEN / name).read_text(encoding="utf-8"))["cases"]


def known_gaps() -> dict[str, str]:
    """Ids of cases the engine does not match yet (known_gaps.json; missing means none)."""
    path = GOLDEN / "known_gaps.json"
    if not path.exists():
        return {}
    data = json.loads(path.read_text(encoding="utf-8"))
    return {c.get("id", ""): c.get("reason", "") for c in data.get("cases", [])}


def skip_reason(case: dict[str, Any]) -> str | None:
    """Why a case is skipped, as the Rust runner decides (tests/tests/golden.rs)."""
    if "unsupported" in case:
        return f"unsupported: {case['unsupported']}"
    return known_gaps().get(case.get("id", ""))


@pytest.fixture
def usd_terms_kwargs() -> dict[str, Any]:
    """Keyword arguments of a plain monthly USD loan."""
    import datetime
    from decimal import Decimal

    return {
        "principal": Decimal("1000"),
        "currency": "USD",
        "rate_percent": Decimal("12"),
        "installments": 12,
        "disbursement_date": datetime.date(2025, 1, 15),
    }
