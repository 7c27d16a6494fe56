"""`relance`: read the configuration, open and migrate the database, build the app, run it.

Subcommands: `relance` / `relance run` (the bot, long polling), `relance migrate`,
`relance backup PATH` (a consistent online copy), `relance export USER_ID`,
`relance import-statement USER_ID FILE` (bank reconciliation),
`relance import-invoices USER_ID FILE [--dry-run]` (a CSV of invoices from another tool, or from /export),
`relance penalties --amount … --due … --on …` (late-payment interest and indemnity, JSON),
`relance rates add 2027-01-01 2.15` / `relance rates list` (the reference rates behind them).
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import gc
import html
import json
import logging
import signal
import sys
from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from telegram import Update
from telegram.error import InvalidToken, NetworkError, TimedOut

from bot.app import after_start, build_application, default_rate_limiter
from bot.bank.model import MAX_FILE_BYTES, CsvMapping, StatementError
from bot.bank.service import MappingToConfirm, import_statement, render_summary
from bot.clock import ShiftedClock, SystemClock
from bot.config import Config, ConfigError, load_config
from bot.context import Services, engine_of
from bot.domain import penalties
from bot.domain.money import MAX_AMOUNT_MAJOR, Money, currency_decimals, is_known_currency
from bot.export import invoices_csv, payments_csv
from bot.i18n import translator
from bot.logging_setup import setup_logging
from bot.storage import StorageError, open_store
from bot.webhook import WebhookServer

log = logging.getLogger("relance")
STARTUP_RETRY_SECONDS = (1, 2, 5, 10, 30)


class Stop(Exception):
    """A start-up problem the operator must fix; the message is one line."""


async def _initialize(app: object) -> None:
    """Reach Telegram (getMe), retrying while the network is down; a refused token is fatal."""
    for attempt, delay in enumerate((*STARTUP_RETRY_SECONDS, None)):
        try:
            await app.initialize()  # type: ignore[attr-defined]
            return
        except InvalidToken:
            raise Stop("TELEGRAM_BOT_TOKEN was refused by Telegram: check it with @BotFather") from None
        except (NetworkError, TimedOut) as exc:
            if delay is None:
                raise Stop(f"cannot reach the Telegram Bot API: {exc}") from None
            log.warning("Telegram unreachable (%s), retrying in %ss (attempt %d)", exc, delay, attempt + 1)
            await asyncio.sleep(delay)


async def _receive_updates(app: Any, services: Services) -> WebhookServer | None:
    """Long polling (one process), or a webhook that a load balancer may spread over workers."""
    hook = services.config.webhook
    if hook is None:
        await app.updater.start_polling(allowed_updates=Update.ALL_TYPES, drop_pending_updates=False)
        return None
    server = WebhookServer(app, services.store, services.clock, path=hook.path, secret=hook.secret)
    try:
        server.listen(hook.listen_host, hook.listen_port)
    except OSError as exc:
        raise Stop(f"cannot listen on {hook.listen_host}:{hook.listen_port} for the webhook: {exc}") from None
    await app.bot.set_webhook(
        hook.url, secret_token=hook.secret, allowed_updates=Update.ALL_TYPES, drop_pending_updates=False
    )
    log.info(
        "receiving updates by webhook at %s (listening on %s:%d)",
        hook.url,
        hook.listen_host,
        hook.listen_port,
    )
    return server


async def run_bot(config: Config) -> None:
    store = await open_store(config.database)
    clock = ShiftedClock(config.clock_start) if config.clock_start else SystemClock()
    services = Services(config=config, store=store, clock=clock)
    log_email_channel(config)
    app = build_application(services, rate_limiter=default_rate_limiter(config.redis_url, config.token))
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, stop.set)
    try:
        await _initialize(app)
        await app.start()
        await after_start(app)
        assert app.updater is not None
        webhook = await _receive_updates(app, services)
        # Start-up objects live as long as the process: keep the collector from rescanning them, so
        # that full collections (25-35 ms pauses at random) do not land in users' response times.
        gc.collect()
        gc.freeze()
        log.info("Relance is running as @%s; press Ctrl+C to stop", app.bot.username)
        await stop.wait()
        log.info("stopping")
        engine_of(app).dispatcher.stop()
        if webhook is not None:
            await webhook.stop()
        else:
            await app.updater.stop()
        await app.stop()
        await services.drain()
    finally:
        with contextlib.suppress(Exception):
            await app.shutdown()
        await store.close()


def log_email_channel(config: Config) -> None:
    """One line at start-up saying whether reminders can go by e-mail (never the password)."""
    smtp = config.smtp
    if smtp is None:
        log.info("e-mail sending: off (SMTP_HOST not set); reminders go by Telegram only")
    else:
        log.info(
            "e-mail sending: on, from %s via %s:%d (%s)", smtp.sender, smtp.host, smtp.port, smtp.security
        )


async def _migrate(config: Config) -> None:
    store = await open_store(config.database)
    await store.close()


async def _backup(config: Config, target: Path) -> None:
    store = await open_store(config.database)
    try:
        await store.db.backup_to(target)
    finally:
        await store.close()


async def _export(config: Config, telegram_user_id: int) -> tuple[bytes, bytes]:
    """A freelancer's invoices and payments as CSV (the same files as /export)."""
    store = await open_store(config.database)
    try:
        freelancer = await store.freelancers.by_telegram_id(telegram_user_id)
        if freelancer is None:
            raise Stop(f"no freelancer with Telegram user id {telegram_user_id}")
        invoices = invoices_csv(await store.invoices.all_for_export(freelancer.id))
        payments = payments_csv(await store.invoices.payments_for_export(freelancer.id))
        return invoices, payments
    finally:
        await store.close()


