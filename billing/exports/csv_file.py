"""CSV rows: UTF-8 with a BOM (Excel then shows Vietnamese correctly), amounts as integers, dates ISO
(payments' times in Asia/Ho_Chi_Minh), comma-separated, CRLF. The last lines are the totals (`#TOTAL`,
`#INVOICES`, `#PAYMENTS`) and `#END,<rows>`; a failed stream ends with `#ERROR,<code>,<message>` instead,
so a reader can tell a complete file from a cut one."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable
from typing import Any
from zoneinfo import ZoneInfo

from billing.exports.repository import Row, as_datetime
from billing.exports.totals import ExportTotals

BOM = "\ufeff"

INVOICE_HEADER = (
    "Mã HĐ", "Ngày lập", "Loại", "Trạng thái", "Mẫu số", "Ký hiệu", "Số", "Loại người mua", "Tên người mua",
    "MST", "Số định danh", "Địa chỉ", "Email", "Tiền trước thuế", "Tiền thuế", "Tổng tiền", "Chiết khấu",
    "Đã thanh toán", "Mã thanh toán", "Lý do", "HĐ gốc mẫu số", "HĐ gốc ký hiệu", "HĐ gốc số", "HĐ gốc ngày lập",
)  # fmt: skip
LINE_HEADER = (
    "Mã HĐ", "Ngày lập", "Ký hiệu", "Số", "STT", "Tên hàng hóa, dịch vụ", "Đơn vị tính", "Số lượng", "Đơn giá",
    "Chiết khấu", "Thuế suất", "Tiền trước thuế", "Tiền thuế", "Tổng tiền",
)  # fmt: skip
PAYMENT_HEADER = (
    "Mã TT", "Thời điểm nhận", "Hình thức", "Số tiền", "Trả thừa", "Tham chiếu", "Mã HĐ", "Mẫu số", "Ký hiệu", "Số",
    "Mã thanh toán", "Tên người mua", "Đã hoàn",
)  # fmt: skip


class CsvRows:
    """Turns pages of rows into UTF-8 bytes, one chunk per page (the csv module does the quoting)."""

    def __init__(self) -> None:
        self._buffer = io.StringIO()
        self._writer = csv.writer(self._buffer, lineterminator="\r\n")

    def _drain(self) -> bytes:
        text = self._buffer.getvalue()
        self._buffer.seek(0)
        self._buffer.truncate()
        return text.encode("utf-8")

    def header(self, columns: Iterable[str]) -> bytes:
        self._buffer.write(BOM)
        self._writer.writerow(columns)
        return self._drain()

    def rows(self, page: Iterable[Row]) -> bytes:
        self._writer.writerows(page)
        return self._drain()

    def payments(self, page: Iterable[Row], timezone: ZoneInfo) -> bytes:
        self._writer.writerows(
            (p[0], as_datetime(p[1]).astimezone(timezone).isoformat(), *p[2:12], int(p[12])) for p in page
        )
        return self._drain()

    def trailer(self, totals: ExportTotals, rows: int, *, payments: bool) -> bytes:
        w = self._writer
        if payments:
            w.writerow(("#PAYMENTS", "Số khoản", "Đã nhận", "Đã hoàn"))
            w.writerow(("#PAYMENTS", totals.payments, totals.received, totals.refunded))
        else:
            w.writerow(("#TOTAL", "Thuế suất", "Số dòng", "Tiền trước thuế", "Tiền thuế", "Tổng tiền"))
            for rate, s in totals.rates():
                w.writerow(("#TOTAL", rate.invoice_label, s.lines, s.amount, s.vat_amount, s.total_amount))
            w.writerow(("#TOTAL", "ALL", totals.lines, totals.amount, totals.vat_amount, totals.total_amount))
            w.writerow(("#INVOICES", totals.invoices))
        w.writerow(("#END", rows))
        return self._drain()


def from_copy(data: bytes, rows: int) -> bytes | None:
    """PostgreSQL's `COPY … CSV` of text columns (an empty one as NULL) writes each row as csv.writer
    does here (quotes exactly where a field holds a comma, a quote, CR or LF; quotes doubled) but ends
    rows with LF. When there are as many LFs as rows, each ends a row and becomes CRLF; otherwise a field
    holds a line break, which must stay as it is, and the page is left to csv.writer (None)."""
    if data.count(b"\n") != rows:
        return None
    return data.replace(b"\n", b"\r\n")


def error_line(code: str, message: str) -> bytes:
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\r\n").writerow(("#ERROR", code, message))
    return buffer.getvalue().encode("utf-8")


def parse_trailer(text: str) -> dict[str, Any]:
    """What a complete CSV says about itself (used by tests and the command line's check)."""
    result: dict[str, Any] = {"rates": {}, "end": None, "error": None}
    for record in csv.reader(io.StringIO(text.removeprefix(BOM))):
        if not record or not record[0].startswith("#"):
            continue
        tag = record[0]
        if tag == "#TOTAL" and record[1] != "Thuế suất":
            result["rates"][record[1]] = tuple(int(v) for v in record[2:6])
        elif tag == "#INVOICES":
            result["invoices"] = int(record[1])
        elif tag == "#PAYMENTS" and record[1] != "Số khoản":
            result["payments"] = tuple(int(v) for v in record[1:4])
        elif tag == "#END":
            result["end"] = int(record[1])
        elif tag == "#ERROR":
            result["error"] = record[1]
    return result
