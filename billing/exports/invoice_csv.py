"""The invoice CSV's rows and totals (one row per invoice): the export that must reach 100,000 invoices a
second for a million, so the database writes the rows, and a second connection on the same snapshot
sums the totals meanwhile (PostgreSQL: a second backend importing the snapshot; SQLite: a companion
connection, `Reader.companion`).

(Cutting SQLite's period in two ranges read by the two connections at once, the second spooled to a
temporary file, was tried and removed: two SQLite connections writing rows in one process took 60-70 %
more CPU than one for the same rows, and the export was slower than with one connection writing the
rows while the other sums: 4.1 s against 3.4 s for 1,000,000 at load 1. See bench/README.md.)"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable
from datetime import date
from typing import Any

from billing.exports import csv_file
from billing.exports.repository import Reader
from billing.exports.spec import ExportSpec
from billing.exports.totals import ExportTotals


async def rows(
    reader: Reader, spec: ExportSpec, size: int, totals: ExportTotals, on_rows: Callable[[int], None]
) -> AsyncIterator[bytes]:
    """The rows' bytes in (issue date, id) order; `totals` gets the invoices and, once every row is out,
    the sums per VAT rate of exactly those rows."""
    if reader.copies_csv:
        other, summing = None, asyncio.ensure_future(reader.totals(spec, await reader.snapshot()))
    else:
        other = await reader.companion()  # before this reader's first read: the snapshot both share
        summing = asyncio.ensure_future(other.totals(spec))
    try:
        async for chunk, count in pages(reader, spec, size):
            totals.invoices += count
            yield chunk
            on_rows(count)
        totals.add_page(await summing)
    finally:
        await _stop(summing, other)


async def _stop(task: asyncio.Future[Any], reader: Reader | None = None) -> None:
    """Totals nobody will read (the rows failed, or the export was cancelled) end before their
    connection is closed; SQLite's statement is interrupted rather than waited for."""
    if task.done():
        return
    if reader is not None:
        await reader.interrupt()
    task.cancel()
    await asyncio.gather(task, return_exceptions=True)


async def pages(reader: Reader, spec: ExportSpec, size: int) -> AsyncIterator[tuple[bytes, int]]:
    """The invoice CSV's rows a page at a time (bytes, invoices), each page one query that writes the rows
    itself: PostgreSQL's COPY (a page with a line break inside a field is read again as tuples for
    csv.writer, see `csv_file.from_copy`), SQLite's printf and group_concat. The next page starts after
    the last row's key (PostgreSQL: the last row's first two fields; SQLite: given with the page)."""
    writer: csv_file.CsvRows | None = None
    after: tuple[int, Any] | None = None
    while True:
        sql, args = reader.invoice_csv_page(spec, after, size)
        if reader.copies_csv:
            data, count = await reader.copy_csv(sql, args)
            chunk = csv_file.from_copy(data, count)
            if chunk is not None and count:
                last_id, last_date = chunk[chunk.rfind(b"\n", 0, len(chunk) - 1) + 1 :].split(b",", 2)[:2]
                after = (int(last_id), date.fromisoformat(last_date.decode("ascii")))
            elif count:
                tuples = await reader.fetch(sql, args)
                writer = writer or csv_file.CsvRows()
                chunk, after = writer.rows(tuples), (int(tuples[-1][0]), tuples[-1][1])
        else:
            chunk, count, _, last_id, last_date = (await reader.fetch(sql, args))[0]
            if count and not 0 < last_id < 10**10:  # beyond the page key's exact range (see the query)
                raise ValueError(f"invoice id {last_id} out of the export's range")
            after = (last_id, last_date) if count else None
        if not count:
            return
        yield chunk or b"", count
        if count < size:
            return