def _write_export(files: tuple[bytes, bytes], telegram_user_id: int, folder: Path) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    for kind, content in zip(("invoices", "payments"), files, strict=True):
        path = folder / f"relance-{kind}-{telegram_user_id}.csv"
        path.write_bytes(content)
        print(f"written {path}")


def _read_statement(args: argparse.Namespace) -> tuple[bytes, CsvMapping | None]:
    """The statement file's bytes and the --columns mapping, checked before the database is opened."""
    path: Path = args.file
    try:
        if path.stat().st_size > MAX_FILE_BYTES:
            raise Stop(f"{path}: the file is larger than {MAX_FILE_BYTES // 2**20} MB")
        data = path.read_bytes()
    except OSError as exc:
        raise Stop(f"cannot read {path}: {exc.strerror or exc}") from None
    mapping = None
    if args.columns:
        try:
            if any("=" not in item for item in args.columns):
                raise ValueError("each one is ROLE=COLUMN")
            pairs = dict(item.split("=", 1) for item in args.columns)
            values: dict[str, object] = {k.strip(): v.strip() for k, v in pairs.items()}
            for role in ("counterparty", "remittance"):
                if role in values:
                    values[role] = [c.strip() for c in str(values[role]).split("|")]
            mapping = CsvMapping.from_dict(values)
        except ValueError as exc:
            raise Stop(f"--columns: {exc} (example: --columns date=Date --columns amount=Montant)") from None
    return data, mapping


