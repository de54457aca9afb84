"""Every query of the catalog domain."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date
from typing import Any

from app.cache_versions import Scope, changes
from app.db import Prepared, is_sqlite
from catalog.enums import Audience, Channel, PlanStatus, ServiceStatus
from catalog.tables import Category, Department, Plan, PlanPrice, Service, ServiceChannel

# --- departments and categories (small tables: read whole) -----------------------------------


async def all_departments() -> list[dict[str, Any]]:
    return await Department.select().order_by(Department.code)


# The loaders of every catalog page (catalog/api/loaders.py), composed once per number of ids
# (app.db.Prepared): Piccolo composing a select of every column cost more than running it.
_departments_by_ids = Prepared(lambda ids: Department.select().where(Department.id.is_in(ids)))
_all_categories = Prepared(lambda: Category.select().order_by(Category.position, Category.code))
_channels_by_services = Prepared(lambda ids: ServiceChannel.select().where(ServiceChannel.service.is_in(ids)))
_all_plans_by_services = Prepared(
    lambda ids: Plan.select().where(Plan.service.is_in(ids)).order_by(Plan.position).order_by(Plan.id)
)
_active_plans_by_services = Prepared(
    lambda ids: (
        Plan.select()
        .where(Plan.service.is_in(ids) & (Plan.status == PlanStatus.ACTIVE.value))
        .order_by(Plan.position)
        .order_by(Plan.id)
    )
)
_plans_by_ids = Prepared(lambda ids: Plan.select().where(Plan.id.is_in(ids)))
_prices_by_plans = Prepared(
    lambda ids: PlanPrice.select().where(PlanPrice.plan.is_in(ids)).order_by(PlanPrice.effective_from)
)


async def departments_by_ids(ids: list[int]) -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = await _departments_by_ids(ids) if ids else []
    return rows


async def department_by_code(code: str) -> dict[str, Any] | None:
    return await Department.select().where(Department.code == code).first()


async def all_categories() -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = await _all_categories()
    return rows


async def categories_by_ids(ids: list[int]) -> list[dict[str, Any]]:
    return await Category.select().where(Category.id.is_in(ids)) if ids else []


async def category_by_code(code: str) -> dict[str, Any] | None:
    return await Category.select().where(Category.code == code).first()


# --- editing departments and categories -------------------------------------------------------


async def serialize_writers(name: str) -> None:
    """Inside a transaction: one writer of `name` at a time. SQLite transactions are IMMEDIATE
    already; PostgreSQL takes a transaction-scoped advisory lock (rows may not exist yet to lock)."""
    if not is_sqlite():
        await Category.raw("SELECT pg_advisory_xact_lock(hashtext({}))", f"ttcntt.{name}")


async def lock_category(category_id: int) -> None:
    """PostgreSQL: holds the row against concurrent references (a service or child being added waits)."""
    if not is_sqlite():
        await Category.select(Category.id).where(Category.id == category_id).lock_rows("UPDATE")


async def category_taken(code: str, slug: str, except_id: int | None = None) -> dict[str, bool]:
    query = Category.select(Category.code, Category.slug).where((Category.code == code) | (Category.slug == slug))
    if except_id is not None:
        query = query.where(Category.id != except_id)
    rows = await query
    return {"code": any(r["code"] == code for r in rows), "slug": any(r["slug"] == slug for r in rows)}


async def next_category_position(parent_id: int | None) -> int:
    """One more than the last sibling's position (1 for the first child)."""
    siblings = Category.parent.is_null() if parent_id is None else Category.parent == parent_id
    rows = await Category.select(Category.position).where(siblings)
    return max((int(r["position"]) for r in rows), default=0) + 1


@changes(Scope.CATALOG)
async def insert_category(values: dict[str, Any]) -> int:
    rows = await Category.insert(Category(**values)).returning(Category.id)
    return int(rows[0]["id"])


@changes(Scope.CATALOG)
async def update_category(category_id: int, values: dict[Any, Any]) -> None:
    await Category.update(values).where(Category.id == category_id)


@changes(Scope.CATALOG)
async def delete_category(category_id: int) -> None:
    await Category.delete().where(Category.id == category_id)


async def category_contents(category_id: int) -> dict[str, int]:
    """How many child categories and services (any status) a category holds directly."""
    return {
        "children": await Category.count().where(Category.parent == category_id),
        "services": await Service.count().where(Service.category == category_id),
    }


@changes(Scope.CATALOG)
async def insert_department(values: dict[str, Any]) -> int:
    rows = await Department.insert(Department(**values)).returning(Department.id)
    return int(rows[0]["id"])


