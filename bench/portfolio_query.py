"""Latency and SQL count of the staff portfolio query (projects → milestones → managers); see
bench/README.md.

Runs on its own temporary SQLite file, or on BENCH_DATABASE_URL (an EMPTY PostgreSQL database: the
bench fills it with projects and does not clean up), so it never touches the development database.
"""

from __future__ import annotations

import asyncio
import os
import sys
import tempfile
from datetime import date, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # piccolo_conf.py lives at the root
os.environ.setdefault("PICCOLO_CONF", "piccolo_conf")
os.environ.setdefault("LOG_LEVEL", "WARNING")
os.environ["ARGON2_MEMORY_KIB"] = "1024"  # the bench signs in once; hashing cost is not what it measures
os.environ["DATABASE_URL"] = os.environ.get("BENCH_DATABASE_URL") or (
    f"sqlite:///{tempfile.mkdtemp(prefix='ttcntt-bench-')}/bench.sqlite"
)

import httpx
import measure  # bench/ is on sys.path when a bench runs

from app.auth import service as auth
from app.auth.enums import AccountKind
from app.auth.tables import Account
from app.cli import create_admin, migrate
from app.db import database_lifespan
from app.main import create_app
from catalog.tables import Department
from projects.enums import MilestoneStatus, MilestoneType, ProjectKind, ProjectStatus, Visibility
from projects.tables import Milestone, Project, ProjectManager

PROJECTS = 200
MILESTONES = 8  # per project
ROUNDS = 100
QUERY = """
query ($first: Int) {
  projects(first: $first) {
    totalCount
    edges { node { code health slippageDays
      milestones { title dueDate baselineDueDate slippageDays status health }
      managers { email fullName } } }
  }
}
"""


async def fill() -> str:
    """PROJECTS projects of MILESTONES milestones each, two managers each; returns an admin token."""
    await create_admin("bench.admin@ttcntt.vn", "Quản trị thử tải", "bench-password-2026")
    department = Department(code="HTS", name_vi="Phòng Hạ tầng số")
    await department.save()
    managers = [
        Account(email=f"pm{i}@ttcntt.vn", password_hash="-", full_name=f"Quản lý {i}", kind=AccountKind.STAFF.value)
        for i in range(2)
    ]
    await Account.insert(*managers)
    start = date(2026, 1, 1)
    for p in range(PROJECTS):
        project = Project(
            code=f"DA-{p:04d}", name_vi=f"Dự án chuyển đổi số {p}", kind=ProjectKind.DIGITAL_TRANSFORMATION.value,
            sponsor_agency="UBND tỉnh Thanh Hóa", department=department.id, planned_start=start,
            planned_end=start + timedelta(days=720), visibility=Visibility.INTERNAL.value,
            status=ProjectStatus.IMPLEMENTATION.value,
        )  # fmt: skip
        await project.save()
        await ProjectManager.insert(*[ProjectManager(project=project.id, account=m.id) for m in managers])
        await Milestone.insert(
            *[
                Milestone(
                    project=project.id,
                    position=m + 1,
                    title_vi=f"Mốc {m + 1}",
                    type=MilestoneType.DELIVERY.value,
                    planned_start=start + timedelta(days=90 * m),
                    baseline_due=start + timedelta(days=90 * m + 80),
                    due_date=start + timedelta(days=90 * m + 80 + (p % 5) * 7),
                    progress=(m * 13) % 100,
                    status=MilestoneStatus.IN_PROGRESS.value,
                )
                for m in range(MILESTONES)
            ]
        )
    return (await auth.sign_in("bench.admin@ttcntt.vn", "bench-password-2026")).token


async def run() -> None:
    await migrate()
    transport = httpx.ASGITransport(app=create_app())  # type: ignore[arg-type]
    async with database_lifespan(), httpx.AsyncClient(transport=transport, base_url="http://bench") as client:
        token = await fill()
        headers = {"Authorization": f"Bearer {token}"}
        print(f"{PROJECTS} projects x {MILESTONES} milestones, 2 managers each ({os.environ['DATABASE_URL'][:30]}…)")
        await measure.page_sizes(client, QUERY, ROUNDS, headers)


if __name__ == "__main__":
    asyncio.run(run())
