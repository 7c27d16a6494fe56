"""/clients: the list, a client's card, adding and changing clients and contacts, and forged buttons."""

from __future__ import annotations

import logging
from datetime import date

import pytest

from bot.i18n import Translator
from bot.storage import Client, Freelancer
from tests.conftest import onboard
from tests.harness import Harness, TelegramUser
from tests.seed import register_invoice

EN = Translator("en")


async def freelancer_of(h: Harness, user: TelegramUser) -> Freelancer:
    freelancer = await h.store.freelancers.by_telegram_id(user.id)
    assert freelancer is not None
    return freelancer


async def invoice(
    h: Harness, freelancer: Freelancer, client: Client, number: str, amount_minor: int,
    currency: str = "EUR", *, issued: date = date(2026, 9, 1), due: date = date(2026, 12, 31),
) -> int:  # fmt: skip
    created = await register_invoice(
        h, freelancer.id, number, amount_minor, client=client.id, currency=currency, issued=issued, due=due
    )
    return created.id


async def open_card(h: Harness, name: str = "Claire Martin") -> tuple[TelegramUser, Freelancer, Client]:
    """An onboarded freelancer looking at the card of their client ACME SAS."""
    user = await onboard(h, name=name)
    freelancer = await freelancer_of(h, user)
    client = await h.store.clients.create(
        freelancer.id, "ACME SAS", email="compta@acme.fr", now=h.clock.now()
    )
    await user.send("/clients")
    await user.press("ACME SAS")
    return user, freelancer, client


def last_alert(h: Harness) -> str:
    query = h.fake.callback_queries()[-1]
    assert query.answered and query.show_alert
    return query.answer_text or ""


async def test_freelancer_adds_a_client_with_an_email(h: Harness) -> None:
    user = await onboard(h)
    reply = await user.send("/clients")
    assert "no clients yet" in reply.text
    reply = await user.press("➕ Add a client")
    assert "client's name" in reply.text
    reply = await user.send("ACME SAS")
    assert "e-mail address" in reply.text and "Skip" in reply.buttons
    reply = await user.send("compta@")
    assert "not a valid e-mail address" in reply.text
    reply = await user.send("compta@acme.fr")
    assert "Client added." in reply.text
    assert "ACME SAS" in reply.text
    assert "compta@acme.fr — Telegram: not linked" in reply.text
    assert "Business client (B2B)" in reply.text
    assert "Language of reminders: English (same as yours)" in reply.text
    assert "No open invoice." in reply.text

    freelancer = await freelancer_of(h, user)
    clients, total = await h.store.clients.page(freelancer.id, 0, 10)
    assert total == 1 and clients[0].name == "ACME SAS" and clients[0].language is None
    [contact] = await h.store.clients.contacts(clients[0].id)
    assert contact.email == "compta@acme.fr"


async def test_client_without_email_has_no_contact_yet(h: Harness) -> None:
    user = await onboard(h)
    await user.send("/clients")
    await user.press("➕ Add a client")
    await user.send("Jean Dupont")
    reply = await user.press("Skip")
    assert "Client added." in reply.text
    assert "No contact yet" in reply.text


async def test_a_second_client_with_the_same_name_is_refused(h: Harness) -> None:
    user = await onboard(h)
    freelancer = await freelancer_of(h, user)
    await h.store.clients.create(freelancer.id, "ACME SAS", now=h.clock.now())
    await user.send("/clients")
    await user.press("➕ Add a client")
    reply = await user.send("acme sas")
    assert "already have a client called acme sas" in reply.text
    reply = await user.send("ACME SAS (Lyon)")
    assert "e-mail address" in reply.text


