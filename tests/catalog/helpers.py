"""Shared pieces of the catalog tests: GraphQL documents, an independent oracle built from
catalog/data/catalog.json, staff shortcuts and a whole-table snapshot for "nothing changed"."""

from __future__ import annotations

import json
import unicodedata
from functools import cache
from pathlib import Path
from typing import Any

from catalog.tables import Service
from tests.support import Api, Result, one_connection

DATA_FILE = Path(__file__).resolve().parents[2] / "catalog" / "data" / "catalog.json"
MANAGER_EMAIL = "bien.tap@ttcntt.thanhhoa.gov.vn"

ERRORS = "errors { field code message messageVi messageEn }"

SERVICE_FIELDS = """
  code slug name status version publishedAt summary description legalBasis audiences onlineLevel tags
  names { vi en }
  requiredDocuments { name copies mandatory }
  category { code } department { code }
  channels { channel processingDays feeAmount }
"""

PRICE_FIELDS = "amount vatRate vatLabel vatAmount amountWithVat effectiveFrom"

PLAN_FIELDS = f"""
  id code name unit minQuantity status
  price {{ {PRICE_FIELDS} }}
  scheduledPrices {{ {PRICE_FIELDS} }}
"""

SERVICES = """
query ($filter: ServiceFilter, $first: Int, $after: String, $sort: ServiceSort, $lang: Language) {
  services(filter: $filter, first: $first, after: $after, sort: $sort, lang: $lang) {
    totalCount
    pageInfo { hasNextPage hasPreviousPage startCursor endCursor }
    edges { cursor node { code name status } }
  }
}
"""

SERVICE = f"""
query ($code: String, $slug: String, $lang: Language) {{
  service(code: $code, slug: $slug, lang: $lang) {{ {SERVICE_FIELDS} plans {{ {PLAN_FIELDS} }} }}
}}
"""

CREATE_SERVICE = f"""
mutation ($input: ServiceInput!) {{
  createService(input: $input) {{ service {{ {SERVICE_FIELDS} }} {ERRORS} }}
}}
"""

UPDATE_SERVICE = f"""
mutation ($code: String!, $version: Int!, $input: ServiceInput!) {{
  updateService(code: $code, version: $version, input: $input) {{ service {{ {SERVICE_FIELDS} }} {ERRORS} }}
}}
"""

PUBLISH = f"""
mutation ($code: String!, $version: Int!) {{
  publishService(code: $code, version: $version) {{ service {{ code status version publishedAt }} {ERRORS} }}
}}
"""

RETIRE = f"""
mutation ($code: String!, $version: Int!) {{
  retireService(code: $code, version: $version) {{ service {{ code status version }} {ERRORS} }}
}}
"""

ADD_PLAN = f"""
mutation ($serviceCode: String!, $input: PlanInput!, $price: PriceInput!) {{
  addPlan(serviceCode: $serviceCode, input: $input, price: $price) {{ plan {{ {PLAN_FIELDS} }} {ERRORS} }}
}}
"""

SCHEDULE = f"""
mutation ($planId: ID!, $price: PriceInput!) {{
  schedulePriceChange(planId: $planId, price: $price) {{ plan {{ {PLAN_FIELDS} }} {ERRORS} }}
}}
"""

CANCEL = f"""
mutation ($planId: ID!, $effectiveFrom: Date!) {{
  cancelPriceChange(planId: $planId, effectiveFrom: $effectiveFrom) {{ plan {{ {PLAN_FIELDS} }} {ERRORS} }}
}}
"""

AUDIT = """
query ($entityType: String, $entityId: String, $first: Int) {
  auditEvents(entityType: $entityType, entityId: $entityId, first: $first) {
    totalCount
    edges { node { actor action entityType entityId before after } }
  }
}
"""


# --- the oracle: what the seeded catalog must contain, read from the data file, not the database ---


@cache
def data() -> dict[str, Any]:
    return json.loads(DATA_FILE.read_text(encoding="utf-8"))


def seeded() -> list[dict[str, Any]]:
    """Seeded services in file order (= insertion order = id order)."""
    return data()["services"]


def seeded_codes(predicate: Any = lambda s: True) -> set[str]:
    return {s["code"] for s in seeded() if predicate(s)}


def category_and_children(code: str) -> set[str]:
    found, stack = set(), [code]
    while stack:
        current = stack.pop()
        found.add(current)
        stack.extend(c["code"] for c in data()["categories"] if c.get("parent") == current)
    return found


def plain(text: str) -> str:
    """Diacritic-free lower case, written independently of app.text.fold."""
    text = text.replace("đ", "d").replace("Đ", "D")
    text = "".join(ch for ch in unicodedata.normalize("NFD", text) if unicodedata.category(ch) != "Mn")
    return " ".join(text.lower().split())


def min_price(service: dict[str, Any]) -> int:
    return min(int(p["price_amount"]) for p in service["plans"])


