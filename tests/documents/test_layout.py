"""The three documents rendered from sample data and read back: Decree 30 layout (A4, margins, Times New
Roman 13–14 pt in every style used and every font slot, page numbers as fields, repeated header rows,
signature blocks kept together), the same snapshot giving the same bytes, and bad text sanitized."""

from __future__ import annotations

import io
import zipfile
from datetime import date
from typing import Any

import pytest
from docx.oxml.ns import qn
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from app.config import get_settings
from app.documents import DocumentKind, parties
from app.documents.layout import ZIP_TIME, clean, money
from app.documents.store import jsonable
from app.money import VatRate, amount_in_words, vat_amount, words_to_amount
from billing import contract_docx
from projects import appendix_docx, minutes_docx
from tests.documents.reading import (
    SLOTS,
    all_text,
    body_text,
    data_tables,
    effective_fonts,
    effective_size_pt,
    fields,
    open_docx,
    paragraph_starting,
    row_flags,
    rows_of,
    run_sizes,
    used_styles,
)

MODULES = {
    DocumentKind.SERVICE_CONTRACT: contract_docx,
    DocumentKind.PROJECT_APPENDIX: appendix_docx,
    DocumentKind.ACCEPTANCE_MINUTES: minutes_docx,
}


def seller() -> dict[str, str]:
    return parties.seller(get_settings()) | {"bank_account": "12010000123456", "bank_name": "BIDV Thanh Hóa"}


def snapshot(kind: DocumentKind, data: dict[str, Any] | None = None, version: int = 1) -> dict[str, Any]:
    data = data if data is not None else MODULES[kind].sample(seller())
    return {"kind": kind.value, "version": version, "issued_on": "2026-12-01", "data": jsonable(data)}


@pytest.fixture(scope="module")
def rendered() -> dict[DocumentKind, bytes]:
    return {kind: module.render(snapshot(kind)) for kind, module in MODULES.items()}


@pytest.mark.parametrize("kind", list(MODULES))
def test_every_style_used_is_times_new_roman_13_to_14_pt_in_every_font_slot(
    rendered: dict[DocumentKind, bytes], kind: DocumentKind
) -> None:
    doc = open_docx(rendered[kind])
    styles = used_styles(doc)
    # headings, table grid and the heading/signature tables' style are among them
    assert {"Normal", "Heading 1", "Heading 2", "Table Grid", "Normal Table", "Header"} <= set(styles)
    for name, style in styles.items():
        assert effective_fonts(doc, style) == dict.fromkeys(SLOTS, "Times New Roman"), name
        if style.type != 3:  # a table style's text size comes from the paragraphs in it
            assert 13 <= effective_size_pt(doc, style) <= 14, name
    assert run_sizes(doc) <= {13.0, 14.0}
    # no theme font anywhere in the styles (they would override the names in Word)
    styles_xml = doc.styles.element.xml
    assert "asciiTheme" not in styles_xml and "eastAsiaTheme" not in styles_xml
    # headings are black, not the template's blue
    for name in ("Heading 1", "Heading 2"):
        assert str(doc.styles[name].font.color.rgb) == "000000"


@pytest.mark.parametrize("kind", list(MODULES))
def test_a4_margins_and_page_numbers_from_page_two(rendered: dict[DocumentKind, bytes], kind: DocumentKind) -> None:
    doc = open_docx(rendered[kind])
    [section] = doc.sections
    assert (round(section.page_width.mm), round(section.page_height.mm)) == (210, 297)
    margins = [round(m.mm, 1) for m in (section.top_margin, section.bottom_margin, section.left_margin,
                                        section.right_margin)]  # fmt: skip
    assert margins == [20.0, 20.0, 30.0, 15.0]
    assert 20 <= margins[0] <= 25 and 20 <= margins[1] <= 25 and 30 <= margins[2] <= 35 and 15 <= margins[3] <= 20
    # Decree 30: the number at the top centre, not on the first page
    assert section.different_first_page_header_footer
    assert fields(section.header.paragraphs) == ["PAGE"]
    assert section.header.paragraphs[0].alignment == 1  # centred
    assert fields(section.first_page_header.paragraphs) == [] and all_text(doc).count("PAGE") == 0
    begin_end = [c.get(qn("w:fldCharType")) for c in section.header._element.iter(qn("w:fldChar"))]
    assert begin_end == ["begin", "separate", "end"]


