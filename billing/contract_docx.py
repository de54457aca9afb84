"""The service contract (Hợp đồng cung cấp dịch vụ) of an accepted quote, as a Word file. Pure: `compose`
makes the data from plain values, `render` makes the file from a stored snapshot and nothing else, so the
same snapshot always gives the same bytes. The wording is billing/data/documents/service_contract.toml
(legal staff edit it; see app.documents.texts)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date
from pathlib import Path
from typing import Any

from app.documents import DocumentKind, blocks, texts
from app.documents.layout import Column, Sheet, clean, fill, money
from app.money import RATE_ORDER, VatRate, amount_in_words

TEXTS_FILE = Path(__file__).resolve().parent / "data" / "documents" / "service_contract.toml"
REQUIRED: dict[str, type] = {
    "title": str, "subtitle": str, "legal_bases": list, "opening": str, "buyer_label": str, "seller_label": str,
    "agreement": str, "payment_transfer": str, "payment_reference_known": str, "payment_reference_later": str,
    "payment_card": str, "closing": str, "articles": list,
}  # fmt: skip
INSERTS = frozenset({"scope", "payment"})
UNITS = {
    "month": "tháng", "year": "năm", "course_seat": "chỗ học", "man_day": "ngày công", "system": "hệ thống",
    "half_day": "buổi", "day": "ngày", "hour": "giờ", "package": "gói", "project": "dự án", "incident": "sự cố",
    "rack_unit_month": "U/tháng", "vm_month": "máy ảo/tháng", "tb_month": "TB/tháng",
}  # fmt: skip
COLUMNS = (
    Column("STT", 12, "center"),
    Column("Nội dung dịch vụ", 52),
    Column("Số lượng", 22, "center"),
    Column("Đơn giá (đồng)", 30, "right"),
    Column("Thuế suất", 17, "center"),
    Column("Thành tiền (đồng)", 32, "right"),
)


def load_texts() -> dict[str, Any]:
    return texts.load(TEXTS_FILE, REQUIRED, INSERTS)


def contract_number(quote_id: int, year: int, suffix: str) -> str:
    return f"{quote_id:04d}/{year}/HĐDV-{suffix}"


def _rate_label(rate: VatRate) -> str:
    if rate is VatRate.KCT:
        return "không chịu thuế GTGT (KCT)"
    if rate is VatRate.KKKNT:
        return "không kê khai, tính nộp thuế GTGT (KKKNT)"
    return f"chịu thuế suất GTGT {rate.invoice_label}"


def totals(lines: Sequence[Mapping[str, Any]]) -> dict[str, Any]:
    """Per VAT rate (sums of the rounded lines, as the quote and its invoice have them), and in all."""
    sums: dict[VatRate, tuple[int, int]] = {}
    for line in lines:
        rate = VatRate(line["vat_rate"])
        amount, vat = sums.get(rate, (0, 0))
        sums[rate] = (amount + int(line["amount"]), vat + int(line["vat_amount"]))
    by_rate = [
        {"vat_rate": r.value, "label": r.invoice_label, "amount": sums[r][0], "vat_amount": sums[r][1]}
        for r in RATE_ORDER
        if r in sums
    ]
    amount, vat = sum(a for a, _ in sums.values()), sum(v for _, v in sums.values())
    return {
        "by_rate": by_rate,
        "amount": amount,
        "vat_amount": vat,
        "total_amount": amount + vat,
        "discount_amount": sum(int(line["discount_amount"]) for line in lines),
        "in_words": amount_in_words(amount + vat),
    }


def compose(
    *,
    number: str,
    signed_on: date,
    place: str,
    request_code: str,
    quote: Mapping[str, Any],
    lines: Sequence[Mapping[str, Any]],
    seller: Mapping[str, str],
    buyer: Mapping[str, str],
    buyer_given: Mapping[str, str],
    payment_days: int,
    payment_reference: str,
    card: bool,
    wording: Mapping[str, Any],
) -> dict[str, Any]:
    """Everything the contract shows: a document's data (its snapshot without the version and date)."""
    rows = [
        {
            "name": line["name_vi"], "unit": line["unit"], "quantity": int(line["quantity"]),
            "unit_amount": int(line["unit_amount"]), "discount_amount": int(line["discount_amount"]),
            "vat_rate": line["vat_rate"], "amount": int(line["amount"]), "vat_amount": int(line["vat_amount"]),
            "total_amount": int(line["total_amount"]),
        }
        for line in lines
    ]  # fmt: skip
    return {
        "number": number,
        "signed_on": signed_on.isoformat(),
        "place": place,
        "request_code": request_code,
        "quote": {
            "id": int(quote["id"]),
            "revision": int(quote["revision"]),
            "valid_until": str(quote["valid_until"]),
            "note": quote.get("note", ""),
        },
        "seller": dict(seller),
        "buyer": dict(buyer),
        "buyer_given": dict(buyer_given),
        "lines": rows,
        "totals": totals(rows),
        "payment": {"days": payment_days, "reference": payment_reference, "card": card},
        "texts": dict(wording),
    }