async def test_list_shows_open_balances_per_currency(h: Harness) -> None:
    user = await onboard(h)
    freelancer = await freelancer_of(h, user)
    acme = await h.store.clients.create(freelancer.id, "ACME SAS", now=h.clock.now())
    beta = await h.store.clients.create(freelancer.id, "Beta & Co", now=h.clock.now())
    first = await invoice(h, freelancer, acme, "F-001", 100_000, "EUR")
    await invoice(h, freelancer, acme, "F-002", 20_000, "EUR")
    await invoice(h, freelancer, acme, "F-003", 30_000, "USD")
    paid = await invoice(h, freelancer, beta, "F-004", 5_000, "EUR")
    await h.store.invoices.add_payment(freelancer.id, first, amount_minor=40_000, paid_on=date(2026, 11, 1), now=h.clock.now())  # fmt: skip
    await h.store.invoices.add_payment(freelancer.id, paid, amount_minor=None, paid_on=date(2026, 11, 1), now=h.clock.now())  # fmt: skip

    reply = await user.send("/clients")
    assert f"ACME SAS: {EN.money(80_000, 'EUR')}, {EN.money(30_000, 'USD')} due" in reply.text
    assert "Beta & Co: nothing due" in reply.text
    assert reply.buttons == ["ACME SAS", "Beta & Co", "➕ Add a client"]
    assert [] not in reply.messages[0].buttons  # no empty row where the page buttons would be


async def test_23_clients_are_paginated_ten_at_a_time(h: Harness) -> None:
    user = await onboard(h)
    freelancer = await freelancer_of(h, user)
    for i in range(1, 24):
        await h.store.clients.create(freelancer.id, f"Client {i:02d}", now=h.clock.now())

    reply = await user.send("/clients")
    assert "Your clients (23)" in reply.text
    assert "Page 1 of 3" in reply.text
    assert [b for b in reply.buttons if b.startswith("Client")] == [f"Client {i:02d}" for i in range(1, 11)]
    assert "◀" not in reply.buttons and "▶" in reply.buttons
    list_id = reply.messages[0].message_id

    reply = await user.press("▶")
    assert [m.message_id for m in reply.messages] == [list_id]  # turned in place
    assert "Page 2 of 3" in reply.text and "Client 11" in reply.text and "Client 10" not in reply.text
    assert "◀" in reply.buttons and "▶" in reply.buttons

    reply = await user.press("▶")
    assert "Page 3 of 3" in reply.text
    assert [b for b in reply.buttons if b.startswith("Client")] == ["Client 21", "Client 22", "Client 23"]
    assert "▶" not in reply.buttons

    reply = await user.press("◀")
    assert "Page 2 of 3" in reply.text

    reply = await user.press_data(list_id, "cl:page:7")  # a page that no longer exists: the last one
    assert "Page 3 of 3" in reply.text


async def test_card_shows_open_invoices_overdue_flag_and_history(h: Harness) -> None:
    user = await onboard(h)
    freelancer = await freelancer_of(h, user)
    acme = await h.store.clients.create(freelancer.id, "ACME SAS", email="compta@acme.fr", now=h.clock.now())
    late = await invoice(h, freelancer, acme, "F-001", 10_000, due=date(2026, 10, 1))
    on_time = await invoice(h, freelancer, acme, "F-002", 10_000, due=date(2026, 10, 15))
    await h.store.invoices.add_payment(freelancer.id, late, amount_minor=None, paid_on=date(2026, 10, 11), now=h.clock.now())  # fmt: skip
    await h.store.invoices.add_payment(freelancer.id, on_time, amount_minor=None, paid_on=date(2026, 10, 10), now=h.clock.now())  # fmt: skip
    await invoice(h, freelancer, acme, "F-003", 25_000, due=date(2026, 11, 10))  # 13 days overdue
    await invoice(h, freelancer, acme, "F-004", 12_000, due=date(2026, 12, 10))

    await user.send("/clients")
    reply = await user.press("ACME SAS")
    text = reply.text
    assert "2 open invoices" in text
    assert "⚠️ F-003 · ACME SAS" in text and "13 days overdue" in text
    assert "• F-004 · ACME SAS" in text and "due in 17 days" in text
    assert "F-001" not in text and "F-002" not in text
    assert "1 invoice paid late. 1 invoice paid on time." in text
    assert "On average, payment comes 5 days after the due date." in text
    for label in ("✏️ Rename", "Language", "B2B/B2C", "Notes", "➕ Add contact", "🗑 Delete client"):
        assert label in reply.buttons
    assert "✏️ Edit compta@acme.fr" in reply.buttons and "✖ Remove compta@acme.fr" in reply.buttons


