"""The project contract appendix (Phụ lục hợp đồng): the milestone schedule with each milestone's dates,
deliverables and payment share in percent and in đồng, summing to the contract value. Pure: `compose`
makes the data, `render` the file from a stored snapshot only. The appendix's number is its version
(Phụ lục số 01, 02…: a changed schedule is a new appendix). Wording: projects/data/documents/
project_appendix.toml."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date
from pathlib import Path
from typing import Any

from app.documents import DocumentKind, blocks, texts
from app.documents.layout import Column, Sheet, clean, fill, money, percent, short_date
from app.money import amount_in_words
from projects.shares import allocate

TEXTS_FILE = Path(__file__).resolve().parent / "data" / "documents" / "project_appendix.toml"
REQUIRED: dict[str, type] = {
    "title": str, "subtitle": str, "legal_bases": list, "legal_bases_ppp": list, "opening": str,
    "client_label": str, "seller_label": str, "agreement": str, "closing": str, "articles": list,
}  # fmt: skip
INSERTS = frozenset({"schedule"})
COLUMNS = (
    Column("STT", 12, "center"),
    Column("Mốc thực hiện và sản phẩm bàn giao", 68),
    Column("Thời gian thực hiện", 27, "center"),
    Column("Tỷ lệ (%)", 17, "center"),
    Column("Giá trị (đồng)", 41, "right"),
)


def load_texts() -> dict[str, Any]:
    return texts.load(TEXTS_FILE, REQUIRED, INSERTS)


def appendix_number(version: int, project_code: str) -> str:
    return f"{version:02d}/PLHĐ-{project_code}"


def compose(
    *,
    place: str,
    project: Mapping[str, Any],
    milestones: Sequence[Mapping[str, Any]],
    amounts: Mapping[int, int],
    total: int,
    seller: Mapping[str, str],
    client: Mapping[str, str],
    client_given: Mapping[str, str],
    vat_rate: str,
    payment_days: int,
    wording: Mapping[str, Any],
) -> dict[str, Any]:
    """`milestones`: the schedule's rows in order (cancelled ones left out by the caller)."""
    return {
        "place": place,
        "project": {
            "code": project["code"],
            "name": project["name_vi"],
            "sponsor": project["sponsor_agency"],
            "kind": project["kind"],
            "planned_start": str(project["planned_start"]),
            "planned_end": str(project["planned_end"]),
        },
        "seller": dict(seller),
        "client": dict(client),
        "client_given": dict(client_given),
        "milestones": [
            {
                "id": int(m["id"]),
                "title": m["title_vi"],
                "deliverables": m["deliverables"],
                "planned_start": str(m["planned_start"]),
                "due_date": str(m["due_date"]),
                "share_bp": int(m["share_bp"]),
                "amount": int(amounts[m["id"]]),
            }
            for m in milestones
        ],
        "total": total,
        "total_in_words": amount_in_words(total),
        "vat_rate": vat_rate,
        "payment_days": payment_days,
        "texts": dict(wording),
    }


def values_of(data: Mapping[str, Any], number: str, day: date) -> dict[str, str]:
    project = data["project"]
    return {
        "appendix_number": number,
        "project_code": project["code"],
        "project_name": clean(project["name"]),
        "sponsor_agency": clean(project["sponsor"]),
        "planned_start": short_date(date.fromisoformat(project["planned_start"])),
        "planned_end": short_date(date.fromisoformat(project["planned_end"])),
        "day": f"{day.day:02d}",
        "month": f"{day.month:02d}" if day.month < 3 else str(day.month),
        "year": str(day.year),
        "place": data["place"],
        "seller_name": clean(data["seller"]["name"]),
        "client_name": clean(data["client"]["name"]),
        "total_amount": money(data["total"]),
        "total_in_words": data["total_in_words"],
        "vat_rate": data["vat_rate"],
        "payment_days": str(data["payment_days"]),
        "bank_account": clean(data["seller"].get("bank_account", ""), 40),
        "bank_name": clean(data["seller"].get("bank_name", ""), 200),
    }


def _schedule(sheet: Sheet, data: Mapping[str, Any]) -> None:
    rows: list[list[str | list[str]]] = []
    for index, m in enumerate(data["milestones"], start=1):
        work = [clean(m["title"])]
        if m["deliverables"]:
            work.append("Sản phẩm: " + clean(m["deliverables"], 4000, multiline=True))
        period = (
            f"{short_date(date.fromisoformat(m['planned_start']))} –\n{short_date(date.fromisoformat(m['due_date']))}"
        )
        rows.append([str(index), work, period, percent(m["share_bp"]), money(m["amount"])])
    table = sheet.table(COLUMNS, rows)
    shares = sum(m["share_bp"] for m in data["milestones"])
    sheet.summary_row(table, "Tổng cộng", percent(shares), money(sum(m["amount"] for m in data["milestones"])),
                      bold=True)  # fmt: skip
    sheet.rich([("Bằng chữ: ", {"italic": True}), (f"{data['total_in_words']}.", {"italic": True, "bold": True})],
               space_after=6)  # fmt: skip


