"""`python -m app.cli export-invoices`: a complete file under its name only, a non-zero exit and an
error marker when the export fails, month files resumed, and a progress line on a terminal only."""

from __future__ import annotations

import io
import os
import subprocess
import sys
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from app.money import VatRate
from billing.exports import command, csv_file
from billing.exports.progress import Progress
from billing.exports.repository import Reader
from tests.billing.exports_data import insert_invoice

ROOT = Path(__file__).resolve().parents[2]


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def args(out: Path, *extra: str) -> Any:
    import argparse

    parser = argparse.ArgumentParser()
    command.add_arguments(parser)
    return parser.parse_args(
        ["--format", "csv", "--from", "2026-01-01", "--to", "2026-02-28", "--out", str(out), *extra]
    )


@pytest.fixture
async def two_months(db: None) -> list[int]:
    return [
        await insert_invoice(1, date(2026, 1, 20), [(VatRate.RATE_10, 1_000_000)]),
        await insert_invoice(2, date(2026, 2, 3), [(VatRate.KCT, 450_000)]),
    ]


def cli(*argv: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PICCOLO_CONF": "piccolo_conf"}
    return subprocess.run(
        [sys.executable, "-m", "app.cli", "export-invoices", *argv], cwd=ROOT, env=env, capture_output=True,
        text=True, timeout=300, check=False,
    )  # fmt: skip


async def test_the_command_writes_the_period_and_says_what_it_wrote(two_months: list[int], tmp_path: Path) -> None:
    out = tmp_path / "thang.csv"
    done = cli("--format", "csv", "--from", "2026-01-01", "--to", "2026-02-28", "--out", str(out))
    assert done.returncode == 0, done.stderr
    assert done.stderr.strip().endswith("thang.csv: 2 invoices, 0 payments, total 1,550,000 đồng")
    assert "rows/s" not in done.stderr  # not a terminal: no progress line
    trailer = csv_file.parse_trailer(out.read_text(encoding="utf-8"))
    assert (trailer["invoices"], trailer["end"], trailer["rates"]["ALL"]) == (2, 2, (2, 1_450_000, 100_000, 1_550_000))
    assert os.listdir(tmp_path) == ["thang.csv"]


async def test_refused_input_exits_2_and_writes_nothing(db: None, tmp_path: Path) -> None:
    done = cli("--format", "pdf", "--from", "2026-03-01", "--to", "2026-02-01", "--out", str(tmp_path / "x.pdf"))
    assert done.returncode == 2
    assert done.stderr.splitlines() == [
        "format: UNKNOWN_FORMAT: Not supported; one of: csv, xlsx, xml.",
        "to: PERIOD_REVERSED: The period ends before it starts.",
    ]
    assert os.listdir(tmp_path) == []


async def test_a_failed_export_exits_1_and_leaves_only_a_marked_part_file(
    two_months: list[int], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    async def broken(self: Reader, spec: Any, snapshot: Any = None) -> Any:
        raise RuntimeError("database went away")

    # The totals are read last, after every row was written: the file is still not complete.
    monkeypatch.setattr(Reader, "totals", broken)
    err = io.StringIO()
    out = tmp_path / "thang.csv"
    assert await command.run(args(out), err) == 1
    assert not out.exists()
    part = (tmp_path / "thang.csv.part").read_text(encoding="utf-8")
    assert part.splitlines()[-1].startswith("#ERROR,EXPORT_FAILED,Unexpected error")
    assert csv_file.parse_trailer(part)["end"] is None
    assert "export failed: EXPORT_FAILED" in err.getvalue()
    assert "database went away" not in part


async def test_by_month_writes_one_file_a_month_and_resumes(two_months: list[int], tmp_path: Path) -> None:
    out = tmp_path / "hd.csv"
    (tmp_path / "hd-2026-01.csv").write_text("done before")
    err = io.StringIO()
    assert await command.run(args(out, "--by-month"), err) == 0
    assert (tmp_path / "hd-2026-01.csv").read_text() == "done before"  # skipped, not rewritten
    february = csv_file.parse_trailer((tmp_path / "hd-2026-02.csv").read_text(encoding="utf-8"))
    assert (february["invoices"], february["rates"]["KCT"]) == (1, (1, 450_000, 0, 450_000))
    assert "hd-2026-01.csv: already complete, skipped" in err.getvalue()


async def test_the_progress_line_shows_on_a_terminal(two_months: list[int], tmp_path: Path) -> None:
    terminal = Terminal()
    assert await command.run(args(tmp_path / "a.csv"), terminal) == 0
    drawn = terminal.getvalue()
    assert "\r" in drawn and "2/2 rows 100.0%" in drawn and "rows/s" in drawn and "ETA 0:00:00" in drawn


def test_progress_counts_rate_and_time_left() -> None:
    clock = iter([0.0, 0.0, 10.0, 10.0, 10.0])
    progress = Progress(1000, "f.csv ", Terminal(), now=lambda: next(clock))
    progress.update(250)  # 250 rows in 10 s: 25 rows/s, 750 left: 30 s
    assert progress.line().endswith("250/1,000 rows  25.0%  25 rows/s  ETA 0:00:30")
    quiet = io.StringIO()
    Progress(10, "", quiet).update(10)
    assert quiet.getvalue() == ""


def test_months_cut_a_period_at_month_ends() -> None:
    assert command.months(date(2026, 1, 20), date(2026, 3, 5)) == [
        (date(2026, 1, 20), date(2026, 1, 31)),
        (date(2026, 2, 1), date(2026, 2, 28)),
        (date(2026, 3, 1), date(2026, 3, 5)),
    ]
