"""Pure parts of the domain: health, slippage, dependency cycles, OCDS mapping, the Gantt picture."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st

from projects import gantt, ocds
from projects.dependencies import has_cycle
from projects.enums import Health, MilestoneStatus, OcdsMilestoneStatus
from projects.health import MilestonePlan, expected_progress, milestone_health, project_health, project_slippage
from projects.states import MILESTONE_LIFECYCLE, PROJECT_LIFECYCLE
from tests.projects.ocds_schema import SCHEMAS
from tests.projects.ocds_schema import errors as ocds_errors

TODAY = date(2026, 12, 1)
M = MilestoneStatus


def plan(
    status: M = M.IN_PROGRESS, start: str = "2026-11-01", due: str = "2026-12-31", progress: int = 50
) -> MilestonePlan:
    return MilestonePlan(status, date.fromisoformat(start), date.fromisoformat(due), progress, date.fromisoformat(due))


@pytest.mark.parametrize(
    ("milestone", "health"),
    [
        (plan(due="2026-11-30", progress=99), Health.LATE),  # past due, not accepted
        (plan(M.SUBMITTED, due="2026-11-30", progress=100), Health.LATE),
        (plan(M.ACCEPTED, due="2026-11-30", progress=100), Health.ON_TRACK),
        (plan(M.CANCELLED, due="2026-11-30", progress=0), Health.ON_TRACK),
        (plan(M.BLOCKED, progress=90), Health.AT_RISK),
        # 30 of 60 days: expected 50; 35 lags by 15 (not more), 34 by 16
        (plan(progress=35), Health.ON_TRACK),
        (plan(progress=34), Health.AT_RISK),
        (plan(due="2026-12-08", start="2026-11-30", progress=79), Health.AT_RISK),  # due in 7 days, < 80
        (plan(due="2026-12-08", start="2026-11-30", progress=80), Health.ON_TRACK),
        (plan(due="2026-12-09", start="2026-12-02", progress=0), Health.ON_TRACK),  # due in 8 days, not started
        (plan(due="2026-12-01", start="2026-11-01", progress=100), Health.ON_TRACK),  # due today, done
    ],
)
def test_milestone_health_rule(milestone: MilestonePlan, health: Health) -> None:
    assert milestone_health(milestone, TODAY) is health


def test_project_health_is_the_worst_of_its_milestones() -> None:
    assert project_health([], TODAY) is Health.ON_TRACK
    assert project_health([plan(progress=50), plan(M.BLOCKED)], TODAY) is Health.AT_RISK
    assert project_health([plan(M.BLOCKED), plan(due="2026-11-01", start="2026-10-01")], TODAY) is Health.LATE


def test_slippage_is_the_largest_shift_of_a_live_milestone() -> None:
    moved = MilestonePlan(M.IN_PROGRESS, date(2026, 11, 1), date(2026, 12, 21), 0, date(2026, 12, 1))
    earlier = MilestonePlan(M.PLANNED, date(2026, 11, 1), date(2026, 11, 25), 0, date(2026, 12, 1))
    cancelled = MilestonePlan(M.CANCELLED, date(2026, 11, 1), date(2027, 12, 1), 0, date(2026, 12, 1))
    assert project_slippage([moved, earlier, cancelled]) == 20
    assert project_slippage([earlier]) == -6
    assert project_slippage([]) == 0


dates = st.dates(min_value=date(2020, 1, 1), max_value=date(2035, 12, 31))


@given(dates, st.integers(min_value=1, max_value=2000), dates)
def test_expected_progress_is_monotonic_and_bounded(start: date, length: int, today: date) -> None:
    due = start + timedelta(days=length)
    value = expected_progress(start, due, today)
    assert 0 <= value <= 100
    assert expected_progress(start, due, today + timedelta(days=1)) >= value
    assert expected_progress(start, due, start) == 0
    assert expected_progress(start, due, due) == 100


statuses = st.sampled_from(list(MilestoneStatus))


@given(st.lists(st.tuples(statuses, dates, st.integers(0, 400), st.integers(0, 100)), max_size=8), dates)
def test_health_properties(rows: list[tuple[M, date, int, int]], today: date) -> None:
    milestones = [MilestonePlan(s, start, start + timedelta(days=n), p, start) for s, start, n, p in rows]
    health = project_health(milestones, today)
    late = any(m.status not in (M.ACCEPTED, M.CANCELLED) and m.due_date < today for m in milestones)
    assert (health is Health.LATE) == late
    # Accepting every milestone always makes a project on track.
    accepted = [MilestonePlan(M.ACCEPTED, m.planned_start, m.due_date, 100, m.baseline_due) for m in milestones]
    assert project_health(accepted, today) is Health.ON_TRACK


@given(st.lists(st.tuples(st.integers(0, 20), st.integers(0, 20)), max_size=40))
def test_edges_from_later_to_earlier_never_cycle(pairs: list[tuple[int, int]]) -> None:
    edges = [(max(a, b) + 1, min(a, b)) for a, b in pairs if a != b] + [(a + 1, a) for a, _ in pairs]
    assert not has_cycle(edges)


@given(st.lists(st.integers(0, 50), min_size=1, max_size=12, unique=True))
def test_closing_a_chain_makes_a_cycle(chain: list[int]) -> None:
    edges = list(zip(chain[1:], chain[:-1], strict=True))
    assert not has_cycle(edges)
    assert has_cycle([*edges, (chain[0], chain[-1])])


def test_transition_tables_have_no_self_loops_and_reach_every_state() -> None:
    assert all(s.source != s.target for s in MILESTONE_LIFECYCLE.steps)
    assert {s.target for s in MILESTONE_LIFECYCLE.steps} | {M.PLANNED} == set(MilestoneStatus)
    assert not any(s.source in (M.ACCEPTED, M.CANCELLED) for s in MILESTONE_LIFECYCLE.steps)
    assert all(s.source != s.target for s in PROJECT_LIFECYCLE.steps)


@pytest.mark.parametrize(
    ("status", "due", "progress", "expected"),
    [
        (M.ACCEPTED, "2026-11-01", 100, OcdsMilestoneStatus.MET),
        (M.CANCELLED, "2027-01-01", 0, OcdsMilestoneStatus.NOT_MET),
        (M.IN_PROGRESS, "2026-12-01", 0, OcdsMilestoneStatus.SCHEDULED),
        (M.SUBMITTED, "2026-11-30", 100, OcdsMilestoneStatus.PARTIALLY_MET),
        (M.PLANNED, "2026-11-30", 0, OcdsMilestoneStatus.NOT_MET),
    ],
)
def test_ocds_milestone_status(status: M, due: str, progress: int, expected: OcdsMilestoneStatus) -> None:
    assert ocds.ocds_status(status, date.fromisoformat(due), progress, TODAY) is expected


def _project(**overrides: Any) -> dict[str, Any]:
    return {
        "code": "CDS-02", "name_vi": "Chuyển đổi số", "description_vi": "", "sponsor_agency": "Sở KH&CN",
        "state_capital_amount": 5_000_000_000, "private_capital_amount": 0, "status": "implementation",
        "planned_start": date(2026, 1, 1), "planned_end": date(2026, 12, 31),
        "updated_at": datetime(2026, 11, 30, 8, 0, tzinfo=UTC), **overrides,
    }  # fmt: skip


def _milestone(n: int, kind: str, status: str, **overrides: Any) -> dict[str, Any]:
    return {
        "id": n, "title_vi": f"Mốc {n} <&>", "type": kind, "code": "", "deliverables": "", "status": status,
        "planned_start": date(2026, 1, 1), "due_date": date(2026, 6, 30), "baseline_due": date(2026, 6, 30),
        "actual_end": date(2026, 6, 20) if status == "accepted" else None, "progress": 40,
        "updated_at": datetime(2026, 6, 20, 1, 0, tzinfo=UTC), **overrides,
    }  # fmt: skip


PUBLICATION = ocds.Publication(
    prefix="ocds-test",
    publisher="Trung tâm",
    base_url="https://api.example.vn/",
    timezone=ZoneInfo("Asia/Ho_Chi_Minh"),
    published_at=datetime(2026, 12, 1, 3, 0, tzinfo=UTC),
    today=TODAY,
)


@given(
    st.lists(
        st.tuples(
            st.sampled_from(["preProcurement", "approval", "engagement", "delivery", "payment", "contractClose"]),
            st.sampled_from([s.value for s in MilestoneStatus]),
            dates,
        ),
        max_size=6,
    ),
    st.sampled_from(["identification", "preparation", "implementation", "completed", "cancelled"]),
)
def test_every_package_validates(rows: list[tuple[str, str, date]], project_status: str) -> None:
    milestones = [_milestone(n, kind, status, due_date=due) for n, (kind, status, due) in enumerate(rows, start=1)]
    package = ocds.release_package(_project(status=project_status), milestones, [], PUBLICATION)
    assert ocds_errors(package) == []


def test_package_fields() -> None:
    partner = {"id": 7, "tax_code": "0100109106", "organization_name": "Công ty ABC", "full_name": "A"}
    package = ocds.release_package(
        _project(), [_milestone(1, "delivery", "accepted"), _milestone(2, "payment", "planned")], [partner], PUBLICATION
    )
    assert ocds_errors(package) == []
    release = package["releases"][0]
    assert package["uri"] == "https://api.example.vn/projects/CDS-02/ocds.json"
    assert package["publishedDate"] == "2026-12-01T03:00:00Z"
    assert (release["ocid"], release["date"], release["tag"]) == (
        "ocds-test-CDS-02", "2026-11-30T08:00:00Z", ["planning", "implementation"],
    )  # fmt: skip
    assert release["parties"][1] == {
        "id": "VN-MST-0100109106", "name": "Công ty ABC", "roles": ["supplier"],
        "identifier": {"scheme": "VN-MST", "id": "0100109106"},
    }  # fmt: skip
    assert release["contracts"][0]["implementation"]["milestones"] == [
        {"id": "CDS-02-M1", "title": "Mốc 1 <&>", "type": "delivery", "dueDate": "2026-06-30T00:00:00+07:00",
         "dateModified": "2026-06-20T01:00:00Z", "status": "met", "dateMet": "2026-06-20T00:00:00+07:00"},
        {"id": "CDS-02-M2", "title": "Mốc 2 <&>", "type": "payment", "dueDate": "2026-06-30T00:00:00+07:00",
         "dateModified": "2026-06-20T01:00:00Z", "status": "partiallyMet"},
    ]  # fmt: skip


def test_the_validator_catches_bad_packages() -> None:
    package = ocds.release_package(_project(), [_milestone(1, "delivery", "planned")], [], PUBLICATION)
    bad = json.loads(json.dumps(package))
    bad["releases"][0]["contracts"][0]["implementation"]["milestones"][0]["status"] = "inProgress"
    bad["releases"][0]["date"] = "yesterday"
    del bad["publisher"]
    found = ocds_errors(bad)
    assert any("'publisher' is a required property" in e for e in found)
    assert any("'inProgress' is not one of" in e for e in found)
    assert any("'yesterday' is not a 'date-time'" in e for e in found)


def test_the_copied_schemas_match_the_shared_ones_when_present() -> None:
    shared = Path(__file__).resolve().parents[3] / "shared" / "ocds-1.1"
    if not shared.is_dir():
        pytest.skip("../shared/ocds-1.1 is not beside the repository (fresh clone): the copy is used alone")
    for name in ("release-package-schema.json", "release-schema.json", "dereferenced-release-schema.json"):
        assert (SCHEMAS / name).read_bytes() == (shared / name).read_bytes()


def test_gantt_is_well_formed_svg_with_colours_and_escaped_text() -> None:
    bars = [
        gantt.Bar("Nghiệm thu <A&B>", M.ACCEPTED, date(2026, 10, 1), date(2026, 10, 31), date(2026, 10, 31), 100),
        gantt.Bar("Trễ", M.IN_PROGRESS, date(2026, 11, 1), date(2026, 11, 30), date(2026, 11, 20), 50),
        gantt.Bar("Đang làm", M.IN_PROGRESS, date(2026, 11, 1), date(2027, 1, 31), date(2027, 1, 31), 20),
        gantt.Bar("Bị chặn", M.BLOCKED, date(2026, 12, 1), date(2027, 1, 31), date(2027, 1, 31), 0),
        gantt.Bar("Hủy", M.CANCELLED, date(2026, 12, 1), date(2027, 1, 31), date(2027, 1, 31), 0),
    ]
    svg = gantt.render("Dự án <thử>", bars, TODAY)
    root = ET.fromstring(svg)
    ns = "{http://www.w3.org/2000/svg}"
    groups = root.findall(f"{ns}g")
    assert [g.get("class") for g in groups] == [
        "milestone accepted", "milestone late", "milestone active", "milestone blocked", "milestone cancelled",
    ]  # fmt: skip
    assert groups[0].find(f"{ns}text").text == "Nghiệm thu <A&B>"  # type: ignore[union-attr]
    assert len(root.findall(f"{ns}g/{ns}line[@class='baseline']")) == 1  # only the slipped one
    assert root.find(f"{ns}line[@class='today']") is not None
    assert gantt.render("Trống", [], TODAY).startswith("<svg")


@given(st.integers(min_value=-1000, max_value=1000), st.integers(min_value=-20000, max_value=20000))
def test_progress_and_share_bounds(progress: int, share: int) -> None:
    from app.errors import ValidationFailed
    from projects.inputs import MilestoneFields, clean_milestone_fields

    try:
        values = clean_milestone_fields(MilestoneFields(progress=progress, share_bp=share), creating=False)
    except ValidationFailed as error:
        found = {(d.code, d.field) for d in error.details}
        expected = set()
        if not 0 <= progress <= 100:
            expected.add(("PROGRESS_OUT_OF_RANGE", "progress"))
        if not 0 <= share <= 10_000:
            expected.add(("SHARE_OUT_OF_RANGE", "shareBasisPoints"))
        assert found == expected and expected
    else:
        assert 0 <= progress <= 100 and 0 <= share <= 10_000
        assert values == {"progress": progress, "share_bp": share}
