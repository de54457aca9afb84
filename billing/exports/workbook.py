"""XLSX with xlsxwriter in constant-memory mode: each sheet flushes its rows to a temporary file as they
are written, so memory stays flat. Sheets: invoices, lines, payments, totals per VAT rate. Amounts with
thousands separators, dates as dates, header row frozen. A sheet that reaches Excel's 1,048,576 rows
goes on in a continuation sheet ("Hóa đơn (2)") rather than losing rows.

A zip file cannot be sent before it is finished, so the workbook is built to a temporary file and
served only when complete (billing/exports/stream.py)."""

from __future__ import annotations

import contextlib
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import xlsxwriter

from billing.exports.csv_file import INVOICE_HEADER, LINE_HEADER, PAYMENT_HEADER
from billing.exports.repository import Row, as_date, as_datetime
from billing.exports.spec import XLSX_MAX_ROWS
from billing.exports.totals import ExportTotals

MONEY = "#,##0"
DATE = "yyyy-mm-dd"
DATETIME = "yyyy-mm-dd hh:mm"

# Column kinds per sheet, in the order of the CSV headers: m = money, d = date, t = date-time, n = number.
INVOICE_KINDS = "ndnnnnnnnnnnnmmmmmnnnnnd"
LINE_KINDS = "ndnnnnnnmmnmmm"
PAYMENT_KINDS = "ntnmmnnnnnnnm"
TOTAL_HEADER = ("Thuế suất", "Số dòng", "Tiền trước thuế", "Tiền thuế", "Tổng tiền")


class _Series:
    """One logical sheet, continued on new worksheets when full."""

    def __init__(self, book: Workbook, title: str, header: Sequence[str], kinds: str) -> None:
        self.book, self.title, self.header, self.kinds = book, title, header, kinds
        self.dates = [i for i, k in enumerate(kinds) if k == "d"]
        self.times = [i for i, k in enumerate(kinds) if k == "t"]
        self.count = 0
        self._new_sheet()

    def _new_sheet(self) -> None:
        self.count += 1
        name = self.title if self.count == 1 else f"{self.title} ({self.count})"
        self.sheet = self.book.raw.add_worksheet(name)
        formats = {"m": self.book.money, "d": self.book.date, "t": self.book.datetime}
        for column, kind in enumerate(self.kinds):
            self.sheet.set_column(column, column, 14 if kind in formats else 12, formats.get(kind))
        self.sheet.freeze_panes(1, 0)
        self.sheet.write_row(0, 0, self.header, self.book.bold)
        self.row = 1

    def write(self, values: Sequence[Any]) -> None:
        if self.row >= XLSX_MAX_ROWS:
            self._new_sheet()
        self.sheet.write_row(self.row, 0, values)
        self.row += 1


class Workbook:
    def __init__(self, path: Path, timezone: ZoneInfo) -> None:
        # constant_memory: rows are flushed per sheet as written; strings are inline (no shared table).
        # Text stays text: a buyer named "=HYPERLINK(…)" must not become a formula that Excel runs
        # (spreadsheet formula injection), nor an address a link.
        options = {"strings_to_formulas": False, "strings_to_urls": False}
        self.raw = xlsxwriter.Workbook(str(path), {"constant_memory": True, "tmpdir": str(path.parent), **options})
        self.timezone = timezone
        self.bold = self.raw.add_format({"bold": True})
        self.money = self.raw.add_format({"num_format": MONEY})
        self.date = self.raw.add_format({"num_format": DATE})
        self.datetime = self.raw.add_format({"num_format": DATETIME})
        self.invoices = _Series(self, "Hóa đơn", INVOICE_HEADER, INVOICE_KINDS)
        self.lines = _Series(self, "Dòng hàng", LINE_HEADER, LINE_KINDS)
        self.payments = _Series(self, "Thanh toán", PAYMENT_HEADER, PAYMENT_KINDS)
        self.totals = self.raw.add_worksheet("Tổng theo thuế suất")

    def add(self, series: _Series, page: Iterable[Row]) -> None:
        dates, times = series.dates, series.times
        for row in page:
            values = list(row)
            for i in dates:
                if values[i] is not None:
                    values[i] = as_date(values[i])
            for i in times:
                # Excel has no time zones: the local time, as finance reads it.
                values[i] = as_datetime(values[i]).astimezone(self.timezone).replace(tzinfo=None)
            series.write(values)

    def close(self, totals: ExportTotals) -> None:
        sheet = self.totals
        sheet.set_column(0, 0, 14)
        sheet.set_column(1, 4, 18, self.money)
        sheet.freeze_panes(1, 0)
        sheet.write_row(0, 0, TOTAL_HEADER, self.bold)
        row = 1
        for rate, s in totals.rates():
            sheet.write_row(row, 0, (rate.invoice_label, s.lines, s.amount, s.vat_amount, s.total_amount))
            row += 1
        sheet.write_row(row, 0, ("Tổng cộng", totals.lines, totals.amount, totals.vat_amount, totals.total_amount))
        sheet.write_row(row + 2, 0, ("Số hóa đơn", totals.invoices))
        sheet.write_row(row + 3, 0, ("Số khoản thanh toán", totals.payments, totals.received))
        sheet.write_row(row + 4, 0, ("Đã hoàn", totals.refunded))
        self.raw.close()

    def discard(self) -> None:
        """After a failure: closing is the only public way to release the sheets' temporary files; the
        caller then deletes the half-made workbook (a second failure here must not hide the first)."""
        with contextlib.suppress(Exception):
            self.raw.close()
