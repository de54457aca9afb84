"""Finance exports at scale: N invoices (two lines each, 10% and KCT; every other one paid by transfer)
spread over 2026, bulk-inserted into a fresh SQLite file and a PostgreSQL database (executemany / COPY),
then each format exported for the whole year through `billing.exports.stream` (what the HTTP route and
the command line run), reporting rows per second and the process's RSS growth. Each step runs in a child
process of its own, so one export's memory never hides another's. See bench/README.md.

python bench/export_invoices.py [--sizes 100000,1000000] [--engines sqlite,postgres] [--formats …]
PostgreSQL: BENCH_PG_URL (default postgresql://postgres@127.0.0.1:5432/ttcntt_exports_bench, an existing
database that it empties)."""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PG_URL = os.environ.get("BENCH_PG_URL", "postgresql://postgres@127.0.0.1:5432/ttcntt_exports_bench")
FORMATS = ("csv", "csv-lines", "xlsx", "xml")
CHUNK = 20_000


def _rss_kib() -> int:
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    return 0


def _rows(n: int):  # type: ignore[no-untyped-def]
    """Invoices, lines and payments as tuples, in chunks (never all in memory)."""
    start = date(2026, 1, 1)
    created = datetime(2026, 1, 1, tzinfo=UTC)
    for base in range(0, n, CHUNK):
        invoices, lines, payments = [], [], []
        for i in range(base + 1, min(n, base + CHUNK) + 1):
            day = start + timedelta(days=(i - 1) * 365 // n)
            a1 = 1_000_000 + (i % 1000) * 1000
            v1 = (a1 * 10 + 50) // 100
            a2 = 500_000
            total = a1 + v1 + a2
            paid = i % 2 == 0
            invoices.append((
                i, "original", "quote", "paid" if paid else "issued", "1", "C26TAA", i, day,
                created, day + timedelta(days=15), "", f"HDB{i:010d}", "", "organization",
                f"Công ty TNHH Phần mềm Hồng Đức số {i}", "0100109106", "", "Số 1 Lê Lợi, TP Thanh Hóa", "",
                a1 + a2, v1, total, 0, total if paid else 0, False, created, created, 1,
            ))  # fmt: skip
            lines.append(
                (2 * i - 1, i, 1, "manual", "Lưu trữ dữ liệu (TB/tháng)", "", "TB", 1, a1, 0, "10", a1, v1, a1 + v1)
            )
            lines.append((2 * i, i, 2, "manual", "Dịch vụ phần mềm", "", "gói", 1, a2, 0, "KCT", a2, 0, a2))
            if paid:
                when = datetime.combine(day + timedelta(days=1), datetime.min.time(), tzinfo=UTC) + timedelta(hours=3)
                payments.append((i // 2, i, "transfer", total, 0, when, f"FT{i}", "", "bench", created))
        yield invoices, lines, payments


INVOICE_COLS = (
    "id, kind, source, status, template, symbol, number, issue_date, issued_at, due_date, payment_terms,"
    " payment_reference, reason, buyer_kind, buyer_name, buyer_tax_code, buyer_citizen_id, buyer_address,"
    " buyer_email, amount, vat_amount, total_amount, discount_amount, amount_paid, overdue, created_at,"
    " updated_at, version"
)
LINE_COLS = (
    "id, invoice, position, source, name_vi, name_en, unit, quantity, unit_amount, discount_amount, vat_rate,"
    " amount, vat_amount, total_amount"
)
PAYMENT_COLS = "id, invoice, method, amount, overpaid_amount, received_at, reference, note, recorded_by, created_at"


async def generate(n: int) -> dict[str, float]:
    from app.cli import migrate
    from app.db import engine, is_sqlite

    await migrate()
    started = time.perf_counter()
    if is_sqlite():
        import sqlite3

        import piccolo.engine.sqlite  # noqa: F401 - registers the adapters Piccolo stores dates with

        db = sqlite3.connect(engine().connection_kwargs["database"])
        db.execute("PRAGMA journal_mode=WAL")
        db.execute("PRAGMA synchronous=OFF")
        for table in ("payment", "invoice_line", "invoice"):
            db.execute(f"DELETE FROM {table}")
        for invoices, lines, payments in _rows(n):
            marks = lambda cols: ", ".join("?" for _ in cols.split(","))  # noqa: E731
            db.executemany(f"INSERT INTO invoice ({INVOICE_COLS}) VALUES ({marks(INVOICE_COLS)})", invoices)
            db.executemany(f"INSERT INTO invoice_line ({LINE_COLS}) VALUES ({marks(LINE_COLS)})", lines)
            db.executemany(f"INSERT INTO payment ({PAYMENT_COLS}) VALUES ({marks(PAYMENT_COLS)})", payments)
        db.commit()
        db.execute("ANALYZE")
        db.close()
    else:
        import asyncpg

        conn = await asyncpg.connect(PG_URL)
        await conn.execute("TRUNCATE payment, invoice_line, invoice RESTART IDENTITY CASCADE")
        for invoices, lines, payments in _rows(n):
            await conn.copy_records_to_table(
                "invoice", records=invoices, columns=[c.strip() for c in INVOICE_COLS.split(",")]
            )
            await conn.copy_records_to_table(
                "invoice_line", records=lines, columns=[c.strip() for c in LINE_COLS.split(",")]
            )
            await conn.copy_records_to_table(
                "payment", records=payments, columns=[c.strip() for c in PAYMENT_COLS.split(",")]
            )
        await conn.execute("ANALYZE")
        await conn.close()
    return {"seconds": round(time.perf_counter() - started, 1)}


def _backend_cpu_s(pid: int) -> float:
    """User + system CPU seconds of a process of this machine (/proc/PID/stat, fields 14 and 15)."""
    with open(f"/proc/{pid}/stat") as stat:
        fields = stat.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _count_server_cpu(spent: list[float]) -> None:
    """On PostgreSQL the export's backends do a share of the work (the queries; the CSV's rows are written
    by COPY there; the invoice CSV's totals are summed by a second backend meanwhile): the CPU seconds of
    every backend the export connects to (`asyncpg.connect`, not the app's pool), read just before its
    connection closes, are added to `spent`. The server runs on this machine, so /proc shows it."""
    import asyncpg

    connect, close = asyncpg.connect, asyncpg.Connection.close
    pids: dict[int, int] = {}

    async def connected(*args: object, **kwargs: object) -> asyncpg.Connection:
        conn = await connect(*args, **kwargs)
        pids[id(conn)] = conn.get_server_pid()
        return conn

    async def closing(conn: asyncpg.Connection, **kwargs: object) -> None:
        if id(conn) in pids:
            spent.append(_backend_cpu_s(pids.pop(id(conn))))
        await close(conn, **kwargs)

    asyncpg.connect = connected  # a patch of this (child) process only
    asyncpg.Connection.close = closing


async def export(fmt: str) -> dict[str, float]:
    from app.db import database_lifespan
    from billing.exports import spec as specs
    from billing.exports import stream
    from billing.exports.totals import ExportTotals

    server: list[float] = []
    _count_server_cpu(server)

    rows = "lines" if fmt == "csv-lines" else "invoices"
    spec = specs.build(fmt.removesuffix("-lines"), date(2026, 1, 1), date(2026, 12, 31), rows=rows)
    totals = ExportTotals()
    out = Path(tempfile.mkdtemp()) / spec.filename
    async with database_lifespan():
        before = _rss_kib()
        peak = before
        started = time.perf_counter()
        cpu = time.process_time()  # every thread of the process (aiosqlite's, the XLSX writer's)
        if spec.format.value == "xlsx":
            await stream.build_xlsx(spec, out, totals)
        else:
            with out.open("wb") as handle:
                async for chunk in stream.chunks(spec, totals):
                    handle.write(chunk)
                    peak = max(peak, _rss_kib())
        seconds = time.perf_counter() - started
        cpu = time.process_time() - cpu
    peak = max(peak, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)
    size = out.stat().st_size
    out.unlink()
    return {
        "invoices": totals.invoices, "lines": totals.lines, "seconds": round(seconds, 2), "cpu": round(cpu, 2),
        "server_cpu": round(sum(server), 2), "per_cpu_s": round(totals.invoices / (cpu + sum(server))),
        "invoices_per_s": round(totals.invoices / seconds), "rss_growth_mb": round((peak - before) / 1024, 1),
        "file_mb": round(size / 1e6, 1),
    }  # fmt: skip


def child(args: list[str], url: str) -> dict[str, float]:
    env = {**os.environ, "DATABASE_URL": url, "PICCOLO_CONF": "piccolo_conf", "LOG_LEVEL": "WARNING"}
    done = subprocess.run(
        [sys.executable, __file__, *args], env=env, cwd=ROOT, capture_output=True, text=True, check=False
    )
    if done.returncode != 0:
        raise SystemExit(f"{args} failed:\n{done.stderr[-3000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("step", nargs="?", default="all", choices=("all", "generate", "export"))
    parser.add_argument("--n", type=int, default=0)
    parser.add_argument("--format", default="csv")
    parser.add_argument("--sizes", default="100000,1000000")
    parser.add_argument("--engines", default="sqlite,postgres")
    parser.add_argument("--formats", default=",".join(FORMATS))
    args = parser.parse_args()
    sys.path.insert(0, str(ROOT))
    if args.step == "generate":
        print(json.dumps(asyncio.run(generate(args.n))))
        return
    if args.step == "export":
        print(json.dumps(asyncio.run(export(args.format))))
        return
    folder = tempfile.mkdtemp(prefix="bench-export-")
    print(f"load average at start: {os.getloadavg()}")
    print("| engine | invoices | step | wall s | invoices/s (wall) | CPU s | server CPU s | invoices per CPU s"
          " | RSS growth | file |")  # fmt: skip
    print("|---|---:|---|---:|---:|---:|---:|---:|---:|---:|")
    for engine in args.engines.split(","):
        for n in (int(s) for s in args.sizes.split(",")):
            url = f"sqlite:///{folder}/bench-{n}.sqlite" if engine == "sqlite" else PG_URL
            made = child(["generate", "--n", str(n)], url)
            print(
                f"| {engine} | {n:,} | generate | {made['seconds']} | {round(n / made['seconds']):,} | | | | | |",
                flush=True,
            )
            for fmt in args.formats.split(","):
                r = child(["export", "--format", fmt], url)
                server = r["server_cpu"] if engine == "postgres" else ""
                print(f"| {engine} | {r['invoices']:,} | {fmt} | {r['seconds']} | {r['invoices_per_s']:,} |"
                      f" {r['cpu']} | {server} | {r['per_cpu_s']:,} | {r['rss_growth_mb']} MB | {r['file_mb']} MB |",
                      flush=True)  # fmt: skip
            if engine == "sqlite":
                Path(url.removeprefix("sqlite:///")).unlink()


if __name__ == "__main__":
    main()
