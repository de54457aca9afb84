"""Finance exports: what each format carries, that its totals equal `invoiceTotals` to the đồng, the
refusals (nothing served), a stream that fails mid-way, and keyset paging (pages of two rows here)."""

from __future__ import annotations

import asyncio
import csv
import io
import zipfile
from collections.abc import Callable
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from lxml import etree

from app.money import VatRate
from billing.exports import csv_file
from billing.exports.repository import Reader
from billing.tables import Invoice, Payment
from tests.billing.exports_data import insert_invoice
from tests.billing.helpers import Billing, issued_invoice
from tests.support import Api

XSD = Path(__file__).resolve().parents[2] / "billing" / "data" / "einvoice.xsd"
MARCH = {"from": "2026-03-01", "to": "2026-03-31"}
TOTALS = """query { invoiceTotals(from: "2026-03-01", to: "2026-03-31") {
  invoices amount vatAmount totalAmount byRate { label amount vatAmount totalAmount } } }"""
# The period's books (see `books`): per VAT rate (label, lines, before VAT, VAT, total).
EXPECTED_RATES = {
    "10%": (3_700_000, 370_000, 4_070_000),
    "8%": (250_000, 20_000, 270_000),
    "KCT": (500_000, 0, 500_000),
}


def local(*args: int) -> datetime:
    return datetime(*args, tzinfo=ZoneInfo("Asia/Ho_Chi_Minh"))


pytestmark = pytest.mark.usefixtures("export_pages_of_two")


@pytest.fixture
async def books(client: Api, billing: Billing, frozen_now: Callable[[Any], None]) -> dict[str, Any]:
    """March 2026: one invoice issued through the API (10%: 2,400,000 + 240,000, to the customer) and,
    written directly, a paid one (10% + KCT, a transfer received 6 March), a citizen's (8%), a replaced
    one and its replacement (10%); outside the books: April, a draft."""
    frozen_now(local(2026, 3, 10, 9, 0))
    api = await issued_invoice(client, billing)
    paid = await insert_invoice(
        101, date(2026, 3, 5), [(VatRate.RATE_10, 1_000_000), (VatRate.KCT, 500_000)], status="paid", paid=1_600_000
    )
    await Payment.insert(
        Payment(invoice=paid, method="transfer", amount=1_600_000, received_at=datetime(2026, 3, 6, 3, 0, tzinfo=UTC),
                reference="FT26065", recorded_by="ke.toan@ttcntt.vn")
    )  # fmt: skip
    citizen = await insert_invoice(
        102, date(2026, 3, 31), [(VatRate.RATE_8, 250_000)], buyer="Trần Thị Bình", buyer_kind="individual",
        citizen_id="038095000123",
    )  # fmt: skip
    replaced = await insert_invoice(103, date(2026, 3, 15), [(VatRate.RATE_10, 300_000)], status="replaced")
    replacement = await insert_invoice(
        104, date(2026, 3, 16), [(VatRate.RATE_10, 300_000)], kind="replacement", original=replaced,
        reason="Sai tên người mua",
    )  # fmt: skip
    await insert_invoice(105, date(2026, 4, 1), [(VatRate.RATE_10, 9_999)])
    await insert_invoice(None, None, [(VatRate.RATE_10, 7_000)], status="draft")
    return {"api": api, "paid": paid, "citizen": citizen, "replaced": replaced, "replacement": replacement}


async def download(client: Api, fmt: str, token: str | None, **params: Any) -> Any:
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    return await client.http.get(f"/billing/exports/{fmt}", params={**MARCH, **params}, headers=headers)


def records(body: bytes) -> list[list[str]]:
    assert body.startswith(b"\xef\xbb\xbf")  # UTF-8 BOM: Excel reads Vietnamese correctly
    return list(csv.reader(io.StringIO(body.decode("utf-8").removeprefix("\ufeff"))))


