"""Invoices issued per second: N drafts issued by C concurrent issuers through the use case, against a
numbering series that must stay gapless (each issue holds the series row until it commits). Compared
side by side with a plain reference run: the same number of single-row INSERT transactions, so the
ratio shows what numbering, checks, history, audit and outbox cost. See bench/README.md."""

from __future__ import annotations

import asyncio
import os
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # piccolo_conf.py lives at the root
os.environ.setdefault("PICCOLO_CONF", "piccolo_conf")
os.environ.setdefault("LOG_LEVEL", "WARNING")
if os.environ.get("BENCH_DATABASE_URL"):
    os.environ["DATABASE_URL"] = os.environ["BENCH_DATABASE_URL"]
else:  # a temporary SQLite file: the development database is never touched
    os.environ["DATABASE_URL"] = f"sqlite:///{tempfile.mkdtemp()}/bench.sqlite"

from app.auth.enums import AccountKind, Role
from app.auth.principal import Principal
from app.cli import migrate
from app.db import database_lifespan, transaction
from app.money import VatRate
from app.tables import NumberSequence
from billing import invoices, lines, repository
from billing.enums import BuyerKind, InvoiceKind, InvoiceSource, InvoiceStatus, LineSource

COUNT = int(os.environ.get("BENCH_INVOICES", "500"))
CONCURRENCY = int(os.environ.get("BENCH_ISSUERS", "20"))
FINANCE = Principal(account_id=1, email="ke.toan@ttcntt.vn", kind=AccountKind.STAFF, roles=frozenset({Role.FINANCE}))


async def drafts(count: int, tag: str) -> list[int]:
    line = lines.Priced(LineSource.MANUAL, "Dịch vụ", "", "", 1, 1_000_000, VatRate.RATE_10)
    values = {
        "kind": InvoiceKind.ORIGINAL.value, "source": InvoiceSource.QUOTE.value, "status": InvoiceStatus.DRAFT.value,
        "template": "1", "symbol": "", "buyer_kind": BuyerKind.INDIVIDUAL.value, "buyer_name": "Nguyễn Văn A",
        **lines.totals([line]),
    }  # fmt: skip
    return [
        await repository.insert_invoice({**values, "payment_reference": f"HD{tag}{n:07d}"}, lines.rows([line]))
        for n in range(count)
    ]


async def concurrently(work: list[int], job) -> float:  # type: ignore[no-untyped-def]
    started = time.perf_counter()
    await asyncio.gather(*(job(work[i::CONCURRENCY]) for i in range(CONCURRENCY)))
    return time.perf_counter() - started


async def run() -> None:
    await migrate()
    async with database_lifespan():
        ids = await drafts(COUNT, "B")

        async def issue(mine: list[int]) -> None:
            for invoice_id in mine:
                await invoices.issue(FINANCE, invoice_id, 1)

        async def reference(mine: list[int]) -> None:
            for n in mine:
                async with transaction():
                    await NumberSequence.insert(NumberSequence(series=f"ref:{n}", last=n))

        plain = await concurrently(list(range(COUNT)), reference)
        issued = await concurrently(ids, issue)
    print(f"{COUNT} invoices, {CONCURRENCY} issuers: {COUNT / issued:7.1f} invoices/s "
          f"(reference insert transactions: {COUNT / plain:7.1f}/s, ratio {plain / issued:.2f})")  # fmt: skip


if __name__ == "__main__":
    asyncio.run(run())
