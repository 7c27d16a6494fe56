"""/clients: the client list, a client's card, and a small conversation to add or change clients."""

from bot.handlers.clients import card, conversation, listing

__all__ = ["card", "conversation", "listing"]
