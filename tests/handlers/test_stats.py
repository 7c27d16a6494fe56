"""/stats as a freelancer uses it: charts as photos with captions, periods, scores on the client card.

The clock starts Monday 2026-11-23, 10:00 in Paris.
"""

from __future__ import annotations

import struct
from datetime import date, timedelta

from bot.domain.stats import Ageing, Month
from bot.i18n import translator
from bot.presentation.charts import ageing_chart, monthly_chart
from bot.storage.invoices import NewInvoice
from tests.conftest import onboard
from tests.fake_telegram import FakeMessage
from tests.harness import Harness, TelegramUser

TODAY = date(2026, 11, 23)
PNG = b"\x89PNG\r\n\x1a\n"


def png_size(content: bytes) -> tuple[int, int]:
    """Width and height from the IHDR chunk, which a valid PNG has first."""
    assert content.startswith(PNG), "not a PNG"
    length, kind = struct.unpack(">I4s", content[8:16])
    assert kind == b"IHDR" and length == 13
    width, height = struct.unpack(">II", content[16:24])
    return width, height


async def history(h: Harness, user: TelegramUser) -> int:
    """Acme pays ~20 days late (3 paid, 1 overdue); Beta paid once on time and has an invoice not yet due."""
    freelancer = await h.store.freelancers.by_telegram_id(user.id)
    assert freelancer is not None
    fid, now = freelancer.id, h.clock.now()
    acme = (await h.store.clients.create(fid, "Acme & Co", now=now)).id
    beta = (await h.store.clients.create(fid, "Beta", now=now)).id

    async def invoice(client: int, number: str, minor: int, due: date, paid_on: date | None) -> None:
        new = NewInvoice(client, number, minor, "EUR", due - timedelta(days=30), due)
        created = await h.store.invoices.create(fid, new, now=now)
        if paid_on is not None:
            await h.store.invoices.add_payment(fid, created.id, amount_minor=None, paid_on=paid_on, now=now)

    for k, due in enumerate((date(2026, 6, 1), date(2026, 7, 1), date(2026, 8, 1))):
        await invoice(acme, f"F-{k}", 100_000, due, due + timedelta(days=20))
    await invoice(acme, "F-3", 250_000, date(2026, 11, 3), None)  # 20 days overdue
    await invoice(beta, "F-4", 50_000, date(2026, 11, 10), date(2026, 11, 9))
    await invoice(beta, "F-5", 70_000, date(2026, 12, 10), None)
    return fid


def photos(messages: list[FakeMessage]) -> list[FakeMessage]:
    return [m for m in messages if m.photo is not None]


async def test_stats_sends_three_charts_with_captions_then_the_figures(h: Harness) -> None:
    user = await onboard(h)
    await history(h, user)
    reply = await user.send("/stats")

    charts = photos(reply.messages)
    assert len(charts) == 3
    for chart in charts:
        assert chart.photo is not None
        width, height = png_size(chart.photo.content)
        assert width >= 800 and 400 <= height <= width
        assert 10_000 < len(chart.photo.content) < 10 * 2**20
        assert chart.text and len(chart.text) <= 1024
    ageing, months, late = (c.text or "" for c in charts)
    assert "Not due yet: €700.00" in ageing and "1–30 days: €2,500.00" in ageing
    assert "November 2026: invoiced €700.00, collected €500.00" in months
    assert "Acme & Co (D): pays 20 days late on average over 4 invoices" in late
    summary = reply.messages[-1]
    assert summary.photo is None
    text = summary.text or ""
    assert "This month (1 Nov 2026 – 23 Nov 2026)" in text
    assert "Invoiced: €700.00 (1 invoice)" in text  # F-5, issued on 10 November (F-3 and F-4 in October)
    assert "Collected: €500.00" in text
    assert "Outstanding today: €3,200.00, of which overdue: €2,500.00" in text
    assert "DSO: 105 days" in text  # 3,200 / 700 × 23 days = 105.1
    assert "Paid without any reminder: 1 invoice (100%)" in text
    # Acme pays 20 days late: F-3 (due 3 November) is expected today. Beta is new: your average of 15 days
    # late puts F-5 (due 10 December) on 25 December, in 32 days.
    assert "EUR: next 30 days €2,500.00 · 60 days €3,200.00 · 90 days €3,200.00 · later €0.00" in text
    assert [label for row in summary.buttons for label in row] == [
        "• This month", "This quarter", "This year", "All time"
    ]  # fmt: skip


async def test_a_period_button_redraws_the_figures_in_place(h: Harness) -> None:
    user = await onboard(h)
    await history(h, user)
    await user.send("/stats")
    summary = user.last
    reply = await user.press("This year")
    assert [m.message_id for m in reply.messages] == [summary.message_id]
    assert "This year (1 Jan 2026 – 23 Nov 2026)" in reply.text
    assert "Invoiced: €6,700.00 (6 invoices)" in reply.text
    assert "Paid on time: 25% of 4 invoices settled in the period" in reply.text
    assert "Average lateness at payment: 15 days" in reply.text  # (20 + 20 + 20 + 0) / 4
    assert "• This year" in reply.buttons