async def test_card_of_a_client_who_always_pays_on_time(h: Harness) -> None:
    user = await onboard(h)
    freelancer = await freelancer_of(h, user)
    acme = await h.store.clients.create(freelancer.id, "ACME SAS", now=h.clock.now())
    paid = await invoice(h, freelancer, acme, "F-001", 10_000, due=date(2026, 10, 1))
    await h.store.invoices.add_payment(freelancer.id, paid, amount_minor=None, paid_on=date(2026, 9, 20), now=h.clock.now())  # fmt: skip
    await user.send("/clients")
    reply = await user.press("ACME SAS")
    assert "Always paid on time (1 invoice)." in reply.text
    assert "No open invoice." in reply.text


@pytest.mark.parametrize(
    ("bad", "complaint"),
    [
        ("   ", "Please type a name, for example: ACME SAS."),
        ("x" * 5000, "That name is too long (5000 characters). Please keep it to 80 at most"),
        ("AC\x07ME", "invisible control characters"),
    ],
)
async def test_rename_refuses_bad_names_then_shows_markup_literally(
    h: Harness, bad: str, complaint: str
) -> None:
    user, freelancer, client = await open_card(h)
    reply = await user.press("✏️ Rename")
    assert "new name for ACME SAS" in reply.text
    reply = await user.send(bad)
    assert complaint in reply.text and "for example" in reply.text
    stored = await h.store.clients.get(freelancer.id, client.id)
    assert stored is not None and stored.name == "ACME SAS"

    reply = await user.send("<b>ACME</b> & Co 🎨")
    assert "Saved." in reply.text
    assert "<b>ACME</b> & Co 🎨" in reply.text  # escaped, shown as typed
    stored = await h.store.clients.get(freelancer.id, client.id)
    assert stored is not None and stored.name == "<b>ACME</b> & Co 🎨"
    reply = await user.send("/clients")
    assert "<b>ACME</b> & Co 🎨: nothing due" in reply.text


async def test_freelancer_adds_edits_and_removes_a_second_contact(h: Harness) -> None:
    user, freelancer, client = await open_card(h)
    reply = await user.press("➕ Add contact")
    assert "name of the contact at ACME SAS" in reply.text
    reply = await user.send("Marie Dubois")
    assert "e-mail address of Marie Dubois" in reply.text
    reply = await user.send("marie@acme.fr")
    assert "Saved." in reply.text
    assert "compta@acme.fr — Telegram: not linked" in reply.text
    assert "Marie Dubois — marie@acme.fr — Telegram: not linked" in reply.text
    assert len(await h.store.clients.contacts(client.id)) == 2

    reply = await user.press("✏️ Edit Marie Dubois")
    assert "For now it is: Marie Dubois." in reply.text
    await user.press("Keep as is")
    reply = await user.send("marie.dubois@acme.fr")
    assert "Marie Dubois — marie.dubois@acme.fr" in reply.text

    reply = await user.press("✖ Remove Marie Dubois")
    assert "Contact removed." in reply.text and "Marie Dubois" not in reply.text.split("Contact removed.")[1]
    [left] = await h.store.clients.contacts(client.id)
    assert left.email == "compta@acme.fr"


