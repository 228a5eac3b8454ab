"""Charts for notebooks (needs matplotlib: ``pip install microcredit[plot]``).

- :func:`plot_schedule`: principal and interest (and fees, insurance, savings) of each installment,
  as stacked bars.
- :func:`plot_costs`: the true cost of several products side by side, under one or more
  conventions.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from ._microcredit import Quote, Schedule, ValidationError

__all__ = ["plot_costs", "plot_schedule"]


def _pyplot() -> Any:
    try:
        import matplotlib.pyplot as plt
    except ImportError as e:  # pragma: no cover - depends on the environment
        raise ImportError("microcredit.plot needs matplotlib: pip install 'microcredit[plot]'") from e
    return plt


def plot_schedule(schedule: Schedule, ax: Any = None, title: str | None = None) -> Any:
    """Stacked bars of each installment: principal, interest, then fees, insurance and savings
    where the schedule has any. Returns the matplotlib Axes."""
    if not isinstance(schedule, Schedule):
        raise ValidationError(f"invalid schedule: {type(schedule).__name__} (expected a microcredit.Schedule)")
    plt = _pyplot()
    if ax is None:
        _, ax = plt.subplots(figsize=(8, 4))
    rows = schedule.installments
    x = [i.number for i in rows]
    bottom = [0.0] * len(rows)
    parts = ["principal", "interest", "fees", "insurance", "savings"]
    for part in parts:
        values = [float(getattr(i, part)) for i in rows]  # floats for drawing only
        if part not in ("principal", "interest") and not any(values):
            continue
        ax.bar(x, values, bottom=bottom, label=part)
        bottom = [b + v for b, v in zip(bottom, values)]
    ax.set_xlabel("installment")
    ax.set_ylabel(schedule.currency)
    ax.set_title(title or f"Schedule: {len(rows)} installments, total {schedule.totals.total} {schedule.currency}")
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
        raise ValidationError("invalid quotes: expected a non-empty sequence of microcredit.Quote")
    labels = list(labels) if labels is not None else [f"product {i + 1}" for i in range(len(quotes))]
    if len(labels) != len(quotes):
        raise ValidationError(f"invalid labels: {len(labels)} labels for {len(quotes)} quotes")
    plt = _pyplot()
    if ax is None:
        _, ax = plt.subplots(figsize=(max(6, 1.6 * len(quotes)), 4))
    width = 0.8 / max(1, len(conventions))
    for j, conv in enumerate(conventions):
        values = [float(q.cost(conv).percent) for q in quotes]
        xs = [i + (j - (len(conventions) - 1) / 2) * width for i in range(len(quotes))]
        bars = ax.bar(xs, values, width=width, label=conv)
        ax.bar_label(bars, fmt="%.1f", fontsize=8)
    ax.set_xticks(range(len(quotes)))
    ax.set_xticklabels(labels, rotation=15, ha="right")
    ax.set_ylabel("percent a year")
    if title:
        ax.set_title(title)
    ax.legend()
    return ax