def render(snapshot: Mapping[str, Any]) -> bytes:
    data = snapshot["data"]
    wording = data["texts"]
    day = date.fromisoformat(snapshot["issued_on"])
    number = appendix_number(int(snapshot["version"]), data["project"]["code"])
    values = values_of(data, number, day)
    seller, client = data["seller"], data["client"]
    sheet = Sheet(
        title=f"Phụ lục hợp đồng số {number}",
        subject=f"{data['project']['code']} – {clean(data['project']['name'])}",
        author=clean(seller["name"]),
        day=day,
        category=DocumentKind.PROJECT_APPENDIX.value,
    )
    blocks.heading(sheet, seller, number, data["place"], day)
    sheet.title(clean(wording["title"]), clean(fill(wording["subtitle"], values), 600))
    bases = list(wording["legal_bases"])
    if data["project"]["kind"] == "ppp":
        bases[1:1] = wording["legal_bases_ppp"]
    blocks.legal_bases(sheet, bases, values)
    sheet.paragraph(clean(fill(wording["opening"], values), 1000))
    blocks.party(sheet, wording["client_label"], client)
    blocks.party(sheet, wording["seller_label"], seller)
    sheet.paragraph(clean(fill(wording["agreement"], values), 1000))
    blocks.articles(sheet, wording["articles"], values, {"schedule": lambda: _schedule(sheet, data)})
    blocks.closing(sheet, wording["closing"], values)
    sheet.signatures(blocks.signer("Đại diện Bên A", client), blocks.signer("Đại diện Bên B", seller))
    return sheet.to_bytes()


def sample(seller: Mapping[str, str]) -> dict[str, Any]:
    """An appendix's data from made-up values (for `make documents-preview`)."""
    project = {
        "code": "PPP-DC-01", "name_vi": "Trung tâm dữ liệu tỉnh Thanh Hóa theo phương thức đối tác công tư",
        "sponsor_agency": "Ủy ban nhân dân tỉnh Thanh Hóa", "kind": "ppp",
        "planned_start": date(2026, 10, 1), "planned_end": date(2027, 12, 31),
    }  # fmt: skip
    plan = [
        (1, "Phê duyệt chủ trương đầu tư", "Quyết định phê duyệt chủ trương", date(2026, 10, 1), date(2026, 10, 31), 0),
        (2, "Ký kết hợp đồng dự án", "Hợp đồng dự án đã ký; bảo lãnh thực hiện hợp đồng", date(2026, 11, 1),
         date(2026, 11, 30), 1000),
        (3, "Lắp đặt hạ tầng trung tâm dữ liệu",
         "Phòng máy đạt chuẩn TIA-942 Rated 3\nHệ thống điện, làm mát, phòng cháy chữa cháy\n"
         "Biên bản lắp đặt thiết bị",
         date(2026, 11, 15), date(2027, 3, 31), 5000),
        (4, "Vận hành thử nghiệm", "Báo cáo vận hành thử 90 ngày; hồ sơ đánh giá an toàn thông tin cấp độ 4",
         date(2027, 4, 1), date(2027, 6, 30), 4000),
    ]  # fmt: skip
    rows: list[dict[str, Any]] = [
        {"id": i, "title_vi": t, "deliverables": d, "planned_start": s, "due_date": e,
         "share_bp": bp}
        for i, t, d, s, e, bp in plan
    ]  # fmt: skip
    total = 3_000_000_000_123
    amounts = dict(zip([r["id"] for r in rows], allocate(total, [r["share_bp"] for r in rows]), strict=True))
    client = {
        "kind": "organization", "name": "Sở Khoa học và Công nghệ tỉnh Thanh Hóa", "tax_code": "2801234567",
        "citizen_id": "", "representative": "Trần Văn Cường", "title": "Phó Giám đốc",
        "address": "Số 15 đường Hạc Thành, phường Hạc Thành, tỉnh Thanh Hóa", "phone": "02373852000",
        "email": "", "bank_account": "", "bank_name": "",
    }  # fmt: skip
    return compose(
        place="Thanh Hóa", project=project, milestones=rows, amounts=amounts, total=total, seller=seller,
        client=client, client_given={}, vat_rate="10", payment_days=15, wording=load_texts(),
    )  # fmt: skip
