"""An export from first page to last: read a page, write it, hand its bytes on, count it. CSV and XML
are produced as async iterators of chunks (the first leaves before the last row is read); XLSX is built
to a file. These raise on failure; `guarded` turns a failure into the format's error marker for a
stream already under way (HTTP), and the command line turns it into a non-zero exit."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator, Callable
from datetime import datetime, time, timedelta
from pathlib import Path

import anyio

from app.config import get_settings
from app.errors import DomainError
from app.requestid import current_request_id
from billing.exports import csv_file, invoice_csv
from billing.exports.einvoice_xml import EinvoiceXml, error_element
from billing.exports.repository import KEY_COLUMNS, Reader, Row
from billing.exports.spec import ExportFormat, ExportRows, ExportSpec
from billing.exports.totals import ExportTotals
from billing.exports.workbook import Workbook

log = logging.getLogger("billing.exports")

OnRows = Callable[[int], None]

MEDIA_TYPES = {
    ExportFormat.CSV: "text/csv",  # Litestar adds "; charset=utf-8" to text types
    ExportFormat.XML: "application/xml",
    ExportFormat.XLSX: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


def _received_between(spec: ExportSpec) -> tuple[datetime, datetime]:
    """The period's local days as UTC instants, as `payments(from, to)` reads them."""
    tz = get_settings().timezone
    return datetime.combine(spec.start, time(0), tzinfo=tz), datetime.combine(
        spec.end + timedelta(days=1), time(0), tzinfo=tz
    )


async def count_rows(spec: ExportSpec) -> int:
    """What the progress bar counts toward: invoices (payments for a payments CSV)."""
    async with Reader() as reader:
        if spec.format is ExportFormat.CSV and spec.rows is ExportRows.PAYMENTS:
            return await reader.count_payments(spec, *_received_between(spec))
        return await reader.count_invoices(spec)


def _noop(rows: int) -> None:
    return None


async def chunks(spec: ExportSpec, totals: ExportTotals, on_rows: OnRows = _noop) -> AsyncIterator[bytes]:
    """CSV or XML, page by page, on one snapshot; `totals` is filled as pages are written."""
    size = get_settings().export_batch_size
    async with Reader() as reader:
        if spec.format is ExportFormat.XML:
            xml = EinvoiceXml(get_settings(), spec)
            yield xml.open()
            async for page in reader.invoice_pages(spec, size):
                lines = await reader.lines_of_page(spec, page, rate_only=False)
                totals.add_page(await reader.totals_of_page(spec, page))
                totals.invoices += len(page)
                yield xml.invoices(page, lines)
                on_rows(len(page))
            yield xml.close(totals)
            return
        writer = csv_file.CsvRows()
        written = 0
        if spec.rows is ExportRows.PAYMENTS:
            yield writer.header(csv_file.PAYMENT_HEADER)
            tz = get_settings().timezone
            async for page in reader.payment_pages(spec, *_received_between(spec), size):
                totals.payments += len(page)
                totals.received += sum(int(p[3]) for p in page)
                totals.refunded += sum(int(p[12]) for p in page)
                written += len(page)
                yield writer.payments(page, tz)
                on_rows(len(page))
            yield writer.trailer(totals, written, payments=True)
            return
        if spec.rows is ExportRows.INVOICES:
            yield writer.header(csv_file.INVOICE_HEADER)
            # The totals read the same snapshot: they describe exactly the rows written.
            before = totals.invoices
            async for chunk in invoice_csv.rows(reader, spec, size, totals, on_rows):
                yield chunk
            written = totals.invoices - before
            yield writer.trailer(totals, written, payments=False)
            return
        yield writer.header(csv_file.LINE_HEADER)
        reader.page_columns = KEY_COLUMNS  # the lines are read per page below
        async for page in reader.invoice_pages(spec, size):
            totals.add_page(await reader.totals_of_page(spec, page))
            totals.invoices += len(page)
            chunk, rows = await _lines_csv_page(reader, writer, spec, page)
            written += rows
            yield chunk
            on_rows(len(page))
        yield writer.trailer(totals, written, payments=False)


async def _lines_csv_page(
    reader: Reader, writer: csv_file.CsvRows, spec: ExportSpec, page: list[Row]
) -> tuple[bytes, int]:
    """A page's lines as CSV bytes, and how many: written by PostgreSQL when that is exact, else by the
    csv module from row tuples."""
    if reader.copies_csv:
        data, count = await reader.lines_csv(spec, page)
        exact = csv_file.from_copy(data, count)
        if exact is not None:
            return exact, count
    rows = await reader.lines_of_page(spec, page)
    return writer.rows(rows), len(rows)


async def build_xlsx(spec: ExportSpec, path: Path, totals: ExportTotals, on_rows: OnRows = _noop) -> None:
    """Every sheet into `path`. Writing a page is CPU work: it runs in a worker thread so the event loop
    keeps serving other requests meanwhile."""
    settings = get_settings()
    size = settings.export_batch_size
    book = Workbook(path, settings.timezone)
    try:
        async with Reader() as reader:
            async for page in reader.invoice_pages(spec, size):
                lines = await reader.lines_of_page(spec, page)
                totals.add_page(await reader.totals_of_page(spec, page))
                totals.invoices += len(page)
                await anyio.to_thread.run_sync(book.add, book.invoices, page)
                await anyio.to_thread.run_sync(book.add, book.lines, lines)
                on_rows(len(page))
            async for page in reader.payment_pages(spec, *_received_between(spec), size):
                fixed = [(*p[:12], int(p[12])) for p in page]
                totals.payments += len(page)
                totals.received += sum(int(p[3]) for p in page)
                totals.refunded += sum(p[12] for p in fixed)
                await anyio.to_thread.run_sync(book.add, book.payments, fixed)
        await anyio.to_thread.run_sync(book.close, totals)
    except BaseException:
        with anyio.CancelScope(shield=True):
            await anyio.to_thread.run_sync(book.discard)
            await anyio.Path(path).unlink(missing_ok=True)
        raise


def failure(error: BaseException) -> tuple[str, str]:
    """What a client may be told: a domain error's code and message, else a request id to look up."""
    if isinstance(error, DomainError):
        return error.code, error.message_en
    return "EXPORT_FAILED", f"Unexpected error (request {current_request_id() or '-'})"


async def guarded(spec: ExportSpec, source: AsyncIterator[bytes]) -> AsyncIterator[bytes]:
    """Once the first bytes are sent the status is 200 and cannot change: a failure then ends the body
    with the format's error marker (CSV `#ERROR,…`, XML `<LoiXuat>`), and the complete-file trailer
    (`#END`, `</DSHDon>`) never comes."""
    try:
        async for chunk in source:
            yield chunk
    except Exception as error:
        log.error("export failed", exc_info=error, extra={"format": spec.format.value})
        code, message = failure(error)
        yield error_element(code, message) if spec.format is ExportFormat.XML else csv_file.error_line(code, message)
