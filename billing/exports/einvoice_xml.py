"""E-invoice XML in the tax authority's structure (shared/NOTES-domain.md): one `HDon` per invoice with
`DLHDon` → `TTChung` and `NDHDon` (seller `NBan`, buyer `NMua`, lines `DSHHDVu`, totals `TToan` with the
total in words), inside our `DSHDon` list, which ends with `TongHop` (count and totals per VAT rate over
the whole file). Written with lxml's incremental `xmlfile`: one invoice is built in memory at a time.
We export data for a licensed provider to sign (DSCKS) and send; we do not sign. The structure is
checked in tests against billing/data/einvoice.xsd."""

from __future__ import annotations

import io
from contextlib import ExitStack
from typing import Any

from lxml import etree

from app.config import Settings
from app.money import VatRate, amount_in_words
from billing.exports.repository import Row
from billing.exports.spec import ExportSpec
from billing.exports.totals import ExportTotals

VERSION = "2.1.0"  # PBan: the format version the notes describe
TITLE = "Hóa đơn giá trị gia tăng"
_RELATION = {"replacement": "1", "adjustment": "2"}  # TCHDon


def _sub(parent: Any, tag: str, text: object) -> None:
    etree.SubElement(parent, tag).text = str(text)


def _opt(parent: Any, tag: str, text: object) -> None:
    if text not in (None, ""):
        etree.SubElement(parent, tag).text = str(text)


