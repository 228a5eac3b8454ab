"""Charts for notebooks (needs matplotlib: ``pip install microcredit[plot]``).

- :func:`plot_schedule`: principal and interest (and fees, insurance, savings) of each installment,
  as stacked bars, with what is withheld at disbursement and the savings returned at the end.
- :func:`plot_costs`: the true cost of several products side by side, under one or more
  conventions.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from . import _invalid
from ._microcredit import Quote, Schedule

__all__ = ["CONVENTION_TITLES", "PART_TITLES", "plot_costs", "plot_schedule"]


def _pyplot() -> Any:
    try:
        import matplotlib.pyplot as plt
    except ImportError as e:  # pragma: no cover - depends on the environment
        raise ImportError("microcredit.plot needs matplotlib: pip install 'microcredit[plot]'") from e
    return plt


#: What a donor or a family reads for each convention's code.
CONVENTION_TITLES = {
    "mft_apr": "APR (MFTransparency)",
    "mft_eir": "EIR (MFTransparency)",
    "xirr_act365": "XIRR (actual/365)",
    "eu_aprc": "APRC (EU)",
    "eu_aprc_calendar": "APRC (EU, calendar)",
    "us_reg_z": "APR (US Regulation Z)",
    "ecuador_tea": "TEA (Ecuador)",
    "peru_tcea": "TCEA (Peru)",
    "mexico_cat": "CAT (Mexico)",
}

#: Plain names of the parts of an installment.
PART_TITLES = {
    "principal": "principal",
    "interest": "interest",
    "fees": "fees",
    "insurance": "insurance",
    "savings": "compulsory savings",
}


def plot_schedule(schedule: Schedule, ax: Any = None, title: str | None = None) -> Any:
    """Stacked bars of each installment: principal, interest, then fees, insurance and savings
    where the schedule has any. What is withheld at disbursement (fees, insurance, savings the
    family never receives) is a bar of its own at 0, and savings returned with the last
    installment a bar after it: they are what makes a loan dearer than its rate says. Returns the
    matplotlib Axes.

    >>> import datetime as dt, microcredit as mc
    >>> from microcredit.plot import plot_schedule
    >>> terms = mc.LoanTerms(principal="600", currency="USD", rate_percent="30", installments=6,
    ...                      disbursement_date=dt.date(2025, 1, 15), fees=[{"kind": "upfront", "percent": "2"}])
    >>> ax = plot_schedule(terms.schedule())  # doctest: +SKIP
    """
    if not isinstance(schedule, Schedule):
        raise _invalid("schedule", type(schedule).__name__, "wrong_type", expected="a microcredit.Schedule")
    plt = _pyplot()
    if ax is None:
        _, ax = plt.subplots(figsize=(8, 4))
    rows = schedule.installments
    x = [i.number for i in rows]
    bottom = [0.0] * len(rows)
    for part, name in PART_TITLES.items():
        values = [float(getattr(i, part)) for i in rows]  # floats for drawing only
        if part not in ("principal", "interest") and not any(values):
            continue
        ax.bar(x, values, bottom=bottom, label=name)
        bottom = [b + v for b, v in zip(bottom, values)]
    d = schedule.disbursement
    withheld = float(d.fees) + float(d.insurance) + float(d.savings)
    if withheld:
        ax.bar([0], [withheld], color="tab:red", hatch="//", label="withheld at disbursement")
    refund = float(schedule.savings_refund)
    if refund:
        ax.bar([len(rows) + 1], [-refund], color="tab:green", hatch="..", label="savings returned")
    ax.axhline(0, color="black", linewidth=0.5)
    ax.set_xlabel("installment (0: disbursement)" if withheld else "installment")
    ax.set_ylabel(schedule.currency)
    ax.set_title(
        title
        or f"{len(rows)} installments, {schedule.totals.total} {schedule.currency} repaid "
        f"for {d.net_amount} received"
    )
    ax.legend()
    return ax


def plot_costs(
    quotes: Sequence[Quote],
    labels: Sequence[str] | None = None,
    conventions: Sequence[str] = ("mft_apr", "mft_eir"),
    ax: Any = None,
    title: str | None = "True cost of credit",
) -> Any:
    """Grouped bars of each product's true cost (percent a year) under ``conventions``.
    Returns the matplotlib Axes."""
    quotes = list(quotes)
    if not quotes or not all(isinstance(q, Quote) for q in quotes):
        raise _invalid("quotes", type(quotes).__name__, "wrong_type", expected="a non-empty sequence of microcredit.Quote")
    labels = list(labels) if labels is not None else [f"product {i + 1}" for i in range(len(quotes))]
    if len(labels) != len(quotes):
        raise _invalid("labels", f"{len(labels)} labels", "length_mismatch", other="quotes", count=len(quotes))
    plt = _pyplot()
    if ax is None:
        _, ax = plt.subplots(figsize=(max(6, 1.6 * len(quotes)), 4))
    width = 0.8 / max(1, len(conventions))
    for j, conv in enumerate(conventions):
        values = [float(q.cost(conv).percent) for q in quotes]
        xs = [i + (j - (len(conventions) - 1) / 2) * width for i in range(len(quotes))]
        bars = ax.bar(xs, values, width=width, label=CONVENTION_TITLES.get(conv, conv))
        ax.bar_label(bars, fmt="%.1f", fontsize=8)
    ax.set_xticks(range(len(quotes)))
    ax.set_xticklabels(labels, rotation=15, ha="right")
    ax.set_ylabel("percent a year")
    ax.margins(y=0.2)  # room above the tallest bar for its label and the legend
    if title:
        ax.set_title(title)
    ax.legend()
    return ax
