"""Invitations: a freelancer's link binds one client chat, once, within 30 days, unless revoked."""

from __future__ import annotations

import hashlib
import logging
from datetime import date, timedelta

import pytest

from tests.channels.client_helpers import client_chat, contact_of, freelancer_account, invite, last_alert
from tests.conftest import onboard
from tests.harness import Harness
from tests.seed import register_invoice


async def test_freelancer_gets_a_link_and_a_message_to_forward(h: Harness) -> None:
    invited = await invite(h)
    intro, forward = h.fake.bot_messages(invited.freelancer.id)[-2:]
    assert "invitation for Jo (ACME)" in intro.text and "works once, until 23 Dec 2026" in intro.text
    assert "Open this link and confirm" in forward.text and "Claire Martin" in forward.text
    assert invited.token in forward.text
    assert 32 <= len(invited.token) <= 64  # ≥ 128 random bits, within Telegram's start parameter


async def test_token_is_stored_hashed(h: Harness) -> None:
    invited = await invite(h)
    rows = await h.store.db.fetchall("SELECT * FROM invitations")
    assert [row["token_sha256"] for row in rows] == [hashlib.sha256(invited.token.encode()).hexdigest()]
    assert not any(invited.token in str(value) for row in rows for value in dict(row).values())


async def test_client_confirms_and_sees_only_their_invoices_from_that_freelancer(h: Harness) -> None:
    invited = await invite(h)
    freelancer = await freelancer_account(h, invited.freelancer)
    other = await h.store.clients.create(freelancer.id, "Globex", now=h.clock.now())
    for client_id, number in ((invited.client.id, "F-1"), (other.id, "F-2")):
        await register_invoice(h, freelancer.id, number, 120_000, client=client_id, due=date(2026, 12, 1))
    client = client_chat(h)
    reply = await client.send(f"/start {invited.token}")
    assert "Claire Martin" in reply and "invites ACME to receive them here in Telegram" in reply
    assert "Are you Jo, at ACME?" in reply and reply.buttons == ["Yes, that's me", "Not me"]
    reply = await client.press("Yes, that's me")
    assert "you are connected" in reply and "F-1" in reply and "F-2" not in reply
    assert (await contact_of(h, invited.contact)).telegram_chat_id == client.id
    assert "Jo accepted your invitation" in invited.freelancer.last.text
    # Their /start is the client menu, never the freelancer onboarding.
    reply = await client.send("/start")
    assert "Open invoices from Claire Martin" in reply and "F-1" in reply and "F-2" not in reply
    assert await h.store.freelancers.by_telegram_id(client.id) is None


async def test_binding_turns_a_stopped_telegram_channel_back_on(h: Harness) -> None:
    invited = await invite(h)
    await h.store.clients.set_telegram_status(invited.contact.id, "off")
    client = client_chat(h)
    await client.send(f"/start {invited.token}")
    await client.press("Yes, that's me")
    assert (await contact_of(h, invited.contact)).telegram_status is None


async def test_not_me_binds_nothing(h: Harness) -> None:
    invited = await invite(h)
    client = client_chat(h)
    await client.send(f"/start {invited.token}")
    reply = await client.press("Not me")
    assert "nothing was linked" in reply and reply.buttons == []
    assert (await contact_of(h, invited.contact)).telegram_chat_id is None


async def test_a_used_link_cannot_bind_a_second_chat(h: Harness, caplog: pytest.LogCaptureFixture) -> None:
    invited = await invite(h)
    first = client_chat(h)
    await first.send(f"/start {invited.token}")
    await first.press("Yes, that's me")
    second = client_chat(h, 5002, first_name="Mallory")
    with caplog.at_level(logging.WARNING):
        reply = await second.send(f"/start {invited.token}")
    assert "already been used in another chat" in reply and reply.buttons == []
    assert "invitation link refused for user 5002: used" in caplog.text
    assert (await contact_of(h, invited.contact)).telegram_chat_id == first.id
    reply = await first.send(f"/start {invited.token}")  # the bound chat opening it again: its menu
    assert "Open invoices from Claire Martin" in reply


async def test_two_chats_open_the_link_and_only_the_first_yes_binds(h: Harness) -> None:
    invited = await invite(h)
    first, second = client_chat(h), client_chat(h, 5002, first_name="Mallory")
    await first.send(f"/start {invited.token}")
    await second.send(f"/start {invited.token}")
    await first.press("Yes, that's me")
    reply = await second.press("Yes, that's me")
    assert "already been used in another chat" in reply
    assert (await contact_of(h, invited.contact)).telegram_chat_id == first.id


