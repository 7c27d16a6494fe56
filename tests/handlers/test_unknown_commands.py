"""Never silence: every command gets an answer, with the closest commands when it is unknown."""

from __future__ import annotations

import pytest

from tests.channels.client_helpers import bound_client
from tests.conftest import onboard
from tests.harness import Harness


async def test_freelancer_unknown_command_gets_the_closest_ones(h: Harness) -> None:
    user = await onboard(h)
    reply = await user.send("/statz")
    assert reply.text.startswith("I do not know the command /statz. Did you mean:")
    assert "/stats" in reply.text and reply.text.endswith("/help?")
    reply = await user.send("/invoice")
    assert "/invoices" in reply.text
    reply = await user.send("/foo")
    assert reply.text == "I do not know the command /foo. Did you mean: /help?"


async def test_french_freelancer_is_answered_in_french(h: Harness) -> None:
    user = await onboard(h, language_code="fr")
    reply = await user.send("/statistiques")
    assert reply.text.startswith("Je ne connais pas la commande /statistiques. Vouliez-vous dire\u00a0:")
    assert reply.text.endswith("/help\u00a0?")


async def test_unknown_command_inside_a_conversation_is_answered(h: Harness) -> None:
    user = await onboard(h)
    await user.send("/new")
    reply = await user.send("/statz")
    assert "I do not know the command /statz" in reply.text
    reply = await user.send("/settings")  # a real command is never stolen by the catch-all
    assert "Your settings" in reply.text


async def test_newcomer_is_pointed_to_start(h: Harness) -> None:
    user = h.user(1010)
    reply = await user.send("/strat")
    assert reply.text == "I do not know the command /strat. Did you mean: /start, /help?"
    reply = await user.send("/invoices")
    assert "Send /start first" in reply.text


async def test_command_for_another_bot_in_a_group_is_left_alone(h: Harness) -> None:
    user = await onboard(h)
    before = len(h.fake.bot_messages(user.id))
    reply = await user.send("/statz@some_other_bot")
    assert reply.messages == [] and len(h.fake.bot_messages(user.id)) == before
    reply = await user.send("/statz@relance_test_bot")
    assert "I do not know the command /statz" in reply.text


@pytest.mark.parametrize(
    "command", ["/new", "/invoices", "/overdue", "/clients", "/paid F-1", "/settings", "/export",
                "/templates", "/schedule F-1", "/history F-1"],
)  # fmt: skip
async def test_client_sending_a_freelancer_command_is_told_what_to_do(h: Harness, command: str) -> None:
    _freelancer, client, _invoice = await bound_client(h)
    reply = await client.send(command)
    assert reply.text == "This command is for freelancers. Send /start to see your invoices, or /help."


async def test_client_unknown_command_and_help(h: Harness) -> None:
    _freelancer, client, _invoice = await bound_client(h)
    reply = await client.send("/stats")  # a freelancer's command
    assert reply.text.startswith("This command is for freelancers.")
    reply = await client.send("/statz")
    assert reply.text == "I do not know the command /statz. Did you mean: /start, /help?"
    reply = await client.send("/help")
    assert "I send you the reminders of freelancers you work with" in reply.text
    assert "/start — Your invoices" in reply.text
    assert "/new" not in reply.text
