"""Reading a generated .docx back with python-docx: text, tables, effective fonts of every style used,
page set-up, fields, row and paragraph flags."""

from __future__ import annotations

import io
from collections.abc import Iterator
from typing import Any

from docx import Document
from docx.document import Document as DocxDocument
from docx.oxml.ns import qn
from docx.table import Table
from docx.text.paragraph import Paragraph

SLOTS = ("w:ascii", "w:hAnsi", "w:eastAsia", "w:cs")
THEMES = ("w:asciiTheme", "w:hAnsiTheme", "w:eastAsiaTheme", "w:cstheme")


def open_docx(content: bytes) -> DocxDocument:
    return Document(io.BytesIO(content))


def tables_in(container: Any) -> Iterator[Table]:
    for table in container.tables:
        yield table
        for row in table.rows:
            for cell in row.cells:
                yield from tables_in(cell)


def paragraphs_in(doc: DocxDocument) -> Iterator[Paragraph]:
    """Body paragraphs, paragraphs in every table cell, and in every header and footer."""
    yield from doc.paragraphs
    for table in tables_in(doc):
        for row in table.rows:
            seen = set()
            for cell in row.cells:
                if id(cell._tc) in seen:
                    continue
                seen.add(id(cell._tc))
                yield from cell.paragraphs
    for section in doc.sections:
        for part in (section.header, section.first_page_header, section.footer, section.first_page_footer):
            yield from part.paragraphs


def body_text(doc: DocxDocument) -> list[str]:
    return [p.text for p in doc.paragraphs]


def all_text(doc: DocxDocument) -> str:
    return "\n".join(p.text for p in paragraphs_in(doc))


def rows_of(table: Table) -> list[list[str]]:
    """Each row's cells as text, a merged cell once."""
    out = []
    for row in table.rows:
        cells, seen = [], set()
        for cell in row.cells:
            if id(cell._tc) not in seen:
                seen.add(id(cell._tc))
                cells.append(cell.text)
        out.append(cells)
    return out


def data_tables(doc: DocxDocument) -> list[Table]:
    """The grids (not the borderless heading and signature tables)."""
    return [t for t in doc.tables if t.style is not None and t.style.name == "Table Grid"]


def _lookup(element: Any, tag: str) -> Any:
    rpr = element.find(qn("w:rPr"))
    return None if rpr is None else rpr.find(qn(tag))


def _defaults(doc: DocxDocument) -> Any:
    return doc.styles.element.find(qn("w:docDefaults")).find(qn("w:rPrDefault"))


def effective_fonts(doc: DocxDocument, style: Any) -> dict[str, str | None]:
    """Each font slot as the style resolves it: the style, its bases, then the document defaults."""
    found: dict[str, str | None] = dict.fromkeys(SLOTS)
    chain = []
    while style is not None:
        chain.append(style.element)
        style = style.base_style
    chain.append(_defaults(doc))
    for element in chain:
        rfonts = _lookup(element, "w:rFonts")
        if rfonts is None:
            continue
        assert not any(rfonts.get(qn(t)) for t in THEMES), "a theme font would override the name"
        for slot in SLOTS:
            if found[slot] is None and rfonts.get(qn(slot)):
                found[slot] = rfonts.get(qn(slot))
    return found


def effective_size_pt(doc: DocxDocument, style: Any) -> float:
    while style is not None:
        size = _lookup(style.element, "w:sz")
        if size is not None:
            return int(size.get(qn("w:val"))) / 2
        style = style.base_style
    return int(_lookup(_defaults(doc), "w:sz").get(qn("w:val"))) / 2


def used_styles(doc: DocxDocument) -> dict[str, Any]:
    """Paragraph, character and table styles the document uses (by name)."""
    used: dict[str, Any] = {}
    for paragraph in paragraphs_in(doc):
        used[paragraph.style.name] = paragraph.style
        for run in paragraph.runs:
            used[run.style.name] = run.style
    for table in tables_in(doc):
        used[table.style.name] = table.style
    return used


def run_sizes(doc: DocxDocument) -> set[float]:
    """Sizes set directly on runs."""
    return {run.font.size.pt for p in paragraphs_in(doc) for run in p.runs if run.font.size is not None}


def fields(paragraphs: Any) -> list[str]:
    return [t.text.strip() for p in paragraphs for t in p._p.iter(qn("w:instrText"))]


def row_flags(table: Table) -> list[tuple[bool, bool]]:
    """(repeats as header, cannot split) of each row."""
    out = []
    for row in table.rows:
        tr_pr = row._tr.trPr
        out.append((
            tr_pr is not None and tr_pr.find(qn("w:tblHeader")) is not None,
            tr_pr is not None and tr_pr.find(qn("w:cantSplit")) is not None,
        ))  # fmt: skip
    return out


def paragraph_starting(doc: DocxDocument, prefix: str) -> str:
    matches = [p.text for p in doc.paragraphs if p.text.startswith(prefix)]
    assert matches, f"no paragraph starts with {prefix!r}"
    return matches[0]
