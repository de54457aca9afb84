"""Looking at documents: .docx → PDF with LibreOffice headless, PDF → PNG pages with poppler's pdftoppm,
and the PDF's page count and text (pdfinfo, pdftotext) for tests. Tools for people and tests, never on a
request path.

Debian: `apt-get install -y --no-install-recommends libreoffice-writer-nogui poppler-utils fonts-liberation2`
(fonts-liberation2: Liberation Serif stands in for Times New Roman with the same metrics, and has the
Vietnamese glyphs the older fonts-liberation lacks).
"""

from __future__ import annotations

import re
import shutil
import subprocess
import tempfile
from pathlib import Path

INSTALL = "apt-get install -y --no-install-recommends libreoffice-writer-nogui poppler-utils fonts-liberation2"
TOOLS = ("soffice", "pdftoppm", "pdftotext", "pdfinfo")


def missing_tools() -> list[str]:
    return [tool for tool in TOOLS if shutil.which(tool) is None]


def _run(arguments: list[str], timeout: int = 180) -> str:
    done = subprocess.run(arguments, capture_output=True, text=True, timeout=timeout, check=False)  # noqa: S603
    if done.returncode != 0:
        raise RuntimeError(f"{arguments[0]} failed ({done.returncode}): {done.stderr.strip()[:500]}")
    return done.stdout


def to_pdf(documents: list[Path], folder: Path) -> list[Path]:
    """One LibreOffice run converts them all (its start-up is most of the time). A private profile folder:
    parallel runs (other users, tests) never lock each other's."""
    folder.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="lo-profile-") as profile:
        _run([
            "soffice", f"-env:UserInstallation=file://{profile}", "--headless", "--norestore",
            "--convert-to", "pdf", "--outdir", str(folder), *[str(d) for d in documents],
        ])  # fmt: skip
    return [folder / f"{d.stem}.pdf" for d in documents]


def to_png(pdf: Path, folder: Path, *, first: int = 1, last: int = 3, dpi: int = 80) -> list[Path]:
    """The first pages as PNG pictures: <folder>/<name>-<page>.png."""
    folder.mkdir(parents=True, exist_ok=True)
    prefix = folder / pdf.stem
    _run(["pdftoppm", "-png", "-r", str(dpi), "-f", str(first), "-l", str(last), str(pdf), str(prefix)])
    return sorted(folder.glob(f"{pdf.stem}-*.png"))


def page_count(pdf: Path) -> int:
    found = re.search(r"^Pages:\s+(\d+)", _run(["pdfinfo", str(pdf)]), re.MULTILINE)
    if found is None:
        raise RuntimeError(f"pdfinfo did not report pages of {pdf}")
    return int(found.group(1))


def text(pdf: Path, *, layout: bool = False) -> str:
    """The PDF's text (UTF-8, diacritics kept), pages separated by form feeds: in reading order (a column of
    a table or of the heading after the other), or as laid out on the page."""
    return _run(["pdftotext", *(["-layout"] if layout else []), "-enc", "UTF-8", str(pdf), "-"])