async def test_someone_elses_or_a_forged_stats_button_shows_nothing(h: Harness) -> None:
    owner = await onboard(h)
    fid = await history(h, owner)
    other = await onboard(h, 2002, name="Bruno Petit")
    before = len(h.fake.bot_messages(other.id))
    await other.send("/help")
    message = other.last.message_id
    for data in (f"st:year:{fid}", f"st:show:{fid}", "st:decade:1", "st:year:x"):
        reply = await other.press_data(message, data)
        assert reply.messages == []
    assert len(h.fake.bot_messages(other.id)) == before + 1
    assert all(m.photo is None for m in h.fake.bot_messages(other.id))


async def test_stats_without_invoices_says_how_to_start(h: Harness) -> None:
    user = await onboard(h)
    reply = await user.send("/stats")
    assert "No statistics yet" in reply.text and "/new" in reply.text
    assert photos(reply.messages) == []


async def test_stats_in_french(h: Harness) -> None:
    user = await onboard(h, language_code="fr", name="Claire Martin")
    await history(h, user)
    reply = await user.send("/stats")
    ageing, months, late = (c.text or "" for c in photos(reply.messages))
    assert "Pas encore échu\u00a0: 700,00\u00a0€" in ageing
    assert "novembre 2026\u00a0: facturé 700,00\u00a0€, encaissé 500,00\u00a0€" in months
    assert "paie avec 20 jours de retard en moyenne sur 4 factures" in late
    assert "Ce mois-ci" in reply.text and "Facturé\u00a0: 700,00\u00a0€ (1 facture)" in reply.text


async def test_the_client_card_and_list_show_the_payer_score(h: Harness) -> None:
    user = await onboard(h)
    await history(h, user)
    listing = await user.send("/clients")
    assert "Acme &amp; Co" not in listing.text  # the transcript is plain text
    assert "• Acme & Co · score D: €2,500.00 due" in listing.text
    assert "• Beta: €700.00 due" in listing.text  # one paid invoice: new, no grade
    card = await user.press("Acme & Co")
    assert "Payer score: D, pays 20 days late on average over 4 invoices (1 still unpaid" in card.text
    await user.press("◀ All clients")
    card = await user.press("Beta")
    assert "Payer score: new client: 1 paid invoice so far, too early to judge" in card.text


def test_charts_follow_the_language_and_its_number_formats() -> None:
    ageing = Ageing("EUR", (70_000, 250_000, 0, 0, 1_234_500))
    months = [Month(date(2026, m, 1), 100_000 * m, 90_000 * m) for m in range(1, 13)]
    english, french = translator("en"), translator("fr")
    for draw in (lambda tr: ageing_chart(tr, ageing), lambda tr: monthly_chart(tr, months, "EUR")):
        en, fr = draw(english), draw(french)
        assert png_size(en)[0] >= 800 and png_size(fr)[0] >= 800
        assert en != fr  # axis labels, month names and number formats differ
        assert draw(english) == en  # drawing is deterministic: the difference is the language


async def test_the_weekly_digest_has_a_stats_button(h: Harness) -> None:
    user = await onboard(h)
    await history(h, user)
    freelancer = await h.store.freelancers.by_telegram_id(user.id)
    assert freelancer is not None
    assert await h.dispatcher.send_digest(freelancer, h.clock.now())
    assert "📊 Stats" in [label for row in user.last.buttons for label in row]
    reply = await user.press("📊 Stats")
    assert len(photos(reply.messages)) == 3 and "This month" in reply.text


async def test_the_weekly_digest_opens_with_the_ageing_chart_when_switched_on(h: Harness) -> None:
    user = await onboard(h)
    await history(h, user)
    freelancer = await h.store.freelancers.by_telegram_id(user.id)
    assert freelancer is not None
    before = len(h.fake.bot_messages(user.id))
    assert await h.dispatcher.send_digest(freelancer, h.clock.now())
    assert photos(h.fake.bot_messages(user.id)[before:]) == []  # off by default: text only
    switched = await h.store.freelancers.update(freelancer.id, digest_chart=True, last_digest_on=None)
    assert switched is not None and switched.digest_chart
    before = len(h.fake.bot_messages(user.id))
    assert await h.dispatcher.send_digest(switched, h.clock.now() + timedelta(days=7))
    sent = h.fake.bot_messages(user.id)[before:]
    charts = photos(sent)
    assert len(charts) == 1 and sent[0] is charts[0]  # the chart first, then the digest's text
    assert "Outstanding by lateness (bar chart)." in (charts[0].text or "")
    assert "📊 Stats" in [label for row in user.last.buttons for label in row]
