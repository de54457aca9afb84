"""Word documents in the layout of Vietnamese administrative documents (Decree 30/2020/NĐ-CP, annex I),
built with python-docx. Pure: no I/O, the same input gives the same bytes.

- A4 portrait; margins top and bottom 20 mm, left 30 mm, right 15 mm.
- Times New Roman in the document defaults and in every style (paragraph, character, table), in the four
  font slots (ascii, hAnsi, eastAsia, cs), theme fonts removed (they override names: NOTES-stack); 13 pt
  text, 14 pt titles; headings black.
- Page numbers: a PAGE field centred at the top of every page but the first (Decree 30, annex I).
- The two-column heading: the agency and the document number on the left, the national motto and the
  place and date on the right.
- Tables repeat their header row on every page and never split a row; a signature block is one row that
  cannot split, so a signature never leaves its heading.
- Deterministic: core properties from the document's own date, zip entries in a fixed order with a fixed
  timestamp, no thumbnail.
"""

from __future__ import annotations

import io
import re
import unicodedata
import zipfile
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

from docx import Document
from docx.document import Document as DocxDocument
from docx.enum.table import WD_CELL_VERTICAL_ALIGNMENT, WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt, RGBColor
from docx.table import Table, _Cell
from docx.text.paragraph import Paragraph

FONT = "Times New Roman"
BODY_PT = 13
TITLE_PT = 14
PAGE_MM = (210, 297)  # A4
MARGINS_MM = {"top": 20, "bottom": 20, "left": 30, "right": 15}
TEXT_WIDTH_MM = PAGE_MM[0] - MARGINS_MM["left"] - MARGINS_MM["right"]  # 165
FIRST_LINE_INDENT_MM = 10  # 1 cm (Decree 30: 1 to 1.27 cm)
CELL_MARGIN_MM = 1.2
ZIP_TIME = (1980, 1, 1, 0, 0, 0)
FONT_SLOTS = ("w:ascii", "w:hAnsi", "w:eastAsia", "w:cs")
THEME_SLOTS = ("w:asciiTheme", "w:hAnsiTheme", "w:eastAsiaTheme", "w:cstheme")
_ALIGN = {
    "left": WD_ALIGN_PARAGRAPH.LEFT,
    "center": WD_ALIGN_PARAGRAPH.CENTER,
    "right": WD_ALIGN_PARAGRAPH.RIGHT,
    "justify": WD_ALIGN_PARAGRAPH.JUSTIFY,
}
# What XML (and so Word) cannot hold, and what has no business in a contract: C0 and C1 controls, DEL,
# lone surrogates and the two non-characters. Tab and newline are kept in multi-line text.
_UNWANTED = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\ud800-\udfff\ufffe\uffff]")
_UNWANTED_LINE = re.compile(r"[\x00-\x1f\x7f-\x9f\ud800-\udfff\ufffe\uffff]")
_SPACES = re.compile(r"[ \t\r\n\u2028\u2029]+")


# --- text -------------------------------------------------------------------------------------------


def clean(value: object, limit: int = 300, *, multiline: bool = False) -> str:
    """Text fit for a signed paper: NFC, no control characters (a line break becomes a space on one-line
    fields), trimmed, at most `limit` characters (longer text ends with "…"). Inputs are checked at the
    boundary already; this is the renderer's own guard, so no stored value can break a file."""
    text = unicodedata.normalize("NFC", str(value or ""))
    if multiline:
        text = "\n".join(_UNWANTED.sub("", line).replace("\t", " ").rstrip() for line in text.splitlines())
        text = re.sub(r"\n{3,}", "\n\n", text).strip()
    else:
        text = _SPACES.sub(" ", _UNWANTED_LINE.sub(" ", text)).strip()
        text = _SPACES.sub(" ", text)
    if len(text) > limit:
        text = text[: limit - 1].rstrip() + "…"
    return text


def money(amount: int) -> str:
    """1234567 → 1.234.567 (Vietnamese thousands separator)."""
    sign = "-" if amount < 0 else ""
    return sign + f"{abs(amount):,}".replace(",", ".")


def percent(basis_points: int) -> str:
    """1250 → "12,5" (Vietnamese decimal comma), 1000 → "10"."""
    whole, part = divmod(basis_points, 100)
    return f"{whole}" if part == 0 else f"{whole},{part:02d}".rstrip("0")


