"""Webhook mode: Telegram (through a load balancer, to one of several workers) pushes updates here.

PTB's own webhook server answers Telegram before the update is anywhere but in this process's
memory. This one writes each update's id and user to the database first (`inbound_updates`), then
answers 200 and queues it: since Telegram sends a bot's updates one at a time, the table holds
each user's updates in the order Telegram sent them, whichever worker received them, and
`PerUserUpdateProcessor` handles a user's update only once the older ones are done.
Every request must carry the secret token (403 otherwise); a body that is not an update gets 400.
"""

from __future__ import annotations

import hmac
import json
import logging
from typing import Any

from telegram import Update
from tornado.httpserver import HTTPServer
from tornado.web import Application, RequestHandler

from bot.clock import Clock
from bot.storage import Store
from bot.update_processor import update_key

log = logging.getLogger(__name__)

SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"


class _UpdateHandler(RequestHandler):
    def initialize(self, app: Any, store: Store, clock: Clock, secret: str) -> None:
        self._app, self._store, self._clock, self._secret = app, store, clock, secret

    def check_xsrf_cookie(self) -> None:  # Telegram posts JSON: no browser form, no cookie
        return None

    async def post(self) -> None:
        given = self.request.headers.get(SECRET_HEADER, "")
        if not hmac.compare_digest(given.encode(), self._secret.encode()):
            self.set_status(403)
            return
        try:
            data = json.loads(self.request.body)
            update = Update.de_json(data, self._app.bot)
        except (ValueError, TypeError, KeyError) as exc:
            log.warning("webhook: a request that is not an update (%s)", type(exc).__name__)
            self.set_status(400)
            return
        if update is None:
            self.set_status(400)
            return
        key = update_key(update)
        if key is not None and not await self._store.inbound.receive(
            update.update_id, key, self._clock.now()
        ):
            self.set_status(200)  # Telegram sent it again (our answer was late): handled once
            return
        await self._app.update_queue.put(update)
        self.set_status(200)


class WebhookServer:
    def __init__(self, app: Any, store: Store, clock: Clock, *, path: str, secret: str) -> None:
        routes = [(rf"/{path}/?" if path else r"/", _UpdateHandler,
                   {"app": app, "store": store, "clock": clock, "secret": secret})]  # fmt: skip
        self._server = HTTPServer(Application(routes), xheaders=True)

    def listen(self, host: str, port: int) -> None:
        """Raises OSError when the address is taken or not ours."""
        self._server.listen(port, address=host)

    async def stop(self) -> None:
        self._server.stop()
        await self._server.close_all_connections()