def values_of(data: Mapping[str, Any]) -> dict[str, str]:
    """What the wording's {placeholders} may use."""
    signed = date.fromisoformat(data["signed_on"])
    t = data["totals"]
    return {
        "contract_number": data["number"],
        "request_code": data["request_code"],
        "quote_revision": str(data["quote"]["revision"]),
        "accepted_on": signed.strftime("%d/%m/%Y"),
        "valid_until": date.fromisoformat(data["quote"]["valid_until"]).strftime("%d/%m/%Y"),
        "day": f"{signed.day:02d}",
        "month": f"{signed.month:02d}" if signed.month < 3 else str(signed.month),
        "year": str(signed.year),
        "place": data["place"],
        "seller_name": clean(data["seller"]["name"]),
        "buyer_name": clean(data["buyer"]["name"]),
        "total_amount": money(t["total_amount"]),
        "total_in_words": t["in_words"],
        "payment_days": str(data["payment"]["days"]),
        "payment_reference": data["payment"]["reference"],
        "bank_account": clean(data["seller"]["bank_account"], 40),
        "bank_name": clean(data["seller"]["bank_name"], 200),
    }


def _scope(sheet: Sheet, data: Mapping[str, Any]) -> None:
    rows: list[list[str | list[str]]] = []
    for index, line in enumerate(data["lines"], start=1):
        name = [clean(line["name"], 500)]
        if line["discount_amount"]:
            name.append(f"Chiết khấu: {money(line['discount_amount'])} đồng")
        unit = UNITS.get(line["unit"], clean(line["unit"], 40))
        rows.append([
            str(index), name, f"{money(line['quantity'])} {unit}".strip(), money(line["unit_amount"]),
            VatRate(line["vat_rate"]).invoice_label, money(line["amount"]),
        ])  # fmt: skip
    table = sheet.table(COLUMNS, rows)
    t = data["totals"]
    for rate_total in t["by_rate"]:
        rate = VatRate(rate_total["vat_rate"])
        sheet.summary_row(table, f"Cộng tiền dịch vụ {_rate_label(rate)}", money(rate_total["amount"]))
        if rate.value.isdigit():
            sheet.summary_row(table, f"Tiền thuế GTGT {rate.invoice_label}", money(rate_total["vat_amount"]))
    sheet.summary_row(table, "Tổng cộng tiền thanh toán", money(t["total_amount"]), bold=True)
    sheet.rich([("Bằng chữ: ", {"italic": True}), (f"{t['in_words']}.", {"italic": True, "bold": True})],
               space_after=6)  # fmt: skip


def _payment(sheet: Sheet, data: Mapping[str, Any], values: dict[str, str]) -> None:
    wording = data["texts"]
    sheet.paragraph(clean(fill(wording["payment_transfer"], values), 1000))
    later = not data["payment"]["reference"]
    reference = wording["payment_reference_later" if later else "payment_reference_known"]
    sheet.paragraph(clean(fill(reference, values), 1000))
    if data["payment"]["card"]:
        sheet.paragraph(clean(fill(wording["payment_card"], values), 1000))


