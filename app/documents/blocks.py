"""Parts every contract document shares, written from a snapshot: the heading, the legal bases, the two
parties, the articles (wording from the TOML file, with the data's tables and blocks inserted where the
file says), the closing and the signatures. Pure, like the layout."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import date
from typing import Any

from app.documents.layout import Sheet, Signer, clean, fill, long_date
from app.documents.parties import PartyKind
from app.documents.texts import paragraphs

BOLD = {"bold": True}
PLAIN: dict[str, bool] = {}


def heading(sheet: Sheet, seller: Mapping[str, str], number: str, place: str, day: date) -> None:
    sheet.agency_heading(
        parent=clean(seller.get("parent", "")),
        agency=clean(seller["name"]),
        number=f"Số: {clean(number, 80)}",
        place_date=f"{clean(place, 80)}, {long_date(day)}",
    )


def legal_bases(sheet: Sheet, bases: list[str], values: dict[str, str]) -> None:
    for basis in bases:
        sheet.paragraph(clean(fill(basis, values), 1000), italic=True)


def party(sheet: Sheet, label: str, who: Mapping[str, str]) -> None:
    """The party's heading line (BÊN A (…): NAME), then one line per detail the party has."""
    sheet.rich([(f"{clean(label, 120)}: ", BOLD), (clean(who["name"]).upper(), BOLD)], indent=False,
               align="left", keep_with_next=True, space_after=2)  # fmt: skip
    lines: list[list[tuple[str, dict[str, bool]]]] = []
    if who.get("parent"):
        lines.append([("Cơ quan chủ quản: ", PLAIN), (clean(who["parent"]), PLAIN)])
    if who.get("kind") == PartyKind.ORGANIZATION.value:
        lines.append([("Đại diện: ", PLAIN), (clean(who["representative"], 120), BOLD),
                      ("    Chức vụ: ", PLAIN), (clean(who["title"], 120), PLAIN)])  # fmt: skip
    if who.get("address"):
        lines.append([("Địa chỉ: ", PLAIN), (clean(who["address"], 500), PLAIN)])
    if who.get("tax_code"):
        lines.append([("Mã số thuế: ", PLAIN), (clean(who["tax_code"], 20), PLAIN)])
    if who.get("citizen_id"):
        lines.append([("Số CCCD: ", PLAIN), (clean(who["citizen_id"], 20), PLAIN)])
    contact: list[tuple[str, dict[str, bool]]] = []
    if who.get("phone"):
        contact += [("Điện thoại: ", PLAIN), (clean(who["phone"], 30), PLAIN)]
    if who.get("email"):
        contact += [("    " if contact else "", PLAIN), ("Email: ", PLAIN), (clean(who["email"], 254), PLAIN)]
    if contact:
        lines.append(contact)
    if who.get("bank_account"):
        bank = [("Số tài khoản: ", PLAIN), (clean(who["bank_account"], 40), PLAIN)]
        if who.get("bank_name"):
            bank += [(" tại ", PLAIN), (clean(who["bank_name"], 200), PLAIN)]
        lines.append(bank)
    for index, parts in enumerate(lines):
        last = index == len(lines) - 1
        sheet.rich([("- ", PLAIN), *parts], align="left", indent=False, keep_with_next=not last,
                   space_after=6 if last else 2)  # fmt: skip


def articles(
    sheet: Sheet,
    items: list[dict[str, Any]],
    values: dict[str, str],
    inserts: Mapping[str, Callable[[], None]],
) -> None:
    """Each article: its heading, its paragraphs, then the block its `insert` names."""
    for article in items:
        sheet.heading(clean(fill(article["heading"], values), 300), level=2)
        lines = paragraphs(fill(article.get("text", ""), values))
        for index, line in enumerate(lines):
            # the text that introduces a table stays on the table's page
            keep = bool(article.get("insert")) and index == len(lines) - 1
            sheet.paragraph(clean(line, 4000), keep_with_next=keep)
        if article.get("insert"):
            inserts[article["insert"]]()


def closing(sheet: Sheet, text: str, values: dict[str, str]) -> None:
    parts = paragraphs(fill(text, values))
    for index, line in enumerate(parts):
        last = index == len(parts) - 1
        sheet.paragraph(clean(line, 2000), keep_with_next=last, space_after=12 if last else None)


def signer(heading_text: str, who: Mapping[str, str], *, seal: bool = True) -> Signer:
    organization = who.get("kind") == PartyKind.ORGANIZATION.value
    note = "(Ký, ghi rõ họ tên và đóng dấu)" if organization and seal else "(Ký, ghi rõ họ tên)"
    return Signer(
        heading=heading_text,
        title=clean(who.get("title", ""), 120) if organization else "",
        note=note,
        name=clean(who.get("representative") or who.get("name", ""), 120),
    )
