"""The invoice CSV's rows and totals (one row per invoice): the export that must reach 100,000 invoices a
second for a million, so the database writes the rows and the work is spread over two cores.

PostgreSQL: one backend writes the rows (COPY), a second one, on the same snapshot, sums the totals
meanwhile. SQLite: two connections on one snapshot (`Reader.companion`); a large period is cut in two
ranges of about as many invoices, the first streamed as it is read, the second read at the same time by
the other connection into a temporary file and copied after the first (memory stays flat, the first
bytes still leave early), each connection then summing its own range's totals."""

from __future__ import annotations

import asyncio
import tempfile
from collections.abc import AsyncIterator, Callable
from datetime import date
from typing import IO, Any

from billing.exports import csv_file
from billing.exports.repository import Reader, Row
from billing.exports.spec import ExportSpec
from billing.exports.totals import ExportTotals

# SQLite cuts a period in two from this many invoices in it (of any status): below, the second
# connection only sums the totals (a split costs a temporary file and 0.1 s of counting per million).
SPLIT_MIN_ROWS = 50_000
SPOOL_BLOCK = 1 << 20  # bytes read back from the temporary file at a time

Key = tuple[int, Any]  # (id, issue date) of an invoice: where a page or a range starts or ends


async def rows(
    reader: Reader, spec: ExportSpec, size: int, totals: ExportTotals, on_rows: Callable[[int], None]
) -> AsyncIterator[bytes]:
    """The rows' bytes in (issue date, id) order; `totals` gets the invoices and, once every row is out,
    the sums per VAT rate of exactly those rows."""
    if reader.copies_csv:
        chunks = _postgres(reader, spec, size, totals, on_rows)
    else:
        chunks = _sqlite(reader, spec, size, totals, on_rows)
    async for chunk in chunks:
        yield chunk


async def _postgres(
    reader: Reader, spec: ExportSpec, size: int, totals: ExportTotals, on_rows: Callable[[int], None]
) -> AsyncIterator[bytes]:
    summing = asyncio.ensure_future(reader.totals(spec, await reader.snapshot()))
    try:
        async for chunk, count in pages(reader, spec, size):
            totals.invoices += count
            yield chunk
            on_rows(count)
        totals.add_page(await summing)
    finally:
        await _stop(summing)


async def _sqlite(
    reader: Reader, spec: ExportSpec, size: int, totals: ExportTotals, on_rows: Callable[[int], None]
) -> AsyncIterator[bytes]:
    other = await reader.companion()  # before this reader's first read: the snapshot both share
    middle = await reader.middle_key(spec, SPLIT_MIN_ROWS)
    if middle is None:
        summing = asyncio.ensure_future(other.totals(spec))
        try:
            async for chunk, count in pages(reader, spec, size):
                totals.invoices += count
                yield chunk
                on_rows(count)
            totals.add_page(await summing)
        finally:
            await _stop(summing, other)
        return
    with tempfile.TemporaryFile() as spool:
        second = asyncio.ensure_future(_spooled(other, spec, size, middle, spool, on_rows))
        first_totals: asyncio.Future[list[Row]] | None = None
        try:
            async for chunk, count in pages(reader, spec, size, until=middle):
                totals.invoices += count
                yield chunk
                on_rows(count)
            # This connection sums its range while the other range is copied out.
            first_totals = asyncio.ensure_future(reader.totals(spec, until=middle))
            count, second_totals = await second
            spool.seek(0)
            while block := spool.read(SPOOL_BLOCK):
                yield block
            totals.invoices += count
            totals.add_page(await first_totals)
            totals.add_page(second_totals)
        finally:
            await _stop(second, other)
            if first_totals is not None:
                await _stop(first_totals, reader)


async def _spooled(
    reader: Reader, spec: ExportSpec, size: int, after: Key, spool: IO[bytes], on_rows: Callable[[int], None]
) -> tuple[int, list[Row]]:
    """The invoices after `after` written to `spool`, then their totals: how many, and the totals' rows."""
    written = 0
    async for chunk, count in pages(reader, spec, size, after=after):
        spool.write(chunk)
        written += count
        on_rows(count)
    return written, await reader.totals(spec, after=after)


async def _stop(task: asyncio.Future[Any], reader: Reader | None = None) -> None:
    """A task whose result nobody will read (the export failed or was cancelled) ends before its
    connection is closed; its statement is interrupted rather than waited for."""
    if task.done():
        return
    if reader is not None:
        await reader.interrupt()
    task.cancel()
    await asyncio.gather(task, return_exceptions=True)


async def pages(
    reader: Reader, spec: ExportSpec, size: int, *, after: Key | None = None, until: Key | None = None
) -> AsyncIterator[tuple[bytes, int]]:
    """The invoice CSV's rows after `after` up to `until` a page at a time (bytes, invoices), each page one
    query that writes the rows itself: PostgreSQL's COPY (a page with a line break inside a field is read
    again as tuples for csv.writer, see `csv_file.from_copy`), SQLite's printf. The next page starts after
    the last row's key, its first two fields."""
    writer: csv_file.CsvRows | None = None
    while True:
        sql, args = reader.invoice_csv_page(spec, after, size, until)
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
