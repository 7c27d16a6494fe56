"""/overdue and /export, as a freelancer uses them (the clock starts Monday 2026-11-23, 10:00 in Paris)."""

from __future__ import annotations

import csv
import io
import re
from collections import Counter
from datetime import date, timedelta

import pytest

from bot.export import csv_cell
from bot.handlers.summary import ageing_bucket
from bot.storage import Invoice
from tests.conftest import onboard
from tests.fake_telegram.html import utf16_len
from tests.harness import Harness, TelegramUser
from tests.seed import register_invoice

TODAY = date(2026, 11, 23)


async def freelancer_id(h: Harness, user: TelegramUser) -> int:
    freelancer = await h.store.freelancers.by_telegram_id(user.id)
    assert freelancer is not None
    return freelancer.id


async def client(h: Harness, fid: int, name: str = "Atelier Dupont") -> int:
    return (await h.store.clients.create(fid, name, now=h.clock.now())).id


async def invoice(
    h: Harness,
    fid: int,
    client_id: int,
    number: str,
    amount_minor: int,
    *,
    days_late: int,
    currency: str = "EUR",
    description: str | None = None,
) -> Invoice:
    due = TODAY - timedelta(days=days_late)
    return await register_invoice(
        h, fid, number, amount_minor, client=client_id, currency=currency, due=due, description=description
    )


# --- /overdue -------------------------------------------------------------------------------------


async def test_nothing_overdue_is_good_news(h: Harness) -> None:
    user = await onboard(h)
    reply = await user.send("/overdue")
    assert "Nothing is overdue" in reply.text
    assert reply.buttons == []
    assert "Due in the next" not in reply.text


async def test_one_overdue_invoice_shows_days_late_and_what_is_left_after_a_partial_payment(
    h: Harness,
) -> None:
    user = await onboard(h)
    fid = await freelancer_id(h, user)
    acme = await client(h, fid, "Acme & Fils")
    inv = await invoice(h, fid, acme, "F-2026-001", 120000, days_late=10)
    await h.store.invoices.add_payment(fid, inv.id, amount_minor=20000, paid_on=TODAY, now=h.clock.now())

    reply = await user.send("/overdue")

    assert "1 overdue invoice" in reply.text
    assert "Acme & Fils" in reply.text
    assert "F-2026-001 · €1,000.00 left of €1,200.00 · 10 days overdue" in reply.text
    assert "Overdue in EUR: €1,000.00 (1 invoice)" in reply.text
    assert "1–30 days €1,000.00 · 31–60 days €0.00" in reply.text
    assert reply.buttons == ["✅ F-2026-001"]
    button = reply.messages[-1].button("✅ F-2026-001")
    assert button is not None and button["callback_data"] == f"inv:paid:{inv.id}"


async def test_paid_and_cancelled_invoices_are_not_overdue(h: Harness) -> None:
    user = await onboard(h)
    fid = await freelancer_id(h, user)
    acme = await client(h, fid)
    paid = await invoice(h, fid, acme, "F-1", 1000, days_late=5)
    await h.store.invoices.add_payment(fid, paid.id, amount_minor=None, paid_on=TODAY, now=h.clock.now())
    cancelled = await invoice(h, fid, acme, "F-2", 1000, days_late=5)
    await h.store.invoices.update(fid, cancelled.id, status="cancelled")

    reply = await user.send("/overdue")

    assert "Nothing is overdue" in reply.text
    assert "F-1" not in reply.text and "F-2" not in reply.text


async def test_another_freelancers_invoices_are_not_shown(h: Harness) -> None:
    claire = await onboard(h)
    other = await onboard(h, user_id=2002, name="Paul Durand")
    other_id = await freelancer_id(h, other)
    await invoice(h, other_id, await client(h, other_id, "Paul's client"), "P-1", 5000, days_late=3)

    reply = await claire.send("/overdue")

    assert "Nothing is overdue" in reply.text
    assert "P-1" not in reply.text