async def _import_statement(
    config: Config, args: argparse.Namespace, data: bytes, mapping: CsvMapping | None
) -> str:
    """Import a bank statement for a freelancer; the summary as text (or JSON)."""
    path: Path = args.file
    store = await open_store(config.db_path)
    try:
        freelancer = await store.freelancers.by_telegram_id(args.telegram_user_id)
        if freelancer is None:
            raise Stop(f"no freelancer with Telegram user id {args.telegram_user_id}")
        clock = ShiftedClock(config.clock_start) if config.clock_start else SystemClock()
        try:
            summary = await import_statement(
                store, freelancer, data, path.name, clock, apply_certain=not args.ask,
                dry_run=args.dry_run, csv_mapping=mapping,
            )  # fmt: skip
        except StatementError as exc:
            raise Stop(f"{path.name}: {exc}; nothing was saved") from None
        except MappingToConfirm as exc:
            guess = exc.guess.as_dict() if exc.guess else {}
            shown = " ".join(f"--columns '{k}={'|'.join(v) if isinstance(v, list) else v}'"
                             for k, v in guess.items() if v)  # fmt: skip
            raise Stop(
                f"{path.name}: unknown CSV layout (columns: {', '.join(exc.header)}); nothing was saved. "
                + (f"Confirm the guessed columns by running again with {shown}" if shown
                   else "Say which column is which, e.g. --columns date=Date --columns amount=Montant")
            ) from None  # fmt: skip
        if args.json:
            return json.dumps(summary.as_json(), ensure_ascii=False, indent=2)
        return html.unescape(render_summary(translator(freelancer.language), summary))
    finally:
        await store.close()


async def _import_invoices(config: Config, args: argparse.Namespace) -> str:
    """Create a freelancer's invoices from a CSV export (all or none); the preview or the result as text."""
    from bot.einvoice.csv_profiles import ROLES, InvoiceColumns
    from bot.einvoice.model import EInvoiceError
    from bot.einvoice.service import ColumnsToConfirm, import_invoices
    from bot.engine.planner import ReminderPlanner
    from bot.presentation import einvoice_views
    from bot.presentation.views import local_today, plan_label
    from bot.storage.invoices import DuplicateNumberError

    path: Path = args.file
    data = _read_file(path)
    columns = None
    if args.columns:
        pairs = [item.split("=", 1) for item in args.columns]
        if any(len(p) != 2 or p[0].strip() not in ROLES for p in pairs):
            raise Stop(f"--columns: each one is ROLE=COLUMN with ROLE one of {', '.join(ROLES)} "
                       "(example: --columns number=Numéro --columns amount='Montant TTC')")  # fmt: skip
        columns = InvoiceColumns.from_dict({k.strip(): v.strip() for k, v in pairs})
    store = await open_store(config.database)
    try:
        freelancer = await store.freelancers.by_telegram_id(args.telegram_user_id)
        if freelancer is None:
            raise Stop(f"no freelancer with Telegram user id {args.telegram_user_id}")
        clock = ShiftedClock(config.clock_start) if config.clock_start else SystemClock()
        tr = translator(freelancer.language)
        try:
            plan = await import_invoices(
                store, freelancer, data, path.name, clock, today=local_today(freelancer, clock.now()),
                invoice_changed=ReminderPlanner(store, clock).replan, columns=columns, dry_run=args.dry_run,
                reminders=not args.no_reminders,
            )  # fmt: skip
        except EInvoiceError as exc:
            raise Stop(html.unescape(einvoice_views.errors_text(tr, path.name, exc))) from None
        except DuplicateNumberError:
            raise Stop(f"{path.name}: an invoice number was taken meanwhile; nothing was created") from None
        except ColumnsToConfirm as exc:
            shown = " ".join(f"--columns '{k}={v}'" for k, v in exc.guess.as_dict().items() if v)
            raise Stop(
                f"{path.name}: unknown CSV layout (columns: {', '.join(exc.header)}); nothing was created. "
                + (f"Run again with the columns, starting from the guess: {shown}" if shown
                   else "Say which column is which, e.g. --columns number=Numéro --columns client=Client")
            ) from None  # fmt: skip
        if args.dry_run:
            text, _markup = einvoice_views.preview_view(tr, "cli", plan, plan_label(tr, freelancer.default_plan))
            return html.unescape(text) + "\n\n" + html.unescape(tr.plain("Trial run: nothing was saved."))
        return html.unescape(einvoice_views.done_text(tr, plan, reminders=not args.no_reminders))
    finally:
        await store.close()


def _read_file(path: Path) -> bytes:
    try:
        if path.stat().st_size > MAX_FILE_BYTES:
            raise Stop(f"{path}: the file is larger than {MAX_FILE_BYTES // 2**20} MB")
        return path.read_bytes()
    except OSError as exc:
        raise Stop(f"cannot read {path}: {exc.strerror or exc}") from None