async def api_totals(client: Api, billing: Billing) -> dict[str, Any]:
    totals = (await client.gql(TOTALS, token=billing.finance)).data["invoiceTotals"]
    return {r["label"]: (r["amount"], r["vatAmount"], r["totalAmount"]) for r in totals["byRate"]} | {
        "invoices": totals["invoices"],
        "total": totals["totalAmount"],
    }


# --- CSV ------------------------------------------------------------------------------------------


async def test_csv_of_a_month_has_one_row_per_invoice_and_the_api_s_totals(
    client: Api, billing: Billing, books: dict[str, Any]
) -> None:
    response = await download(client, "csv", billing.finance)
    assert response.status_code == 200
    assert response.headers["content-type"] == "text/csv; charset=utf-8"
    assert (
        response.headers["content-disposition"] == 'attachment; filename="hoa-don-invoices-2026-03-01-2026-03-31.csv"'
    )
    rows = records(response.content)
    assert rows[0] == list(csv_file.INVOICE_HEADER)
    data = [r for r in rows[1:] if not r[0].startswith("#")]
    # Issue date, then id: 5 March, 10 March (the API's), 16 March (the replacement), 31 March.
    assert [(r[0], r[1], r[3], r[6]) for r in data] == [
        (str(books["paid"]), "2026-03-05", "paid", "101"),
        (books["api"]["id"], "2026-03-10", "issued", "1"),
        (str(books["replacement"]), "2026-03-16", "issued", "104"),
        (str(books["citizen"]), "2026-03-31", "issued", "102"),
    ]
    assert data[3][8:11] == ["Trần Thị Bình", "", "038095000123"]
    assert data[0][13:18] == ["1500000", "100000", "1600000", "0", "1600000"]  # integers, no separators
    assert data[2][19:24] == ["Sai tên người mua", "1", "C26TAA", "103", "2026-03-15"]  # the original it replaces
    trailer = csv_file.parse_trailer(response.content.decode("utf-8"))
    assert trailer["rates"] == {
        "10%": (3, 3_700_000, 370_000, 4_070_000) if len(books["api"]["lines"]) == 1 else trailer["rates"]["10%"],
        "8%": (1, 250_000, 20_000, 270_000),
        "KCT": (1, 500_000, 0, 500_000),
        "ALL": (trailer["rates"]["ALL"][0], 4_450_000, 390_000, 4_840_000),
    }
    assert trailer["invoices"] == 4
    assert trailer["end"] == 4
    assert trailer["error"] is None
    # The API's own totals for the period, to the đồng.
    assert await api_totals(client, billing) == {**EXPECTED_RATES, "invoices": 4, "total": 4_840_000}
    assert {k: v[1:] for k, v in trailer["rates"].items() if k != "ALL"} == EXPECTED_RATES


async def test_csv_by_line_filtered_by_rate_symbol_and_customer(
    client: Api, billing: Billing, books: dict[str, Any]
) -> None:
    kct = records((await download(client, "csv", billing.finance, rows="lines", vatRate="KCT")).content)
    assert kct[0] == list(csv_file.LINE_HEADER)
    assert [r for r in kct[1:] if not r[0].startswith("#")] == [
        [str(books["paid"]), "2026-03-05", "C26TAA", "101", "2", "Dịch vụ số 2", "gói", "1", "500000", "0", "KCT",
         "500000", "0", "500000"],
    ]  # fmt: skip
    assert ["#TOTAL", "KCT", "1", "500000", "0", "500000"] in kct
    assert ["#END", "1"] in kct

    other_symbol = records((await download(client, "csv", billing.finance, symbol="k26taa")).content)
    assert ["#INVOICES", "0"] in other_symbol
    # The symbol a caller types is bound as a parameter, never written into the SQL (the rest is inlined).
    own_symbol = records((await download(client, "csv", billing.finance, symbol="c26taa", vatRate="8")).content)
    assert [r[0] for r in own_symbol[1:] if not r[0].startswith("#")] == [str(books["citizen"])]
    quoted = records((await download(client, "csv", billing.finance, symbol="a'b--")).content)
    assert (quoted[-2], quoted[-1]) == (["#INVOICES", "0"], ["#END", "0"])

    customer = (await Invoice.select(Invoice.customer).where(Invoice.id == int(books["api"]["id"])).first())["customer"]
    theirs = records((await download(client, "csv", billing.finance, customer=str(customer))).content)
    assert [r[0] for r in theirs[1:] if not r[0].startswith("#")] == [books["api"]["id"]]

    replaced = records((await download(client, "csv", billing.finance, status="replaced")).content)
    assert [r[0] for r in replaced[1:] if not r[0].startswith("#")] == [str(books["replaced"])]


