"""Public catalog reads: filters, language, diacritic-free search, visibility."""

from __future__ import annotations

from typing import Any

from tests.support import Api

SERVICES = """
query ($filter: ServiceFilter, $first: Int, $after: String, $sort: ServiceSort, $lang: Language) {
  services(filter: $filter, first: $first, after: $after, sort: $sort, lang: $lang) {
    totalCount
    pageInfo { hasNextPage hasPreviousPage endCursor }
    edges { cursor node { code name audiences department { code } category { code }
      channels { channel processingDays feeAmount }
      plans { code unit price { amount vatRate vatAmount amountWithVat } } } }
  }
}
"""


def codes(result: Any) -> list[str]:
    return [edge["node"]["code"] for edge in result.data["services"]["edges"]]


async def test_seeded_catalog_is_public(client: Api, catalog: dict[str, int]) -> None:
    result = await client.gql(SERVICES, {"first": 100})
    connection = result.data["services"]
    assert connection["totalCount"] == catalog["services"]
    assert len(connection["edges"]) == catalog["services"]
    assert connection["pageInfo"]["hasNextPage"] is False


async def test_search_ignores_diacritics(client: Api, catalog: dict[str, int]) -> None:
    result = await client.gql(SERVICES, {"filter": {"text": "dao tao an toan"}, "first": 50})
    names = [edge["node"]["name"] for edge in result.data["services"]["edges"]]
    assert names
    assert any(name.startswith("Đào tạo an toàn thông tin") for name in names)