def _migrate_to_postgres(sqlite_path: Path, url: str) -> int:
    """Copy, verify, and print one line per table; no bot token needed (the bot must be stopped)."""
    from bot.storage.copy import migrate_to_postgres
    from bot.storage.postgres import is_postgres_url

    if not is_postgres_url(url):
        print(f"relance: expected a postgresql:// URL, e.g. postgresql://relance@localhost/relance, got {url!r}",
              file=sys.stderr)  # fmt: skip
        return 2
    if not sqlite_path.is_file():
        print(f"relance: no SQLite database at {sqlite_path}", file=sys.stderr)
        return 2
    try:
        report = asyncio.run(migrate_to_postgres(sqlite_path, url))
    except StorageError as exc:
        print(f"relance: {exc}", file=sys.stderr)
        return 2
    for table in report.tables:
        print(f"{table.table:<28} {table.rows:>9} rows  sha256 {table.checksum[:16]}")
    print(f"copied and verified {report.rows} rows in {len(report.tables)} tables; set RELANCE_DB to the URL")
    return 0


def _day(text: str) -> date:
    try:
        return date.fromisoformat(text.strip())
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"not a date: {text!r} (expected YYYY-MM-DD, e.g. 2026-01-31)"
        ) from None


def _rate(text: str) -> int:
    try:
        return penalties.parse_rate(text)
    except penalties.RateError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


def _currency(text: str) -> str:
    code = text.strip().upper()
    if not is_known_currency(code):
        raise argparse.ArgumentTypeError(f"not an ISO 4217 currency code: {text!r} (e.g. EUR)")
    return code


def _country(text: str) -> str:
    code = text.strip().upper()
    if len(code) != 2 or not code.isalpha():
        raise argparse.ArgumentTypeError(f"not a two-letter country code: {text!r} (e.g. FR)")
    return code


def _days(text: str) -> int:
    if not text.strip().isdigit() or int(text) > 3650:
        raise argparse.ArgumentTypeError(f"not a number of days: {text!r} (e.g. 30)")
    return int(text)


def _minor(amount: str, currency: str, option: str) -> int:
    try:
        value = Decimal(amount.strip())
        if not value.is_finite() or value <= 0 or value > MAX_AMOUNT_MAJOR:
            raise ValueError
        return Money.from_decimal(value, currency).minor
    except (InvalidOperation, ValueError):
        decimals = currency_decimals(currency)
        example = "1000" if decimals == 0 else "1000." + "0" * decimals
        raise Stop(
            f"{option}: expected a positive amount in {currency} with at most {decimals} decimals, "
            f"e.g. {example}; got {amount!r}"
        ) from None


async def _stored_rates(config: Config | None) -> dict[date, int]:
    """Rates added with `relance rates add`, when there is a database to read them from."""
    if config is None or (config.db_url is None and not config.db_path.exists()):
        return {}
    store = await open_store(config.database)
    try:
        return await store.penalty_rates.all()
    finally:
        await store.close()


def _penalties(args: argparse.Namespace, config: Config | None) -> str:
    if args.on < args.due:
        raise Stop(f"--on {args.on.isoformat()} is before --due {args.due.isoformat()}")
    amount = _minor(args.amount, args.currency, "--amount")
    fee = None
    if args.admin_fee is not None:
        fee = penalties.AdminFee(_minor(args.admin_fee, args.currency, "--admin-fee"), args.admin_fee_days)
    paid = [
        _Paid(_minor(text.partition("@")[0], args.currency, "--paid"), _paid_day(text))
        for text in args.paid or ()
    ]
    result = penalties.compute(
        amount_minor=amount,
        currency=args.currency,
        due_date=args.due,
        on=args.on,
        b2b=args.b2b,
        country=args.country,
        payments=paid,
        contractual_rate_bp=args.rate,
        admin_fee=fee,
        extra_rates=asyncio.run(_stored_rates(config)),
    )
    if result.missing_rates:
        first = result.missing_rates[0].isoformat()
        raise Stop(
            f"no reference rate is known for the half-year starting {first}; add it with "
            f"`relance rates add {first} RATE` (the ECB main refinancing rate in force that day), or give --rate"
        )
    return json.dumps(penalties.as_json(result), ensure_ascii=False, indent=2)