@pytest.mark.parametrize("kind", list(MODULES))
def test_tables_repeat_their_header_and_signatures_stay_together(
    rendered: dict[DocumentKind, bytes], kind: DocumentKind
) -> None:
    doc = open_docx(rendered[kind])
    grids = data_tables(doc)
    assert grids
    for table in grids:
        flags = row_flags(table)
        assert flags[0] == (True, True)  # the header row repeats on every page
        assert all(cant_split and not header for header, cant_split in flags[1:])
    signatures = doc.tables[-1]
    assert rows_of(signatures)[0][0].startswith("ĐẠI DIỆN BÊN A") and "ĐẠI DIỆN BÊN B" in rows_of(signatures)[0][1]
    assert row_flags(signatures) == [(False, True)]  # one row that cannot break across pages
    for cell in signatures.rows[0].cells:
        assert all(p.paragraph_format.keep_with_next and p.paragraph_format.keep_together for p in cell.paragraphs)
    # the sentence before the signatures stays on their page
    assert doc.paragraphs[-1].paragraph_format.keep_with_next
    # the national heading
    heading = rows_of(doc.tables[0])[0]
    assert heading[1].startswith("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\nĐộc lập - Tự do - Hạnh phúc\nThanh Hóa, ngày")
    assert "SỞ KHOA HỌC VÀ CÔNG NGHỆ TỈNH THANH HÓA" in heading[0] and "Số: " in heading[0]


@pytest.mark.parametrize("kind", list(MODULES))
def test_the_same_snapshot_gives_the_same_bytes(rendered: dict[DocumentKind, bytes], kind: DocumentKind) -> None:
    again = MODULES[kind].render(snapshot(kind))
    assert again == rendered[kind]
    with zipfile.ZipFile(io.BytesIO(again)) as archive:
        assert {info.date_time for info in archive.infolist()} == {ZIP_TIME}
        names = archive.namelist()
    assert "docProps/thumbnail.jpeg" not in names and "word/stylesWithEffects.xml" not in names
    props = open_docx(again).core_properties
    assert props.created == props.modified and props.revision == 1 and props.language == "vi-VN"
    if kind is DocumentKind.PROJECT_APPENDIX:  # its number is its version: another version is another file
        assert MODULES[kind].render(snapshot(kind, version=2)) != rendered[kind]


def test_the_contract_reads_back_parties_lines_totals_and_words(rendered: dict[DocumentKind, bytes]) -> None:
    doc = open_docx(rendered[DocumentKind.SERVICE_CONTRACT])
    text = body_text(doc)
    assert "HỢP ĐỒNG CUNG CẤP DỊCH VỤ" in text
    assert paragraph_starting(doc, "BÊN A") == "BÊN A (BÊN SỬ DỤNG DỊCH VỤ): CÔNG TY CỔ PHẦN PHẦN MỀM HẠC THÀNH"
    assert "- Mã số thuế: 0100109106" in text and "- Đại diện: Lê Thị Bình    Chức vụ: Giám đốc" in text
    assert paragraph_starting(doc, "BÊN B").endswith(": TRUNG TÂM CÔNG NGHỆ THÔNG TIN VÀ TRUYỀN THÔNG TỈNH THANH HÓA")
    assert "- Cơ quan chủ quản: Sở Khoa học và Công nghệ tỉnh Thanh Hóa" in text
    assert "- Mã số thuế: 2800000027" in text  # the center's, from the settings
    [scope] = data_tables(doc)
    rows = rows_of(scope)
    assert rows[0] == ["STT", "Nội dung dịch vụ", "Số lượng", "Đơn giá (đồng)", "Thuế suất", "Thành tiền (đồng)"]
    assert rows[1] == ["1", "Lưu trữ dữ liệu tại Trung tâm dữ liệu tỉnh – Gói lưu trữ 1 TB\nChiết khấu: 1.440.000 đồng",
                       "24 TB/tháng", "1.200.000", "10%", "27.360.000"]  # fmt: skip
    assert rows[3] == ["3", "Đào tạo an toàn thông tin cho cán bộ – Lớp cơ bản", "15 chỗ học", "1.850.000", "KCT",
                       "27.750.000"]  # fmt: skip
    assert rows[5:] == [
        ["Cộng tiền dịch vụ chịu thuế suất GTGT 10%", "55.610.000"],
        ["Tiền thuế GTGT 10%", "5.561.000"],
        ["Cộng tiền dịch vụ không chịu thuế GTGT (KCT)", "27.750.000"],
        ["Tổng cộng tiền thanh toán", "88.921.000"],
    ]
    assert "Bằng chữ: Tám mươi tám triệu chín trăm hai mươi mốt nghìn đồng." in text
    assert "Tổng giá trị hợp đồng (đã bao gồm thuế giá trị gia tăng): 88.921.000 đồng." in text
    assert any("mã thanh toán HDK7M2Q9XR4T" in p for p in text)
    assert any("12010000123456" in p and "BIDV Thanh Hóa" in p for p in text)
    assert not any("{" in p for p in text), "every placeholder is filled"


