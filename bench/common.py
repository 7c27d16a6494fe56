"""What every benchmark shares: timing the fake Telegram, percentiles, tables and result files."""

from __future__ import annotations

import json
import os
import platform
import re
import sqlite3
import subprocess
import sys
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import telegram
from telegram._utils.types import ODVInput
from telegram.request import BaseRequest, RequestData

from tests.fake_telegram import FakeRequest, FakeTelegram

BENCH_DIR = Path(__file__).resolve().parent
ROOT = BENCH_DIR.parent
RESULTS_DIR = BENCH_DIR / "results"
DATA_DIR = BENCH_DIR / "data"  # git-ignored; real disk, never tmpfs

#: Bot API methods that put an answer in front of the user.
REPLY_METHODS = frozenset(
    {"sendMessage", "editMessageText", "editMessageReplyMarkup", "sendDocument", "sendPhoto"}
)


class TimedFakeRequest(FakeRequest):
    """PTB's request path into the in-process fake, noting when each reply request arrives.

    The time is taken when PTB hands the request to the transport (where HTTPXRequest would put it
    on the wire), before the fake does any work of its own.
    """

    def __init__(self, fake: FakeTelegram, **kwargs: Any) -> None:
        super().__init__(fake, **kwargs)
        self.arrivals: list[tuple[float, str, Any]] = []
        """(perf_counter, method, chat_id) of every reply request, in arrival order."""

    async def do_request(
        self,
        url: str,
        method: str,
        request_data: RequestData | None = None,
        read_timeout: ODVInput[float] = BaseRequest.DEFAULT_NONE,
        write_timeout: ODVInput[float] = BaseRequest.DEFAULT_NONE,
        connect_timeout: ODVInput[float] = BaseRequest.DEFAULT_NONE,
        pool_timeout: ODVInput[float] = BaseRequest.DEFAULT_NONE,
    ) -> tuple[int, bytes]:
        now = time.perf_counter()
        api_method = url.rsplit("/", 1)[-1]
        if api_method in REPLY_METHODS:
            chat = request_data.parameters.get("chat_id") if request_data is not None else None
            self.arrivals.append((now, api_method, chat))
        return await super().do_request(
            url, method, request_data, read_timeout, write_timeout, connect_timeout, pool_timeout
        )


