"""The portfolio query's SQL count does not grow with the number of projects (DataLoaders)."""

from __future__ import annotations

from app.db import count_queries
from tests.projects.helpers import People, create_project, milestone_input
from tests.support import Api

PORTFOLIO = """
{
  projects(first: 100) {
    edges { node {
      code health slippageDays shareTotalBasisPoints department { code } partners { name }
      managers { email fullName }
      milestones { title dueDate slippageDays health shareAmount dependsOn status }
    } }
  }
}
"""


async def portfolio_statements(client: Api, token: str, expected_projects: int) -> int:
    with count_queries() as statements:
        result = await client.gql(PORTFOLIO, token=token)
    assert len(result.data["projects"]["edges"]) == expected_projects
    assert all(len(e["node"]["milestones"]) == 2 for e in result.data["projects"]["edges"])
    assert all(len(e["node"]["managers"]) == 2 for e in result.data["projects"]["edges"])
    return len(statements)


async def test_portfolio_sql_count_is_the_same_for_3_and_30_projects(client: Api, people: People) -> None:
    plan = [
        milestone_input("A", "2026-11-01", "2026-12-31", progress=50),
        milestone_input("B", "2027-01-01", "2027-02-01"),
    ]
    for n in range(3):
        await create_project(client, people, code=f"P-{n:02}", milestones=plan)
    small = await portfolio_statements(client, people.operator, 3)
    for n in range(3, 30):
        await create_project(client, people, code=f"P-{n:02}", milestones=plan)
    large = await portfolio_statements(client, people.operator, 30)
    assert small == large
    # session lookup + roles, page, then per nested list: milestones, managers (links, accounts), partners
    # (links, accounts: people come from app.auth.directory), departments, dependencies, projects (shareAmount)
    assert large == 11
