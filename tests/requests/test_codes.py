"""Receipt codes: format, per-day sequence, unique under concurrent submissions (PostgreSQL)."""

from __future__ import annotations

import asyncio
import re
from collections.abc import Callable
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from app.auth.principal import ANONYMOUS
from app.db import is_sqlite
from catalog import repository as catalog_repository
from catalog.enums import Channel
from catalog.requests import codes
from catalog.requests.submit import SubmitFields, submit_request
from catalog.requests.tables import ServiceRequest
from tests.requests.helpers import local

CODE = re.compile(r"^TTCNTT-(\d{6})-(\d{4})-([A-Z2-9]{2})$")


async def _fields() -> SubmitFields:
    service = await catalog_repository.service_by("code", "HTS-HTKT-02")  # no required document
    assert service is not None
    plans = (await catalog_repository.plans_by_services([service["id"]], include_retired=False))[service["id"]]
    return SubmitFields(
        service_code="HTS-HTKT-02", plan_id=plans[0]["id"], channel=Channel.ONLINE, quantity=1,
        contact_name="Trần Văn B", contact_phone="0987654321", contact_email="b@example.vn",
    )  # fmt: skip


async def test_sequential_codes_count_per_local_day(catalog: dict[str, int], frozen_now: Callable[[Any], None]) -> None:
    fields = await _fields()
    frozen_now(local(2026, 3, 15, 23, 59))
    first = [(await submit_request(ANONYMOUS, fields))["code"] for _ in range(3)]
    frozen_now(local(2026, 3, 16, 0, 1))  # 17:01 UTC on the 15th: already the 16th in Vietnam
    second = (await submit_request(ANONYMOUS, fields))["code"]
    parts = [CODE.match(c).groups() for c in [*first, second]]  # type: ignore[union-attr]
    assert [(d, n) for d, n, _ in parts] == [
        ("260315", "0001"),
        ("260315", "0002"),
        ("260315", "0003"),
        ("260316", "0001"),
    ]
    assert len(set(first)) == 3


@pytest.mark.skipif(is_sqlite(), reason="SQLite serializes writers; concurrency is tested on PostgreSQL")
async def test_concurrent_submissions_never_share_a_code(catalog: dict[str, int]) -> None:
    fields = await _fields()
    rows = await asyncio.gather(*(submit_request(ANONYMOUS, fields) for _ in range(30)))
    found = [row["code"] for row in rows]
    assert len(set(found)) == 30
    assert sorted(CODE.match(c).group(2) for c in found) == [f"{n:04d}" for n in range(1, 31)]  # type: ignore[union-attr]
    assert await ServiceRequest.count() == 30


@given(st.dates(), st.integers(min_value=1, max_value=9999))
def test_codes_are_well_formed_and_carry_the_local_date(day: Any, sequence: int) -> None:
    code = codes.format_code("TTCNTT", day, sequence, codes.random_suffix())
    assert codes.looks_like_code(code)
    assert code.split("-")[1] == day.strftime("%y%m%d")
    assert set(code[-2:]) <= set(codes.ALPHABET)
