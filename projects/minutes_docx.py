"""Milestone acceptance minutes (Biên bản nghiệm thu): who took part for each side, the work and its
deliverables, the documents handed over (with their SHA-256), the conclusion, the amount payable. Pure:
`compose` makes the data, `render` the file from a stored snapshot only. Wording: projects/data/
documents/acceptance_minutes.toml."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date
from pathlib import Path
from typing import Any

from app.documents import DocumentKind, blocks, texts
from app.documents.layout import Column, Sheet, clean, fill, money, percent, short_date
from app.money import VatRate, amount_in_words, vat_amount

TEXTS_FILE = Path(__file__).resolve().parent / "data" / "documents" / "acceptance_minutes.toml"
REQUIRED: dict[str, type] = {
    "title": str, "subtitle": str, "legal_bases": list, "opening": str, "client_label": str, "seller_label": str,
    "comment_label": str, "no_payment": str, "closing": str, "articles": list,
}  # fmt: skip
INSERTS = frozenset({"participants", "work", "comment", "payment"})
EVIDENCE_COLUMNS = (
    Column("STT", 12, "center"),
    Column("Tài liệu", 60),
    Column("Tệp hoặc nơi lưu; mã SHA-256", 93),
)
PAYMENT_COLUMNS = (Column("Nội dung", 117), Column("Số tiền (đồng)", 48, "right"))


def load_texts() -> dict[str, Any]:
    return texts.load(TEXTS_FILE, REQUIRED, INSERTS)


def minutes_number(position: int, project_code: str) -> str:
    return f"{position:02d}/BBNT-{project_code}"


def payment(amount: int, share_bp: int, rate: VatRate) -> dict[str, Any]:
    vat = vat_amount(amount, rate)
    return {
        "share_bp": share_bp,
        "amount": amount,
        "vat_rate": rate.value,
        "vat_label": rate.invoice_label,
        "vat_amount": vat,
        "total_amount": amount + vat,
        "in_words": amount_in_words(amount + vat),
    }


def compose(
    *,
    number: str,
    place: str,
    project: Mapping[str, Any],
    milestone: Mapping[str, Any],
    evidence: Sequence[Mapping[str, Any]],
    comment: str,
    participants: Mapping[str, Sequence[Mapping[str, str]]],
    participants_given: Mapping[str, Sequence[Mapping[str, str]]],
    seller: Mapping[str, str],
    client: Mapping[str, str],
    client_given: Mapping[str, str],
    amount: int,
    rate: VatRate,
    wording: Mapping[str, Any],
) -> dict[str, Any]:
    return {
        "number": number,
        "place": place,
        "project": {"code": project["code"], "name": project["name_vi"]},
        "milestone": {
            "id": int(milestone["id"]),
            "title": milestone["title_vi"],
            "deliverables": milestone["deliverables"],
            "planned_start": str(milestone["planned_start"]),
            "due_date": str(milestone["due_date"]),
            "actual_start": str(milestone["actual_start"] or milestone["planned_start"]),
            "accepted_on": str(milestone["actual_end"]),
        },
        "evidence": [
            {
                "name": e["name"],
                "filename": e.get("filename", ""),
                "url": e.get("url", ""),
                "sha256": e.get("sha256", ""),
            }
            for e in evidence
        ],
        "comment": comment,
        "participants": {side: [dict(p) for p in people] for side, people in participants.items()},
        "participants_given": {side: [dict(p) for p in people] for side, people in participants_given.items()},
        "seller": dict(seller),
        "client": dict(client),
        "client_given": dict(client_given),
        "payment": payment(amount, int(milestone["share_bp"]), rate),
        "texts": dict(wording),
    }


def values_of(data: Mapping[str, Any]) -> dict[str, str]:
    m, pay = data["milestone"], data["payment"]
    accepted = date.fromisoformat(m["accepted_on"])
    return {
        "minutes_number": data["number"],
        "project_code": data["project"]["code"],
        "project_name": clean(data["project"]["name"]),
        "milestone_title": clean(m["title"]),
        "accepted_on": short_date(accepted),
        "planned_start": short_date(date.fromisoformat(m["planned_start"])),
        "due_date": short_date(date.fromisoformat(m["due_date"])),
        "actual_start": short_date(date.fromisoformat(m["actual_start"])),
        "actual_end": short_date(accepted),
        "day": f"{accepted.day:02d}",
        "month": f"{accepted.month:02d}" if accepted.month < 3 else str(accepted.month),
        "year": str(accepted.year),
        "place": data["place"],
        "seller_name": clean(data["seller"]["name"]),
        "client_name": clean(data["client"]["name"]),
        "share_percent": percent(pay["share_bp"]),
        "amount": money(pay["amount"]),
        "vat_rate": pay["vat_label"],
        "vat_amount": money(pay["vat_amount"]),
        "total_amount": money(pay["total_amount"]),
        "total_in_words": pay["in_words"],
    }


def _participants(sheet: Sheet, data: Mapping[str, Any]) -> None:
    wording = data["texts"]
    sides = (("a", wording["client_label"], data["client"]), ("b", wording["seller_label"], data["seller"]))
    for index, (side, label, party) in enumerate(sides, start=1):
        sheet.rich([(f"{index}. {clean(label, 120)}: ", {"bold": True}), (clean(party["name"]), {"bold": True})],
                   align="left", indent=False, keep_with_next=True, space_after=2)  # fmt: skip
        people = data["participants"][side]
        for number, person in enumerate(people):
            title = clean(person.get("title", ""), 120)
            sheet.rich([("- Ông/Bà ", {}), (clean(person["name"], 120), {"bold": True}),
                        (f" – {title}" if title else "", {})],
                       align="left", keep_with_next=number < len(people) - 1, space_after=2)  # fmt: skip


def _work(sheet: Sheet, data: Mapping[str, Any], values: dict[str, str]) -> None:
    m = data["milestone"]
    sheet.paragraph(
        f"1. Thời gian thực hiện: từ ngày {values['actual_start']} đến ngày {values['actual_end']} "
        f"(kế hoạch: từ ngày {values['planned_start']} đến ngày {values['due_date']})."
    )
    sheet.paragraph("2. Sản phẩm bàn giao:", keep_with_next=True)
    deliverables = clean(m["deliverables"], 4000, multiline=True).splitlines() or ["(Không ghi sản phẩm.)"]
    for line in deliverables:
        if line.strip():
            sheet.paragraph(line if line.startswith(("-", "+")) else f"- {line}")
    evidence = data["evidence"]
    sheet.paragraph("3. Hồ sơ, tài liệu kèm theo:", keep_with_next=bool(evidence))
    if not evidence:
        sheet.paragraph("Không có tài liệu kèm theo.")
        return
    rows: list[list[str | list[str]]] = []
    for index, item in enumerate(evidence, start=1):
        where = [clean(item["filename"] or item["url"], 1000)]
        if item["sha256"]:
            where.append(f"SHA-256: {clean(item['sha256'], 64)}")
        rows.append([str(index), clean(item["name"]), where])
    sheet.table(EVIDENCE_COLUMNS, rows)
    sheet.paragraph("", space_after=0)


def _comment(sheet: Sheet, data: Mapping[str, Any]) -> None:
    comment = clean(data["comment"], 2000, multiline=True)
    if comment:
        sheet.rich([(data["texts"]["comment_label"] + " ", {"bold": True}), (comment, {"italic": True})])


def _payment(sheet: Sheet, data: Mapping[str, Any]) -> None:
    pay = data["payment"]
    if not pay["amount"]:
        sheet.paragraph(clean(data["texts"]["no_payment"], 1000))
        return
    share = percent(pay["share_bp"])
    rows: list[list[str | list[str]]] = [
        [f"Giá trị của mốc ({share}% giá trị hợp đồng), chưa bao gồm thuế GTGT", money(pay["amount"])],
        [f"Thuế GTGT ({pay['vat_label']})", money(pay["vat_amount"])],
    ]
    table = sheet.table(PAYMENT_COLUMNS, rows)
    sheet.summary_row(table, "Tổng giá trị thanh toán", money(pay["total_amount"]), bold=True)
    sheet.rich([("Bằng chữ: ", {"italic": True}), (f"{pay['in_words']}.", {"italic": True, "bold": True})],
               space_after=6)  # fmt: skip


def render(snapshot: Mapping[str, Any]) -> bytes:
    data = snapshot["data"]
    wording = data["texts"]
    values = values_of(data)
    accepted = date.fromisoformat(data["milestone"]["accepted_on"])
    seller, client = data["seller"], data["client"]
    sheet = Sheet(
        title=f"Biên bản nghiệm thu số {data['number']}",
        subject=f"{data['project']['code']} – {clean(data['milestone']['title'])}",
        author=clean(seller["name"]),
        day=accepted,
        category=DocumentKind.ACCEPTANCE_MINUTES.value,
    )
    blocks.heading(sheet, seller, data["number"], data["place"], accepted)
    sheet.title(clean(wording["title"]), clean(fill(wording["subtitle"], values), 600))
    blocks.legal_bases(sheet, wording["legal_bases"], values)
    sheet.paragraph(clean(fill(wording["opening"], values), 1000))
    blocks.articles(
        sheet,
        wording["articles"],
        values,
        {
            "participants": lambda: _participants(sheet, data),
            "work": lambda: _work(sheet, data, values),
            "comment": lambda: _comment(sheet, data),
            "payment": lambda: _payment(sheet, data),
        },
    )
    blocks.closing(sheet, wording["closing"], values)
    sheet.signatures(blocks.signer("Đại diện Bên A", client), blocks.signer("Đại diện Bên B", seller))
    return sheet.to_bytes()


def sample(seller: Mapping[str, str]) -> dict[str, Any]:
    """Minutes' data from made-up values (for `make documents-preview`)."""
    milestone = {
        "id": 3, "title_vi": "Lắp đặt hạ tầng trung tâm dữ liệu", "share_bp": 5000,
        "deliverables": "Phòng máy đạt chuẩn TIA-942 Rated 3\nHệ thống điện, làm mát, phòng cháy chữa cháy\n"
        "Biên bản lắp đặt và chạy thử thiết bị",
        "planned_start": date(2026, 11, 15), "due_date": date(2027, 3, 31), "actual_start": date(2026, 11, 16),
        "actual_end": date(2027, 3, 26),
    }  # fmt: skip
    evidence = [
        {"name": "Biên bản lắp đặt thiết bị", "filename": "bien-ban-lap-dat.pdf", "url": "",
         "sha256": "3f2a9c1e5b7d4a6f8e0c2b4d6f8a0c2e4b6d8f0a2c4e6b8d0f2a4c6e8b0d2f4a"},
        {"name": "Hồ sơ hoàn công", "filename": "", "url": "https://vanban.thanhhoa.gov.vn/ho-so/PPP-DC-01/hoan-cong",
         "sha256": ""},
    ]  # fmt: skip
    client = {
        "kind": "organization", "name": "Sở Khoa học và Công nghệ tỉnh Thanh Hóa", "tax_code": "2801234567",
        "citizen_id": "", "representative": "Trần Văn Cường", "title": "Phó Giám đốc",
        "address": "Số 15 đường Hạc Thành, phường Hạc Thành, tỉnh Thanh Hóa", "phone": "", "email": "",
        "bank_account": "", "bank_name": "",
    }  # fmt: skip
    participants = {
        "a": [{"name": "Trần Văn Cường", "title": "Phó Giám đốc"}, {"name": "Phạm Thị Dung", "title": "Chuyên viên"}],
        "b": [{"name": seller["representative"], "title": seller["title"]},
              {"name": "Hoàng Minh Đức", "title": "Cán bộ quản lý dự án"}],
    }  # fmt: skip
    return compose(
        number=minutes_number(3, "PPP-DC-01"), place="Thanh Hóa",
        project={"code": "PPP-DC-01", "name_vi": "Trung tâm dữ liệu tỉnh Thanh Hóa theo phương thức đối tác công tư"},
        milestone=milestone, evidence=evidence,
        comment="Đạt yêu cầu; đề nghị Bên B hoàn thiện hồ sơ hoàn công bản giấy.",
        participants=participants, participants_given={}, seller=seller, client=client, client_given={},
        amount=1_500_000_000_062, rate=VatRate.RATE_10, wording=load_texts(),
    )  # fmt: skip