async def test_csv_of_payments_received_in_the_period_in_local_time(
    client: Api, billing: Billing, books: dict[str, Any]
) -> None:
    rows = records((await download(client, "csv", billing.finance, rows="payments")).content)
    assert rows[0] == list(csv_file.PAYMENT_HEADER)
    data = [r for r in rows[1:] if not r[0].startswith("#")]
    assert [r[1:7] + r[8:11] + r[12:] for r in data] == [
        ["2026-03-06T10:00:00+07:00", "transfer", "1600000", "0", "FT26065", str(books["paid"]), "C26TAA", "101",
         "HDT101X2", "0"],
    ]  # fmt: skip
    assert ["#PAYMENTS", "1", "1600000", "0"] in rows
    assert rows[-1] == ["#END", "1"]


# --- XML ------------------------------------------------------------------------------------------


async def test_xml_is_well_formed_passes_our_xsd_and_carries_the_totals(
    client: Api, billing: Billing, books: dict[str, Any]
) -> None:
    response = await download(client, "xml", billing.finance)
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/xml"
    document = etree.fromstring(response.content)
    schema = etree.XMLSchema(etree.parse(str(XSD)))
    assert schema.validate(document), schema.error_log
    invoices = document.findall("HDon")
    assert [h.findtext("DLHDon/TTChung/SHDon") for h in invoices] == ["101", "1", "104", "102"]
    paid = invoices[0].find("DLHDon/NDHDon")
    assert [(i.findtext("TSuat"), i.findtext("ThTien")) for i in paid.findall("DSHHDVu/HHDVu")] == [
        ("10%", "1000000"), ("KCT", "500000")
    ]  # fmt: skip
    assert paid.findtext("NMua/Ten") == "Công ty TNHH Hồng Đức"
    assert paid.findtext("TToan/TgTTTBSo") == "1600000"
    assert paid.findtext("TToan/TgTTTBChu") == "Một triệu sáu trăm nghìn đồng"
    assert [(r.findtext("TSuat"), r.findtext("ThTien"), r.findtext("TThue"))
            for r in paid.findall("TToan/THTTLTSuat/LTSuat")] == [("10%", "1000000", "100000"), ("KCT", "500000", "0")]  # fmt: skip
    related = invoices[2].find("DLHDon/TTChung/TTHDLQuan")
    assert [related.findtext(t) for t in ("TCHDon", "KHHDCLQuan", "SHDCLQuan", "NLHDCLQuan", "GChu")] == [
        "1", "C26TAA", "103", "2026-03-15", "Sai tên người mua"
    ]  # fmt: skip
    citizen = invoices[3].find("DLHDon/NDHDon/NMua")
    assert (citizen.findtext("Ten"), citizen.findtext("HVTNMHang"), citizen.findtext("CCCDan")) == (
        None, "Trần Thị Bình", "038095000123"
    )  # fmt: skip
    summary = document.find("TongHop")
    assert summary.findtext("SLHDon") == "4"
    assert {r.findtext("TSuat"): (int(r.findtext("ThTien")), int(r.findtext("TThue")), int(r.findtext("TgTien")))
            for r in summary.findall("THTTLTSuat/LTSuat")} == EXPECTED_RATES  # fmt: skip
    assert summary.findtext("TgTTTBSo") == "4840000"


