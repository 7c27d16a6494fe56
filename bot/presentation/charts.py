"""The insights as pictures: PNG bytes for sendPhoto, readable on a phone.

matplotlib's object-oriented API (Figure + FigureCanvasAgg): no pyplot, no global state, no display,
so charts can be drawn in a worker thread (the handler uses asyncio.to_thread). The font is DejaVu
Sans, which matplotlib ships. Labels go through the freelancer's catalog and numbers through Babel, so
a French chart says "janv. 26" and "12 k €", an English one "Jan 26" and "€12K".

matplotlib is imported on first use: it costs ~0.5 s, which only /stats should pay, not start-up.
"""

from __future__ import annotations

import io
from collections.abc import Callable, Sequence
from datetime import date
from typing import TYPE_CHECKING, Any

from babel.dates import format_date
from babel.numbers import format_compact_currency

from bot.domain.money import Money, babel_locale
from bot.domain.stats import Ageing, InvoiceFacts, Month, PayerScore, ageing, main_currency, whole_days
from bot.i18n import Translator
from bot.presentation.stats_text import AGEING_NAMES, ageing_caption

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

WIDTH_IN, HEIGHT_IN, DPI = 10, 6.25, 110  # 1100 × 687 px: sharp on a phone, far under 10 MB
FONT = "DejaVu Sans"
INK, MUTED, GRID = "#1f2933", "#616e7c", "#e4e7eb"
INVOICED, COLLECTED = "#9aa5b1", "#2f80ed"
AGEING_COLOURS = ("#27ae60", "#f2c94c", "#f2994a", "#eb5757", "#9b1c1c")
GRADE_COLOURS = {"A": "#27ae60", "B": "#6fcf97", "C": "#f2c94c", "D": "#f2994a", "E": "#eb5757"}


def _figure() -> tuple[Figure, Axes]:
    from matplotlib.figure import Figure

    figure = Figure(figsize=(WIDTH_IN, HEIGHT_IN), dpi=DPI, facecolor="white", layout="constrained")
    axes = figure.add_subplot()
    for side in ("top", "right"):
        axes.spines[side].set_visible(False)
    axes.spines["left"].set_color(GRID)
    axes.spines["bottom"].set_color(GRID)
    axes.tick_params(colors=MUTED, labelsize=14)
    return figure, axes


def _font() -> dict[str, Any]:
    return {"family": FONT}


def _png(figure: Figure) -> bytes:
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    buffer = io.BytesIO()
    FigureCanvasAgg(figure).print_png(buffer)
    return buffer.getvalue()


def _money_axis(tr: Translator, currency: str) -> Callable[[float, object], str]:
    """Tick labels in the freelancer's locale, compact: "12 k €" (fr), "€12K" (en)."""
    locale = babel_locale(tr.locale)

    def label(major: float, _position: object) -> str:
        return format_compact_currency(major, currency, locale=locale, fraction_digits=1)

    return label


def _major(minor: int, currency: str) -> float:
    return float(Money(minor, currency).to_decimal())


def _title(axes: Axes, text: str) -> None:
    axes.set_title(text, loc="left", fontsize=20, color=INK, pad=16, fontweight="bold", **_font())


def _money_value_axis(axes: Axes, tr: Translator, currency: str, *, horizontal: bool = False) -> None:
    from matplotlib.ticker import FuncFormatter, MaxNLocator

    axis = axes.xaxis if horizontal else axes.yaxis
    axis.set_major_formatter(FuncFormatter(_money_axis(tr, currency)))
    axis.set_major_locator(MaxNLocator(nbins=5, min_n_ticks=3))
    axes.grid(axis="x" if horizontal else "y", color=GRID)
    axes.set_axisbelow(True)