@changes(Scope.CATALOG)
async def update_department(department_id: int, values: dict[Any, Any]) -> None:
    await Department.update(values).where(Department.id == department_id)


# --- services -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class ServiceFilter:
    statuses: tuple[ServiceStatus, ...]
    category_ids: tuple[int, ...] | None = None
    audience: Audience | None = None
    department_code: str | None = None
    channel: Channel | None = None
    min_price: int | None = None
    max_price: int | None = None
    words: tuple[str, ...] = ()  # folded search words, all must match


# Sort keys: SQL expression of the key column in the page query (aliased "k").
SORT_KEYS = {
    "NAME": ("s.sort_name", "ASC"),
    "CODE": ("s.code", "ASC"),
    "PRICE_ASC": ("COALESCE(mp.min_price, 999999999999999)", "ASC"),
    "PRICE_DESC": ("COALESCE(mp.min_price, -1)", "DESC"),
}

# Lowest price in force per service, among its active plans, as of a date.
_MIN_PRICE = """
SELECT pl.service AS service_id, MIN(pp.amount) AS min_price
FROM plan pl JOIN plan_price pp ON pp.plan = pl.id
WHERE pl.status = {} AND pp.effective_from = (
    SELECT MAX(p2.effective_from) FROM plan_price p2 WHERE p2.plan = pl.id AND p2.effective_from <= {}
)
GROUP BY pl.service
"""


def _escape_like(word: str) -> str:
    return word.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def _where(f: ServiceFilter) -> tuple[list[str], list[Any]]:
    clauses: list[str] = [f"s.status IN ({', '.join('{}' for _ in f.statuses)})"]
    args: list[Any] = [status.value for status in f.statuses]
    if f.category_ids is not None:
        clauses.append(f"s.category IN ({', '.join('{}' for _ in f.category_ids) or 'NULL'})")
        args.extend(f.category_ids)
    if f.audience is not None:
        clauses.append(f"s.for_{f.audience.value} = {{}}")
        args.append(True)
    if f.department_code is not None:
        clauses.append("s.department IN (SELECT d.id FROM department d WHERE d.code = {})")
        args.append(f.department_code)
    if f.channel is not None:
        clauses.append("EXISTS (SELECT 1 FROM service_channel c WHERE c.service = s.id AND c.channel = {})")
        args.append(f.channel.value)
    for word in f.words:
        clauses.append("s.search_text LIKE {} ESCAPE '\\'")
        args.append(f"%{_escape_like(word)}%")
    return clauses, args


def _price_clauses(f: ServiceFilter, today: date) -> tuple[list[str], list[Any]]:
    """Some active plan's price in force lies within [min_price, max_price]."""
    if f.min_price is None and f.max_price is None:
        return [], []
    bounds, args = [], [PlanStatus.ACTIVE.value, today]
    if f.min_price is not None:
        bounds.append("pp.amount >= {}")
        args.append(f.min_price)
    if f.max_price is not None:
        bounds.append("pp.amount <= {}")
        args.append(f.max_price)
    clause = (
        "EXISTS (SELECT 1 FROM plan pl JOIN plan_price pp ON pp.plan = pl.id WHERE pl.service = s.id"
        " AND pl.status = {} AND pp.effective_from = (SELECT MAX(p2.effective_from) FROM plan_price p2"
        " WHERE p2.plan = pl.id AND p2.effective_from <= {}) AND " + " AND ".join(bounds) + ")"
    )
    return [clause], args


async def service_page(
    f: ServiceFilter, sort: str, today: date, after: tuple[Any, int] | None, limit: int
) -> list[dict[str, Any]]:
    """One page of (id, k) in keyset order: sort key, then id."""
    key, direction = SORT_KEYS[sort]
    clauses, args = _where(f)
    price_clauses, price_args = _price_clauses(f, today)
    clauses += price_clauses
    args += price_args
    if after is not None:
        op = ">" if direction == "ASC" else "<"
        clauses.append(f"({key} {op} {{}} OR ({key} = {{}} AND s.id > {{}}))")
        args.extend([after[0], after[0], after[1]])
    # Built from constant fragments; every value is a bound parameter.
    sql = (
        f"SELECT s.id AS id, {key} AS k FROM service s LEFT JOIN ({_MIN_PRICE}) mp ON mp.service_id = s.id"
        f" WHERE {' AND '.join(clauses)} ORDER BY k {direction}, s.id ASC LIMIT {{}}"
    )
    return await Service.raw(sql, PlanStatus.ACTIVE.value, today, *args, limit)


async def count_services(f: ServiceFilter, today: date) -> int:
    clauses, args = _where(f)
    price_clauses, price_args = _price_clauses(f, today)
    sql = f"SELECT COUNT(*) AS n FROM service s WHERE {' AND '.join(clauses + price_clauses)}"
    rows = await Service.raw(sql, *args, *price_args)
    return int(rows[0]["n"])