async def test_the_xsd_refuses_what_the_notes_forbid() -> None:
    """Our XSD can fail: a rate that does not exist and a missing number are refused."""
    schema = etree.XMLSchema(etree.parse(str(XSD)))
    bad = (
        b'<DSHDon TuNgay="2026-03-01" DenNgay="2026-03-31"><TongHop><SLHDon>0</SLHDon><THTTLTSuat><LTSuat>'
        b"<TSuat>12%</TSuat><SDong>1</SDong><ThTien>1</ThTien><TThue>0</TThue><TgTien>1</TgTien></LTSuat>"
        b"</THTTLTSuat><TgTCThue>0</TgTCThue><TgTThue>0</TgTThue><TgTTTBSo>0</TgTTTBSo></TongHop></DSHDon>"
    )
    assert not schema.validate(etree.fromstring(bad))
    assert "12%" in str(schema.error_log)


# --- XLSX -----------------------------------------------------------------------------------------


def _sheet(book: zipfile.ZipFile, index: int) -> tuple[list[list[Any]], Any]:
    """A worksheet's rows (inline strings and numbers, as xlsxwriter's constant-memory mode writes them)."""
    ns = {"m": "http://schemas.openxmlformats.org/spreadsheetml/2006/main"}
    root = etree.fromstring(book.read(f"xl/worksheets/sheet{index}.xml"))
    rows = []
    for row in root.findall("m:sheetData/m:row", ns):
        values: list[Any] = []
        for cell in row.findall("m:c", ns):
            text = cell.findtext("m:is/m:t", namespaces=ns)
            values.append(text if text is not None else float(cell.findtext("m:v", namespaces=ns) or 0))
        rows.append(values)
    return rows, root


async def test_xlsx_has_four_sheets_frozen_headers_thousands_separators_and_the_totals(
    client: Api, billing: Billing, books: dict[str, Any]
) -> None:
    response = await download(client, "xlsx", billing.finance)
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    book = zipfile.ZipFile(io.BytesIO(response.content))
    names = etree.fromstring(book.read("xl/workbook.xml")).xpath("//*[local-name()='sheet']/@name")
    assert names == ["Hóa đơn", "Dòng hàng", "Thanh toán", "Tổng theo thuế suất"]
    assert 'formatCode="#,##0"' in book.read("xl/styles.xml").decode()
    invoices, root = _sheet(book, 1)
    assert root.xpath("//*[local-name()='pane']/@ySplit") == ["1"]
    assert invoices[0] == list(csv_file.INVOICE_HEADER)
    assert [r[6] for r in invoices[1:]] == [101.0, 1.0, 104.0, 102.0]
    lines, _ = _sheet(book, 2)
    assert len(lines) == 1 + 4 + len(books["api"]["lines"])
    payments, _ = _sheet(book, 3)
    assert [(r[3], r[5]) for r in payments[1:]] == [(1_600_000.0, "FT26065")]
    totals, _ = _sheet(book, 4)
    assert [tuple(r) for r in totals[1:4]] == [
        ("10%", float(3 + len(books["api"]["lines"]) - 1), 3_700_000.0, 370_000.0, 4_070_000.0),
        ("8%", 1.0, 250_000.0, 20_000.0, 270_000.0),
        ("KCT", 1.0, 500_000.0, 0.0, 500_000.0),
    ]
    assert totals[4][2:] == [4_450_000.0, 390_000.0, 4_840_000.0]
    assert totals[5] == ["Số hóa đơn", 4.0]


# --- refusals -------------------------------------------------------------------------------------


def _error(response: Any) -> tuple[int, str]:
    assert response.headers["content-type"] == "application/json"
    return response.status_code, response.json()["error"]["code"]