def ageing_chart(tr: Translator, ageing: Ageing) -> bytes:
    """Outstanding balances of one currency by lateness: not due, 1–30, 31–60, 61–90, over 90 days."""
    figure, axes = _figure()
    labels = [tr.plain(name) for name in AGEING_NAMES]
    values = [_major(minor, ageing.currency) for minor in ageing.buckets]
    bars = axes.bar(labels, values, color=AGEING_COLOURS, width=0.65)
    axes.bar_label(bars, labels=[tr.money(m, ageing.currency) for m in ageing.buckets], padding=4,
                   fontsize=13, color=INK, **_font())  # fmt: skip
    _money_value_axis(axes, tr, ageing.currency)
    axes.set_ylim(0, max(values + [1.0]) * 1.18)
    _title(axes, tr.plain("What clients owe you, by lateness ({currency})", currency=ageing.currency))
    axes.set_xlabel(tr.plain("Days past the due date"), fontsize=14, color=MUTED, **_font())
    return _png(figure)


def ageing_picture(tr: Translator, invoices: Sequence[InvoiceFacts], today: date) -> tuple[bytes, str] | None:
    """The ageing chart of the main currency with its caption (every currency in words); None when
    nothing is outstanding. /stats and the weekly digest both show it."""
    buckets = ageing(invoices, today)
    currency = main_currency(invoices) or "EUR"
    main = next((a for a in buckets if a.currency == currency), None) or (buckets[0] if buckets else None)
    if main is None:
        return None
    return ageing_chart(tr, main), ageing_caption(tr, buckets)


def monthly_chart(tr: Translator, months: Sequence[Month], currency: str) -> bytes:
    """Invoiced and collected per month, side by side, for the last months."""
    figure, axes = _figure()
    locale = babel_locale(tr.locale)
    positions = list(range(len(months)))
    width = 0.4
    axes.bar([p - width / 2 for p in positions], [_major(m.invoiced_minor, currency) for m in months],
             width, color=INVOICED, label=tr.plain("Invoiced"))  # fmt: skip
    axes.bar([p + width / 2 for p in positions], [_major(m.collected_minor, currency) for m in months],
             width, color=COLLECTED, label=tr.plain("Collected"))  # fmt: skip
    axes.set_xticks(positions, [format_date(m.first_day, "MMM yy", locale=locale) for m in months],
                    rotation=45, ha="right", fontsize=13)  # fmt: skip
    _money_value_axis(axes, tr, currency)
    axes.legend(frameon=False, fontsize=14, loc="upper left", prop={"family": FONT, "size": 14})
    _title(axes, tr.plain("Invoiced and collected per month ({currency})", currency=currency))
    return _png(figure)


def worst_payers_chart(tr: Translator, scores: Sequence[PayerScore]) -> bytes:
    """Average days late of the latest payers (worst at the top), coloured by grade."""
    figure, axes = _figure()
    shown = list(reversed(scores))  # barh draws bottom-up: the worst payer goes on top
    names = [s.client_name if len(s.client_name) <= 24 else s.client_name[:23] + "…" for s in shown]
    days = [whole_days(s.average_days_late or 0) for s in shown]
    bars = axes.barh(names, days, color=[GRADE_COLOURS.get(s.grade, MUTED) for s in shown], height=0.6)
    axes.bar_label(bars, labels=[tr.n_("{n} day ({grade})", "{n} days ({grade})", d, grade=s.grade)
                                 for d, s in zip(days, shown, strict=True)],
                   padding=6, fontsize=13, color=INK, **_font())  # fmt: skip
    axes.tick_params(axis="y", labelsize=14, colors=INK)
    axes.set_xlim(0, max(days + [1]) * 1.3)
    axes.grid(axis="x", color=GRID)
    axes.set_axisbelow(True)
    axes.set_xlabel(
        tr.plain("Average days late (unpaid invoices: so far)"), fontsize=14, color=MUTED, **_font()
    )
    if not shown:
        axes.text(0.5, 0.5, tr.plain("No late payer"), transform=axes.transAxes, ha="center", va="center",
                  fontsize=18, color=MUTED, **_font())  # fmt: skip
        axes.set_yticks([])
    _title(axes, tr.plain("Who pays late"))
    return _png(figure)