def test_the_appendix_schedule_sums_to_the_contract_value(rendered: dict[DocumentKind, bytes]) -> None:
    doc = open_docx(rendered[DocumentKind.PROJECT_APPENDIX])
    [schedule] = data_tables(doc)
    rows = rows_of(schedule)
    amounts = [int(r[4].replace(".", "")) for r in rows[1:-1]]
    assert [r[3] for r in rows[1:-1]] == ["0", "10", "50", "40"]
    assert sum(amounts) == 3_000_000_000_123 and rows[-1] == ["Tổng cộng", "100", "3.000.000.000.123"]
    assert rows[2][2] == "01/11/2026 –\n30/11/2026"
    assert rows[3][1].startswith("Lắp đặt hạ tầng trung tâm dữ liệu\nSản phẩm: Phòng máy đạt chuẩn TIA-942 Rated 3\n")
    assert "Bằng chữ: Ba nghìn tỷ một trăm hai mươi ba đồng." in body_text(doc)
    assert rows_of(doc.tables[0])[0][0].endswith("Số: 01/PLHĐ-PPP-DC-01")  # the version is the appendix's number
    assert paragraph_starting(doc, "BÊN A").endswith("SỞ KHOA HỌC VÀ CÔNG NGHỆ TỈNH THANH HÓA")


def test_the_minutes_read_back_participants_evidence_and_amount(rendered: dict[DocumentKind, bytes]) -> None:
    doc = open_docx(rendered[DocumentKind.ACCEPTANCE_MINUTES])
    text = body_text(doc)
    assert "BIÊN BẢN NGHIỆM THU" in text
    assert "- Ông/Bà Trần Văn Cường – Phó Giám đốc" in text and "- Ông/Bà Hoàng Minh Đức – Cán bộ quản lý dự án" in text
    evidence, pay = data_tables(doc)
    assert rows_of(evidence)[1] == ["1", "Biên bản lắp đặt thiết bị", "bien-ban-lap-dat.pdf\nSHA-256: "
                                    "3f2a9c1e5b7d4a6f8e0c2b4d6f8a0c2e4b6d8f0a2c4e6b8d0f2a4c6e8b0d2f4a"]  # fmt: skip
    assert rows_of(pay)[1:] == [
        ["Giá trị của mốc (50% giá trị hợp đồng), chưa bao gồm thuế GTGT", "1.500.000.000.062"],
        ["Thuế GTGT (10%)", "150.000.000.006"],
        ["Tổng giá trị thanh toán", "1.650.000.000.068"],
    ]
    assert f"Bằng chữ: {amount_in_words(1_650_000_000_068)}." in text
    assert "Ý kiến khi nghiệm thu: Đạt yêu cầu; đề nghị Bên B hoàn thiện hồ sơ hoàn công bản giấy." in text


# --- any name, any amount ------------------------------------------------------------------------------

