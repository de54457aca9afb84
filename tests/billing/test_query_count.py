"""The SQL count of finance's invoice list does not grow with the number of invoices (DataLoaders)."""

from __future__ import annotations

from app.db import count_queries
from tests.billing.helpers import Billing, issued_invoice
from tests.support import Api

INVOICES = """
{
  invoices(first: 100) {
    totalCount
    edges { node {
      displayNumber totalAmount requestCode buyer { name }
      lines { name amount vatRate } vatTotals { label amount }
      quote { revision requestCode lines { name } invoices { number } }
      corrections { number } history { action actor }
    } }
  }
}
"""


async def statements(client: Api, token: str, expected: int) -> int:
    with count_queries() as sql:
        result = await client.gql(INVOICES, token=token)
    assert len(result.data["invoices"]["edges"]) == expected
    assert all(len(e["node"]["lines"]) == 1 for e in result.data["invoices"]["edges"])
    return len(sql)


async def test_the_invoice_list_runs_the_same_sql_for_1_and_4_invoices(client: Api, billing: Billing) -> None:
    await issued_invoice(client, billing)
    one = await statements(client, billing.finance, 1)
    for _ in range(3):
        await issued_invoice(client, billing)
    four = await statements(client, billing.finance, 4)
    assert one == four
    # session + roles, page, count, then one per nested list: lines, request codes, quotes, quote lines,
    # the quotes' invoices, corrections, history
    assert four == 11
