"""Command line: migrate, seed, serve, create-admin.

python -m app.cli migrate
python -m app.cli seed                  (the catalog and the announced working calendar; idempotent)
python -m app.cli create-admin --email admin@example.vn --name "Quản trị"   (password from ADMIN_PASSWORD or prompt)
python -m app.cli serve [--host 127.0.0.1] [--port 8000]   (WORKERS processes; see app/runtime.py)
python -m app.cli worker                (runs the jobs queued on Redis when REDIS_URL is set; app/jobs.py)
python -m app.cli mark-overdue          (late requests, expired quotes, overdue invoices; daily cron)
python -m app.cli send-notifications    (retry pending/failed e-mails and domain events)
python -m app.cli documents-preview [--out var/preview]   (the three documents from sample data: docx, PDF, PNG)
python -m app.cli export-invoices --format csv|xlsx|xml --from 2026-01-01 --to 2026-01-31 --out f.csv
                                        (finance export; progress bar on a terminal; exit 1 when it fails)
"""

from __future__ import annotations

import argparse
import asyncio
import getpass
import json
import os
import sys
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import TypeVar

_T = TypeVar("_T")


def _piccolo_conf() -> None:
    # Piccolo finds its configuration through this variable; the project root is on sys.path.
    os.environ.setdefault("PICCOLO_CONF", "piccolo_conf")


async def migrate() -> None:
    from piccolo.apps.migrations.commands.forwards import run_forwards

    response = await run_forwards(app_name="all")
    if not response.success:
        raise SystemExit(f"migration failed: {response.message}")


async def seed() -> dict[str, dict[str, int]]:
    """The catalog and the announced working calendar, both idempotent (what `make run` loads)."""
    from catalog.requests.schedule import seed_working_calendar
    from catalog.seed import seed_catalog

    return {"catalog": await seed_catalog(), "working_calendar": await seed_working_calendar()}


async def create_admin(email: str, name: str, password: str) -> int:
    from app.auth.service import bootstrap_admin

    return await bootstrap_admin(email, name, password)


async def daily_command(command: str) -> object:
    """mark-overdue: late requests, expired quotes, overdue invoices; send-notifications: the outbox's
    e-mail and the bus's events still pending or failed."""
    from app import bus, outbox
    from billing import (
        invoices,
        quotes,
        subscriptions,  # noqa: F401 - registers billing's handlers on the bus
    )
    from catalog.requests import workflow
    from projects import subscriptions as project_subscriptions  # noqa: F401 - and projects' (acceptance minutes)

    if command == "mark-overdue":
        return {
            "flagged": await workflow.mark_overdue(),
            "expired_quotes": await quotes.expire_quotes(),
            "overdue_invoices": await invoices.mark_overdue(),
        }
    return {**await outbox.retry_unsent(), "events": await bus.retry_pending()}


def documents_preview(folder: Path) -> list[Path]:
    """The three documents rendered from sample data (the center's settings, the current wording) as .docx,
    converted to PDF by LibreOffice and their first pages to PNG: what a signed paper will look like."""
    from app.config import get_settings
    from app.documents import DocumentKind, convert, parties
    from app.documents.store import jsonable
    from billing import contract_docx
    from projects import appendix_docx, minutes_docx

    settings = get_settings()
    seller = parties.seller(settings) | {
        "bank_account": settings.seller_bank_account or "12010000123456",
        "bank_name": settings.seller_bank_name or "Ngân hàng TMCP Đầu tư và Phát triển Việt Nam – Chi nhánh Thanh Hóa",
    }
    folder.mkdir(parents=True, exist_ok=True)
    made = []
    for name, module, kind in (
        ("hop-dong-dich-vu", contract_docx, DocumentKind.SERVICE_CONTRACT),
        ("phu-luc-hop-dong", appendix_docx, DocumentKind.PROJECT_APPENDIX),
        ("bien-ban-nghiem-thu", minutes_docx, DocumentKind.ACCEPTANCE_MINUTES),
    ):
        snapshot = {
            "kind": kind.value,
            "version": 1,
            "issued_on": "2026-12-01",
            "data": jsonable(module.sample(seller)),
        }
        target = folder / f"{name}.docx"
        target.write_bytes(module.render(snapshot))
        made.append(target)
    if convert.missing_tools():
        return made
    pdfs = convert.to_pdf(made, folder)
    pictures = [png for pdf in pdfs for png in convert.to_png(pdf, folder, last=4)]
    return made + pdfs + pictures