def short_date(day: date) -> str:
    return day.strftime("%d/%m/%Y")


def long_date(day: date) -> str:
    """As in "ngày 05 tháng 3 năm 2026": the day with two digits, the month without (months 1 and 2 take a
    leading zero in Decree 30 to avoid misreading: "tháng 01", "tháng 02")."""
    month = f"{day.month:02d}" if day.month < 3 else str(day.month)
    return f"ngày {day.day:02d} tháng {month} năm {day.year}"


def fill(template: str, values: dict[str, str]) -> str:
    """Replace {name} with its value; an unknown name is left as written (legal staff see it in the
    preview rather than the generation failing)."""
    return re.sub(r"\{([a-z_]+)\}", lambda m: values.get(m.group(1), m.group(0)), template)


# --- fonts and styles ---------------------------------------------------------------------------------


def _set_fonts(rfonts: Any) -> None:
    for slot in THEME_SLOTS:
        rfonts.attrib.pop(qn(slot), None)
    for slot in FONT_SLOTS:
        rfonts.set(qn(slot), FONT)


def _size_element(rpr: Any, tag: str, half_points: int) -> None:
    element = rpr.find(qn(tag))
    if element is None:
        element = OxmlElement(tag)
        rpr.append(element)
    element.set(qn("w:val"), str(half_points))


def _fix_sizes(rpr: Any) -> None:
    """Sizes below 13 pt go up to 13, above 14 down to 14 (headings, titles)."""
    for tag in ("w:sz", "w:szCs"):
        element = rpr.find(qn(tag))
        if element is not None:
            value = int(element.get(qn("w:val")))
            element.set(qn("w:val"), str(min(max(value, BODY_PT * 2), TITLE_PT * 2)))


def _apply_fonts(doc: DocxDocument) -> None:
    styles = doc.styles.element
    defaults = styles.find(qn("w:docDefaults"))
    rpr_default = defaults.find(qn("w:rPrDefault"))
    rpr = rpr_default.find(qn("w:rPr"))
    _set_fonts(rpr.get_or_add_rFonts())
    _size_element(rpr, "w:sz", BODY_PT * 2)
    _size_element(rpr, "w:szCs", BODY_PT * 2)
    lang = rpr.find(qn("w:lang"))
    if lang is not None:
        lang.set(qn("w:val"), "vi-VN")
        lang.set(qn("w:eastAsia"), "vi-VN")
    for style in styles.findall(qn("w:style")):
        if style.get(qn("w:type")) in ("paragraph", "character", "table"):
            _set_fonts(style.get_or_add_rPr().get_or_add_rFonts())
    for rfonts in styles.iter(qn("w:rFonts")):  # conditional table formats and anything else
        _set_fonts(rfonts)
    for element in styles.iter(qn("w:rPr")):
        _fix_sizes(element)
        color = element.find(qn("w:color"))
        if color is not None:  # headings are blue in the default template
            color.attrib.pop(qn("w:themeColor"), None)
            color.attrib.pop(qn("w:themeShade"), None)
            color.set(qn("w:val"), "000000")


def _style_paragraphs(doc: DocxDocument) -> None:
    normal = doc.styles["Normal"]
    normal.font.size = Pt(BODY_PT)
    fmt = normal.paragraph_format
    fmt.space_before = Pt(0)
    fmt.space_after = Pt(6)
    fmt.line_spacing_rule = WD_LINE_SPACING.SINGLE
    fmt.widow_control = True
    for name, size, align in (("Heading 1", TITLE_PT, WD_ALIGN_PARAGRAPH.CENTER), ("Heading 2", BODY_PT, None)):
        style = doc.styles[name]
        style.font.size = Pt(size)
        style.font.bold = True
        style.font.italic = False
        style.font.color.rgb = RGBColor(0, 0, 0)
        hf = style.paragraph_format
        hf.space_before = Pt(12 if name == "Heading 1" else 6)
        hf.space_after = Pt(6 if name == "Heading 1" else 3)
        hf.keep_with_next = True
        hf.keep_together = True
        hf.line_spacing_rule = WD_LINE_SPACING.SINGLE
        if align is not None:
            hf.alignment = align
    header = doc.styles["Header"]
    header.font.size = Pt(BODY_PT)


