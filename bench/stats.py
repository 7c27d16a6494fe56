"""/stats for the freelancer with 10,000 invoices, side by side with /overdue on the same data.

The in-process application (build_application, the fake Telegram, a frozen clock at the data's
reference instant) on the generated 100k-invoice database, whose "big" freelancer has 10,000 invoices
over 50 clients. Timed from the update entering PTB's queue to the first and the last reply (for
/stats: three sendPhoto and the summary). The first /stats pays matplotlib's import (~0.5 s): it is
reported on its own, the samples come after it. Also timed alone: the two SQL reads, the pure figures,
and the three charts.

    python -m bench --only stats
"""

from __future__ import annotations

import asyncio
import gc
import time

from bench.apps import start_relance
from bench.common import Result, Table, percentile
from bench.dispatch import drop, working_copy
from bench.generate import Meta, ensure, label
from bench.updates import timed
from bot.domain import stats
from bot.handlers.stats import draw_charts
from bot.i18n import translator
from tests.fake_telegram import FakeTelegram
from tests.harness import TOKEN

TARGET_S = 1.0


def _cells(values: list[float]) -> list[str]:
    return [f"{percentile(values, p) * 1000:.0f}" for p in (50, 95)] + [f"{max(values) * 1000:.0f}"]


async def _measure(meta: Meta, samples: int) -> dict[str, list[float]]:
    db = working_copy(meta, f"stats-{label(meta.invoices)}", due=0)
    fake = FakeTelegram(token=TOKEN)
    user = meta.big_freelancer_telegram_id
    fake.add_user(user, first_name="Big", language_code="en")
    fake.user(user).started = True
    times: dict[str, list[float]] = {}
    try:
        running = await start_relance(db, now=meta.ref_now, fake=fake)
        app, request = running.app, running.request
        try:
            first = await timed(app, request, fake.message_update(user, "/stats"))
            times["first /stats (imports matplotlib)"] = [first.last_reply]
            gc.collect()
            for command in ("/overdue", "/stats"):
                for _ in range(samples):
                    timing = await timed(app, request, fake.message_update(user, command))
                    times.setdefault(f"{command} first reply", []).append(timing.first_reply)
                    times.setdefault(f"{command} last reply", []).append(timing.last_reply)
                    times.setdefault(f"{command} replies", []).append(timing.replies)
            store, fid = running.store, meta.big_freelancer_id
            today = meta.ref_now.date()
            tr = translator("en")
            for _ in range(samples):
                started = time.perf_counter()
                facts = await store.stats.invoice_facts(fid)
                payments = await store.stats.daily_payments(fid)
                read = time.perf_counter()
                for period in stats.Period:
                    stats.report(facts, payments, period, today)
                stats.forecast(facts, today)
                computed = time.perf_counter()
                draw_charts(tr, facts, payments, today)
                drawn = time.perf_counter()
                times.setdefault("SQL: invoice_facts + daily_payments", []).append(read - started)
                times.setdefault("figures: 4 periods + forecast", []).append(computed - read)
                times.setdefault("3 charts (matplotlib, Agg)", []).append(drawn - computed)
            times["facts"] = [len(facts)]
        finally:
            await running.stop()
    finally:
        drop(db)
    return times


def run(quick: bool = False) -> Result:
    meta = ensure(100_000)
    samples = 5 if quick else 20
    times = asyncio.run(_measure(meta, samples))
    result = Result(
        "stats", params={"invoices": meta.invoices, "big_invoices": meta.big_invoices, "samples": samples}
    )
    table = Table(
        f"/stats vs /overdue for the freelancer with {meta.big_invoices:,} invoices ({meta.invoices:,} in the database; ms)",
        ["what", "n", "p50", "p95", "max"],
    )
    for name, values in times.items():
        if name.endswith("replies") or name == "facts":
            continue
        table.add(name, len(values), *_cells(values))
    table.notes.append(
        f"/stats answers with {int(times['/stats replies'][0])} messages (3 charts, then the figures), /overdue with "
        f"{int(times['/overdue replies'][0])}. {int(times['facts'][0]):,} invoices read for the figures."
    )
    result.tables.append(table)
    p95 = percentile(times["/stats last reply"], 95)
    result.target(f"/stats with {meta.big_invoices:,} invoices, charts included (last reply, p95)", "< 1 s",
                  f"{p95:.2f} s", p95 < TARGET_S)  # fmt: skip
    result.data = {k: v for k, v in times.items()}
    return result


def main(quick: bool = False) -> Result:
    result = run(quick)
    result.show()
    result.save()
    return result


if __name__ == "__main__":
    import sys

    main("--quick" in sys.argv)
