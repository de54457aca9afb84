"""The partner operations in graphql/operations/projects_*.graphql run as published."""

from __future__ import annotations

from pathlib import Path

from tests.projects.helpers import People, create_project
from tests.support import Api

OPERATIONS = Path(__file__).resolve().parents[2] / "graphql" / "operations"


def operation(name: str) -> str:
    return (OPERATIONS / name).read_text(encoding="utf-8")


def test_every_projects_operation_is_tested() -> None:
    assert sorted(p.name for p in OPERATIONS.glob("projects_*.graphql")) == [
        "projects_public.graphql",
        "projects_public_project.graphql",
    ]


async def test_partner_lists_public_projects_page_by_page(client: Api, people: People) -> None:
    for code in ("PUB-01", "PUB-02", "PUB-03"):
        await create_project(client, people, code=code)
    await create_project(client, people, code="NOI-BO", visibility="INTERNAL")
    headers = {"X-API-Key": people.partner_key, "Accept-Language": "en"}

    first = await client.gql(operation("projects_public.graphql"), {"first": 2}, headers=headers)
    page = first.data["publicProjects"]
    assert page["totalCount"] == 3
    assert [e["node"]["code"] for e in page["edges"]] == ["PUB-01", "PUB-02"]
    assert page["edges"][0]["node"]["name"] == "Provincial data center as a PPP"
    assert page["edges"][0]["node"]["health"] == "LATE"
    assert page["edges"][0]["node"]["ocdsUrl"] == "http://127.0.0.1:8000/projects/PUB-01/ocds.json"
    rest = await client.gql(
        operation("projects_public.graphql"), {"first": 2, "after": page["pageInfo"]["endCursor"]}, headers=headers
    )
    assert [e["node"]["code"] for e in rest.data["publicProjects"]["edges"]] == ["PUB-03"]
    assert rest.data["publicProjects"]["pageInfo"]["hasNextPage"] is False
    filtered = await client.gql(
        operation("projects_public.graphql"), {"filter": {"kinds": ["DIGITAL_TRANSFORMATION"]}}, headers=headers
    )
    assert filtered.data["publicProjects"]["totalCount"] == 0


async def test_partner_reads_one_public_project(client: Api, people: People) -> None:
    await create_project(client, people)
    one = await client.gql(
        operation("projects_public_project.graphql"), {"code": "PPP-DC-01", "lang": "VI"}, token=people.partner_key
    )
    project = one.data["publicProject"]
    assert project["name"] == "Trung tâm dữ liệu tỉnh theo hình thức PPP"
    assert project["partners"] == [{"name": "Công ty ABC", "taxCode": "0100109106"}]
    assert [m["status"] for m in project["milestones"]] == ["PARTIALLY_MET", "NOT_MET", "SCHEDULED", "SCHEDULED"]
    missing = await client.gql(operation("projects_public_project.graphql"), {"code": "NOPE"}, token=people.partner_key)
    assert missing.error_codes == ["NOT_FOUND"]