class EinvoiceXml:
    """`open()` → bytes of the declaration and root; `invoices(page, lines)` → bytes of their HDon;
    `close(totals)` → the summary and the end of the root."""

    def __init__(self, settings: Settings, spec: ExportSpec) -> None:
        self._settings = settings
        self._spec = spec
        self._buffer = io.BytesIO()
        self._stack = ExitStack()
        self._xf: Any = None

    def _drain(self) -> bytes:
        self._xf.flush()
        data = self._buffer.getvalue()
        self._buffer.seek(0)
        self._buffer.truncate()
        return data

    def open(self) -> bytes:
        self._xf = self._stack.enter_context(etree.xmlfile(self._buffer, encoding="utf-8"))
        self._xf.write_declaration()
        self._stack.enter_context(
            self._xf.element("DSHDon", TuNgay=self._spec.start.isoformat(), DenNgay=self._spec.end.isoformat())
        )
        return self._drain()

    def invoices(self, page: list[Row], lines: list[Row]) -> bytes:
        grouped: dict[Any, list[Row]] = {}
        for line in lines:
            grouped.setdefault(line[0], []).append(line)
        for row in page:
            self._xf.write(self._invoice(row, grouped.get(row[0], [])), pretty_print=False)
        return self._drain()

    def close(self, totals: ExportTotals) -> bytes:
        summary = etree.Element("TongHop")
        _sub(summary, "SLHDon", totals.invoices)
        rates = etree.SubElement(summary, "THTTLTSuat")
        for rate, s in totals.rates():
            lt = etree.SubElement(rates, "LTSuat")
            _sub(lt, "TSuat", rate.invoice_label)
            _sub(lt, "SDong", s.lines)
            _sub(lt, "ThTien", s.amount)
            _sub(lt, "TThue", s.vat_amount)
            _sub(lt, "TgTien", s.total_amount)
        _sub(summary, "TgTCThue", totals.amount)
        _sub(summary, "TgTThue", totals.vat_amount)
        _sub(summary, "TgTTTBSo", totals.total_amount)
        self._xf.write(summary)
        self._stack.close()
        data = self._buffer.getvalue()
        return data

    def _seller(self, parent: Any) -> None:
        s = self._settings
        seller = etree.SubElement(parent, "NBan")
        _sub(seller, "Ten", s.seller_name)
        _sub(seller, "MST", s.seller_tax_code)
        _sub(seller, "DChi", s.seller_address)
        _opt(seller, "SDThoai", s.seller_phone)
        _opt(seller, "DCTDTu", s.seller_email)
        _opt(seller, "STKNHang", s.seller_bank_account)
        _opt(seller, "TNHang", s.seller_bank_name)

    def _invoice(self, row: Row, lines: list[Row]) -> Any:
        invoice_id, buyer_kind, buyer_name, tax_code, citizen_id, address, email = (row[0], *row[7:13])
        amount, vat, total, discount = row[13:17]
        hdon = etree.Element("HDon")
        data = etree.SubElement(hdon, "DLHDon", Id=f"HD{invoice_id}")
        self._general(data, row)
        content = etree.SubElement(data, "NDHDon")
        self._seller(content)
        buyer = etree.SubElement(content, "NMua")
        if buyer_kind == "organization":
            _sub(buyer, "Ten", buyer_name)
        _opt(buyer, "MST", tax_code)
        _opt(buyer, "DChi", address)
        if buyer_kind != "organization":
            _sub(buyer, "HVTNMHang", buyer_name)
        _opt(buyer, "CCCDan", citizen_id)
        _opt(buyer, "DCTDTu", email)
        per_rate = self._goods(content, lines)
        pay = etree.SubElement(content, "TToan")
        rates = etree.SubElement(pay, "THTTLTSuat")
        for rate in sorted(per_rate, key=_rate_position):
            lt = etree.SubElement(rates, "LTSuat")
            _sub(lt, "TSuat", VatRate(rate).invoice_label)
            _sub(lt, "ThTien", per_rate[rate][0])
            _sub(lt, "TThue", per_rate[rate][1])
        _sub(pay, "TgTCThue", amount)
        _sub(pay, "TgTThue", vat)
        _sub(pay, "TTCKTMai", discount)
        _sub(pay, "TgTTTBSo", total)
        _sub(pay, "TgTTTBChu", amount_in_words(int(total)))
        return hdon

    def _general(self, data: Any, row: Row) -> None:
        (_id, issue_date, kind, _status, template, symbol, number, *_rest) = row
        reason, o_template, o_symbol, o_number, o_date = row[19:24]
        general = etree.SubElement(data, "TTChung")
        _sub(general, "PBan", VERSION)
        _sub(general, "THDon", TITLE)
        _sub(general, "KHMSHDon", template)
        _sub(general, "KHHDon", symbol)
        _sub(general, "SHDon", number)
        _sub(general, "NLap", issue_date)
        _sub(general, "DVTTe", "VND")
        _sub(general, "HTTToan", "TM/CK")
        if kind in _RELATION and o_number is not None:
            related = etree.SubElement(general, "TTHDLQuan")
            _sub(related, "TCHDon", _RELATION[kind])
            _sub(related, "LHDCLQuan", "1")
            _sub(related, "KHMSHDCLQuan", o_template)
            _sub(related, "KHHDCLQuan", o_symbol)
            _sub(related, "SHDCLQuan", o_number)
            _sub(related, "NLHDCLQuan", o_date)
            _opt(related, "GChu", reason)

    def _goods(self, content: Any, lines: list[Row]) -> dict[str, list[int]]:
        """The lines; returns amount and VAT per rate for the invoice's TToan."""
        goods = etree.SubElement(content, "DSHHDVu")
        per_rate: dict[str, list[int]] = {}
        for line in lines:
            (_i, _d, _s, _n, position, name, unit, quantity, unit_amount, line_discount, rate, line_amount,
             line_vat, _t) = line  # fmt: skip
            item = etree.SubElement(goods, "HHDVu")
            _sub(item, "TChat", "1")
            _sub(item, "STT", position)
            _sub(item, "THHDVu", name)
            _opt(item, "DVTinh", unit)
            _sub(item, "SLuong", quantity)
            _sub(item, "DGia", unit_amount)
            _sub(item, "STCKhau", line_discount)
            _sub(item, "ThTien", line_amount)
            _sub(item, "TSuat", VatRate(rate).invoice_label)
            sums = per_rate.setdefault(rate, [0, 0])
            sums[0] += int(line_amount)
            sums[1] += int(line_vat)
        return per_rate


_ORDER = {rate.value: index for index, rate in enumerate(VatRate)}


def _rate_position(rate: str) -> int:
    return _ORDER.get(rate, len(_ORDER))


def error_element(code: str, message: str) -> bytes:
    """Appended after whatever was written when a stream fails: the file is then not well-formed (the
    root is never closed), and the element says why."""
    element = etree.Element("LoiXuat", Ma=code)
    element.text = message
    return b"\n" + etree.tostring(element, encoding="utf-8")