_services_by_ids = Prepared(lambda ids: Service.select().where(Service.id.is_in(ids)).output(load_json=True))


async def services_by_ids(ids: list[int]) -> list[dict[str, Any]]:
    """Composed once per number of ids (app.db.Prepared): the service loader of every page and lookup."""
    if not ids:
        return []
    rows: list[dict[str, Any]] = await _services_by_ids(ids)
    return rows


async def service_by(field: str, value: str | int) -> dict[str, Any] | None:
    column = {"code": Service.code, "slug": Service.slug, "id": Service.id}[field]
    return await Service.select().where(column == value).first().output(load_json=True)


async def service_exists(code: str, slug: str, except_id: int | None = None) -> dict[str, bool]:
    query = Service.select(Service.code, Service.slug).where((Service.code == code) | (Service.slug == slug))
    if except_id is not None:
        query = query.where(Service.id != except_id)
    rows = await query
    return {"code": any(r["code"] == code for r in rows), "slug": any(r["slug"] == slug for r in rows)}


@changes(Scope.CATALOG)
async def insert_service(values: dict[str, Any]) -> int:
    rows = await Service.insert(Service(**values)).returning(Service.id)
    return int(rows[0]["id"])


@changes(Scope.CATALOG)
async def update_service(service_id: int, expected_version: int, values: dict[Any, Any]) -> bool:
    """Optimistic update: applies only if the row still has the version the editor read."""
    rows = await (
        Service.update({**values, Service.version: expected_version + 1})
        .where((Service.id == service_id) & (Service.version == expected_version))
        .returning(Service.id)
    )
    return bool(rows)


# --- channels, plans, prices --------------------------------------------------------------------


async def channels_by_services(service_ids: list[int]) -> dict[int, list[dict[str, Any]]]:
    grouped: dict[int, list[dict[str, Any]]] = defaultdict(list)
    if service_ids:
        for row in await _channels_by_services(service_ids):
            grouped[row["service"]].append(row)
    return grouped


@changes(Scope.CATALOG)
async def replace_channels(service_id: int, channels: list[dict[str, Any]]) -> None:
    await ServiceChannel.delete().where(ServiceChannel.service == service_id)
    if channels:
        await ServiceChannel.insert(*[ServiceChannel(service=service_id, **row) for row in channels])


async def plans_by_services(service_ids: list[int], include_retired: bool) -> dict[int, list[dict[str, Any]]]:
    grouped: dict[int, list[dict[str, Any]]] = defaultdict(list)
    if service_ids:
        query = _all_plans_by_services if include_retired else _active_plans_by_services
        for row in await query(service_ids):
            grouped[row["service"]].append(row)
    return grouped


async def plan_by_id(plan_id: int) -> dict[str, Any] | None:
    return await Plan.select().where(Plan.id == plan_id).first()


async def plans_by_ids(ids: list[int]) -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = await _plans_by_ids(ids) if ids else []
    return rows


async def plan_code_taken(service_id: int, code: str) -> bool:
    return await Plan.exists().where((Plan.service == service_id) & (Plan.code == code))


@changes(Scope.CATALOG)
async def insert_plan(values: dict[str, Any]) -> int:
    rows = await Plan.insert(Plan(**values)).returning(Plan.id)
    return int(rows[0]["id"])


@changes(Scope.CATALOG)
async def update_plan(plan_id: int, values: dict[Any, Any]) -> None:
    await Plan.update(values).where(Plan.id == plan_id)


async def prices_by_plans(plan_ids: list[int]) -> dict[int, list[dict[str, Any]]]:
    grouped: dict[int, list[dict[str, Any]]] = defaultdict(list)
    if plan_ids:
        for row in await _prices_by_plans(plan_ids):
            grouped[row["plan"]].append(row)
    return grouped


async def price_on(plan_id: int, effective_from: date) -> dict[str, Any] | None:
    return (
        await PlanPrice.select()
        .where((PlanPrice.plan == plan_id) & (PlanPrice.effective_from == effective_from))
        .first()
    )


@changes(Scope.CATALOG)
async def insert_price(values: dict[str, Any]) -> None:
    await PlanPrice.insert(PlanPrice(**values))


@changes(Scope.CATALOG)
async def update_scheduled_price(price_id: int, values: dict[Any, Any]) -> None:
    await PlanPrice.update(values).where(PlanPrice.id == price_id)


@changes(Scope.CATALOG)
async def delete_scheduled_price(price_id: int) -> None:
    await PlanPrice.delete().where(PlanPrice.id == price_id)
