"""`relance penalties` and `relance rates`: JSON on stdout, one clear line and exit 2 on a bad argument."""

from __future__ import annotations

import asyncio
import json
import os
from pathlib import Path

import pytest

from bot.__main__ import main
from tests.databases import database_for
from tests.harness import TOKEN
from tests.test_process import relance


@pytest.fixture
def no_bot(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Path:
    """A folder without a bot configured (no token, no .env): the shipped rates only."""
    for name in list(os.environ):
        if name.startswith(("TELEGRAM_", "SMTP_", "RELANCE_")):
            monkeypatch.delenv(name)
    monkeypatch.chdir(tmp_path)
    return tmp_path


@pytest.fixture
def bot_db(no_bot: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    """A configured bot whose database is the test database (SQLite file, or PostgreSQL when asked)."""
    target = str(asyncio.run(database_for(no_bot / "relance.sqlite3")))  # a PostgreSQL schema when set
    monkeypatch.setenv("TELEGRAM_BOT_TOKEN", TOKEN)
    monkeypatch.setenv("RELANCE_DB", target)
    return target


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    try:
        code = main(list(args))
    except SystemExit as exc:  # argparse
        code = int(exc.code or 0)
    out, err = capsys.readouterr()
    return code, out, err


EXAMPLE = (
    "penalties",
    "--amount",
    "1000.00",
    "--currency",
    "EUR",
    "--due",
    "2026-01-31",
    "--on",
    "2026-03-02",
)


def test_the_issue_example_as_json(no_bot: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(capsys, *EXAMPLE, "--b2b")
    assert (code, err) == (0, "")
    data = json.loads(out)
    assert {k: data[k] for k in ("days_late", "rate", "interest", "indemnity", "total")} == {
        "days_late": 30,
        "rate": "12.15",
        "interest": "9.99",
        "indemnity": "40.00",
        "total": "1049.99",
    }
    assert not (no_bot / "data").exists()  # no database created where there was none


def test_options_rate_country_consumer_payments_and_fee(
    no_bot: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    data = json.loads(run(capsys, *EXAMPLE, "--b2b", "--rate", "12.15", "--country", "FR")[1])
    assert (data["interest"], data["contractual"], data["warnings"]) == (
        "9.99",
        True,
        ["legal_floor_unknown"],
    )
    data = json.loads(run(capsys, *EXAMPLE, "--b2c")[1])
    assert (data["interest"], data["indemnity"], data["total"]) == ("0.00", "0.00", "1000.00")
    data = json.loads(run(capsys, *EXAMPLE, "--b2b", "--paid", "400.00@2026-02-10")[1])
    assert (data["interest"], data["total"]) == ("7.32", "647.32")  # see tests/domain/test_penalties.py
    data = json.loads(run(capsys, *EXAMPLE, "--b2b", "--admin-fee", "15", "--admin-fee-days", "30")[1])
    assert (data["admin_fee"], data["total"]) == ("15.00", "1064.99")
    data = json.loads(run(capsys, *EXAMPLE, "--b2b", "--country", "be")[1])
    assert data["rate"] == "10.50"  # 2.15 + 8 = 10.15, rounded up to the half point
    code, out, _err = run(capsys, "penalties", "--amount", "100000", "--currency", "JPY",
                          "--due", "2026-01-31", "--on", "2026-03-02", "--b2b")  # fmt: skip
    assert code == 0 and json.loads(out)["interest"] == "999"


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (
            ("--amount", "1000.001", "--due", "2026-01-31", "--on", "2026-03-02", "--b2b"),
            "at most 2 decimals",
        ),
        (("--amount", "-5", "--due", "2026-01-31", "--on", "2026-03-02", "--b2b"), "positive amount"),
        (("--amount", "abc", "--due", "2026-01-31", "--on", "2026-03-02", "--b2b"), "e.g. 1000.00"),
        (("--amount", "1000", "--due", "31/01/2026", "--on", "2026-03-02", "--b2b"), "YYYY-MM-DD"),
        (("--amount", "1000", "--due", "2026-01-31", "--on", "2026-01-02", "--b2b"), "is before --due"),
        (("--amount", "1000", "--due", "2026-01-31", "--on", "2026-03-02"), "--b2b --b2c is required"),
        (
            ("--amount", "1000", "--due", "2026-01-31", "--on", "2026-03-02", "--b2b", "--rate", "abc"),
            "12.15",
        ),
        (
            ("--amount", "1000", "--due", "2026-01-31", "--on", "2026-03-02", "--b2b", "--rate", "150"),
            "100 %",
        ),
        (
            ("--amount", "1000", "--currency", "EURO", "--due", "2026-01-31", "--on", "2026-03-02", "--b2b"),
            "ISO 4217",
        ),
        (
            ("--amount", "1000", "--due", "2026-01-31", "--on", "2026-03-02", "--b2b", "--country", "FRA"),
            "e.g. FR",
        ),
        (
            ("--amount", "1000", "--due", "2026-01-31", "--on", "2026-03-02", "--b2b", "--paid", "400"),
            "AMOUNT@",
        ),
        (
            ("--amount", "1000", "--due", "2026-01-31", "--on", "2026-03-02", "--b2b", "--admin-fee", "x"),
            "--admin-fee",
        ),
        (("--amount", "1000", "--due", "2026-06-30", "--on", "2026-08-02", "--b2b"), "rates add 2026-07-01"),
    ],
)
def test_a_bad_argument_gives_one_clear_line_and_exit_2(
    no_bot: Path, capsys: pytest.CaptureFixture[str], args: tuple[str, ...], message: str
) -> None:
    code, out, err = run(capsys, "penalties", *args)
    assert code == 2 and out == ""
    last = err.strip().splitlines()[-1]
    assert message in last, err
    assert "Traceback" not in err


def test_rates_added_are_stored_and_merged_with_the_shipped_table(
    bot_db: str, capsys: pytest.CaptureFixture[str]
) -> None:
    late = ("penalties", "--amount", "1000", "--due", "2026-06-30", "--on", "2026-08-02", "--b2b")
    assert run(capsys, *late)[0] == 2  # 2026-H2 unknown
    code, out, err = run(capsys, "rates", "add", "2026-07-01", "2.15")
    assert (code, err) == (0, "") and "2026-07-01 2.15" in out
    data = json.loads(run(capsys, *late)[1])
    # 1 Jul..2 Aug = 33 days at 12.15: 1000 × 0.1215 × 33 / 365 = 10.985 → 10.98 (rounded half up: 10.98)
    assert (data["rate"], data["interest"]) == ("12.15", "10.98")
    code, out, _err = run(capsys, "rates", "list")
    lines = out.splitlines()
    assert code == 0 and "ECB" in lines[0]
    assert "2026-07-01\t2.15\tadded" in lines and "2019-01-01\t0.00\tshipped" in lines
    assert "2026-01-01\t2.15\tshipped" in lines
    # A correction replaces the added rate, and says what it replaces when it differs from the shipped one.
    code, out, _err = run(capsys, "rates", "add", "2026-01-01", "2.40")
    assert "replaces the shipped 2.15" in out
    assert "2026-01-01\t2.40\tadded" in run(capsys, "rates", "list")[1].splitlines()


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("2027-02-01", "2.15"), "1 January or 1 July"),
        (("2027-01-01", "two"), "example: 12.15"),
        (("next year", "2.15"), "YYYY-MM-DD"),
    ],
)
def test_rates_add_refuses_bad_input_in_one_line(
    bot_db: str, capsys: pytest.CaptureFixture[str], args: tuple[str, str], message: str
) -> None:
    code, out, err = run(capsys, "rates", "add", *args)
    assert code == 2 and out == "" and message in err.strip().splitlines()[-1]
    assert "Traceback" not in err


ROOT = {"PYTHONPATH": str(Path(__file__).resolve().parent.parent)}


def test_the_real_process_prints_the_example(tmp_path: Path) -> None:
    proc = relance(tmp_path, ROOT, *EXAMPLE, "--b2b")
    out, err = proc.communicate(timeout=60)
    assert proc.returncode == 0, err
    assert json.loads(out)["total"] == "1049.99"
    proc = relance(
        tmp_path, ROOT, "penalties", "--amount", "1,000", "--due", "2026-01-31", "--on", "2026-03-02", "--b2b"
    )
    out, err = proc.communicate(timeout=60)
    assert proc.returncode == 2 and out == "" and len(err.strip().splitlines()) == 1 and "--amount" in err