async def test_a_contact_without_email_and_the_contact_limit(h: Harness) -> None:
    user, freelancer, client = await open_card(h)
    for name in ("Marie", "Paul", "Zoé", "Luc"):
        await user.press("➕ Add contact")
        await user.send(name)
        reply = await user.press("Skip")
    assert "Luc — no e-mail — Telegram: not linked" in reply.text
    reply = await user.press("➕ Add contact")
    assert "already has 5 contacts" in reply.text
    assert len(await h.store.clients.contacts(client.id)) == 5


async def test_language_b2c_and_notes_are_changed_from_the_card(h: Harness) -> None:
    user, freelancer, client = await open_card(h)
    reply = await user.press("Language")
    assert reply.buttons == [
        "Same as mine (English)", "English", "Français", "Deutsch", "Nederlands", "Español", "Italiano"
    ]  # fmt: skip
    reply = await user.press("Français")
    assert "Language of reminders: Français" in reply.text

    reply = await user.press("B2B/B2C")
    assert "Private individual (B2C)" in reply.text

    await user.press("Notes")
    reply = await user.send("n" * 501)
    assert "too long (501 characters)" in reply.text
    reply = await user.send("Pays after the 10th.\nAsk for <Marie> & co.")
    assert "Notes: Pays after the 10th.\nAsk for <Marie> & co." in reply.text
    stored = await h.store.clients.get(freelancer.id, client.id)
    assert stored is not None and (stored.language, stored.is_b2b) == ("fr", False)
    assert stored.notes == "Pays after the 10th.\nAsk for <Marie> & co."

    await user.press("Notes")
    reply = await user.press("No notes")
    assert "Notes: none" in reply.text
    await user.press("Language")
    await user.press("Same as mine (English)")
    stored = await h.store.clients.get(freelancer.id, client.id)
    assert stored is not None and stored.notes is None and stored.language is None


async def test_deleting_a_client_with_open_invoices_asks_then_deletes(h: Harness) -> None:
    user = await onboard(h)
    freelancer = await freelancer_of(h, user)
    acme = await h.store.clients.create(freelancer.id, "ACME", now=h.clock.now())
    first = await invoice(h, freelancer, acme, "F-001", 10_000)
    await invoice(h, freelancer, acme, "F-002", 20_000)
    await user.send("/clients")
    await user.press("ACME")

    reply = await user.press("🗑 Delete client")
    assert "ACME has 2 open invoices; deleting removes them too. Delete?" in reply.text
    assert reply.buttons == ["Yes, delete", "No"]
    reply = await user.press("No")
    assert "2 open invoices" in reply.text  # the card again, nothing deleted
    assert await h.store.clients.get(freelancer.id, acme.id) is not None

    await user.press("🗑 Delete client")
    reply = await user.press("Yes, delete")
    assert "ACME is deleted" in reply.text
    assert await h.store.clients.get(freelancer.id, acme.id) is None
    assert await h.store.invoices.get(freelancer.id, first) is None
    reply = await user.press("◀ All clients")
    assert "no clients yet" in reply.text


async def test_deleting_a_client_without_open_invoices_still_asks(h: Harness) -> None:
    user, freelancer, client = await open_card(h)
    reply = await user.press("🗑 Delete client")
    assert "Delete ACME SAS, its contacts and its past invoices? This cannot be undone." in reply.text
    await user.press("Yes, delete")
    assert await h.store.clients.get(freelancer.id, client.id) is None
    assert await h.store.clients.contacts(client.id) == []


