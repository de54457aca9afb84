"""The example operations in graphql/operations/ run as published, for a partner key with CATALOG_READ."""

from __future__ import annotations

from pathlib import Path

import pytest

from app.auth.enums import Role
from tests.support import Api

OPERATIONS = Path(__file__).resolve().parent.parent / "graphql" / "operations"


def operation(name: str) -> str:
    return (OPERATIONS / name).read_text(encoding="utf-8")


async def partner_key(client: Api) -> str:
    admin = await client.staff("admin@ttcntt.vn", Role.ADMIN)
    created = await client.gql(
        'mutation { createApiKey(name: "Cổng dịch vụ công tỉnh", scopes: [CATALOG_READ]) { key errors { code } } }',
        token=admin,
    )
    return created.data["createApiKey"]["key"]


def test_every_catalog_operation_is_tested() -> None:
    assert sorted(p.name for p in OPERATIONS.glob("catalog_*.graphql")) == [
        "catalog_categories.graphql",
        "catalog_service.graphql",
        "catalog_services.graphql",
    ]


@pytest.mark.parametrize(("lang", "header"), [("VI", "vi"), ("EN", "en")])
async def test_partner_lists_published_services_in_both_languages(
    client: Api, catalog: dict[str, int], lang: str, header: str
) -> None:
    key = await partner_key(client)
    by_argument = await client.gql(operation("catalog_services.graphql"), {"first": 100, "lang": lang}, token=key)
    by_header = await client.gql(
        operation("catalog_services.graphql"), {"first": 100}, headers={"X-API-Key": key, "Accept-Language": header}
    )
    services = by_argument.data["services"]
    assert by_header.data == by_argument.data
    assert services["totalCount"] == catalog["services"]
    names = {edge["node"]["code"]: edge["node"]["name"] for edge in services["edges"]}
    expected = {
        "VI": "Thuê chỗ đặt máy chủ (colocation) tại Trung tâm dữ liệu tỉnh",
        "EN": "Server colocation at the provincial data center",
    }
    assert names["HTS-DC-01"] == expected[lang]
    first = services["edges"][0]["node"]
    assert first["plans"] and first["plans"][0]["price"]["amount"] > 0


async def test_partner_reads_one_service_and_the_category_tree(client: Api, catalog: dict[str, int]) -> None:
    key = await partner_key(client)
    one = await client.gql(operation("catalog_service.graphql"), {"code": "HTS-DC-01", "lang": "EN"}, token=key)
    service = one.data["service"]
    assert service["code"] == "HTS-DC-01"
    assert service["names"]["vi"].startswith("Thuê chỗ đặt máy chủ")
    assert service["name"] == service["names"]["en"]
    assert service["channels"]
    tree = await client.gql(operation("catalog_categories.graphql"), {"lang": "VI"}, token=key)
    top = tree.data["categories"]
    assert all(category["children"] is not None for category in top)
    assert sum(len(c["children"]) for c in top) + len(top) == 29
    assert len(tree.data["departments"]) == 5
