"""The three documents as LibreOffice prints them (docx → PDF, headless), read with poppler: the page
count, the text with its diacritics, the signature blocks on one page with their headings, page numbers
from page 2, and Times New Roman (or its metric twin Liberation Serif), never a fallback font.

Skipped only where LibreOffice or poppler is not installed (the reason says how to install them);
.ci/run installs them and sets REQUIRE_DOCUMENT_TOOLS=1, so in CI a missing tool fails instead."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

from app.config import get_settings
from app.documents import DocumentKind, convert, parties
from app.documents.store import jsonable
from billing import contract_docx
from projects import appendix_docx, minutes_docx

MISSING = convert.missing_tools()
if MISSING and not os.environ.get("REQUIRE_DOCUMENT_TOOLS"):
    pytest.skip(
        f"LibreOffice/poppler not installed ({', '.join(MISSING)}): sudo {convert.INSTALL}", allow_module_level=True
    )

CASES = {
    # name: (module, kind, pages, texts that must be there)
    "hop-dong-dich-vu": (contract_docx, DocumentKind.SERVICE_CONTRACT, 3, [
        "HỢP ĐỒNG CUNG CẤP DỊCH VỤ", "BÊN A (BÊN SỬ DỤNG DỊCH VỤ): CÔNG TY CỔ PHẦN PHẦN MỀM HẠC THÀNH",
        "Số: 0007/2026/HĐDV-TTCNTT", "Tổng cộng tiền thanh toán 88.921.000",
        "Bằng chữ: Tám mươi tám triệu chín trăm hai mươi mốt nghìn đồng.", "Điều 7. Điều khoản chung",
    ]),
    "phu-luc-hop-dong": (appendix_docx, DocumentKind.PROJECT_APPENDIX, 2, [
        "PHỤ LỤC HỢP ĐỒNG", "Số: 01/PLHĐ-PPP-DC-01", "Tổng cộng 100 3.000.000.000.123",
        "Bằng chữ: Ba nghìn tỷ một trăm hai mươi ba đồng.", "Lắp đặt hạ tầng trung tâm dữ liệu",
    ]),
    "bien-ban-nghiem-thu": (minutes_docx, DocumentKind.ACCEPTANCE_MINUTES, 2, [
        "BIÊN BẢN NGHIỆM THU", "Số: 03/BBNT-PPP-DC-01", "Ông/Bà Trần Văn Cường – Phó Giám đốc",
        "Tổng giá trị thanh toán 1.650.000.000.068", "3f2a9c1e5b7d4a6f8e0c2b4d6f8a0c2e",
    ]),
}  # fmt: skip
EVERYWHERE = ["CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc", "SỞ KHOA HỌC VÀ CÔNG NGHỆ",
              "Thanh Hóa, ngày", "Căn cứ Bộ luật Dân sự số 91/2015/QH13"]  # fmt: skip


@pytest.fixture(scope="module")
def pdfs(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("pdf")
    seller = parties.seller(get_settings()) | {"bank_account": "12010000123456", "bank_name": "BIDV Thanh Hóa"}
    made = []
    for name, (module, kind, _, _) in CASES.items():
        snapshot = {
            "kind": kind.value,
            "version": 1,
            "issued_on": "2026-12-01",
            "data": jsonable(module.sample(seller)),
        }
        (folder / f"{name}.docx").write_bytes(module.render(snapshot))
        made.append(folder / f"{name}.docx")
    return {path.stem: path for path in convert.to_pdf(made, folder)}


def flat(text: str) -> str:
    return " ".join(text.split())


@pytest.mark.parametrize("name", list(CASES))
def test_the_pdf_has_its_pages_and_its_text_with_diacritics(pdfs: dict[str, Path], name: str) -> None:
    _, _, pages, expected = CASES[name]
    pdf = pdfs[name]
    assert convert.page_count(pdf) == pages
    text, laid_out = convert.text(pdf), convert.text(pdf, layout=True)
    for phrase in EVERYWHERE + expected:  # paragraphs read in order; a table's row as laid out on the page
        assert phrase in flat(text) or phrase in flat(laid_out), phrase
    sheets = text.split("\f")[:pages]
    # page numbers: none on page 1, then 2, 3… at the top
    assert [page.strip().split("\n")[0].strip() for page in sheets[1:]] == [str(n) for n in range(2, pages + 1)]
    # the signature blocks are on one page with their headings and names
    [signed] = [page for page in sheets if "ĐẠI DIỆN BÊN A" in page]
    assert "ĐẠI DIỆN BÊN B" in signed and "Nguyễn Văn Mẫu" in signed and signed is sheets[-1]


def test_the_pdfs_use_times_new_roman_or_its_metric_twin(pdfs: dict[str, Path]) -> None:
    if shutil.which("pdffonts") is None:
        pytest.skip("pdffonts (poppler-utils) not installed")
    for pdf in pdfs.values():
        fonts = subprocess.run(["pdffonts", str(pdf)], capture_output=True, text=True, check=True).stdout
        names = {line.split()[0].split("+")[-1] for line in fonts.splitlines()[2:] if line.strip()}
        assert names and all(n.startswith(("LiberationSerif", "TimesNewRoman")) for n in names), names


def test_the_first_pages_render_to_png(pdfs: dict[str, Path], tmp_path: Path) -> None:
    pictures = convert.to_png(pdfs["hop-dong-dich-vu"], tmp_path, last=1, dpi=40)
    assert [p.name for p in pictures] == ["hop-dong-dich-vu-1.png"]
    assert pictures[0].read_bytes().startswith(b"\x89PNG")