def _drop_extras(doc: DocxDocument) -> None:
    """No thumbnail picture (it would show python-docx's sample page) and no Word 2010 copy of the
    styles (it would keep the template's fonts): the file holds one set of styles, ours."""
    package = doc.part.package
    for rels in (package.rels, doc.part.rels):
        for rId, rel in list(rels.items()):
            if rel.reltype.endswith(("/metadata/thumbnail", "/stylesWithEffects")):
                del rels[rId]


# --- paragraphs, tables, fields -------------------------------------------------------------------------


def _field(paragraph: Paragraph, instruction: str) -> None:
    """A field (e.g. PAGE) as Word writes it: begin, instruction, separate, a cached result, end."""

    def run_with(child: Any) -> None:
        run = paragraph.add_run()
        run._r.append(child)

    begin = OxmlElement("w:fldChar")
    begin.set(qn("w:fldCharType"), "begin")
    run_with(begin)
    text = OxmlElement("w:instrText")
    text.set(qn("xml:space"), "preserve")
    text.text = f" {instruction} "
    run_with(text)
    separate = OxmlElement("w:fldChar")
    separate.set(qn("w:fldCharType"), "separate")
    run_with(separate)
    paragraph.add_run("2")  # the cached result; Word and LibreOffice compute the real one
    end = OxmlElement("w:fldChar")
    end.set(qn("w:fldCharType"), "end")
    run_with(end)


def _row_flags(row: Any, *, header: bool) -> None:
    tr_pr = row._tr.get_or_add_trPr()
    cant_split = OxmlElement("w:cantSplit")
    tr_pr.append(cant_split)
    if header:
        tbl_header = OxmlElement("w:tblHeader")
        tr_pr.append(tbl_header)


def _fixed_layout(table: Table, widths_mm: Sequence[float], cell_margin_mm: float = CELL_MARGIN_MM) -> None:
    table.autofit = False
    tbl_pr = table._tbl.tblPr
    layout = OxmlElement("w:tblLayout")
    layout.set(qn("w:type"), "fixed")
    tbl_pr.append(layout)
    margins = OxmlElement("w:tblCellMar")
    for side in ("left", "right"):
        margin = OxmlElement(f"w:{side}")
        margin.set(qn("w:w"), str(round(cell_margin_mm / 25.4 * 1440)))
        margin.set(qn("w:type"), "dxa")
        margins.append(margin)
    tbl_pr.append(margins)
    for column, width in zip(table.columns, widths_mm, strict=True):
        column.width = Mm(width)
    for row in table.rows:
        for cell, width in zip(row.cells, widths_mm, strict=True):
            cell.width = Mm(width)


def _no_borders(table: Table) -> None:
    borders = OxmlElement("w:tblBorders")
    for side in ("top", "left", "bottom", "right", "insideH", "insideV"):
        border = OxmlElement(f"w:{side}")
        border.set(qn("w:val"), "nil")
        borders.append(border)
    table._tbl.tblPr.append(borders)


def _short_rule(paragraph: Paragraph, indent_mm: float) -> None:
    """The short solid line under an agency's name or the national motto (a bottom border)."""
    fmt = paragraph.paragraph_format
    fmt.left_indent = Mm(indent_mm)
    fmt.right_indent = Mm(indent_mm)
    fmt.space_after = Pt(2)
    fmt.line_spacing = Pt(4)
    fmt.line_spacing_rule = WD_LINE_SPACING.EXACTLY
    p_pr = paragraph._p.get_or_add_pPr()
    borders = OxmlElement("w:pBdr")
    bottom = OxmlElement("w:bottom")
    for key, value in (("w:val", "single"), ("w:sz", "6"), ("w:space", "1"), ("w:color", "000000")):
        bottom.set(qn(key), value)
    borders.append(bottom)
    p_pr.append(borders)


@dataclass(frozen=True)
class Signer:
    """One side's signature block: "ĐẠI DIỆN BÊN A", the signatory's title, the note, the name."""

    heading: str
    title: str
    note: str
    name: str


@dataclass(frozen=True)
class Column:
    header: str
    width_mm: float
    align: str = "left"