def expected_order(sort: str, services: list[dict[str, Any]] | None = None) -> list[str]:
    """Sort keys as documented, ties broken by insertion order (the id)."""
    rows = list(enumerate(seeded() if services is None else services))
    keys = {
        "NAME": lambda r: (plain(r[1]["name_vi"]), r[0]),
        "CODE": lambda r: (r[1]["code"], r[0]),
        "PRICE_ASC": lambda r: (min_price(r[1]), r[0]),
        "PRICE_DESC": lambda r: (-min_price(r[1]), r[0]),
    }
    return [r[1]["code"] for r in sorted(rows, key=keys[sort])]


# --- GraphQL shortcuts ---


def codes(result: Result) -> list[str]:
    return [edge["node"]["code"] for edge in result.data["services"]["edges"]]


def payload(result: Result, name: str) -> dict[str, Any]:
    return result.data[name]


def error_codes(body: dict[str, Any]) -> list[str]:
    return [e["code"] for e in body["errors"]]


async def walk(
    client: Api, sort: str, first: int, filter: dict[str, Any] | None = None, token: str | None = None
) -> tuple[list[str], list[int]]:
    """Every page in turn; returns the codes walked and each page's totalCount."""
    walked: list[str] = []
    totals: list[int] = []
    after = None
    for _ in range(200):
        result = await client.gql(
            SERVICES, {"sort": sort, "first": first, "after": after, "filter": filter}, token=token
        )
        connection = result.data["services"]
        page = [edge["node"]["code"] for edge in connection["edges"]]
        assert len(page) <= first
        walked += page
        totals.append(connection["totalCount"])
        assert connection["pageInfo"]["hasPreviousPage"] is (after is not None)
        if not connection["pageInfo"]["hasNextPage"]:
            return walked, totals
        assert len(page) == first
        after = connection["pageInfo"]["endCursor"]
        assert after == connection["edges"][-1]["cursor"]
    raise AssertionError("pagination did not end")


def service_input(code: str = "TEST-SVC-01", **overrides: Any) -> dict[str, Any]:
    return {
        "code": code,
        "categoryCode": "DIEN-TOAN-DAM-MAY",
        "departmentCode": "HTS",
        "nameVi": f"Dịch vụ thử nghiệm {code}",
        "nameEn": f"Test service {code}",
        "audiences": ["BUSINESS"],
        "channels": [{"channel": "ONLINE", "processingDays": 3, "feeAmount": 0}],
        **overrides,
    }


def plan_input(code: str = "BASIC", **overrides: Any) -> dict[str, Any]:
    return {"code": code, "nameVi": "Gói cơ bản", "nameEn": "Basic", "unit": "MONTH", **overrides}


async def create_service(client: Api, token: str, code: str = "TEST-SVC-01", **overrides: Any) -> dict[str, Any]:
    body = payload(
        await client.gql(CREATE_SERVICE, {"input": service_input(code, **overrides)}, token), "createService"
    )
    assert body["errors"] == [], body["errors"]
    return body["service"]


async def add_plan(
    client: Api, token: str, service_code: str, price: dict[str, Any], code: str = "BASIC", **overrides: Any
) -> dict[str, Any]:
    variables = {"serviceCode": service_code, "input": plan_input(code, **overrides), "price": price}
    body = payload(await client.gql(ADD_PLAN, variables, token), "addPlan")
    assert body["errors"] == [], body["errors"]
    return body["plan"]


async def publish(client: Api, token: str, code: str, version: int) -> dict[str, Any]:
    body = payload(await client.gql(PUBLISH, {"code": code, "version": version}, token), "publishService")
    assert body["errors"] == [], body["errors"]
    return body["service"]


async def published_service(
    client: Api, token: str, code: str = "TEST-SVC-01", amount: int = 1_000_000, **overrides: Any
) -> dict[str, Any]:
    """Create, price (10%, from today) and publish; returns the published service."""
    service = await create_service(client, token, code, **overrides)
    await add_plan(client, token, service["code"], {"amount": amount, "vatRate": "RATE_10"})
    return await publish(client, token, service["code"], service["version"])


async def audit_events(client: Api, token: str, entity_type: str, entity_id: str) -> list[dict[str, Any]]:
    result = await client.gql(AUDIT, {"entityType": entity_type, "entityId": entity_id, "first": 100}, token)
    return [edge["node"] for edge in result.data["auditEvents"]["edges"]]


# --- database snapshot ---

TABLES = ("service", "service_channel", "plan", "plan_price", "audit_event")


async def snapshot() -> dict[str, list[dict[str, Any]]]:
    """Every row of the catalog tables and the audit log, to prove a refusal changed nothing."""
    async with one_connection():
        return {table: await Service.raw(f"SELECT * FROM {table} ORDER BY id") for table in TABLES}


async def row_counts() -> dict[str, int]:
    return {
        table: int((await Service.raw(f"SELECT COUNT(*) AS n FROM {table}"))[0]["n"])
        for table in (*TABLES, "department", "category")
    }
