"""Keep an invoice's planned reminder rows in step with the invoice.

Called whenever an invoice changes (created, edited, paid, paused, plan changed): it works out the
effective plan, the pending steps, and rewrites the rows. Then the dispatcher's wake-up is re-armed.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from datetime import datetime, time
from zoneinfo import ZoneInfo

from bot.clock import Clock
from bot.domain.planning import pending_schedule, plan_schedule
from bot.domain.plans import DEFAULT_PLAN, Plan, PlanError
from bot.storage import Freelancer, Invoice, Store
from bot.storage.clients import Client
from bot.storage.reminders import FINISHED, PlannedRow

log = logging.getLogger(__name__)


def effective_plan(invoice: Invoice, client: Client | None, freelancer: Freelancer) -> Plan:
    """The invoice's own plan, else its client's, else the freelancer's default."""
    for spec in (invoice.plan, client.plan if client else None, freelancer.default_plan):
        if spec:
            try:
                return Plan.from_spec(spec)
            except (PlanError, ValueError):
                log.warning("ignoring unreadable plan %r of invoice %s", spec, invoice.id)
    return DEFAULT_PLAN


def send_time_of(freelancer: Freelancer) -> time:
    hour, minute = freelancer.send_time.split(":")
    return time(int(hour), int(minute))


class ReminderPlanner:
    def __init__(
        self, store: Store, clock: Clock, rearm: Callable[[], Awaitable[None]] | None = None
    ) -> None:
        self.store, self.clock, self.rearm = store, clock, rearm

    async def replan(self, invoice: Invoice) -> None:
        """Rewrite the invoice's pending rows; none at all when it is paid, cancelled, paused or off."""
        if not invoice.is_open or not invoice.reminders_enabled or invoice.reminders_paused:
            reason = (
                "paid" if invoice.status == "paid" else invoice.status if not invoice.is_open else "paused"
            )
            await self.store.reminders.cancel_pending(invoice.id, reason)
        else:
            freelancer = await self.store.freelancers.get(invoice.freelancer_id)
            client = await self.store.clients.get(invoice.freelancer_id, invoice.client_id)
            assert freelancer is not None
            rows = self.rows_for(invoice, client, freelancer, self.clock.now(),
                                 await self.store.reminders.last_sent_at(invoice.id))  # fmt: skip
            done = {
                (r.step, r.tone)
                for r in await self.store.reminders.for_invoice(invoice.id)
                if r.status in (*FINISHED, "held")  # held rows wait for the freelancer
            }
            await self.store.reminders.replace_plan(
                invoice.id, [r for r in rows if (r.step, r.tone) not in done]
            )
        if self.rearm is not None:
            await self.rearm()

    @staticmethod
    def rows_for(
        invoice: Invoice,
        client: Client | None,
        freelancer: Freelancer,
        now: datetime,
        last_sent: datetime | None,
    ) -> list[PlannedRow]:
        plan = effective_plan(invoice, client, freelancer)
        send_time, tz, country = send_time_of(freelancer), freelancer.timezone, freelancer.holiday_calendar
        planned = plan_schedule(
            due_date=invoice.due_date, plan=plan, send_time=send_time, tz=tz, country=country
        )
        last_day = last_sent.astimezone(ZoneInfo(tz)).date() if last_sent else None
        pending = pending_schedule(
            planned, now=now, last_sent_day=last_day, send_time=send_time, tz=tz, country=country
        )
        return [
            PlannedRow(
                p.step.index, p.step.offset_days, p.step.tone.value, p.step.audience.value, p.scheduled_at
            )
            for p in pending
        ]