class Sheet:
    """One document being written: call the methods top to bottom, then `to_bytes()`."""

    def __init__(self, *, title: str, subject: str, author: str, day: date, category: str) -> None:
        self.doc: DocxDocument = Document()
        self._meta = (title, subject, author, day, category)
        _drop_extras(self.doc)
        _apply_fonts(self.doc)
        _style_paragraphs(self.doc)
        section = self.doc.sections[0]
        section.page_width, section.page_height = Mm(PAGE_MM[0]), Mm(PAGE_MM[1])
        section.top_margin, section.bottom_margin = Mm(MARGINS_MM["top"]), Mm(MARGINS_MM["bottom"])
        section.left_margin, section.right_margin = Mm(MARGINS_MM["left"]), Mm(MARGINS_MM["right"])
        section.header_distance = section.footer_distance = Mm(10)
        section.different_first_page_header_footer = True
        section.first_page_header.is_linked_to_previous = False  # empty: no number on page 1
        number = section.header.paragraphs[0]
        number.alignment = WD_ALIGN_PARAGRAPH.CENTER
        _field(number, "PAGE")

    # paragraphs

    def paragraph(
        self,
        text: str = "",
        *,
        bold: bool = False,
        italic: bool = False,
        align: str = "justify",
        size: int | None = None,
        indent: bool = True,
        keep_with_next: bool = False,
        space_after: float | None = None,
        underline: bool = False,
    ) -> Paragraph:
        return self.rich([(text, {"bold": bold, "italic": italic, "underline": underline})], align=align,
                         size=size, indent=indent, keep_with_next=keep_with_next, space_after=space_after)  # fmt: skip

    def rich(
        self,
        parts: Sequence[tuple[str, dict[str, bool]]],
        *,
        align: str = "justify",
        size: int | None = None,
        indent: bool = True,
        keep_with_next: bool = False,
        space_after: float | None = None,
        cell: _Cell | None = None,
    ) -> Paragraph:
        """A paragraph of runs, each with its own bold/italic/underline (e.g. a label and a bold name)."""
        if cell is not None:
            paragraph = cell.paragraphs[0] if _is_blank(cell) else cell.add_paragraph()
        else:
            paragraph = self.doc.add_paragraph()
        fmt = paragraph.paragraph_format
        fmt.alignment = _ALIGN[align]
        if indent and align == "justify" and cell is None:
            fmt.first_line_indent = Mm(FIRST_LINE_INDENT_MM)
        if keep_with_next:
            fmt.keep_with_next = True
        if space_after is not None:
            fmt.space_after = Pt(space_after)
        for text, style in parts:
            run = paragraph.add_run(text)
            run.bold = style.get("bold") or None
            run.italic = style.get("italic") or None
            run.underline = style.get("underline") or None
            if size is not None:
                run.font.size = Pt(size)
        return paragraph

    def heading(self, text: str, level: int = 2) -> Paragraph:
        return self.doc.add_heading(text, level=level)

    # the heading of the page

    def agency_heading(self, *, parent: str, agency: str, number: str, place_date: str) -> Table:
        """Decree 30's two columns: agency and number | national name, motto, place and date."""
        left_mm, right_mm = 62.0, TEXT_WIDTH_MM - 62.0
        table = self.doc.add_table(rows=1, cols=2)
        _no_borders(table)
        _fixed_layout(table, (left_mm, right_mm), cell_margin_mm=0.5)
        _row_flags(table.rows[0], header=False)
        left, right = table.rows[0].cells
        self.rich([(parent.upper(), {})], align="center", cell=left, space_after=0)
        self.rich([(agency.upper(), {"bold": True})], align="center", cell=left, space_after=0)
        _short_rule(self.rich([("", {})], align="center", cell=left), left_mm / 3)
        self.rich([(number, {})], align="center", cell=left, space_after=0)
        self.rich([("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", {"bold": True})], align="center", cell=right, space_after=0)
        self.rich([("Độc lập - Tự do - Hạnh phúc", {"bold": True, "underline": True})], align="center",
                  size=TITLE_PT, cell=right, space_after=6)  # fmt: skip
        self.rich([(place_date, {"italic": True})], align="center", cell=right, space_after=0)
        return table

    def title(self, text: str, subtitle: str = "") -> None:
        self.heading(text, level=1).paragraph_format.space_before = Pt(18)
        if subtitle:
            self.paragraph(subtitle, bold=True, align="center", keep_with_next=True)

    # tables

    def table(self, columns: Sequence[Column], rows: Sequence[Sequence[str | Sequence[str]]]) -> Table:
        """A grid with a header row repeated on every page; rows never split across pages. A cell is a
        text (one paragraph per line) or a list: its first item, then details in italics."""
        table = self.doc.add_table(rows=1, cols=len(columns))
        table.style = self.doc.styles["Table Grid"]
        table.alignment = WD_TABLE_ALIGNMENT.CENTER
        for cell, column in zip(table.rows[0].cells, columns, strict=True):
            self.rich([(column.header, {"bold": True})], align="center", cell=cell, space_after=0)
            cell.vertical_alignment = WD_CELL_VERTICAL_ALIGNMENT.CENTER
        _row_flags(table.rows[0], header=True)
        for values in rows:
            row = table.add_row()
            _row_flags(row, header=False)
            for cell, column, value in zip(row.cells, columns, values, strict=True):
                lines = (
                    [(line, False) for line in value.split("\n")]
                    if isinstance(value, str)
                    else [(line, index > 0) for index, item in enumerate(value) for line in item.split("\n")]
                )
                for line, italic in lines:
                    self.rich([(line, {"italic": italic})], align=column.align, cell=cell, space_after=0)
                cell.vertical_alignment = WD_CELL_VERTICAL_ALIGNMENT.CENTER
        _fixed_layout(table, [c.width_mm for c in columns])
        return table

    def summary_row(self, table: Table, label: str, *values: str, bold: bool = False) -> None:
        """A row under a table's lines: the label across the first columns, the values in the last ones."""
        row = table.add_row()
        _row_flags(row, header=False)
        cells = row.cells
        merged = cells[0].merge(cells[len(cells) - len(values) - 1])
        self.rich([(label, {"bold": bold})], align="right", cell=merged, space_after=0)
        for cell, value in zip(cells[len(cells) - len(values) :], values, strict=True):
            self.rich([(value, {"bold": bold})], align="right", cell=cell, space_after=0)

    def signatures(self, left: Signer, right: Signer) -> Table:
        """The two signature blocks side by side, in one row that cannot break across pages."""
        table = self.doc.add_table(rows=1, cols=2)
        _no_borders(table)
        half = TEXT_WIDTH_MM / 2
        _fixed_layout(table, (half, half))
        _row_flags(table.rows[0], header=False)
        for cell, signer in zip(table.rows[0].cells, (left, right), strict=True):
            lines: list[tuple[str, dict[str, bool]]] = [(signer.heading.upper(), {"bold": True})]
            if signer.title:
                lines.append((signer.title.upper(), {"bold": True}))
            lines.append((signer.note, {"italic": True}))
            lines += [("", {})] * 4
            lines.append((signer.name, {"bold": True}))
            for text, style in lines:
                paragraph = self.rich([(text, style)], align="center", cell=cell, space_after=0)
                paragraph.paragraph_format.keep_with_next = True
                paragraph.paragraph_format.keep_together = True
        return table

    # output

    def to_bytes(self) -> bytes:
        title, subject, author, day, category = self._meta
        props = self.doc.core_properties
        moment = datetime(day.year, day.month, day.day, tzinfo=UTC)
        props.title, props.subject, props.author, props.category = title[:250], subject[:250], author, category
        props.last_modified_by, props.revision, props.language = author, 1, "vi-VN"
        props.created = props.modified = moment
        props.last_printed = moment
        props.comments = props.keywords = ""
        buffer = io.BytesIO()
        self.doc.save(buffer)
        return normalized_zip(buffer.getvalue())


def _is_blank(cell: _Cell) -> bool:
    return len(cell.paragraphs) == 1 and not cell.paragraphs[0].runs


def normalized_zip(data: bytes) -> bytes:
    """The same entries in the same order with a fixed timestamp and attributes: equal input, equal bytes."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as source, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            entry = zipfile.ZipInfo(info.filename, date_time=ZIP_TIME)
            entry.compress_type = zipfile.ZIP_DEFLATED
            entry.create_system = 3
            entry.external_attr = 0o644 << 16
            target.writestr(entry, source.read(info.filename))
    return out.getvalue()