@dataclass(frozen=True)
class _Paid:
    amount_minor: int
    paid_on: date


def _paid_day(text: str) -> date:
    _amount, sep, day = text.partition("@")
    try:
        if not sep:
            raise ValueError
        return date.fromisoformat(day.strip())
    except ValueError:
        raise Stop(
            f"--paid: expected AMOUNT@YYYY-MM-DD, e.g. --paid 400.00@2026-02-10; got {text!r}"
        ) from None


async def _rates(config: Config, args: argparse.Namespace) -> str:
    store = await open_store(config.database)
    try:
        if args.rates_command == "add":
            start = penalties.check_half_year_start(args.half_year)
            shipped = penalties.ecb_table().get(start)
            await store.penalty_rates.add(start, args.rate, now=SystemClock().now())
            line = f"added: {start.isoformat()} {penalties.format_rate(args.rate)} %"
            if shipped is not None and shipped != args.rate:
                line += f" (replaces the shipped {penalties.format_rate(shipped)} % for that half-year)"
            return line
        added = await store.penalty_rates.all()
        table = penalties.ecb_table()
        lines = [f"# {table.source}; half-year start, rate in percent, where it comes from"]
        for start in sorted({*table.rates, *added}):
            origin = "added" if start in added else "shipped"
            lines.append(f"{start.isoformat()}\t{penalties.format_rate(added.get(start, table.rates.get(start, 0)))}"
                         f"\t{origin}")  # fmt: skip
        return "\n".join(lines)
    except penalties.RateError as exc:
        raise Stop(str(exc)) from None
    finally:
        await store.close()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="relance", description="Relance: polite reminders for unpaid invoices."
    )
    sub = parser.add_subparsers(dest="command")
    sub.add_parser("run", help="run the bot (default)")
    sub.add_parser("migrate", help="create or upgrade the database, then exit")
    backup = sub.add_parser("backup", help="copy the database consistently, even while the bot runs")
    backup.add_argument("path", type=Path)
    export = sub.add_parser("export", help="write a freelancer's invoices and payments as CSV files")
    export.add_argument("telegram_user_id", type=int)
    export.add_argument("--out", type=Path, default=Path("."), help="folder for the files (default: here)")
    bank = sub.add_parser("import-statement", help="match a bank statement's credits to open invoices")
    bank.add_argument("telegram_user_id", type=int)
    bank.add_argument("file", type=Path, help="CAMT.053/054 XML, OFX/QFX, MT940 or CSV, up to 20 MB")
    bank.add_argument("--dry-run", action="store_true", help="show what would be recorded, save nothing")
    bank.add_argument("--json", action="store_true", help="print the summary as JSON")
    bank.add_argument("--ask", action="store_true", help="record nothing automatically: every match waits")
    bank.add_argument("--columns", action="append", metavar="ROLE=COLUMN",
                      help="CSV columns for an unknown layout (date, amount or credit/debit, counterparty, "
                      "remittance, currency, transaction_id); remembered for this header")  # fmt: skip
    imports = sub.add_parser("import-invoices", help="create invoices from a CSV export of another tool (or /export)")
    imports.add_argument("telegram_user_id", type=int)
    imports.add_argument("file", type=Path, help="CSV: Relance /export, Invoice Ninja, or any tool's export")
    imports.add_argument("--dry-run", action="store_true", help="show what would be created, save nothing")
    imports.add_argument("--no-reminders", action="store_true", help="create the invoices with reminders off")
    imports.add_argument("--columns", action="append", metavar="ROLE=COLUMN",
                         help="columns of an unknown layout (number, client, amount, issue_date, due_date, "
                         "currency, email, balance, status, description); remembered for this header")  # fmt: skip
    copy = sub.add_parser(
        "migrate-to-postgres", help="copy a SQLite installation into an empty PostgreSQL database, verified"
    )
    copy.add_argument("sqlite_path", type=Path, help="the SQLite file (RELANCE_DB until now)")
    copy.add_argument("url", help="postgresql://user@host:5432/database (the new RELANCE_DB)")
    late = sub.add_parser(
        "penalties",
        help="late-payment interest and indemnity for an amount, as JSON",
        description="Statutory late-payment amounts (France: L441-10 and D441-5; other EU countries: "
        "Directive 2011/7/EU and the national rules Relance knows). Amounts are printed with the "
        "currency's decimals.",
    )
    late.add_argument("--amount", required=True, help="the invoice amount, e.g. 1000.00 (payments: --paid)")
    late.add_argument("--currency", type=_currency, default="EUR", help="ISO 4217 code (default EUR)")
    late.add_argument("--due", type=_day, required=True, help="the due date, YYYY-MM-DD")
    late.add_argument("--on", type=_day, required=True, help="count the interest up to this day, YYYY-MM-DD")
    kind = late.add_mutually_exclusive_group(required=True)
    kind.add_argument("--b2b", dest="b2b", action="store_true", help="the client is a business")
    kind.add_argument("--b2c", dest="b2b", action="store_false", help="the client is a consumer")
    late.add_argument("--rate", type=_rate, help="a contractual yearly rate in percent, e.g. 12.15")
    late.add_argument("--country", type=_country, default="FR", help="the creditor's country (default FR)")
    late.add_argument("--paid", action="append", metavar="AMOUNT@DATE",
                      help="a partial payment, e.g. 400.00@2026-02-10 (repeatable)")  # fmt: skip
    late.add_argument("--admin-fee", help="a fixed admin fee from your terms, e.g. 15.00")
    late.add_argument(
        "--admin-fee-days", type=_days, default=0, help="due from this many days late (default 0)"
    )
    rates = sub.add_parser("rates", help="the ECB reference rates behind late-payment interest")
    rates_sub = rates.add_subparsers(dest="rates_command", required=True)
    add = rates_sub.add_parser("add", help="add the rate in force on 1 January or 1 July of a half-year")
    add.add_argument("half_year", type=_day, help="1 January or 1 July, e.g. 2027-01-01")
    add.add_argument("rate", type=_rate, help="the ECB main refinancing rate that day, in percent, e.g. 2.15")
    rates_sub.add_parser("list", help="the shipped rates and those added, by half-year")
    args = parser.parse_args(argv)
    if args.command == "migrate-to-postgres":
        return _migrate_to_postgres(args.sqlite_path, args.url)
    if args.command == "penalties":
        try:
            config: Config | None = load_config()
        except ConfigError:
            config = None  # no bot configured here: the shipped rates only
        try:
            print(_penalties(args, config))
        except (StorageError, Stop) as exc:
            print(f"relance: {exc}", file=sys.stderr)
            return 2
        return 0
    try:
        config = load_config()
        setup_logging(config.log_level, config.secrets)
        if args.command == "migrate":
            asyncio.run(_migrate(config))
        elif args.command == "export":
            _write_export(
                asyncio.run(_export(config, args.telegram_user_id)), args.telegram_user_id, args.out
            )
        elif args.command == "import-statement":
            print(asyncio.run(_import_statement(config, args, *_read_statement(args))))
        elif args.command == "import-invoices":
            print(asyncio.run(_import_invoices(config, args)))
        elif args.command == "rates":
            print(asyncio.run(_rates(config, args)))
        elif args.command == "backup":
            asyncio.run(_backup(config, args.path))
            print(f"backup written to {args.path}")
        else:
            asyncio.run(run_bot(config))
    except ConfigError as exc:
        print(f"relance: {exc}", file=sys.stderr)
        return 2
    except (StorageError, Stop) as exc:
        print(f"relance: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130
    return 0


if __name__ == "__main__":
    sys.exit(main())