names = st.text(min_size=1, max_size=400).filter(lambda s: clean(s) != "")
line = st.fixed_dictionaries({
    "quantity": st.integers(1, 1000),
    "unit_amount": st.integers(0, 50_000_000),
    "vat_rate": st.sampled_from(list(VatRate)),
})  # fmt: skip


def contract_data(buyer_name: str, specs: list[dict[str, Any]]) -> dict[str, Any]:
    lines = []
    for spec in specs:
        amount = spec["quantity"] * spec["unit_amount"]
        vat = vat_amount(amount, spec["vat_rate"])
        lines.append({"name_vi": "Dịch vụ", "unit": "month", "quantity": spec["quantity"], "unit_amount": spec["unit_amount"],
                      "discount_amount": 0, "vat_rate": spec["vat_rate"].value, "amount": amount, "vat_amount": vat,
                      "total_amount": amount + vat})  # fmt: skip
    buyer = {**parties.empty(), "kind": "individual", "name": buyer_name, "citizen_id": "038095000123",
             "representative": buyer_name, "address": "Thanh Hóa"}  # fmt: skip
    return contract_docx.compose(
        number="0001/2026/HĐDV-TTCNTT", signed_on=date(2026, 12, 1), place="Thanh Hóa", request_code="TTCNTT-1",
        quote={"id": 1, "revision": 1, "valid_until": date(2026, 12, 31)}, lines=lines, seller=seller(), buyer=buyer,
        buyer_given={}, payment_days=15, payment_reference="", card=False, wording=contract_docx.load_texts(),
    )  # fmt: skip


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(name=names, specs=st.lists(line, min_size=1, max_size=4))
def test_any_unicode_name_and_amounts_read_back(name: str, specs: list[dict[str, Any]]) -> None:
    data = contract_data(name, specs)
    doc = open_docx(contract_docx.render(snapshot(DocumentKind.SERVICE_CONTRACT, data)))
    shown = clean(name)
    assert paragraph_starting(doc, "BÊN A") == f"BÊN A (BÊN SỬ DỤNG DỊCH VỤ): {shown.upper()}"
    assert rows_of(doc.tables[-1])[0][0].endswith("\n" + clean(name, 120))  # the signatory's name
    rows = rows_of(data_tables(doc)[0])
    for row, spec in zip(rows[1 : 1 + len(specs)], specs, strict=True):
        assert row[2:] == [f"{money(spec['quantity'])} tháng", money(spec["unit_amount"]),
                           spec["vat_rate"].invoice_label, money(spec["quantity"] * spec["unit_amount"])]  # fmt: skip
    total = data["totals"]["total_amount"]
    assert rows[-1] == ["Tổng cộng tiền thanh toán", money(total)]
    words = f"Bằng chữ: {amount_in_words(total)}."
    assert words in body_text(doc) and words_to_amount(amount_in_words(total)) == total


def test_control_characters_and_10000_characters_are_sanitized() -> None:
    data = contract_data("Công ty\x00 A\x07\tB\u2028C\ufffe" + "x" * 10_000, [{"quantity": 1, "unit_amount": 5,
                                                                         "vat_rate": VatRate.RATE_10}])  # fmt: skip
    doc = open_docx(contract_docx.render(snapshot(DocumentKind.SERVICE_CONTRACT, data)))
    heading = paragraph_starting(doc, "BÊN A")
    assert heading.startswith("BÊN A (BÊN SỬ DỤNG DỊCH VỤ): CÔNG TY A B C") and heading.endswith("X…")
    assert len(heading) == len("BÊN A (BÊN SỬ DỤNG DỊCH VỤ): ") + 300


def test_unknown_placeholders_stay_visible_and_empty_names_are_refused_before_rendering() -> None:
    from app.documents.layout import fill

    assert fill("{buyer_name} và {khong_co}", {"buyer_name": "A"}) == "A và {khong_co}"
    with pytest.raises(Exception) as refused:
        parties.complete({**parties.empty(), "name": ""}, "Bên A", "party A")
    assert {d.field for d in refused.value.details} >= {"party.name", "party.taxCode"}