async def test_today_is_the_freelancers_local_date(h: Harness) -> None:
    user = await onboard(h)  # Europe/Paris
    fid = await freelancer_id(h, user)
    await invoice(h, fid, await client(h, fid), "F-2026-001", 5000, days_late=0)

    assert "due today" in (await user.send("/overdue")).text

    h.clock.advance(timedelta(hours=14, minutes=30))  # 23:30 UTC: already Tuesday in Paris
    reply = await user.send("/overdue")
    assert "F-2026-001 · €50.00 · 1 day overdue" in reply.text


async def test_invoices_due_in_the_next_seven_days_are_listed_apart(h: Harness) -> None:
    user = await onboard(h)
    fid = await freelancer_id(h, user)
    acme = await client(h, fid, "Acme")
    await invoice(h, fid, acme, "LATE-1", 1000, days_late=2)
    await invoice(h, fid, acme, "SOON-0", 2000, days_late=0)
    await invoice(h, fid, acme, "SOON-3", 3000, days_late=-3)
    await invoice(h, fid, acme, "SOON-7", 4000, days_late=-7)
    await invoice(h, fid, acme, "LATER-8", 5000, days_late=-8)

    reply = await user.send("/overdue")

    overdue, _, upcoming = reply.text.partition("Due in the next 7 days")
    assert "LATE-1" in overdue and "SOON" not in overdue
    assert "SOON-0 · Acme · €20.00" in upcoming and "due today" in upcoming
    assert "SOON-3" in upcoming and "due in 3 days" in upcoming
    assert "SOON-7" in upcoming and "due in 7 days" in upcoming
    assert "LATER-8" not in reply.text
    assert reply.buttons == ["✅ LATE-1"]


async def test_nothing_overdue_still_shows_what_falls_due_this_week(h: Harness) -> None:
    user = await onboard(h)
    fid = await freelancer_id(h, user)
    await invoice(h, fid, await client(h, fid), "SOON-2", 2000, days_late=-2)

    reply = await user.send("/overdue")

    assert "Nothing is overdue" in reply.text
    assert "Due in the next 7 days" in reply.text and "SOON-2" in reply.text
    assert reply.buttons == []


def expected_bucket_line(symbol: str, buckets: list[int]) -> str:
    money = [f"{symbol}{minor // 100:,}.{minor % 100:02d}" for minor in buckets]
    return f"1–30 days {money[0]} · 31–60 days {money[1]} · 61–90 days {money[2]} · over 90 days {money[3]}"


async def test_three_hundred_overdue_invoices_are_split_into_valid_messages(h: Harness) -> None:
    user = await onboard(h)
    fid = await freelancer_id(h, user)
    clients = [await client(h, fid, f"Client {k} <b>&</b> Co 🎨🇫🇷") for k in range(40)]
    totals: Counter[str] = Counter()
    buckets = {"EUR": [0, 0, 0, 0], "GBP": [0, 0, 0, 0]}
    numbers: dict[str, int] = {}
    before = h.fake.bot_messages(user.id)
    for n in range(300):
        k = n % 40
        currency = "EUR" if k % 2 == 0 else "GBP"
        days_late = 1 + (n * 37) % 150
        amount = 100_000 + n * 101
        inv = await invoice(h, fid, clients[k], f"F-{n:04d}", amount, days_late=days_late, currency=currency)
        numbers[inv.number] = inv.id
        totals[currency] += amount
        buckets[currency][ageing_bucket(days_late)] += amount

    pages = await all_pages(user)

    assert len(pages) > 10 and len(h.fake.bot_messages(user.id)) == len(before) + 1  # one message, paged
    assert all(utf16_len(text) <= 4096 for text, _buttons in pages)
    everything = "\n".join(text for text, _buttons in pages)
    listed = Counter(re.findall(r"F-\d{4}", everything))
    assert listed == Counter(dict.fromkeys(numbers, 1))  # every invoice exactly once
    paid_buttons = [label for _text, buttons in pages for label in buttons if label.startswith("✅")]
    assert len(paid_buttons) == 300
    for text, buttons in pages:
        for label in buttons:
            if label.startswith("✅"):
                assert label.removeprefix("✅ ") in text  # the button sits under its invoice
    assert "Client 7 <b>&</b> Co 🎨🇫🇷" in everything  # shown literally, not as markup
    assert "300 overdue invoices" in pages[0][0]
    assert (
        f"Overdue in EUR: €{totals['EUR'] // 100:,}.{totals['EUR'] % 100:02d} (150 invoices)" in pages[0][0]
    )
    assert (
        f"Overdue in GBP: £{totals['GBP'] // 100:,}.{totals['GBP'] % 100:02d} (150 invoices)" in pages[0][0]
    )
    assert expected_bucket_line("€", buckets["EUR"]) in pages[0][0]
    assert expected_bucket_line("£", buckets["GBP"]) in pages[0][0]
    continued = [text for text, _buttons in pages[1:] if not text.startswith("👤 Client")]
    assert continued == [], "a page continuing a client's list starts with the client's name"
    assert f"Page {len(pages)} of {len(pages)}" in pages[-1][0]


