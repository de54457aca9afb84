"""An SVG Gantt chart of a project's milestones: a pure function of the plan and today's date.

One row per milestone: a bar from the planned start to the current due date (filled to the
progress), a tick at the baseline due date when it slipped, and a vertical line for today.
Colours: accepted green, late red, blocked orange, in progress / submitted blue, planned grey,
cancelled light grey with a strike-through.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from xml.sax.saxutils import escape, quoteattr

from projects.enums import MilestoneStatus
from projects.states import OPEN

ROW = 28
LABEL_WIDTH = 260
CHART_WIDTH = 640
TOP = 48
LEGEND = {
    "accepted": "Đã nghiệm thu",
    "late": "Trễ hạn",
    "blocked": "Bị chặn",
    "active": "Đang thực hiện",
    "planned": "Kế hoạch",
    "cancelled": "Đã hủy",
}
COLOURS = {
    "accepted": "#2e7d32",
    "late": "#c62828",
    "blocked": "#ef6c00",
    "active": "#1565c0",
    "planned": "#9e9e9e",
    "cancelled": "#e0e0e0",
}


@dataclass(frozen=True)
class Bar:
    title: str
    status: MilestoneStatus
    planned_start: date
    due_date: date
    baseline_due: date
    progress: int
    actual_end: date | None = None


def colour_key(bar: Bar, today: date) -> str:
    if bar.status is MilestoneStatus.ACCEPTED:
        return "accepted"
    if bar.status is MilestoneStatus.CANCELLED:
        return "cancelled"
    if bar.status in OPEN and bar.due_date < today:
        return "late"
    if bar.status is MilestoneStatus.BLOCKED:
        return "blocked"
    if bar.status is MilestoneStatus.PLANNED:
        return "planned"
    return "active"


def _month_starts(start: date, end: date) -> list[date]:
    months, current = [], date(start.year, start.month, 1)
    while current <= end:
        if current > start:
            months.append(current)
        current = date(current.year + current.month // 12, current.month % 12 + 1, 1)
    return months


def render(title: str, bars: Sequence[Bar], today: date) -> str:
    dates = [today] + [d for b in bars for d in (b.planned_start, b.due_date, b.baseline_due, b.actual_end) if d]
    start, end = min(dates), max(dates) + timedelta(days=1)
    span = max((end - start).days, 1)

    def x(day: date) -> float:
        return LABEL_WIDTH + (day - start).days * CHART_WIDTH / span

    rows_bottom = TOP + ROW * max(len(bars), 1)
    height = rows_bottom + 48
    width = LABEL_WIDTH + CHART_WIDTH + 20
    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}" font-family="sans-serif" font-size="12" role="img">',
        f"<title>{escape(title)}</title>",
        f'<text x="8" y="20" font-size="14" font-weight="bold">{escape(title)}</text>',
        f'<text x="{LABEL_WIDTH}" y="38" fill="#555">{start.isoformat()}</text>',
        f'<text x="{LABEL_WIDTH + CHART_WIDTH}" y="38" fill="#555" text-anchor="end">{end.isoformat()}</text>',
    ]
    months = _month_starts(start, end)
    step = max(1, len(months) // 12)  # at most about 12 labelled months
    for index, month in enumerate(months):
        mx = x(month)
        out.append(f'<line class="month" x1="{mx:.1f}" y1="{TOP - 4}" x2="{mx:.1f}" y2="{rows_bottom}" stroke="#eee"/>')
        if index % step == 0 and LABEL_WIDTH + 75 < mx < LABEL_WIDTH + CHART_WIDTH - 75:
            out.append(
                f'<text x="{mx:.1f}" y="38" fill="#999" font-size="10" text-anchor="middle">{month:%m/%Y}</text>'
            )
    for index, bar in enumerate(bars):
        y = TOP + index * ROW
        key = colour_key(bar, today)
        left, right = x(bar.planned_start), x(bar.due_date + timedelta(days=1))
        done = (right - left) * max(0, min(bar.progress, 100)) / 100
        label = f"{bar.title} ({bar.progress}%)"
        out.append(f'<g class="milestone {key}" data-status={quoteattr(bar.status.value)}>')
        out.append(f"<title>{escape(label)}: {bar.planned_start.isoformat()} → {bar.due_date.isoformat()}</title>")
        out.append(f'<text x="8" y="{y + 17}">{escape(bar.title[:40])}</text>')
        out.append(
            f'<rect x="{left:.1f}" y="{y + 6}" width="{right - left:.1f}" height="16" rx="3" '
            f'fill="{COLOURS[key]}" fill-opacity="0.35"/>'
        )
        out.append(f'<rect x="{left:.1f}" y="{y + 6}" width="{done:.1f}" height="16" rx="3" fill="{COLOURS[key]}"/>')
        if bar.baseline_due != bar.due_date:
            bx = x(bar.baseline_due + timedelta(days=1))
            out.append(
                f'<line class="baseline" x1="{bx:.1f}" y1="{y + 3}" x2="{bx:.1f}" y2="{y + 25}" '
                'stroke="#000" stroke-dasharray="2,2"/>'
            )
        if key == "cancelled":
            out.append(f'<line x1="{left:.1f}" y1="{y + 14}" x2="{right:.1f}" y2="{y + 14}" stroke="#757575"/>')
        out.append("</g>")
    tx = x(today)
    out.append(
        f'<line class="today" x1="{tx:.1f}" y1="{TOP - 4}" x2="{tx:.1f}" y2="{rows_bottom + 4}" '
        'stroke="#d81b60" stroke-width="2"/>'
    )
    out.append(
        f'<text x="{tx:.1f}" y="{rows_bottom + 16}" fill="#d81b60" text-anchor="middle">{today.isoformat()}</text>'
    )
    lx = 8
    for key, label in LEGEND.items():
        out.append(f'<rect x="{lx}" y="{height - 18}" width="12" height="12" fill="{COLOURS[key]}"/>')
        out.append(f'<text x="{lx + 16}" y="{height - 8}" font-size="11">{label}</text>')
        lx += 24 + 7 * len(label)
    out.append("</svg>")
    return "\n".join(out) + "\n"
