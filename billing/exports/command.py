"""`python -m app.cli export-invoices`: the same export as the HTTP route, written to a file.

The file is written as FILE.part and renamed to FILE only when complete, so a file under its own name
is always whole. A failure writes the format's error marker at the end of FILE.part, says why on
stderr and exits 1 (2 for refused input). With --by-month the period is cut into calendar months, one
file each (FILE-2026-01.csv…); a month whose file already exists is skipped, so an interrupted run
resumes where it stopped."""

from __future__ import annotations

import argparse
import sys
from dataclasses import replace
from datetime import date, timedelta
from pathlib import Path
from typing import TextIO

from app.errors import DomainError
from billing.exports import csv_file, stream
from billing.exports import spec as specs
from billing.exports.einvoice_xml import error_element
from billing.exports.progress import Progress
from billing.exports.spec import ExportFormat, ExportSpec
from billing.exports.totals import ExportTotals


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--format", required=True, help="csv, xlsx or xml")
    parser.add_argument("--from", dest="start", required=True, help="first issue date, YYYY-MM-DD (local)")
    parser.add_argument("--to", dest="end", required=True, help="last issue date, YYYY-MM-DD (local)")
    parser.add_argument("--out", required=True, help="the file to write")
    parser.add_argument("--rows", default="invoices", help="CSV: invoices, lines or payments")
    parser.add_argument("--status", action="append", default=[], help="issued, partially_paid, paid, replaced")
    parser.add_argument("--symbol", default=None, help="KHHDon, e.g. C26TAA")
    parser.add_argument("--customer", default=None, help="a customer's account id")
    parser.add_argument("--vat-rate", default=None, help="10, 8, 5, 0, KCT or KKKNT")
    parser.add_argument("--by-month", action="store_true", help="one file per month; existing ones are skipped")


def months(start: date, end: date) -> list[tuple[date, date]]:
    periods = []
    first = start
    while first <= end:
        following = (first.replace(day=1) + timedelta(days=32)).replace(day=1)
        periods.append((first, min(end, following - timedelta(days=1))))
        first = following
    return periods


def _day(raw: str, field: str) -> date:
    try:
        return date.fromisoformat(raw)
    except ValueError:
        raise DomainError(
            "INVALID_DATE", "Ngày phải có dạng YYYY-MM-DD.", "A date is written YYYY-MM-DD.", field
        ) from None


async def write_one(spec: ExportSpec, out: Path, err: TextIO) -> bool:
    """One file; True when complete. The progress line goes to `err` when it is a terminal."""
    part = out.with_name(out.name + ".part")
    totals = ExportTotals()
    progress = Progress(await stream.count_rows(spec), f"{out.name} ", err)
    try:
        if spec.format is ExportFormat.XLSX:
            await stream.build_xlsx(spec, part, totals, progress.update)
        else:
            with part.open("wb") as handle:
                async for chunk in stream.chunks(spec, totals, progress.update):
                    handle.write(chunk)
    except Exception as error:
        progress.finish()
        code, message = stream.failure(error)
        if spec.format is not ExportFormat.XLSX:
            with part.open("ab") as handle:
                handle.write(error_element(code, message) if spec.format is ExportFormat.XML
                             else csv_file.error_line(code, message))  # fmt: skip
        print(f"{out}: export failed: {code}: {message} (incomplete file left as {part.name})", file=err)
        return False
    progress.finish()
    part.replace(out)
    print(f"{out}: {totals.invoices:,} invoices, {totals.payments:,} payments, total {totals.total_amount:,} đồng",
          file=err)  # fmt: skip
    return True


async def run(args: argparse.Namespace, err: TextIO = sys.stderr) -> int:
    from app.db import database_lifespan

    try:
        spec = specs.build(
            args.format, _day(args.start, "from"), _day(args.end, "to"), rows=args.rows, statuses=args.status,
            symbol=args.symbol, customer=args.customer, vat_rate=args.vat_rate,
        )  # fmt: skip
    except DomainError as error:
        for d in error.details:
            print(f"{d.field}: {d.code}: {d.message_en}", file=err)
        return 2
    out = Path(args.out)
    async with database_lifespan():
        if not args.by_month:
            return 0 if await write_one(spec, out, err) else 1
        for first, last in months(spec.start, spec.end):
            target = out.with_name(f"{out.stem}-{first:%Y-%m}{out.suffix}")
            if target.exists():
                print(f"{target}: already complete, skipped", file=err)
                continue
            if not await write_one(replace(spec, start=first, end=last), target, err):
                return 1
    return 0
