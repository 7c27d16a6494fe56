"""The insights in words: the /stats summary, the payer score's reason, and the charts' captions.

Pure functions of a Translator and the figures of bot/domain/stats.py. Captions are plain sentences
a screen reader can read out, kept under Telegram's 1,024 characters.
"""

from __future__ import annotations

from collections.abc import Sequence

from babel.numbers import format_decimal, format_percent

from bot.domain.money import babel_locale
from bot.domain.stats import (
    FORECAST_HORIZONS,
    MIN_PAID_FOR_SCORE,
    Ageing,
    CurrencyFigures,
    Forecast,
    Month,
    PayerScore,
    Period,
    ReminderEffect,
    Report,
    whole_days,
)
from bot.i18n import N_, Html, Translator

CAPTION_LIMIT = 1024

PERIOD_NAMES = {
    Period.MONTH: N_("This month"),
    Period.QUARTER: N_("This quarter"),
    Period.YEAR: N_("This year"),
    Period.ALL: N_("All time"),
}
AGEING_NAMES = (N_("Not due yet"), N_("1–30 days"), N_("31–60 days"), N_("61–90 days"), N_("Over 90 days"))


def percent(tr: Translator, share: float) -> str:
    return format_percent(share, locale=babel_locale(tr.locale))


def period_name(tr: Translator, period: Period) -> str:
    return tr.plain(PERIOD_NAMES[period])


# --- /stats ---------------------------------------------------------------------------------------------


def render_report(tr: Translator, report: Report, forecasts: list[Forecast]) -> Html:
    """The whole summary: per currency, then reminders, then the cash forecast."""
    lines: list[str] = [
        tr._(
            "📊 <b>Your statistics</b> · {period} ({start} – {end})",
            period=period_name(tr, report.period),
            start=tr.date(report.start),
            end=tr.date(report.end),
        )
    ]
    if not report.figures:
        lines += ["", tr._("Nothing was invoiced, paid or due in this period.")]
    for figures in report.figures:
        lines += ["", *currency_lines(tr, figures, report.days)]
    lines += ["", *reminder_lines(tr, report)]
    if forecasts:
        lines += ["", *forecast_lines(tr, forecasts)]
    return Html("\n".join(lines))


def currency_lines(tr: Translator, f: CurrencyFigures, days: int) -> list[Html]:
    money = lambda minor: tr.money(minor, f.currency)  # noqa: E731
    lines = [
        tr._("<b>In {currency}</b>", currency=f.currency),
        tr.n_("Invoiced: <b>{amount}</b> ({n} invoice)", "Invoiced: <b>{amount}</b> ({n} invoices)",
              f.invoiced_count, amount=money(f.invoiced_minor)),
        tr._("Collected: <b>{amount}</b>", amount=money(f.collected_minor)),
        tr._("Outstanding today: <b>{amount}</b>, of which overdue: <b>{overdue}</b>",
             amount=money(f.outstanding_minor), overdue=money(f.overdue_minor)),
    ]  # fmt: skip
    if f.dso_days is not None:
        lines.append(
            tr.n_(
                "DSO: {n} day (outstanding ÷ invoiced in the period × its {days} days)",
                "DSO: {n} days (outstanding ÷ invoiced in the period × its {days} days)",
                whole_days(f.dso_days),
                days=days,
            )
        )
    if f.settled_count and f.on_time_share is not None and f.average_days_late is not None:
        lines.append(
            tr.n_(
                "Paid on time: {share} of {n} invoice settled in the period",
                "Paid on time: {share} of {n} invoices settled in the period",
                f.settled_count,
                share=percent(tr, f.on_time_share),
            )
        )
        lines.append(
            tr.n_(
                "Average lateness at payment: {n} day",
                "Average lateness at payment: {n} days",
                whole_days(f.average_days_late),
            )
        )
    else:
        lines.append(tr._("No invoice was settled in this period."))
    return lines


def reminder_effect_line(tr: Translator, effect: ReminderEffect, settled: int) -> Html:
    """One tone's share of the settled invoices (whole sentences per tone, for the translators)."""
    n, share = effect.invoices, percent(tr, effect.invoices / settled)
    if effect.tone is None:
        return tr.n_(
            "Paid without any reminder: {n} invoice ({share})",
            "Paid without any reminder: {n} invoices ({share})",
            n,
            share=share,
        )
    if effect.tone == "courtesy":
        return tr.n_(
            "Paid after the courtesy heads-up: {n} invoice ({share})",
            "Paid after the courtesy heads-up: {n} invoices ({share})",
            n,
            share=share,
        )
    if effect.tone == "friendly":
        return tr.n_(
            "Paid after the friendly reminder: {n} invoice ({share})",
            "Paid after the friendly reminder: {n} invoices ({share})",
            n,
            share=share,
        )
    if effect.tone == "firm":
        return tr.n_(
            "Paid after the firm reminder: {n} invoice ({share})",
            "Paid after the firm reminder: {n} invoices ({share})",
            n,
            share=share,
        )
    return tr.n_("Paid after the final reminder: {n} invoice ({share})",
                 "Paid after the final reminder: {n} invoices ({share})", n, share=share)  # fmt: skip


def reminder_lines(tr: Translator, report: Report) -> list[Html]:
    """Which reminder the settled invoices were paid after: do reminders work?"""
    lines = [tr._("<b>Did reminders work?</b>")]
    settled = report.settled_count
    if not settled or report.average_reminders is None:
        return [*lines, tr._("No invoice was settled in this period.")]
    lines += [reminder_effect_line(tr, effect, settled) for effect in report.reminders]
    lines.append(
        tr._(
            "Reminders per settled invoice, on average: {count}",
            count=_one_decimal(tr, report.average_reminders),
        )
    )
    return lines


