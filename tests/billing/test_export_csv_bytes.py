"""The CSV's rows are the bytes Python's csv module writes for the same row tuples, whoever writes them
(PostgreSQL's COPY, or csv.writer), for the fields that quoting is about: commas, quotes, CR, LF, `\\.`,
empty text, NULL (an invoice without an original), spaces. Pages of two invoices: one page has a line
break in a field (the csv module's page on PostgreSQL), the others do not."""

from __future__ import annotations

import csv
import io
from datetime import date

import pytest

from app.money import VatRate
from billing.exports import csv_file, stream
from billing.exports import spec as specs
from billing.exports.repository import INVOICE_COLUMNS, LINE_COLUMNS, Reader, copy_fields, printf_row
from billing.exports.totals import ExportTotals
from tests.billing.exports_data import insert_invoice

pytestmark = pytest.mark.usefixtures("export_pages_of_two")


@pytest.fixture
async def awkward(db: None) -> None:
    """Five invoices in May 2026, in this order; the third (second page) has a line break in its buyer."""
    await insert_invoice(
        1, date(2026, 5, 1), [(VatRate.RATE_10, 100_000)], buyer='Công ty "Sao Mai", chi nhánh',
        line_names=['Gói "Cơ bản", 12 tháng'],
    )  # fmt: skip
    await insert_invoice(
        2, date(2026, 5, 2), [(VatRate.KCT, 200_000), (VatRate.RATE_8, 300_000)], buyer="A\rB", reason="\\.",
        line_names=["\\.", ""],
    )  # fmt: skip
    await insert_invoice(3, date(2026, 5, 3), [(VatRate.RATE_10, 400_000)], buyer="Dòng một\nDòng hai\r\nba")
    original = await insert_invoice(4, date(2026, 5, 4), [(VatRate.RATE_5, 500_000)], buyer=" cách ", reason='"')
    await insert_invoice(
        5, date(2026, 5, 5), [(VatRate.RATE_5, 500_000)], kind="replacement", original=original,
        reason="Sai tên, địa chỉ", line_names=['"'],
    )  # fmt: skip


async def written(rows: str) -> bytes:
    spec = specs.build("csv", date(2026, 5, 1), date(2026, 5, 31), rows=rows)
    return b"".join([chunk async for chunk in stream.chunks(spec, ExportTotals())])


async def expected(columns: str, source: str, order: str) -> bytes:
    """What csv.writer makes of the row tuples the drivers return (the CSV as it was first written)."""
    async with Reader() as reader:
        tuples = await reader.fetch(
            f"SELECT {columns} FROM {source} WHERE i.issue_date >= ? AND i.issue_date <= ? ORDER BY {order}",
            [date(2026, 5, 1), date(2026, 5, 31)],
        )
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\r\n").writerows(tuples)
    return buffer.getvalue().encode("utf-8")


def data_rows(body: bytes, header: tuple[str, ...]) -> bytes:
    head = csv_file.CsvRows().header(header)
    assert body.startswith(head)
    return body[len(head) : body.index(b"#TOTAL,")]


async def test_invoice_rows_are_what_csv_writer_writes(awkward: None) -> None:
    body = await written("invoices")
    want = await expected(INVOICE_COLUMNS, "invoice i LEFT JOIN invoice o ON o.id = i.original", "i.issue_date, i.id")
    assert data_rows(body, csv_file.INVOICE_HEADER) == want
    assert '"Dòng một\nDòng hai\r\nba"'.encode() in want and b',"A\rB",' in want
    assert [r[6] for r in csv.reader(io.StringIO(want.decode("utf-8")))] == ["1", "2", "3", "4", "5"]
    assert body.endswith(b"#END,5\r\n")


async def test_line_rows_are_what_csv_writer_writes(awkward: None) -> None:
    body = await written("lines")
    want = await expected(
        LINE_COLUMNS, "invoice_line l JOIN invoice i ON i.id = l.invoice", "i.issue_date, i.id, l.position"
    )
    assert data_rows(body, csv_file.LINE_HEADER) == want
    assert b",\\.," in want and b',"""",' in want
    assert body.endswith(b"#END,6\r\n")


def test_copy_output_takes_crlf_only_when_every_lf_ends_a_row() -> None:
    assert csv_file.from_copy(b'1,"a,b"\n2,\n', 2) == b'1,"a,b"\r\n2,\r\n'
    assert csv_file.from_copy(b'1,"a\r"\n', 1) == b'1,"a\r"\r\n'
    assert csv_file.from_copy(b'1,"a\nb"\n', 1) is None
    assert csv_file.from_copy(b"", 0) == b""


def test_copy_writes_text_with_empty_as_null_numbers_and_dates_as_they_are_and_nothing_else() -> None:
    assert copy_fields("i.id, i.issue_date, i.reason, o.symbol, l.quantity, l.amount") == (
        "i.id, i.issue_date, NULLIF(i.reason, ''), NULLIF(o.symbol, ''), l.quantity, l.amount"
    )
    with pytest.raises(TypeError, match=r"^i\.overdue: COPY would not write a Boolean "):
        copy_fields("i.id, i.overdue")


def test_sqlite_printf_rows_quote_exactly_where_csv_writer_does() -> None:
    """Every pair of awkward values in two fields tested together (one test for both, through
    `json_quote`) and one tested apart: the same bytes as csv.writer, whichever way the test goes
    (a tab or a backslash only sends the row to the field-by-field test)."""
    import itertools
    import sqlite3

    values = ["", "a", "Đức", ",", '"', "\n", "\r", "\r\n", "\t", "\\", "\x01", "a,b", 'say "hi"', " x ", "\\."]
    expression = printf_row("i.reason, i.buyer_name, i.buyer_address", apart=("i.buyer_address",))
    db = sqlite3.connect(":memory:")
    db.execute("CREATE TABLE invoice (reason TEXT, buyer_name TEXT, buyer_address TEXT)")
    rows = list(itertools.product(values, values, ["Số 1, Lê Lợi", "", '"', "x"]))
    db.executemany("INSERT INTO invoice VALUES (?, ?, ?)", rows)
    got = [r[0] for r in db.execute(f"SELECT {expression} FROM invoice i ORDER BY rowid")]
    for row, line in zip(rows, got, strict=True):
        buffer = io.StringIO()
        csv.writer(buffer, lineterminator="\r\n").writerow(row)
        assert line == buffer.getvalue(), row
