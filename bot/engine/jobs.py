"""What the JobQueue (APScheduler) runs: it only wakes the dispatcher; the database holds the schedule.

APScheduler's default misfire grace time (1 s) silently drops a run that starts late (a busy loop,
a suspended laptop); every job here sets it deliberately and coalesces missed runs into one.
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta
from typing import Any

from telegram.ext import ContextTypes

from bot.context import SERVICES_KEY, RelanceApp, Services, engine_of
from bot.engine.calls import resume_after_promises
from bot.engine.claims import resume_unanswered_claims
from bot.engine.commitments import sweep_plans

log = logging.getLogger(__name__)
SWEEP_SECONDS = 60
WAKE_JOB = "reminders:wake"
SWEEP_JOB = "reminders:sweep"
HOURLY_JOB = "reminders:hourly"
HOURLY_GRACE_SECONDS = 30 * 60  # a late run still belongs to the same local hour, mostly


def _services(app: Any) -> Services:
    services: Services = app.bot_data[SERVICES_KEY]
    return services


async def _dispatch(context: ContextTypes.DEFAULT_TYPE) -> None:
    dispatcher = engine_of(context.application).dispatcher
    await dispatcher.recover(stale_only=True)  # a crashed worker's claims, settled by the live ones
    await dispatcher.run_once()
    await resume_unanswered_claims(_services(context.application), context.bot)
    await resume_after_promises(_services(context.application), context.bot)
    await sweep_plans(_services(context.application), context.bot)
    await rearm(context.application)  # type: ignore[arg-type]


async def _hourly(context: ContextTypes.DEFAULT_TYPE) -> None:
    services = _services(context.application)
    await services.store.inbound.purge(services.clock.now() - timedelta(hours=1))  # dead workers' rows
    await engine_of(context.application).dispatcher.hourly(services.clock.now())


def next_full_hour(now: datetime) -> datetime:
    return now.replace(minute=0, second=0, microsecond=0) + timedelta(hours=1)


async def rearm(app: RelanceApp) -> None:
    """One wake-up job at the earliest planned reminder (replacing the previous one)."""
    services, engine = _services(app), engine_of(app)
    if not engine.background_jobs or app.job_queue is None:
        return
    for job in app.job_queue.get_jobs_by_name(WAKE_JOB):
        job.schedule_removal()
    when = await engine.dispatcher.next_wake()
    if when is None:
        return
    delay = max(timedelta(seconds=1), when - services.clock.now())
    app.job_queue.run_once(
        _dispatch, when=delay, name=WAKE_JOB, job_kwargs={"misfire_grace_time": 3600, "coalesce": True}
    )


async def install(app: RelanceApp) -> None:
    """At start: recover interrupted sends, start the safety sweep, arm the first wake-up."""
    engine = engine_of(app)
    await engine.dispatcher.recover()
    if not engine.background_jobs or app.job_queue is None:
        return
    app.job_queue.run_repeating(
        _dispatch,
        interval=SWEEP_SECONDS,
        first=1,
        name=SWEEP_JOB,
        job_kwargs={"misfire_grace_time": SWEEP_SECONDS, "coalesce": True, "max_instances": 1},
    )
    app.job_queue.run_repeating(
        _hourly,
        interval=timedelta(hours=1),
        first=next_full_hour(_services(app).clock.now()),  # on the hour: previews at 18:00, digests at 09:00
        name=HOURLY_JOB,
        job_kwargs={"misfire_grace_time": HOURLY_GRACE_SECONDS, "coalesce": True, "max_instances": 1},
    )
    await rearm(app)
