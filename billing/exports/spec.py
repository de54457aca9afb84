"""What an export asks for, checked once at the boundary (GraphQL, HTTP and the command line alike):
format, what one row is, the period (local issue dates, inclusive) and the filters. Nothing is read
before the whole request is valid."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from urllib.parse import urlencode

from app.auth.principal import Principal
from app.config import get_settings
from app.errors import ValidationFailed
from app.input import Checker, check_date, clean_optional, parse_id
from app.money import VatRate
from billing import access
from billing.enums import InvoiceStatus
from billing.states import LIVE

XLSX_MAX_ROWS = 1_048_576  # rows of one worksheet, the header included


class ExportFormat(StrEnum):
    CSV = "csv"
    XLSX = "xlsx"
    XML = "xml"


class ExportRows(StrEnum):
    """What one CSV row is (XLSX carries every sheet; XML is one HDon per invoice whatever is chosen)."""

    INVOICES = "invoices"
    LINES = "lines"
    PAYMENTS = "payments"


# Numbered invoices only: a draft has no number and a cancelled draft never existed for the tax office.
EXPORTABLE = (*sorted(LIVE), InvoiceStatus.REPLACED)


@dataclass(frozen=True)
class ExportSpec:
    format: ExportFormat
    rows: ExportRows
    start: date
    end: date
    statuses: tuple[str, ...]  # default: the live ones, as `invoiceTotals` counts them
    symbol: str | None = None
    customer_id: int | None = None
    vat_rate: VatRate | None = None

    @property
    def filename(self) -> str:
        return f"hoa-don-{self.rows.value}-{self.start.isoformat()}-{self.end.isoformat()}.{self.format.value}"


def _bad(field: str, code: str, vi: str, en: str) -> ValidationFailed:
    return ValidationFailed(code, vi, en, field)


def _choice(enum: type[StrEnum], raw: object, field: str, c: Checker, code: str = "UNKNOWN_CHOICE") -> StrEnum | None:
    value = (raw.value if isinstance(raw, StrEnum) else str(raw)).strip().lower()
    for member in enum:
        if member.value.lower() == value:
            return member
    allowed = ", ".join(m.value for m in enum)
    c.fail(field, code, f"Giá trị không được hỗ trợ; chọn một trong: {allowed}.", f"Not supported; one of: {allowed}.")
    return None


def build(
    fmt: object,
    start: date | None,
    end: date | None,
    *,
    rows: object = ExportRows.INVOICES,
    statuses: list[object] | None = None,
    symbol: str | None = None,
    customer: object = None,
    vat_rate: object = None,
    checker: Checker | None = None,
) -> ExportSpec:
    """Every bad field at once (field, code), with those `checker` already holds; the XLSX period limit
    is EXPORT_XLSX_MAX_DAYS."""
    c = checker or Checker()
    reported = {d.field for d in c.details}
    export_format = _choice(ExportFormat, fmt, "format", c, "UNKNOWN_FORMAT")
    export_rows = _choice(ExportRows, rows, "rows", c)
    if start is None and "from" not in reported:
        c.add(_bad("from", "REQUIRED", "Trường này là bắt buộc.", "This field is required."))
    elif start is not None:
        c.check(check_date, start, "from")
    if end is None and "to" not in reported:
        c.add(_bad("to", "REQUIRED", "Trường này là bắt buộc.", "This field is required."))
    elif end is not None:
        c.check(check_date, end, "to")
    if start and end and start > end:
        c.fail("to", "PERIOD_REVERSED", "Ngày kết thúc trước ngày bắt đầu.", "The period ends before it starts.")
    limit = get_settings().export_xlsx_max_days
    if export_format is ExportFormat.XLSX and start and end and (end - start).days + 1 > limit:
        c.fail(
            "to",
            "PERIOD_TOO_LONG",
            f"Bảng tính chỉ xuất được tối đa {limit} ngày; hãy chia nhỏ kỳ hoặc xuất CSV.",
            f"A spreadsheet covers at most {limit} days; split the period or export CSV.",
        )
    wanted: list[str] = []
    for index, raw in enumerate(statuses or ()):
        status = _choice(InvoiceStatus, raw, f"status.{index}", c)
        if status is not None and status not in EXPORTABLE:
            c.fail(
                f"status.{index}",
                "NOT_EXPORTABLE",
                "Chỉ xuất được hóa đơn đã có số.",
                "Only numbered invoices are exported.",
            )
        elif status is not None:
            wanted.append(status.value)
    cleaned_symbol = c.check(clean_optional, symbol, "symbol", max_length=6).upper() if symbol else None
    customer_id = c.check(parse_id, customer, "customer") if customer not in (None, "") else None
    rate = _choice(VatRate, vat_rate, "vatRate", c) if vat_rate not in (None, "") else None
    c.done()
    assert export_format is not None and export_rows is not None and start is not None and end is not None
    return ExportSpec(
        format=ExportFormat(export_format),
        rows=ExportRows(export_rows),
        start=start,
        end=end,
        statuses=tuple(sorted(set(wanted))) or tuple(sorted(s.value for s in LIVE)),
        symbol=cleaned_symbol or None,
        customer_id=customer_id,
        vat_rate=VatRate(rate) if rate is not None else None,
    )


def authorize(principal: Principal) -> None:
    """Finance (and admin) only, checked before the input. A customer is refused (403) even when naming
    their own account: exports are the center's books; a customer's own list is `myInvoices`."""
    access.require_finance(principal)


def _day(raw: str | None, field: str, c: Checker) -> date | None:
    if raw in (None, ""):
        return None
    try:
        if len(raw) != 10:
            raise ValueError(raw)
        return date.fromisoformat(raw)
    except ValueError:
        c.fail(field, "INVALID_DATE", "Ngày phải có dạng YYYY-MM-DD.", "A date is written YYYY-MM-DD.")
        return None


def from_query(principal: Principal, fmt: str, params: Mapping[str, list[str]]) -> ExportSpec:
    """The HTTP route's query string (`from`, `to`, `rows`, `status` (repeatable), `symbol`, `customer`,
    `vatRate`), after the caller is known to be finance."""
    authorize(principal)
    c = Checker()

    def one(name: str) -> str | None:
        values = params.get(name) or []
        return values[0] if values else None

    start, end = _day(one("from"), "from", c), _day(one("to"), "to", c)
    return build(
        fmt, start, end, rows=one("rows") or ExportRows.INVOICES.value, statuses=list(params.get("status") or []),
        symbol=one("symbol"), customer=one("customer"), vat_rate=one("vatRate"), checker=c,
    )  # fmt: skip


def link(spec: ExportSpec, base_url: str) -> str:
    """The HTTP route that serves `spec` (the caller still sends the finance bearer token with it)."""
    params: list[tuple[str, str]] = [("from", spec.start.isoformat()), ("to", spec.end.isoformat())]
    if spec.format is ExportFormat.CSV:
        params.append(("rows", spec.rows.value))
    params += [("status", s) for s in spec.statuses]
    if spec.symbol:
        params.append(("symbol", spec.symbol))
    if spec.customer_id is not None:
        params.append(("customer", str(spec.customer_id)))
    if spec.vat_rate is not None:
        params.append(("vatRate", spec.vat_rate.value))
    return f"{base_url.rstrip('/')}/billing/exports/{spec.format.value}?{urlencode(params)}"


def prepare(principal: Principal, fmt: object, start: date, end: date, *, rows: object = ExportRows.INVOICES,
            statuses: list[object] | None = None, symbol: str | None = None, customer: object = None,
            vat_rate: object = None) -> tuple[ExportSpec, str]:  # fmt: skip
    """GraphQL's `financeExport`: checks the caller and the input exactly as the route will, and returns
    the link, so a refusal comes back here rather than as a failed download."""
    authorize(principal)
    spec = build(fmt, start, end, rows=rows, statuses=statuses, symbol=symbol, customer=customer, vat_rate=vat_rate)
    return spec, link(spec, get_settings().public_base_url)
