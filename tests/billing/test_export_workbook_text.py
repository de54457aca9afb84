"""The XLSX export writes text as text: a buyer's name or address is never run as a formula nor made a link."""

from __future__ import annotations

import zipfile
from pathlib import Path
from zoneinfo import ZoneInfo

from billing.exports.workbook import Workbook


def test_text_that_looks_like_a_formula_or_a_link_stays_text(tmp_path: Path) -> None:
    path = tmp_path / "book.xlsx"
    book = Workbook(path, ZoneInfo("Asia/Ho_Chi_Minh"))
    book.invoices.write([7, '=HYPERLINK("http://evil.example","Bấm")', "https://evil.example/x", "+1-2", "@SUM(A1)"])
    book.raw.close()
    sheet = zipfile.ZipFile(path).read("xl/worksheets/sheet1.xml").decode()
    row = sheet[sheet.index('<row r="2"') :]
    assert "<f>" not in row
    assert '<is><t>=HYPERLINK("http://evil.example","Bấm")</t></is>' in row
    assert "<is><t>https://evil.example/x</t></is>" in row
    assert "<is><t>+1-2</t></is>" in row and "<is><t>@SUM(A1)</t></is>" in row
    assert "hyperlink" not in sheet