async def all_pages(user: TelegramUser) -> list[tuple[str, list[str]]]:
    """/overdue, then ▶ until the last page: each page's text and buttons."""
    await user.send("/overdue")
    pages = []
    while True:
        message = user.last
        pages.append((message.text or "", [label for row in message.buttons for label in row]))
        if "▶" not in pages[-1][1]:
            return pages
        await user.press("▶")


async def test_a_client_name_longer_than_a_message_is_still_sent_safely(h: Harness) -> None:
    user = await onboard(h)
    fid = await freelancer_id(h, user)
    huge = await client(h, fid, "Société <Très> Longue & Associés 🎨 " * 200)  # ~7,000 characters
    for n in range(3):
        await invoice(h, fid, huge, f"L-{n}", 1000, days_late=n + 1)

    pages = await all_pages(user)  # the fixture fails the test if Telegram refused a message

    assert len(pages) > 2
    assert all(utf16_len(text) <= 4096 for text, _buttons in pages)
    assert Counter(re.findall(r"L-\d", " ".join(text for text, _b in pages))) == {
        "L-0": 1,
        "L-1": 1,
        "L-2": 1,
    }
    assert sorted(b for _t, buttons in pages for b in buttons if b.startswith("✅")) == [
        "✅ L-0",
        "✅ L-1",
        "✅ L-2",
    ]


async def test_clients_are_ordered_by_their_oldest_overdue_invoice(h: Harness) -> None:
    user = await onboard(h)
    fid = await freelancer_id(h, user)
    recent, old = await client(h, fid, "Recent Ltd"), await client(h, fid, "Old SARL")
    await invoice(h, fid, recent, "R-1", 1000, days_late=3)
    await invoice(h, fid, old, "O-2", 1000, days_late=10)
    await invoice(h, fid, old, "O-1", 1000, days_late=40)

    text = (await user.send("/overdue")).text

    assert text.index("Old SARL") < text.index("O-1") < text.index("O-2") < text.index("Recent Ltd")


@pytest.mark.parametrize(
    ("days", "bucket"), [(1, 0), (30, 0), (31, 1), (60, 1), (61, 2), (90, 2), (91, 3), (400, 3)]
)
def test_ageing_buckets(days: int, bucket: int) -> None:
    assert ageing_bucket(days) == bucket


# --- /export --------------------------------------------------------------------------------------


def read_csv(content: bytes) -> list[dict[str, str]]:
    assert not content.startswith(b"\xef\xbb\xbf"), "plain UTF-8, no BOM"
    return list(csv.DictReader(io.StringIO(content.decode("utf-8"), newline="")))


