"""The catalog seed: complete, valid and idempotent; it never overwrites what staff edited."""

from __future__ import annotations

from collections import Counter
from datetime import timedelta

from app import clock
from app.audit.tables import AuditEvent
from app.money import VatRate
from catalog.enums import Audience, Channel, OnlineLevel, ServiceStatus, Unit
from catalog.seed import seed_catalog
from catalog.tables import Category, Department, Plan, PlanPrice, Service, ServiceChannel
from tests.catalog import helpers as h
from tests.catalog.helpers import RETIRE, SCHEDULE, UPDATE_SERVICE, row_counts, snapshot
from tests.support import Api


async def test_seeding_twice_inserts_nothing_the_second_time(db: None) -> None:
    # when the seed runs on an empty database
    first = await seed_catalog()
    counts = await row_counts()
    # then it inserts the whole data file, and records one audit event
    plans = sum(len(s["plans"]) for s in h.seeded())
    assert first == {"departments": 5, "categories": 29, "services": 47, "plans": plans}
    assert plans == 103
    assert counts == {
        "service": 47,
        "service_channel": sum(len(s["channels"]) for s in h.seeded()),
        "plan": 103,
        "plan_price": 103,
        "audit_event": 1,
        "department": 5,
        "category": 29,
    }
    [event] = await AuditEvent.select().output(load_json=True)
    assert (event["actor_label"], event["action"], event["after"]) == ("system", "catalog.seed", first)
    before = await snapshot()
    # when it runs again, then nothing is inserted and nothing changes
    assert await seed_catalog() == {"departments": 0, "categories": 0, "services": 0, "plans": 0}
    assert await row_counts() == counts
    assert await snapshot() == before


async def test_the_seeded_catalog_is_complete_and_valid(db: None) -> None:
    await seed_catalog()
    services = await Service.select().output(load_json=True)
    # at least thirty published services, each department offering some
    assert len(services) >= 30
    assert {s["status"] for s in services} == {ServiceStatus.PUBLISHED.value}
    assert all(s["published_at"] is not None for s in services)
    departments = {d["id"]: d["code"] for d in await Department.select()}
    per_department = Counter(departments[s["department"]] for s in services)
    assert set(per_department) == set(departments.values()) == {"HCQT", "KHTH", "HTS", "NCPT", "HTDV"}
    assert min(per_department.values()) >= 2
    # every category has a service, directly or through a sub-category
    categories = await Category.select()
    used = {s["category"] for s in services}
    for category in categories:
        children = {c["id"] for c in categories if c["parent"] == category["id"]}
        assert category["id"] in used or children & used, category["code"]
    # vocabularies hold only known values
    assert all(OnlineLevel(s["online_level"]) for s in services)
    assert all(any(s[f"for_{a.value}"] for a in Audience) for s in services)
    assert {Channel(c["channel"]) for c in await ServiceChannel.select()} == set(Channel)
    assert all(Unit(p["unit"]) for p in await Plan.select())
    # the VAT categories used are valid ones; vocational training is not subject to VAT (KCT)
    prices = await PlanPrice.select()
    used_rates = Counter(VatRate(p["vat_rate"]) for p in prices)  # raises on an unknown category
    assert (
        set(used_rates)
        == {VatRate(p["vat_rate"]) for s in h.seeded() for p in s["plans"]}
        == {VatRate.RATE_10, VatRate.KCT}
    )
    courses = [
        p for s in h.seeded() if s["category"].startswith("DAO-TAO") for p in s["plans"] if p["unit"] == "course_seat"
    ]
    assert courses
    assert {p["vat_rate"] for p in courses} == {"KCT"}
    # prices are whole đồng within the allowed range, in force since 1 January, one per plan
    assert all(isinstance(p["amount"], int) and 0 <= p["amount"] <= 100_000_000_000 for p in prices)
    assert {p["effective_from"] for p in prices} == {clock.local_today().replace(month=1, day=1)}
    assert sorted(p["plan"] for p in prices) == sorted(p["id"] for p in await Plan.select())
    # codes and slugs are unique, and search columns are filled
    assert len({s["slug"] for s in services}) == len(services)
    assert all(s["search_text"] and s["sort_name"] == h.plain(s["name_vi"]) for s in services)


async def test_staff_edits_survive_a_new_seed(client: Api, catalog: dict[str, int], manager: str) -> None:
    # given a renamed, a retired and a re-priced seeded service, and a service made by staff
    renamed = await client.gql(
        UPDATE_SERVICE, {"code": "HTS-DC-01", "version": 1, "input": {"nameVi": "Tên do cán bộ sửa"}}, manager
    )
    assert renamed.data["updateService"]["errors"] == []
    retired = await client.gql(RETIRE, {"code": "HTS-DC-03", "version": 1}, manager)
    assert retired.data["retireService"]["errors"] == []
    plan_id = (await client.gql(h.SERVICE, {"code": "HTS-DC-02"})).data["service"]["plans"][0]["id"]
    soon = (clock.local_today() + timedelta(days=5)).isoformat()
    scheduled = await client.gql(
        SCHEDULE,
        {"planId": plan_id, "price": {"amount": 123_000, "vatRate": "RATE_10", "effectiveFrom": soon}},
        manager,
    )
    assert scheduled.data["schedulePriceChange"]["errors"] == []
    await h.create_service(client, manager, "STAFF-01")
    before = await snapshot()
    # when the seed runs again
    assert await seed_catalog() == {"departments": 0, "categories": 0, "services": 0, "plans": 0}
    # then nothing staff did is undone
    assert await snapshot() == before
    assert (await client.gql(h.SERVICE, {"code": "HTS-DC-01"})).data["service"]["name"] == "Tên do cán bộ sửa"
    assert (await client.gql(h.SERVICE, {"code": "HTS-DC-03"})).data["service"] is None
    staff = await client.gql(h.SERVICE, {"code": "HTS-DC-03"}, manager)
    assert staff.data["service"]["status"] == "RETIRED"
    assert [
        p["amount"]
        for p in (await client.gql(h.SERVICE, {"code": "HTS-DC-02"})).data["service"]["plans"][0]["scheduledPrices"]
    ] == [123_000]
    assert (await client.gql(h.SERVICE, {"code": "STAFF-01"}, manager)).data["service"]["status"] == "DRAFT"


async def test_a_service_deleted_from_the_database_is_seeded_again(db: None) -> None:
    # given the seeded catalog without one service (removed with its channels, plans and prices)
    await seed_catalog()
    await Service.delete().where(Service.code == "HTS-DC-02")
    # when the seed runs again, then only what is missing comes back
    assert await seed_catalog() == {"departments": 0, "categories": 0, "services": 1, "plans": 3}
    counts = await row_counts()
    assert (counts["service"], counts["plan"], counts["plan_price"]) == (47, 103, 103)