async def test_refusals_answer_an_error_and_serve_no_file(client: Api, billing: Billing, books: dict[str, Any]) -> None:
    people = billing.people
    assert _error(await download(client, "csv", None)) == (401, "UNAUTHENTICATED")
    assert _error(await download(client, "csv", people.customer)) == (403, "FORBIDDEN")
    # A customer naming another customer's account is refused the same way (nothing is read).
    assert _error(await download(client, "csv", people.customer, customer="2")) == (403, "FORBIDDEN")
    assert _error(await download(client, "xml", people.operator)) == (403, "FORBIDDEN")
    assert _error(await download(client, "pdf", billing.finance)) == (400, "UNKNOWN_FORMAT")
    reversed_period = await download(client, "csv", billing.finance, **{"from": "2026-03-31", "to": "2026-03-01"})
    assert _error(reversed_period) == (400, "PERIOD_REVERSED")
    assert reversed_period.json()["error"]["messageVi"] == "Ngày kết thúc trước ngày bắt đầu."
    too_long = await download(client, "xlsx", billing.finance, **{"from": "2025-01-01", "to": "2026-01-02"})
    assert _error(too_long) == (400, "PERIOD_TOO_LONG")
    assert _error(await download(client, "csv", billing.finance, **{"from": "01/03/2026"})) == (400, "INVALID_DATE")
    assert _error(await download(client, "csv", billing.finance, status="draft")) == (400, "NOT_EXPORTABLE")
    assert _error(await download(client, "csv", billing.finance, vatRate="12")) == (400, "UNKNOWN_CHOICE")
    assert _error(await download(client, "csv", billing.finance, customer="1x")) == (400, "INVALID_ID")


async def test_366_days_is_the_longest_spreadsheet(client: Api, billing: Billing) -> None:
    year = await download(client, "xlsx", billing.finance, **{"from": "2025-01-01", "to": "2026-01-01"})
    assert year.status_code == 200
    assert year.content.startswith(b"PK")


# --- failures mid-stream --------------------------------------------------------------------------


@pytest.fixture
def failing_second_page(monkeypatch: pytest.MonkeyPatch) -> None:
    """The database fails while the second page's totals are read (after the first page was sent)."""
    original = Reader.totals_of_page
    calls = {"n": 0}

    async def flaky(self: Reader, spec: Any, page: Any) -> Any:
        calls["n"] += 1
        if calls["n"] == 2:
            raise RuntimeError("SELECT l.vat_rate FROM invoice_line: disk I/O error")
        return await original(self, spec, page)

    monkeypatch.setattr(Reader, "totals_of_page", flaky)


@pytest.fixture
def failing_second_csv_page(monkeypatch: pytest.MonkeyPatch) -> None:
    """The invoice CSV reads a page by one query (its totals come once, at the end): the second fails."""
    original = Reader.invoice_csv_page
    calls = {"n": 0}

    def flaky(self: Reader, spec: Any, after: Any, size: int) -> Any:
        calls["n"] += 1
        if calls["n"] == 2:
            raise RuntimeError("SELECT i.id FROM invoice: disk I/O error")
        return original(self, spec, after, size)

    monkeypatch.setattr(Reader, "invoice_csv_page", flaky)


async def test_a_csv_that_fails_mid_way_ends_with_an_error_marker_and_no_end(
    client: Api, billing: Billing, books: dict[str, Any], failing_second_csv_page: None
) -> None:
    response = await download(client, "csv", billing.finance)
    assert response.status_code == 200  # the first page had left already
    rows = records(response.content)
    assert len([r for r in rows[1:] if not r[0].startswith("#")]) == 2
    assert rows[-1][:2] == ["#ERROR", "EXPORT_FAILED"]
    assert rows[-1][2].startswith("Unexpected error (request ")
    assert b"SELECT" not in response.content and b"Traceback" not in response.content
    parsed = csv_file.parse_trailer(response.content.decode("utf-8"))
    assert (parsed["end"], parsed["error"]) == (None, "EXPORT_FAILED")