async def test_an_expired_link_binds_nothing(h: Harness) -> None:
    invited = await invite(h)
    h.clock.advance(timedelta(days=31))
    client = client_chat(h)
    reply = await client.send(f"/start {invited.token}")
    assert "has expired" in reply and reply.buttons == []
    assert (await contact_of(h, invited.contact)).telegram_chat_id is None


async def test_a_link_expiring_between_opening_and_yes_binds_nothing(h: Harness) -> None:
    invited = await invite(h)
    client = client_chat(h)
    h.clock.advance(timedelta(days=30) - timedelta(minutes=1))
    await client.send(f"/start {invited.token}")
    h.clock.advance(timedelta(minutes=2))
    reply = await client.press("Yes, that's me")
    assert "has expired" in reply
    assert (await contact_of(h, invited.contact)).telegram_chat_id is None


async def test_a_revoked_link_binds_nothing(h: Harness) -> None:
    invited = await invite(h)
    reply = await invited.freelancer.press("ACME")  # the card shows the pending link
    assert "Telegram: invited, the link works until 23 Dec 2026" in reply
    reply = await invited.freelancer.press("🚫 Revoke the link")
    assert "Invitation revoked" in reply and "Telegram: not linked" in reply
    assert "🚫 Revoke the link" not in reply.buttons
    client = client_chat(h)
    reply = await client.send(f"/start {invited.token}")
    assert "withdrawn by the person who sent it" in reply
    assert (await contact_of(h, invited.contact)).telegram_chat_id is None


async def test_a_new_link_replaces_the_previous_one(h: Harness) -> None:
    invited = await invite(h)
    await invited.freelancer.press("ACME")
    await invited.freelancer.press("📨 Invite Jo in Telegram")
    client = client_chat(h)
    reply = await client.send(f"/start {invited.token}")
    assert "withdrawn" in reply


@pytest.mark.parametrize(
    "payload", ["abc", "A" * 64, "x" * 65, "<script>alert(1)</script>", "tok%20en", "ä" * 10]
)
async def test_a_forged_payload_binds_nothing_and_onboards_no_one(h: Harness, payload: str) -> None:
    await invite(h)
    stranger = client_chat(h, 5003, first_name="Eve")
    reply = await stranger.send(f"/start {payload}")
    assert "do not recognise this invitation link" in reply and reply.buttons == []
    assert await h.store.freelancers.by_telegram_id(stranger.id) is None
    rows = await h.store.db.fetchall("SELECT id FROM contacts WHERE telegram_chat_id IS NOT NULL")
    assert rows == []


async def test_a_forged_yes_button_binds_nothing(h: Harness) -> None:
    invited = await invite(h)
    [row] = await h.store.db.fetchall("SELECT id FROM invitations")
    stranger = client_chat(h, 5003, first_name="Eve")
    await stranger.send("/start nope")  # never opened the real link
    await stranger.press_data(stranger.last.message_id, f"iv:yes:{row['id']}")
    assert "no longer valid" in last_alert(h)
    assert (await contact_of(h, invited.contact)).telegram_chat_id is None


async def test_freelancer_opening_their_own_link_is_told_to_forward_it(h: Harness) -> None:
    invited = await invite(h)
    reply = await invited.freelancer.send(f"/start {invited.token}")
    assert "your own invitation link" in reply
    assert (await contact_of(h, invited.contact)).telegram_chat_id is None


async def test_a_client_without_contact_is_invited_from_its_card(h: Harness) -> None:
    user = await onboard(h)
    freelancer = await freelancer_account(h, user)
    client = await h.store.clients.create(freelancer.id, "Solo", now=h.clock.now())
    await user.send("/clients")
    await user.press("Solo")
    reply = await user.press("📨 Invite in Telegram")
    assert "https://t.me/relance_test_bot?start=" in reply
    [contact] = await h.store.clients.contacts(client.id)
    assert contact.telegram_chat_id is None


async def test_an_unknown_user_start_without_payload_still_onboards(h: Harness) -> None:
    newcomer = client_chat(h, 5004, first_name="Nina")
    reply = await newcomer.send("/start")
    assert "I chase your unpaid invoices" in reply
