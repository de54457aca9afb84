"""app.db.Prepared: a Piccolo query composed once, run with new values, answers as Piccolo's own."""

from __future__ import annotations

import asyncio

import pytest

from app.db import Prepared, count_queries
from app.errors import ValidationFailed
from catalog.enums import ServiceStatus
from catalog.tables import Service

BY_CODE = Prepared(lambda code: Service.select(Service.id, Service.code).where(Service.code == code).first())
BY_IDS = Prepared(lambda ids: Service.select().where(Service.id.is_in(ids)).order_by(Service.id).output(load_json=True))
BY_STATUS_AND_IDS = Prepared(
    lambda status, ids: Service.select(Service.code).where((Service.status == status) & Service.id.is_in(ids))
)


async def test_the_same_rows_as_piccolo_composing_each_time(catalog: dict[str, int]) -> None:
    services = await Service.select(Service.id, Service.code).order_by(Service.id)
    ids = [row["id"] for row in services]
    for code in ("HTS-DC-03", services[-1]["code"], "KHÔNG-CÓ"):
        assert await BY_CODE(code) == await Service.select(Service.id, Service.code).where(Service.code == code).first()
    for chosen in (ids[:1], ids[:3], ids[2:9], ids[:3]):  # list lengths are shapes of their own; reused
        plain = await Service.select().where(Service.id.is_in(chosen)).order_by(Service.id).output(load_json=True)
        assert await BY_IDS(chosen) == plain
        assert [row["id"] for row in plain] == chosen
    # an enum is bound as its value, beside a list
    assert {r["code"] for r in await BY_STATUS_AND_IDS(ServiceStatus.PUBLISHED, ids[:5])} == {
        r["code"] for r in services[:5]
    } & {r["code"] for r in await Service.select(Service.code).where(Service.status == "published")}


async def test_runs_in_flight_at_once_keep_their_own_values(catalog: dict[str, int]) -> None:
    codes = [row["code"] for row in await Service.select(Service.code).order_by(Service.id)][:20]
    found = await asyncio.gather(*(BY_CODE(code) for code in codes))
    assert [row["code"] for row in found] == codes


async def test_statements_are_counted_and_nul_is_refused(catalog: dict[str, int]) -> None:
    with count_queries() as sent:
        await BY_CODE("HTS-DC-03")
    assert len(sent) == 1 and sent[0].startswith("SELECT") and "'HTS-DC-03'" in sent[0]
    with pytest.raises(ValidationFailed):
        await BY_CODE("HTS\x00")


async def test_a_value_the_query_would_transform_is_refused_when_composed(db: None) -> None:
    # each value exactly once, as given: a builder that repeats (or transforms) one is refused when composed
    broken = Prepared(lambda ids: Service.select().where(Service.id.is_in(ids + ids)))
    with pytest.raises(TypeError, match="each of its values once"):
        await broken([1])


async def test_beyond_its_shapes_it_composes_as_piccolo_would(catalog: dict[str, int]) -> None:
    ids = [row["id"] for row in await Service.select(Service.id).order_by(Service.id)]
    few = Prepared(lambda ids: Service.select(Service.id).where(Service.id.is_in(ids)).order_by(Service.id))
    few.SHAPES_MAX = 2
    for length in (1, 2, 3, 4, 1):
        assert [row["id"] for row in await few(ids[:length])] == ids[:length]
    assert len(few._compiled) == 2  # lengths 1 and 2 kept; 3 and 4 composed each time
