"""Concurrent edits never silently overwrite each other (PostgreSQL, real concurrent requests).

SQLite serialises every writer in one file, so the race cannot happen there; the stale-version refusal
itself is tested sequentially on both engines (test_refusals.test_a_stale_version_is_refused)."""

from __future__ import annotations

import asyncio
import os

import pytest

from app.db import is_sqlite
from app.tables import HistoryEvent
from projects.tables import Milestone
from tests.projects.helpers import ADD_MILESTONE, UPDATE_MILESTONE, People, create_project, milestone_input
from tests.support import Api

N = 8

pytestmark = pytest.mark.skipif(
    not os.environ.get("TEST_DATABASE_URL", "").startswith("postgres"),
    reason="needs PostgreSQL (TEST_DATABASE_URL=postgresql://…): SQLite runs one writer at a time",
)


async def test_concurrent_updates_with_the_same_version_one_wins_no_lost_update(client: Api, people: People) -> None:
    assert not is_sqlite()
    m = (await create_project(client, people))["milestones"][2]
    tokens = [people.manager, people.co_manager, people.admin]

    async def edit(n: int) -> dict[str, object]:
        result = await client.gql(
            UPDATE_MILESTONE,
            {"id": m["id"], "version": 1, "input": {"progress": 11 + n}, "comment": f"task {n}"},
            token=tokens[n % len(tokens)],
        )
        return result.data["updateMilestone"]

    payloads = await asyncio.gather(*(edit(n) for n in range(N)))

    winners = [p for p in payloads if not p["errors"]]
    losers = [p for p in payloads if p["errors"]]
    assert len(winners) == 1
    assert [[e["code"] for e in p["errors"]] for p in losers] == [["STALE_VERSION"]] * (N - 1)
    won = winners[0]["milestone"]
    row = await Milestone.select(Milestone.progress, Milestone.version).where(Milestone.id == int(m["id"])).first()
    assert row == {"progress": won["progress"], "version": 2}
    events = await HistoryEvent.select(HistoryEvent.comment).where(
        (HistoryEvent.entity_type == "milestone")
        & (HistoryEvent.entity_id == int(m["id"]))
        & (HistoryEvent.action == "milestone.update")
    )
    assert events == [{"comment": f"task {won['progress'] - 11}"}]


async def test_concurrent_additions_never_push_shares_over_100_percent(client: Api, people: People) -> None:
    plan = [milestone_input("A", "2027-01-01", "2027-02-01", shareBasisPoints=6000)]
    await create_project(client, people, milestones=plan)

    async def add(n: int) -> dict[str, object]:
        input = milestone_input(f"Thêm {n}", "2027-03-01", "2027-03-31", shareBasisPoints=3000)
        return (
            await client.gql(ADD_MILESTONE, {"projectCode": "PPP-DC-01", "input": input}, token=people.manager)
        ).data["addMilestone"]

    payloads = await asyncio.gather(*(add(n) for n in range(N)))

    assert sorted(tuple(e["code"] for e in p["errors"]) for p in payloads) == [()] + [("SHARES_OVER_100",)] * (N - 1)
    shares = await Milestone.select(Milestone.share_bp)
    assert sorted(r["share_bp"] for r in shares) == [3000, 6000]