class TimedTelegram(FakeTelegram):
    """The fake, remembering when each Bot API call arrived (for the HTTP server and a subprocess)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.arrived: list[tuple[float, str]] = []
        """(time.monotonic(), method) of every call."""

    def handle(self, method: str, params: Any, files: Any = None, *, token: str | None = None) -> Any:
        self.arrived.append((time.monotonic(), method))
        return super().handle(method, params, files, token=token)

    def wait_for_updates(self, offset: int | None, timeout: float, should_stop: Any = lambda: False) -> None:
        """The HTTP server long-polls here before `handle`: a getUpdates has arrived."""
        self.arrived.append((time.monotonic(), "getUpdates"))
        super().wait_for_updates(offset, timeout, should_stop)

    def first_arrival(self, method: str) -> float | None:
        return next((t for t, m in list(self.arrived) if m.lower() == method.lower()), None)


class LeanTelegram(FakeTelegram):
    """The fake, forgetting old history: the last `keep` logged requests, deliveries and messages per chat.

    Over thousands of samples the full fake would hold every message and request it ever saw; that heap,
    which the real bot never has, makes each of Python's full garbage collections slower than the last,
    and those pauses would be counted against the bot's p99.
    """

    keep = 200

    def handle(self, method: str, params: Any, files: Any = None, *, token: str | None = None) -> Any:
        answer = super().handle(method, params, files, token=token)
        with self._lock:
            histories: list[list[Any]] = [self.requests, self.deliveries, *self._chats.values()]
            for history in histories:
                if len(history) > 2 * self.keep:
                    del history[: -self.keep]
        return answer


# --- Numbers -----------------------------------------------------------------------------------------


def percentile(values: Sequence[float], p: float) -> float:
    """Linear interpolation between closest ranks (numpy's default); `p` in 0..100."""
    if not values:
        return float("nan")
    ordered = sorted(values)
    rank = (len(ordered) - 1) * p / 100
    low = int(rank)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (rank - low)


def ms(seconds: float) -> str:
    if seconds != seconds:  # NaN
        return "–"
    value = seconds * 1000
    return f"{value:.2f}" if value < 10 else f"{value:.1f}" if value < 100 else f"{value:.0f}"


def rate(value: float) -> str:
    return f"{value:,.0f}" if value >= 100 else f"{value:.1f}"


def mib(n_bytes: float) -> str:
    return f"{n_bytes / 2**20:.1f}"


# --- Tables and results ----------------------------------------------------------------------------


_NUMBER = re.compile(r"[\d.,\s×%–/-]*(ms|s|MiB)?")


@dataclass
class Table:
    title: str
    headers: list[str]
    rows: list[list[str]] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    def add(self, *cells: object) -> None:
        self.rows.append([str(c) for c in cells])

    def markdown(self) -> str:
        lines = [f"**{self.title}**", ""]
        lines.append("| " + " | ".join(self.headers) + " |")
        lines.append(
            "|" + "|".join("--:" if self._numeric(i) else "---" for i in range(len(self.headers))) + "|"
        )
        lines += ["| " + " | ".join(row) + " |" for row in self.rows]
        for note in self.notes:
            lines += ["", note]
        return "\n".join(lines)

    def _numeric(self, column: int) -> bool:
        return column > 0 and all(_NUMBER.fullmatch(row[column]) for row in self.rows)

    def text(self) -> str:
        widths = [max(len(h), *(len(r[i]) for r in self.rows)) if self.rows else len(h)
                  for i, h in enumerate(self.headers)]  # fmt: skip
        right = [self._numeric(i) for i in range(len(self.headers))]

        def line(cells: list[str]) -> str:
            return "  ".join(
                c.rjust(w) if r else c.ljust(w) for c, w, r in zip(cells, widths, right, strict=True)
            )

        out = [self.title, "-" * len(self.title), line(self.headers).rstrip()]
        out += [line(row).rstrip() for row in self.rows]
        out += [f"  {note}" for note in self.notes]
        return "\n".join(out)

    def as_json(self) -> dict[str, Any]:
        return {"title": self.title, "headers": self.headers, "rows": self.rows, "notes": self.notes}


@dataclass
class Target:
    what: str
    target: str
    measured: str
    met: bool

    def as_json(self) -> dict[str, Any]:
        return {"what": self.what, "target": self.target, "measured": self.measured, "met": self.met}


@dataclass
class Result:
    name: str
    tables: list[Table] = field(default_factory=list)
    targets: list[Target] = field(default_factory=list)
    data: dict[str, Any] = field(default_factory=dict)
    params: dict[str, Any] = field(default_factory=dict)

    def target(self, what: str, target: str, measured: str, met: bool) -> None:
        self.targets.append(Target(what, target, measured, met))

    def save(self) -> Path:
        RESULTS_DIR.mkdir(parents=True, exist_ok=True)
        path = RESULTS_DIR / f"{self.name}.json"
        body = {
            "name": self.name,
            "machine": machine(),
            "params": self.params,
            "tables": [t.as_json() for t in self.tables],
            "targets": [t.as_json() for t in self.targets],
            "data": self.data,
        }
        path.write_text(json.dumps(body, indent=2, default=str) + "\n", encoding="utf-8")
        return path

    def show(self) -> None:
        for table in self.tables:
            print()
            print(table.text())
        if self.targets:
            print()
            for t in self.targets:
                print(f"  [{'met' if t.met else 'MISSED'}] {t.what}: {t.measured} (target {t.target})")
        sys.stdout.flush()


_MACHINE: dict[str, Any] | None = None


def machine() -> dict[str, Any]:
    global _MACHINE
    if _MACHINE is None:
        cpu = platform.processor() or platform.machine()
        try:
            for line in Path("/proc/cpuinfo").read_text().splitlines():
                if line.startswith("model name"):
                    cpu = line.split(":", 1)[1].strip()
                    break
        except OSError:
            pass
        try:
            commit = subprocess.run(
                ["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True, check=False
            ).stdout.strip()
            dirty = subprocess.run(
                ["git", "status", "--porcelain", "--untracked-files=no"],
                cwd=ROOT, capture_output=True, text=True, check=False,
            ).stdout.strip()  # fmt: skip
        except OSError:
            commit, dirty = "", ""
        mem_kib = 0
        try:
            for line in Path("/proc/meminfo").read_text().splitlines():
                if line.startswith("MemTotal"):
                    mem_kib = int(line.split()[1])
        except OSError:
            pass
        _MACHINE = {
            "date": datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
            "cpu": cpu,
            "cores": os.cpu_count(),
            "memory_gib": round(mem_kib / 2**20, 1),
            "os": f"{platform.system()} {platform.release()}",
            "python": platform.python_version(),
            "sqlite": sqlite3.sqlite_version,
            "python_telegram_bot": telegram.__version__,
            "commit": commit + ("+local changes" if dirty else ""),
        }
    return _MACHINE


def rss_bytes(pid: int | str = "self") -> int:
    """Resident set size of a process, from /proc."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) * 1024
    return 0
