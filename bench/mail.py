"""E-mail: reminders per second to a local aiosmtpd server, one connection reused vs one per message.

`EmailSender` keeps one SMTP connection for a batch (checked with NOOP before each reuse);
`send_one` connects, greets, (STARTTLS, authenticates) and quits for every message. The server
(tests/smtp_server.py) runs aiosmtpd in a thread of this process, so its work counts against the
same two cores. On loopback a connection costs almost nothing, so the same runs are repeated through
a local TCP relay that delays every packet, as a mail provider 20 ms away would.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from datetime import UTC, datetime

from bench.common import Result, Table, rate
from bot.channels.email import EmailSender, ReminderEmail, send_one
from tests.smtp_server import Mode, SmtpTestServer

TEXT = (
    "Hello ACME,\n\nUnless I am mistaken, invoice F-2026-014 of 1 November 2026, for €1,200.00, was due on "
    "1 December 2026 and I have not received the payment yet. It is probably an oversight.\n\n"
    "Payment by bank transfer: IBAN FR76 3000 6000 0112 3456 7890 189\nBIC: BNPAFRPP\n\n"
    "If you need more time or a payment plan, just let me know.\n\nBest regards,\nStudio Martin"
)


def reminder(i: int) -> ReminderEmail:
    html = "<p>" + TEXT.replace("\n\n", "</p><p>").replace("\n", "<br>") + "</p>"
    return ReminderEmail(
        to=(f"billing{i}@client.example",), reply_to="claire@studio-martin.example", from_name="Claire Martin",
        subject=f"Reminder: invoice F-2026-{i:03d} — €1,200.00", text=TEXT, html=html,
        thread_key=f"invoice-{i}", sequence=2,
    )  # fmt: skip


class DelayRelay:
    """A loopback TCP relay that holds every chunk for `one_way` seconds in each direction."""

    def __init__(self, target_port: int, one_way: float) -> None:
        self.target_port, self.one_way = target_port, one_way
        self.port = 0
        self._server: asyncio.Server | None = None

    async def __aenter__(self) -> DelayRelay:
        self._server = await asyncio.start_server(self._relay, "127.0.0.1", 0)
        self.port = self._server.sockets[0].getsockname()[1]
        return self

    async def __aexit__(self, *exc: object) -> None:
        assert self._server is not None
        self._server.close()
        await self._server.wait_closed()

    async def _relay(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            await asyncio.sleep(2 * self.one_way)  # the TCP handshake
            up_reader, up_writer = await asyncio.open_connection("127.0.0.1", self.target_port)
            await asyncio.gather(self._pipe(reader, up_writer), self._pipe(up_reader, writer))
        except asyncio.CancelledError:  # the benchmark is over: nothing left to relay
            writer.close()

    async def _pipe(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        loop = asyncio.get_running_loop()

        def deliver(data: bytes) -> None:
            if not writer.is_closing():
                writer.write(data)

        with contextlib.suppress(ConnectionError):
            while data := await reader.read(65536):
                loop.call_later(self.one_way, deliver, data)
        loop.call_later(self.one_way, writer.close)


async def measure(mode: Mode, auth: bool, reuse: bool, count: int, rtt: float) -> tuple[float, int, int]:
    """(seconds, messages received, connections opened)."""
    now = datetime.now(UTC)
    async with SmtpTestServer(mode, auth=auth) as server, DelayRelay(server.port, rtt / 2) as relay:
        settings = server.settings(port=relay.port) if rtt else server.settings()  # 0: straight to the server
        started = time.perf_counter()
        if reuse:
            async with EmailSender(settings) as sender:
                for i in range(count):
                    await sender.send(reminder(i), now=now)
        else:
            for i in range(count):
                await send_one(settings, reminder(i), now)
        seconds = time.perf_counter() - started
        return seconds, len(server.received), server.connection_count


async def run(quick: bool) -> Result:
    logging.getLogger("mail.log").setLevel(logging.ERROR)  # aiosmtpd's deprecation chatter about AUTH
    result = Result("email", params={"quick": quick})
    table = Table(
        "Reminder e-mails to a local aiosmtpd server (same machine, same process)",
        ["server", "round trip", "sending", "messages", "seconds", "e-mails/s", "connections"],
    )
    rates: dict[str, float] = {}
    for rtt in (0.0, 0.020):
        modes: list[tuple[Mode, bool, str]] = [
            ("plain", False, "plain SMTP"),
            ("starttls", True, "STARTTLS + AUTH"),
        ]
        for mode, auth, name in modes:
            for reuse in (True, False):
                if rtt:
                    count = 30 if quick else 60
                else:
                    count = (100 if reuse else 40) if quick else (500 if reuse else 150)
                seconds, received, connections = await measure(mode, auth, reuse, count, rtt)
                how = (
                    "EmailSender (one connection reused)" if reuse else "send_one (a connection per message)"
                )
                per_second = received / seconds
                key = f"{name}, {rtt * 1000:.0f} ms, {'reuse' if reuse else 'one per message'}"
                rates[key] = per_second
                table.add(
                    name,
                    f"{rtt * 1000:.0f} ms",
                    how,
                    received,
                    f"{seconds:.2f}",
                    rate(per_second),
                    connections,
                )
                result.data[key] = {
                    "messages": received, "seconds": seconds, "per_second": per_second, "connections": connections,
                }  # fmt: skip
    table.notes.append(
        "Round trip: added by a relay holding each packet half of it in each direction (0 ms: loopback). "
        "EmailSender sends NOOP before each reuse, then MAIL, RCPT, DATA and the message: about five round "
        "trips per e-mail, one after the other."
    )
    result.tables.append(table)
    local = min(v for k, v in rates.items() if "0 ms, reuse" in k and "20 ms" not in k)
    remote = min(v for k, v in rates.items() if "20 ms, reuse" in k)
    result.target("e-mails with connection reuse (loopback)", "≥ 50/s", f"{rate(local)}/s", local >= 50)
    result.target(
        "e-mails with connection reuse, 20 ms round trip", "≥ 50/s", f"{rate(remote)}/s", remote >= 50
    )
    return result


def main(quick: bool = False) -> Result:
    result = asyncio.run(run(quick))
    result.show()
    result.save()
    return result


if __name__ == "__main__":
    import sys

    main("--quick" in sys.argv)