async def _with_database(work: Callable[[], Awaitable[_T]]) -> _T:
    """With the app's database set-up: on PostgreSQL the pool (else Piccolo opens a connection for each
    statement: seeding the catalog took one per row), on SQLite WAL."""
    from app.db import database_lifespan

    async with database_lifespan():
        return await work()


def _worker() -> int:
    from app import logs, worker
    from app.config import get_settings

    settings = get_settings()
    if not settings.jobs_on_redis:
        print("REDIS_URL is not set (or JOB_BROKER=memory): jobs run inside the server, no worker is needed",
              file=sys.stderr)  # fmt: skip
        return 2
    logs.configure(settings.log_level)
    return worker.main(settings)


def main(argv: list[str] | None = None) -> int:
    _piccolo_conf()
    parser = argparse.ArgumentParser(prog="ttcntt")
    commands = parser.add_subparsers(dest="command", required=True)
    commands.add_parser("migrate", help="apply every pending migration")
    commands.add_parser("seed", help="load the center's catalog and the announced working calendar (idempotent)")
    admin = commands.add_parser("create-admin", help="create the first admin (or make a staff account admin)")
    admin.add_argument("--email", required=True)
    admin.add_argument("--name", default="Quản trị hệ thống")
    serve = commands.add_parser("serve", help="serve the API with uvicorn")
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", type=int, default=8000)
    commands.add_parser("worker", help="run background jobs from Redis (REDIS_URL) and the periodic sweeps")
    commands.add_parser("mark-overdue", help="flag service requests past due and promise a new date")
    commands.add_parser("send-notifications", help="retry pending and failed outbox messages")
    preview = commands.add_parser("documents-preview", help="render the three documents from sample data")
    preview.add_argument("--out", default="var/preview")
    from billing.exports import command as export_command

    export_command.add_arguments(commands.add_parser("export-invoices", help="invoices of a period to a file"))
    args = parser.parse_args(argv)

    if args.command == "migrate":
        asyncio.run(migrate())
        print("migrations applied")
    elif args.command == "seed":
        print(json.dumps(asyncio.run(_with_database(seed))))
    elif args.command == "create-admin":
        from app.config import admin_password_from_env
        from app.errors import DomainError

        password = admin_password_from_env() or getpass.getpass("Admin password (10+ characters): ")
        try:
            account_id = asyncio.run(_with_database(lambda: create_admin(args.email, args.name, password)))
        except DomainError as error:
            print(f"{error.code}: {error.message_en}", file=sys.stderr)
            return 1
        print(f"admin account id {account_id}")
    elif args.command in ("mark-overdue", "send-notifications"):
        print(json.dumps(asyncio.run(_with_database(lambda: daily_command(args.command)))))
    elif args.command == "documents-preview":
        from app.documents.convert import INSTALL, missing_tools

        for path in documents_preview(Path(args.out)):
            print(path)
        if missing_tools():
            print(f"LibreOffice or poppler missing ({', '.join(missing_tools())}): only .docx made; "
                  f"install them with: sudo {INSTALL}", file=sys.stderr)  # fmt: skip
            return 1
    elif args.command == "export-invoices":
        return asyncio.run(export_command.run(args))
    elif args.command == "worker":
        return _worker()
    elif args.command == "serve":
        from app import runtime
        from app.config import get_settings

        runtime.serve(get_settings(), args.host, args.port)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
