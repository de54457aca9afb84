"""Fixtures of the project tests: time frozen on 1 December 2026, a department, people of every role."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from catalog.tables import Department
from tests.projects.helpers import NOW, People, make_people
from tests.support import Api, shared_state


@pytest.fixture
async def people(client: Api, frozen_now: Callable[[Any], None]) -> People:
    frozen_now(NOW)

    async def build() -> People:
        await Department.insert(Department(code="HTS", name_vi="Phòng Hạ tầng số", name_en="Digital Infrastructure"))
        await Department.insert(Department(code="KHTH", name_vi="Phòng Kế hoạch - Tổng hợp", name_en="Planning"))
        return await make_people(client)

    return await shared_state("projects_people", build)