def _one_decimal(tr: Translator, value: float) -> str:
    return format_decimal(round(value, 1), format="#,##0.#", locale=babel_locale(tr.locale))


def forecast_lines(tr: Translator, forecasts: list[Forecast]) -> list[Html]:
    lines = [tr._("<b>Cash forecast</b> from open invoices")]
    for f in forecasts:
        money = lambda minor, c=f.currency: tr.money(minor, c)  # noqa: E731
        lines.append(
            tr._(
                "{currency}: next 30 days {days_30} · 60 days {days_60} · 90 days {days_90} · later {later}",
                currency=f.currency,
                days_30=money(f.within[0]),
                days_60=money(f.within[1]),
                days_90=money(f.within[2]),
                later=money(f.later),
            )
        )
    lines.append(Html(f"<i>{forecast_method(tr)}</i>"))
    return lines


def forecast_method(tr: Translator) -> Html:
    return tr._(
        "Each open invoice is expected on its due date plus its client's average lateness (your own "
        "average for new clients), and today if that day has passed."
    )


assert len(FORECAST_HORIZONS) == 3, "forecast_lines names three horizons"


# --- Payer score ----------------------------------------------------------------------------------------


def score_reason(tr: Translator, score: PayerScore) -> Html:
    """Why the grade, in words: "pays 12 days late on average over 9 invoices"."""
    if not score.judged:
        return tr.n_(
            "new client: {n} paid invoice so far, too early to judge",
            "new client: {n} paid invoices so far, too early to judge",
            score.paid,
        )
    days = whole_days(score.average_days_late or 0)
    if days == 0:
        reason = tr.n_("pays on time on average over {n} invoice", "pays on time on average over {n} invoices",
                       score.invoices)  # fmt: skip
    elif days == 1:
        reason = tr.n_("pays 1 day late on average over {n} invoice", "pays 1 day late on average over {n} invoices",
                       score.invoices)  # fmt: skip
    else:
        reason = tr.n_(
            "pays {days} days late on average over {n} invoice",
            "pays {days} days late on average over {n} invoices",
            score.invoices,
            days=days,
        )
    if score.unpaid_overdue:
        still = tr.n_(
            "{n} still unpaid, counted with its days late so far",
            "{n} still unpaid, counted with their days late so far",
            score.unpaid_overdue,
        )
        return tr._("{reason} ({still})", reason=reason, still=still)
    return reason


def score_line(tr: Translator, score: PayerScore | None) -> Html:
    """The line on a client's card."""
    if score is None:
        return tr.n_(
            "Payer score: new client (scored after {n} paid invoice)",
            "Payer score: new client (scored after {n} paid invoices)",
            MIN_PAID_FOR_SCORE,
        )
    if not score.judged:
        return tr._("Payer score: {reason}", reason=score_reason(tr, score))
    return tr._("Payer score: <b>{grade}</b>, {reason}", grade=score.grade, reason=score_reason(tr, score))


def score_badge(score: PayerScore | None) -> str:
    """The grade in the client list: "A"…"E", or "" for a new client."""
    return score.grade if score is not None and score.judged else ""


# --- Captions -------------------------------------------------------------------------------------------


def fit_caption(lines: Sequence[str], limit: int = CAPTION_LIMIT) -> str:
    """Join lines, dropping the last ones (and saying so with "…") until the caption fits."""
    lines = list(lines)
    text = "\n".join(lines)
    while len(text) > limit and len(lines) > 1:
        lines = lines[:-1]
        text = "\n".join([*lines, "…"])
    return text[:limit]


def ageing_caption(tr: Translator, ageing: list[Ageing]) -> str:
    lines = [tr._("Outstanding by lateness (bar chart).")]
    if not ageing:
        lines.append(tr._("Nothing is outstanding."))
    for a in ageing:
        parts = [
            tr._("{bucket}: {amount}", bucket=tr.plain(name), amount=tr.money(minor, a.currency))
            for name, minor in zip(AGEING_NAMES, a.buckets, strict=True)
        ]
        lines.append(tr._("In {currency}: {parts}.", currency=a.currency, parts=Html(", ".join(parts))))
    return fit_caption(lines)


def monthly_caption(tr: Translator, months: list[Month], currency: str) -> str:
    lines = [tr.n_("Invoiced and collected in {currency}, month by month over the last {n} month (bar chart).",
                   "Invoiced and collected in {currency}, month by month over the last {n} months (bar chart).",
                   len(months), currency=currency)]  # fmt: skip
    for m in months:
        lines.append(
            tr._(
                "{month}: invoiced {invoiced}, collected {collected}",
                month=tr.date(m.first_day, "LLLL yyyy"),
                invoiced=tr.money(m.invoiced_minor, currency),
                collected=tr.money(m.collected_minor, currency),
            )
        )
    return fit_caption(lines)


def worst_payers_caption(tr: Translator, scores: list[PayerScore]) -> str:
    lines = [tr._("Average days late of your latest payers (bar chart).")]
    if not scores:
        lines.append(tr._("No client with enough history pays late: well done."))
    for score in scores:
        lines.append(tr._("{client} ({grade}): {reason}", client=score.client_name, grade=score.grade,
                          reason=score_reason(tr, score)))  # fmt: skip
    return fit_caption(lines)