async def test_forged_buttons_for_another_freelancers_client_are_refused(
    h: Harness, caplog: pytest.LogCaptureFixture
) -> None:
    other = await onboard(h, user_id=2002, name="Bob Other")
    theirs = await h.store.clients.create(
        (await freelancer_of(h, other)).id, "Secret Corp", email="ceo@secret.example", now=h.clock.now()
    )
    [their_contact] = await h.store.clients.contacts(theirs.id)
    user, _freelancer, _client = await open_card(h)
    card_id = user.last.message_id

    caplog.set_level(logging.WARNING)
    for data in (
        f"cl:card:{theirs.id}", f"cl:b2b:{theirs.id}", f"cl:lang:{theirs.id}", f"cl:setlang:{theirs.id}:fr",
        f"cl:del:{theirs.id}", f"cl:delok:{theirs.id}", f"cl:ctdel:{their_contact.id}", f"cl:ren:{theirs.id}",
        f"cl:notes:{theirs.id}", f"cl:addct:{theirs.id}", f"cl:cted:{their_contact.id}", "cl:card:abc",
        "cl:page:-1", f"cl:setlang:{theirs.id}:pt", "cl:skip",
    ):  # fmt: skip
        reply = await user.press_data(card_id, data)
        assert reply.messages == [], data
        assert "no longer valid" in last_alert(h), data
    assert "Secret Corp" not in "\n".join(t or "" for t in h.fake.sent_texts(user.id))
    assert sum("refused callback" in r.getMessage() for r in caplog.records) == 15

    reply = await user.send("Mine now")  # not taken as a new name: no question is open
    assert "did not understand" in reply.text
    stored = await h.store.clients.get((await freelancer_of(h, other)).id, theirs.id)
    assert stored == theirs
    assert await h.store.clients.contacts(theirs.id) == [their_contact]


async def test_a_worst_case_card_fits_in_one_message(h: Harness) -> None:
    user = await onboard(h)
    freelancer = await freelancer_of(h, user)
    client = await h.store.clients.create(freelancer.id, "&" * 80, now=h.clock.now())
    await h.store.clients.update(freelancer.id, client.id, notes="<" * 500)
    for i in range(5):
        email = f"{'a' * 64}@{'b' * 60}.{'c' * 60}.example{i}.com"
        await h.store.clients.add_contact(client.id, name=f"{i}" + "😀" * 79, email=email, now=h.clock.now())
    for i in range(12):
        await invoice(h, freelancer, client, f"F-2026-{i:04d}-{'X' * 30}", 99_999_999, due=date(2026, 1, 1))
    await user.send("/clients")
    reply = await user.press("&" * 27 + "…")
    assert "12 open invoices" in reply.text and "…and 7 more: see /invoices." in reply.text


async def test_cancel_leaves_the_question(h: Harness) -> None:
    user, freelancer, client = await open_card(h)
    await user.press("✏️ Rename")
    reply = await user.send("/cancel")
    assert "Stopped" in reply.text
    reply = await user.send("New name")
    assert "did not understand" in reply.text
    stored = await h.store.clients.get(freelancer.id, client.id)
    assert stored is not None and stored.name == "ACME SAS"


async def test_clients_before_start_asks_to_start(h: Harness) -> None:
    user = h.user(1010)
    reply = await user.send("/clients")
    assert "Send /start first" in reply.text


async def test_another_button_drops_the_question(h: Harness) -> None:
    user, freelancer, client = await open_card(h)
    await user.press("✏️ Rename")
    reply = await user.press("◀ All clients")
    assert "Your client (1)" in reply.text
    reply = await user.send("Not a name")
    assert "did not understand" in reply.text
    stored = await h.store.clients.get(freelancer.id, client.id)
    assert stored is not None and stored.name == "ACME SAS"


async def test_contact_channel_cycles_through_the_choices(h: Harness) -> None:
    user, _freelancer, client = await open_card(h)
    [contact] = await h.store.clients.contacts(client.id)
    assert contact.channel == "auto"
    for expected in ("telegram", "email", "both", "auto"):
        reply = await user.press(channel_button(h, user))
        assert "Saved." in reply.text
        [fresh] = await h.store.clients.contacts(client.id)
        assert fresh.channel == expected


def channel_button(h: Harness, user: TelegramUser) -> str:
    labels = [
        label for row in h.fake.last_bot_message(user.id).buttons for label in row if label.startswith("📡")
    ]
    assert len(labels) == 1, labels
    return labels[0]