def render(snapshot: Mapping[str, Any]) -> bytes:
    data = snapshot["data"]
    wording = data["texts"]
    values = values_of(data)
    signed = date.fromisoformat(data["signed_on"])
    seller, buyer = data["seller"], data["buyer"]
    sheet = Sheet(
        title=f"{wording['title'].capitalize()} số {data['number']}",
        subject=f"{clean(buyer['name'])} – {data['request_code']}",
        author=clean(seller["name"]),
        day=signed,
        category=DocumentKind.SERVICE_CONTRACT.value,
    )
    blocks.heading(sheet, seller, data["number"], data["place"], signed)
    sheet.title(clean(wording["title"]), clean(fill(wording["subtitle"], values)))
    blocks.legal_bases(sheet, wording["legal_bases"], values)
    sheet.paragraph(clean(fill(wording["opening"], values), 1000))
    blocks.party(sheet, wording["buyer_label"], buyer)
    blocks.party(sheet, wording["seller_label"], seller)
    sheet.paragraph(clean(fill(wording["agreement"], values), 1000))
    blocks.articles(
        sheet,
        wording["articles"],
        values,
        {"scope": lambda: _scope(sheet, data), "payment": lambda: _payment(sheet, data, values)},
    )
    blocks.closing(sheet, wording["closing"], values)
    sheet.signatures(blocks.signer("Đại diện Bên A", buyer), blocks.signer("Đại diện Bên B", seller))
    return sheet.to_bytes()


def sample(seller: Mapping[str, str]) -> dict[str, Any]:
    """A contract's data from made-up values (the center's settings and the current wording): what
    `make documents-preview` renders, so legal staff see their wording in place."""
    quote = {"id": 7, "revision": 2, "valid_until": date(2026, 12, 31), "note": ""}
    lines: list[dict[str, Any]] = [
        {"name_vi": "Lưu trữ dữ liệu tại Trung tâm dữ liệu tỉnh – Gói lưu trữ 1 TB", "unit": "tb_month",
         "quantity": 24, "unit_amount": 1_200_000, "discount_amount": 1_440_000, "vat_rate": "10"},
        {"name_vi": "Máy chủ ảo trên nền tảng điện toán đám mây – Gói 4 vCPU, 8 GB RAM", "unit": "vm_month",
         "quantity": 12, "unit_amount": 2_350_000, "discount_amount": 0, "vat_rate": "10"},
        {"name_vi": "Đào tạo an toàn thông tin cho cán bộ – Lớp cơ bản", "unit": "course_seat",
         "quantity": 15, "unit_amount": 1_850_000, "discount_amount": 0, "vat_rate": "KCT"},
        {"name_vi": "Phí kênh tiếp nhận (trực tuyến)", "unit": "", "quantity": 1, "unit_amount": 50_000,
         "discount_amount": 0, "vat_rate": "10"},
    ]  # fmt: skip
    for line in lines:
        line["amount"] = int(line["quantity"]) * int(line["unit_amount"]) - int(line["discount_amount"])
        line["vat_amount"] = (int(line["amount"]) * VatRate(line["vat_rate"]).percent + 50) // 100
        line["total_amount"] = int(line["amount"]) + int(line["vat_amount"])
    buyer = {
        "kind": "organization", "name": "Công ty Cổ phần Phần mềm Hạc Thành", "tax_code": "0100109106",
        "citizen_id": "", "representative": "Lê Thị Bình", "title": "Giám đốc",
        "address": "Số 25 đường Lê Lợi, phường Hạc Thành, tỉnh Thanh Hóa", "phone": "0912345678",
        "email": "ketoan@hacthanh.example.vn", "bank_account": "0123456789",
        "bank_name": "Ngân hàng TMCP Ngoại thương Việt Nam – Chi nhánh Thanh Hóa",
    }  # fmt: skip
    return compose(
        number=contract_number(7, 2026, "TTCNTT"), signed_on=date(2026, 12, 1), place="Thanh Hóa",
        request_code="TTCNTT-261201-0042-X7", quote=quote, lines=lines, seller=seller, buyer=buyer, buyer_given={},
        payment_days=15, payment_reference="HDK7M2Q9XR4T", card=True, wording=load_texts(),
    )  # fmt: skip
