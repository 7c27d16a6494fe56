"""Keep an invoice's planned reminder rows in step with the invoice.

Called whenever an invoice changes (created, edited, paid, paused, plan changed): it works out the
effective plan, the pending steps, and rewrites the rows. Then the dispatcher's wake-up is re-armed.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from bot.clock import Clock
from bot.domain.instalments import InstalmentDue, allocate, instalment_schedule
from bot.domain.planning import pending_schedule, plan_schedule
from bot.domain.plans import DEFAULT_PLAN, Plan, PlanError
from bot.storage import Freelancer, Invoice, Store
from bot.storage.clients import Client
from bot.storage.payment_plans import PaymentPlan
from bot.storage.reminders import FINISHED, PlannedRow

log = logging.getLogger(__name__)
PROPOSAL_HOLD = timedelta(days=5)
"""A client's payment plan holds the reminders this long at most while the freelancer has not answered."""


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
        """Rewrite the invoice's pending rows; none at all when it is paid, cancelled, paused, disputed
        or off, or while a payment plan waits for an answer to the client or the freelancer."""
        payment_plan = await self.store.payment_plans.current(invoice.id) if invoice.is_open else None
        waiting = payment_plan is not None and (
            payment_plan.status == "missed"
            or (
                payment_plan.status == "proposed"
                and payment_plan.proposed_by == "client"
                and self.clock.now().timestamp() - payment_plan.created_at < PROPOSAL_HOLD.total_seconds()
            )
        )
        if (
            not invoice.is_open
            or not invoice.reminders_enabled
            or invoice.reminders_paused
            or invoice.disputed
        ):
            reason = (
                "paid" if invoice.status == "paid" else invoice.status if not invoice.is_open
                else "disputed" if invoice.disputed else "paused"
            )  # fmt: skip
            await self.store.reminders.cancel_pending(invoice.id, reason)
        elif waiting:
            await self.store.reminders.cancel_pending(invoice.id, "payment plan")
        else:
            freelancer = await self.store.freelancers.get(invoice.freelancer_id)
            client = await self.store.clients.get(invoice.freelancer_id, invoice.client_id)
            assert freelancer is not None
            running = payment_plan if payment_plan is not None and payment_plan.status == "accepted" else None
            rows = self.rows_for(invoice, client, freelancer, self.clock.now(),
                                 await self.store.reminders.last_sent_at(invoice.id), running)  # fmt: skip
            done = {
                (r.step, r.tone, r.instalment_id)
                for r in await self.store.reminders.for_invoice(invoice.id)
                if r.status in (*FINISHED, "held")  # held rows wait for the freelancer
            }
            await self.store.reminders.replace_plan(
                invoice.id, [r for r in rows if (r.step, r.tone, r.instalment_id) not in done]
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
        payment_plan: PaymentPlan | None = None,
    ) -> list[PlannedRow]:
        plan = effective_plan(invoice, client, freelancer)
        send_time, tz, country = send_time_of(freelancer), freelancer.timezone, freelancer.holiday_calendar
        if payment_plan is not None:
            return instalment_rows(invoice, payment_plan, plan, freelancer, now)
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


def instalments_due(invoice: Invoice, payment_plan: PaymentPlan) -> list[InstalmentDue]:
    """The plan's instalments with what is paid of each: payments since the plan go to the oldest first."""
    amounts = [i.amount_minor for i in payment_plan.instalments]
    paid = allocate(amounts, invoice.paid_minor - payment_plan.base_paid_minor)
    return [
        InstalmentDue(i.id, i.seq, i.due_date, i.amount_minor, part)
        for i, part in zip(payment_plan.instalments, paid, strict=True)
    ]


def instalment_rows(
    invoice: Invoice, payment_plan: PaymentPlan, plan: Plan, freelancer: Freelancer, now: datetime
) -> list[PlannedRow]:
    """Rows for the instalments still owed. A heads-up whose moment has passed is dropped; a missed
    instalment's reminder whose moment has passed goes out at the next sending slot."""
    send_time, tz = send_time_of(freelancer), freelancer.timezone
    steps = instalment_schedule(
        instalments_due(invoice, payment_plan), plan, send_time=send_time, tz=tz,
        country=freelancer.holiday_calendar,
    )  # fmt: skip
    rows = []
    for item in steps:
        planned = item.planned
        at = planned.scheduled_at
        if at < now:
            if planned.step.offset_days < 0:
                continue
            at = now
        rows.append(
            PlannedRow(planned.step.index, planned.step.offset_days, planned.step.tone.value,
                       planned.step.audience.value, at, item.instalment.id)
        )  # fmt: skip
    return rows