async def test_export_sends_invoices_and_payments_as_csv(h: Harness) -> None:
    user = await onboard(h)
    fid = await freelancer_id(h, user)
    acme = await client(h, fid, 'Acme, "Paris" & Co 🎨')
    first = await invoice(h, fid, acme, "F-2026-001", 123456, days_late=10, description='=HYPERLINK("x")')
    await invoice(h, fid, acme, "F-2026-002", 5000, days_late=-5, currency="JPY", description="Logo\nv2")
    await h.store.invoices.add_payment(
        fid, first.id, amount_minor=23456, paid_on=date(2026, 11, 20), now=h.clock.now()
    )

    reply = await user.send("/export")

    documents = [m.document for m in reply.messages if m.document is not None]
    assert [d.file_name for d in documents] == [
        "relance-invoices-2026-11-23.csv",
        "relance-payments-2026-11-23.csv",
        "relance-stats-2026-11-23.csv",
    ]
    assert "2 invoices" in reply.text and "1 payment" in reply.text
    invoices = read_csv(documents[0].content)
    assert list(invoices[0]) == [
        "number", "client", "issue_date", "due_date", "amount", "currency", "paid", "balance", "status", "description",
    ]  # fmt: skip
    assert invoices[0] == {
        "number": "F-2026-001", "client": "Acme, \"Paris\" & Co 🎨", "issue_date": "2026-10-14",
        "due_date": "2026-11-13", "amount": "1234.56", "currency": "EUR", "paid": "234.56", "balance": "1000.00",
        "status": "open", "description": "'=HYPERLINK(\"x\")",
    }  # fmt: skip
    assert invoices[1]["amount"] == "5000" and invoices[1]["currency"] == "JPY"
    assert invoices[1]["description"] == "Logo\nv2"
    payments = read_csv(documents[1].content)
    assert payments == [
        {"invoice_number": "F-2026-001", "date": "2026-11-20", "amount": "234.56", "currency": "EUR"}
    ]
    stats = read_csv(documents[2].content)
    assert list(stats[0]) == ["section", "period", "start", "end", "currency", "client", "metric", "value"]
    month = {
        (r["currency"], r["metric"]): r["value"]
        for r in stats
        if r["section"] == "figures" and r["period"] == "month"
    }
    # Both issued in October; 234.56 collected on 20 November; nothing invoiced this month: no DSO.
    assert month[("EUR", "invoiced")] == "0.00" and month[("EUR", "collected")] == "234.56"
    assert month[("EUR", "outstanding")] == "1000.00" and month[("EUR", "overdue")] == "1000.00"
    assert month[("JPY", "invoiced")] == "0" and month[("JPY", "dso_days")] == ""
    year = {
        (r["currency"], r["metric"]): r["value"]
        for r in stats
        if r["section"] == "figures" and r["period"] == "year"
    }
    assert year[("EUR", "invoiced")] == "1234.56"
    assert year[("EUR", "dso_days")] == "264.9"  # 1000.00 / 1234.56 × 327 days (1 January – 23 November)
    assert year[("JPY", "outstanding")] == "5000" and year[("JPY", "overdue")] == "0"
    forecast = {(r["currency"], r["metric"]): r["value"] for r in stats if r["section"] == "forecast"}
    assert forecast[("EUR", "within_30_days")] == "1000.00" and forecast[("JPY", "later")] == "0"
    scores = [r for r in stats if r["section"] == "payer_score" and r["metric"] == "grade"]
    assert scores == [{**scores[0], "client": 'Acme, "Paris" & Co 🎨', "value": "new"}]


async def test_export_without_invoices_says_so_instead_of_sending_empty_files(h: Harness) -> None:
    user = await onboard(h)
    reply = await user.send("/export")
    assert "nothing to export" in reply.text
    assert all(m.document is None for m in reply.messages)


@pytest.mark.parametrize(
    ("value", "cell"),
    [("=1+1", "'=1+1"), ("+33 6", "'+33 6"), ("-2", "'-2"), ("@SUM(A1)", "'@SUM(A1)"), ("\tx", "'\tx"),
     ("Acme", "Acme"), ("a=b", "a=b"), (None, "")],
)  # fmt: skip
def test_csv_cells_that_look_like_formulas_are_neutralised(value: str | None, cell: str) -> None:
    assert csv_cell(value) == cell


# --- Before onboarding ----------------------------------------------------------------------------


@pytest.mark.parametrize("command", ["/overdue", "/export"])
async def test_commands_before_start_ask_for_start(h: Harness, command: str) -> None:
    user = h.user()
    assert "Send /start first" in (await user.send(command)).text


@pytest.mark.parametrize("command", ["/overdue", "/export"])
async def test_commands_during_onboarding_ask_to_finish_start(h: Harness, command: str) -> None:
    user = h.user()
    await user.send("/start")
    assert "Send /start first" in (await user.send(command)).text