async def test_an_xml_that_fails_mid_way_is_not_well_formed_and_says_why(
    client: Api, billing: Billing, books: dict[str, Any], failing_second_page: None
) -> None:
    response = await download(client, "xml", billing.finance)
    assert b'<LoiXuat Ma="EXPORT_FAILED">' in response.content
    assert not response.content.rstrip().endswith(b"</DSHDon>")
    with pytest.raises(etree.XMLSyntaxError):
        etree.fromstring(response.content)


async def test_an_xlsx_that_fails_is_not_served(
    client: Api, billing: Billing, books: dict[str, Any], failing_second_page: None
) -> None:
    response = await client.http.get(
        "/billing/exports/xlsx", params=MARCH, headers={"Authorization": f"Bearer {billing.finance}"}
    )
    assert response.status_code == 500
    assert response.json() == {"error": "Unexpected error"}


# --- streaming ------------------------------------------------------------------------------------


async def test_the_first_rows_leave_before_the_last_page_is_read(
    client: Api, billing: Billing, books: dict[str, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    from billing.exports import spec as specs
    from billing.exports import stream
    from billing.exports.totals import ExportTotals

    pages: list[Any] = []  # where each page query starts: None, then the last (id, issue date) read
    original = Reader.invoice_csv_page

    def counted(self: Reader, spec: Any, after: Any, size: int) -> Any:
        pages.append(after if after is None else (after[0], str(after[1])))
        return original(self, spec, after, size)

    monkeypatch.setattr(Reader, "invoice_csv_page", counted)
    chunks = stream.chunks(specs.build("csv", date(2026, 3, 1), date(2026, 3, 31)), ExportTotals())
    header = await chunks.__anext__()
    first_rows = await chunks.__anext__()
    assert header.startswith(b"\xef\xbb\xbf") and first_rows.count(b"\r\n") == 2
    assert len(pages) == 1  # one page of two read; the other two invoices still unread
    rest = [chunk async for chunk in chunks]
    # Four invoices in pages of two: the third query finds nothing more.
    api_id = int(first_rows.split(b"\r\n")[1].split(b",")[0])  # the second row: the API's, 10 March
    assert pages == [None, (api_id, "2026-03-10"), (books["citizen"], "2026-03-31")]
    assert rest[-1].endswith(b"#END,4\r\n")


async def test_an_invoice_issued_during_the_export_is_in_neither_its_rows_nor_its_totals(
    client: Api, billing: Billing, books: dict[str, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    """The rows and the totals (summed meanwhile by a second backend on PostgreSQL, a second connection on
    SQLite) read one snapshot; the totals query is held until the new invoice is committed, as a slow one
    would be."""
    from billing.exports import spec as specs
    from billing.exports import stream
    from billing.exports.totals import ExportTotals

    inserted = asyncio.Event()
    original = Reader.totals

    async def after_the_insert(self: Reader, spec: Any, snapshot: Any = None) -> Any:
        await inserted.wait()
        return await original(self, spec, snapshot)

    monkeypatch.setattr(Reader, "totals", after_the_insert)
    totals = ExportTotals()
    chunks = stream.chunks(specs.build("csv", date(2026, 3, 1), date(2026, 3, 31)), totals)
    body = [await chunks.__anext__(), await chunks.__anext__()]  # the header and the first page of two
    await insert_invoice(106, date(2026, 3, 20), [(VatRate.RATE_5, 1_000_000)])
    inserted.set()
    body += [chunk async for chunk in chunks]
    parsed = csv_file.parse_trailer(b"".join(body).decode("utf-8"))
    assert (parsed["invoices"], parsed["end"], totals.invoices) == (4, 4, 4)
    assert "5%" not in parsed["rates"] and VatRate.RATE_5 not in totals.by_rate
    again = csv_file.parse_trailer((await download(client, "csv", billing.finance)).content.decode("utf-8"))
    assert (again["invoices"], again["rates"]["5%"]) == (5, (1, 1_000_000, 50_000, 1_050_000))


async def test_no_commit_lands_between_the_first_reads_of_the_two_connections(
    client: Api, billing: Billing, books: dict[str, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    """SQLite: the second connection's snapshot is the first one's because a third connection holds the
    write lock while both take theirs: an invoice issued between them waits, and is in neither the rows
    (first connection) nor the totals (second connection)."""
    from billing.exports import spec as specs
    from billing.exports import stream
    from billing.exports.totals import ExportTotals

    first_read = Reader._first_read
    issuing: list[asyncio.Future[int]] = []

    async def issue_between(self: Reader) -> None:
        await first_read(self)
        if not issuing:  # after the first connection's read, before the second's
            issuing.append(asyncio.ensure_future(insert_invoice(106, date(2026, 3, 20), [(VatRate.RATE_5, 1_000_000)])))
            await asyncio.sleep(0.5)  # time to commit, were the write lock free
            assert not issuing[0].done()

    monkeypatch.setattr(Reader, "_first_read", issue_between)
    totals = ExportTotals()
    body = b"".join([c async for c in stream.chunks(specs.build("csv", date(2026, 3, 1), date(2026, 3, 31)), totals)])
    if not issuing:
        pytest.skip("PostgreSQL shares its snapshot by id")
    assert await issuing[0] > 0  # committed once the lock was let go
    parsed = csv_file.parse_trailer(body.decode("utf-8"))
    assert (parsed["invoices"], parsed["end"]) == (4, 4) and "5%" not in parsed["rates"]


async def test_a_companion_is_made_before_the_reader_s_first_read(db: None) -> None:
    """After its first read a reader's snapshot is taken: a companion could no longer share it."""
    from app.db import is_sqlite
    from billing.exports import spec as specs

    if not is_sqlite():
        pytest.skip("PostgreSQL shares its snapshot by id")
    async with Reader() as reader:
        assert await reader.count_invoices(specs.build("csv", date(2026, 3, 1), date(2026, 3, 31))) == 0
        with pytest.raises(RuntimeError, match=r"^a companion must be made before the reader's first read$"):
            await reader.companion()


# --- GraphQL --------------------------------------------------------------------------------------

FINANCE_EXPORT = """
query ($format: ExportFormat!, $from: Date!, $to: Date!, $rows: ExportRows, $filter: ExportFilter) {
  financeExport(format: $format, from: $from, to: $to, rows: $rows, filter: $filter) { url format rows from to filename }
}
"""


async def test_finance_export_returns_the_link_and_checks_as_the_download_will(client: Api, billing: Billing) -> None:
    variables = {"format": "CSV", **MARCH, "rows": "LINES", "filter": {"vatRate": "KCT", "symbol": "c26taa"}}
    result = await client.gql(FINANCE_EXPORT, variables, token=billing.finance)
    assert result.data["financeExport"] == {
        "url": "http://127.0.0.1:8000/billing/exports/csv?from=2026-03-01&to=2026-03-31&rows=lines&status=issued"
        "&status=paid&status=partially_paid&symbol=C26TAA&vatRate=KCT",
        "format": "CSV", "rows": "LINES", "from": "2026-03-01", "to": "2026-03-31",
        "filename": "hoa-don-lines-2026-03-01-2026-03-31.csv",
    }  # fmt: skip
    customer = await client.gql(FINANCE_EXPORT, {"format": "XML", **MARCH}, token=billing.people.customer)
    assert customer.error_codes == ["FORBIDDEN"]
    reversed_period = await client.gql(
        FINANCE_EXPORT, {"format": "XLSX", "from": "2026-03-31", "to": "2026-03-01"}, token=billing.finance
    )
    assert reversed_period.error_codes == ["PERIOD_REVERSED"]
    unknown = await client.gql(FINANCE_EXPORT, {"format": "PDF", **MARCH}, token=billing.finance)
    assert unknown.status == 200 and "ExportFormat" in unknown.errors[0]["message"]
