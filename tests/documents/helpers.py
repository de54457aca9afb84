"""GraphQL documents and shortcuts of the document tests."""

from __future__ import annotations

import hashlib
from typing import Any

from tests.support import Api

ERRORS = "errors { field code message messageVi messageEn }"
DOCUMENT = (
    "id kind subjectType subjectId version title filename mediaType size sha256 generatedBy createdAt downloadPath"
)
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"

GENERATE_CONTRACT = f"""
mutation ($id: ID!, $party: ContractPartyInput) {{
  generateServiceContract(quoteId: $id, party: $party) {{ document {{ {DOCUMENT} }} created {ERRORS} }}
}}
"""
GENERATE_APPENDIX = f"""
mutation ($code: String!, $party: ContractPartyInput) {{
  generateProjectAppendix(projectCode: $code, party: $party) {{ document {{ {DOCUMENT} }} created {ERRORS} }}
}}
"""
GENERATE_MINUTES = f"""
mutation ($id: ID!, $party: ContractPartyInput, $participants: [MinutesParticipantInput!]) {{
  generateAcceptanceMinutes(milestoneId: $id, party: $party, participants: $participants) {{
    document {{ {DOCUMENT} }} created {ERRORS}
  }}
}}
"""
QUOTE_DOCUMENTS = f"query ($id: ID!) {{ quote(id: $id) {{ id documents {{ {DOCUMENT} }} }} }}"
PROJECT_DOCUMENTS = f"query ($code: String!) {{ projectDocuments(code: $code) {{ {DOCUMENT} }} }}"
PROJECT_WITH_DOCUMENTS = f"""
query ($code: String!) {{
  project(code: $code) {{ documents {{ {DOCUMENT} }} milestones {{ id status shareAmount documents {{ {DOCUMENT} }} }} }}
}}
"""

PERSON = {"address": "Số 5 Lê Lợi, phường Hạc Thành, tỉnh Thanh Hóa"}
COMPANY = {
    "representative": "Lê Thị Bình",
    "title": "Giám đốc",
    "address": "1 Giang Văn Minh, Ba Đình, Hà Nội",
    "bankAccount": "0011223344",
    "bankName": "Ngân hàng TMCP Ngoại thương Việt Nam",
}


def errors_of(payload: dict[str, Any]) -> list[tuple[str | None, str]]:
    return [(e["field"], e["code"]) for e in payload["errors"]]


async def mutate(client: Api, document: str, variables: dict[str, Any], token: str | None, name: str) -> dict[str, Any]:
    result = await client.gql(document, variables, token=token)
    assert "errors" not in result.body, result.body
    return result.data[name]


async def generated(client: Api, document: str, variables: dict[str, Any], token: str, name: str) -> dict[str, Any]:
    payload = await mutate(client, document, variables, token, name)
    assert payload["errors"] == [], payload["errors"]
    return payload


async def download(
    client: Api, path: str, token: str | None = None, **headers: str
) -> tuple[int, bytes, dict[str, str]]:
    sent = {"Authorization": f"Bearer {token}"} if token else {}
    response = await client.http.get(path, headers={**sent, **headers})
    return response.status_code, response.content, dict(response.headers)


async def fetched(client: Api, document: dict[str, Any], token: str) -> bytes:
    """Downloads a version and checks it is the file the row describes."""
    status, content, headers = await download(client, document["downloadPath"], token)
    assert status == 200, content
    assert headers["content-type"].startswith(DOCX) and "attachment" in headers["content-disposition"]
    assert hashlib.sha256(content).hexdigest() == document["sha256"] and len(content) == document["size"]
    return content
