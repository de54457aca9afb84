"""Shared pieces of the request tests: GraphQL documents, a multipart submit, people of each role,
and a whole-table snapshot for "nothing was written"."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from app.auth.enums import Role
from app.tables import HistoryEvent, NumberSequence, OutboxMessage, RateCounter
from catalog.requests.tables import GuestLink, RequestDocument, ServiceRequest
from tests.support import Api, Result

HCM = ZoneInfo("Asia/Ho_Chi_Minh")
PDF = b"%PDF-1.7\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"
ERRORS = "errors { field code message messageVi messageEn }"

REQUEST_FIELDS = """
  id code status channel quantity unitAmount vatRate amount vatAmount totalAmount feeAmount processingDays
  desiredStart desiredEnd notes contactName contactPhone contactEmail assigneeId rejectionReason
  submittedAt receivedAt dueDate promisedDate overdue apologyNote completedAt version
  service { code } plan { code } department { code }
  events { action fromStatus toStatus actor comment at }
  documents { id requirement filename contentType size sha256 downloadPath }
"""

SUBMIT = f"""
mutation ($input: SubmitRequestInput!) {{
  submitServiceRequest(input: $input) {{ request {{ {REQUEST_FIELDS} }} {ERRORS} }}
}}
"""

TRANSITION = f"""
mutation ($code: String!, $action: RequestAction!, $comment: String) {{
  transitionServiceRequest(code: $code, action: $action, comment: $comment) {{ request {{ {REQUEST_FIELDS} }} {ERRORS} }}
}}
"""

ASSIGN = f"""
mutation ($code: String!, $assigneeId: ID) {{
  assignServiceRequest(code: $code, assigneeId: $assigneeId) {{ request {{ code assigneeId }} {ERRORS} }}
}}
"""

TRACK = """
query ($code: String!, $contact: String!) {
  trackRequest(code: $code, contact: $contact) {
    code status dueDate promisedDate overdue service { code } steps { action fromStatus toStatus at }
  }
}
"""

ONE = f"query ($code: String!) {{ serviceRequest(code: $code) {{ {REQUEST_FIELDS} }} }}"

MINE = "query ($first: Int, $after: String) { myRequests(first: $first, after: $after) { totalCount pageInfo { hasNextPage endCursor } edges { node { code status } } } }"

QUEUE = """
query ($filter: RequestQueueFilter, $first: Int, $after: String) {
  requestQueue(filter: $filter, first: $first, after: $after) {
    totalCount pageInfo { hasNextPage endCursor }
    edges { node { code status dueDate overdue service { code name } department { code } plan { code }
                   events { action } documents { filename } } }
  }
}
"""

MARK_OVERDUE = f"mutation {{ markOverdueRequests {{ codes {ERRORS} }} }}"

SET_OVERRIDE = f"""
mutation ($day: Date!, $kind: WorkingDayOverrideKind!, $note: String) {{
  setWorkingDayOverride(day: $day, kind: $kind, note: $note) {{ override {{ day kind }} {ERRORS} }}
}}
"""

ADD_STAFF = f"""
mutation ($accountId: ID!, $departmentCode: String!) {{
  addStaffToDepartment(accountId: $accountId, departmentCode: $departmentCode) {{ departmentIds {ERRORS} }}
}}
"""

STATS = """
query ($from: Date!, $to: Date!) {
  requestStats(from: $from, to: $to) { department { code } received completedOnTime completedLate openOverdue averageWorkingDays }
}
"""

PLANS = "query ($code: String) { service(code: $code) { plans { id code } } }"


def local(*args: int) -> datetime:
    """An aware moment given in Vietnam's local time."""
    return datetime(*args, tzinfo=HCM)  # type: ignore[misc]


async def plan_id(client: Api, service_code: str, plan_code: str) -> str:
    plans = (await client.gql(PLANS, {"code": service_code})).data["service"]["plans"]
    return next(p["id"] for p in plans if p["code"] == plan_code)


def guest_input(plan: str, **extra: Any) -> dict[str, Any]:
    return {
        "serviceCode": "HTS-DC-03",
        "planId": plan,
        "channel": "ONLINE",
        "quantity": 2,
        "contactName": "Lê Thị Hoa",
        "contactPhone": "0912 345 678",
        "contactEmail": "hoa@example.vn",
        **extra,
    }


async def submit(
    client: Api,
    variables_input: dict[str, Any],
    files: list[tuple[int, str, bytes, str]] | None = None,
    token: str | None = None,
) -> Result:
    """A GraphQL multipart request (files as the spec's `map`)."""
    files = [(0, "don-de-nghi.pdf", PDF, "application/pdf")] if files is None else files
    payload = {**variables_input, "documents": [{"requirement": r, "file": None} for r, *_ in files]}
    operations = {"query": SUBMIT, "variables": {"input": payload}}
    mapping = {str(i): [f"variables.input.documents.{i}.file"] for i in range(len(files))}
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    if not files:
        return await client.gql(SUBMIT, {"input": payload}, token=token)
    response = await client.http.post(
        "/graphql",
        data={"operations": json.dumps(operations), "map": json.dumps(mapping)},
        files={str(i): (name, content, ctype) for i, (_, name, content, ctype) in enumerate(files)},
        headers=headers,
    )
    return Result(response.json(), response.status_code)


async def move(client: Api, token: str, code: str, action: str, comment: str | None = None) -> dict[str, Any]:
    result = await client.gql(TRANSITION, {"code": code, "action": action, "comment": comment}, token=token)
    payload = result.data["transitionServiceRequest"]
    assert payload["errors"] == [], payload["errors"]
    return payload["request"]


@dataclass
class People:
    admin: str
    operator: str  # works in HTS
    operator_id: str
    other_operator: str  # works in KHTH only
    customer: str
    other_customer: str
    manager: str  # catalog manager, no operator role


async def account_id(client: Api, token: str) -> str:
    return (await client.gql("{ me { id } }", token=token)).data["me"]["id"]


async def make_people(client: Api) -> People:
    admin = await client.staff("admin@ttcntt.vn", Role.ADMIN)
    operator = await client.staff("mot.cua@ttcntt.vn", Role.OPERATOR)
    other = await client.staff("khth@ttcntt.vn", Role.OPERATOR)
    manager = await client.staff("bien.tap@ttcntt.vn", Role.CATALOG_MANAGER)
    operator_id = await account_id(client, operator)
    for token, department in ((operator_id, "HTS"), (await account_id(client, other), "KHTH")):
        added = await client.gql(ADD_STAFF, {"accountId": token, "departmentCode": department}, token=admin)
        assert added.data["addStaffToDepartment"]["errors"] == []
    customer = await client.customer("khach@example.vn")
    other_customer = await client.customer("nguoi.khac@example.vn")
    return People(admin, operator, operator_id, other, customer, other_customer, manager)


async def snapshot() -> dict[str, Any]:
    """Every row of the request tables: compare before/after a refusal."""
    return {
        table._meta.tablename: await table.select().order_by(table.id)
        for table in (ServiceRequest, HistoryEvent, RequestDocument, OutboxMessage, GuestLink, NumberSequence)
    }


async def attempts() -> int:
    """Tracking attempts counted, over the code and client counters."""
    rows = await RateCounter.select(RateCounter.hits).where(RateCounter.bucket.like("tracking-%"))
    return sum(row["hits"] for row in rows)


RESUBMIT = f"""
mutation ($code: String!, $comment: String, $documents: [DocumentUploadInput!]) {{
  resubmitServiceRequest(code: $code, comment: $comment, documents: $documents) {{ request {{ {REQUEST_FIELDS} }} {ERRORS} }}
}}
"""


async def resubmit(client: Api, token: str, code: str, files: list[tuple[int, str, bytes, str]]) -> Result:
    variables = {
        "code": code,
        "comment": "Đã bổ sung",
        "documents": [{"requirement": r, "file": None} for r, *_ in files],
    }
    operations = {"query": RESUBMIT, "variables": variables}
    mapping = {str(i): [f"variables.documents.{i}.file"] for i in range(len(files))}
    response = await client.http.post(
        "/graphql",
        data={"operations": json.dumps(operations), "map": json.dumps(mapping)},
        files={str(i): (name, content, ctype) for i, (_, name, content, ctype) in enumerate(files)},
        headers={"Authorization": f"Bearer {token}"},
    )
    return Result(response.json(), response.status_code)


# --- guests: the secret link sent to the e-mail given at submission, no account -----------------

TRACKING_FIELDS = "code status dueDate promisedDate overdue service { code } steps { action fromStatus toStatus at }"

GUEST_VIEW = f"query ($token: String!) {{ guestServiceRequest(token: $token) {{ {TRACKING_FIELDS} }} }}"

GUEST_CANCEL = f"""
mutation ($token: String!, $comment: String) {{
  cancelServiceRequestAsGuest(token: $token, comment: $comment) {{ request {{ {TRACKING_FIELDS} }} {ERRORS} }}
}}
"""

GUEST_RESUBMIT = f"""
mutation ($token: String!, $comment: String, $documents: [DocumentUploadInput!]) {{
  resubmitServiceRequestAsGuest(token: $token, comment: $comment, documents: $documents) {{
    request {{ {TRACKING_FIELDS} }} {ERRORS}
  }}
}}
"""

COUNTER = f"""
mutation ($code: String!, $comment: String, $documents: [DocumentUploadInput!]) {{
  recordCounterSupplement(code: $code, comment: $comment, documents: $documents) {{ request {{ {REQUEST_FIELDS} }} {ERRORS} }}
}}
"""

_LINK = re.compile(r"[?&]token=(grl_[A-Za-z0-9_-]+)")


async def guest_links(code: str) -> list[str]:
    """The tokens of the secret links e-mailed about a request, oldest first (read from the outbox)."""
    request = await ServiceRequest.select(ServiceRequest.id).where(ServiceRequest.code == code).first()
    rows = (
        await OutboxMessage.select(OutboxMessage.body)
        .where((OutboxMessage.entity_type == "service_request") & (OutboxMessage.entity_id == request["id"]))
        .order_by(OutboxMessage.id)
    )
    return [m.group(1) for row in rows if (m := _LINK.search(row["body"]))]


async def guest_link(code: str) -> str:
    """The latest secret link e-mailed about a request."""
    return (await guest_links(code))[-1]


async def _multipart(client: Api, query: str, variables: dict[str, Any], files: list[tuple[int, str, bytes, str]],
                     headers: dict[str, str]) -> Result:  # fmt: skip
    if not files:
        return await client.gql(query, variables, headers=headers)
    mapping = {str(i): [f"variables.documents.{i}.file"] for i in range(len(files))}
    response = await client.http.post(
        "/graphql",
        data={"operations": json.dumps({"query": query, "variables": variables}), "map": json.dumps(mapping)},
        files={str(i): (name, content, ctype) for i, (_, name, content, ctype) in enumerate(files)},
        headers=headers,
    )
    return Result(response.json(), response.status_code)


async def guest_cancel(client: Api, link: str, comment: str | None = None, bearer: str | None = None) -> dict[str, Any]:
    """The payload of cancelServiceRequestAsGuest."""
    variables = {"token": link, "comment": comment}
    return (await client.gql(GUEST_CANCEL, variables, token=bearer)).data["cancelServiceRequestAsGuest"]


async def guest_resubmit(
    client: Api,
    link: str,
    files: list[tuple[int, str, bytes, str]] | None = None,
    comment: str | None = "Đã bổ sung",
    bearer: str | None = None,
) -> dict[str, Any]:
    """The payload of resubmitServiceRequestAsGuest; files go as a GraphQL multipart request."""
    files = files or []
    variables = {"token": link, "comment": comment, "documents": [{"requirement": r, "file": None} for r, *_ in files]}
    headers = {"Authorization": f"Bearer {bearer}"} if bearer else {}
    return (await _multipart(client, GUEST_RESUBMIT, variables, files, headers)).data["resubmitServiceRequestAsGuest"]


async def counter_supplement(
    client: Api, bearer: str, code: str, files: list[tuple[int, str, bytes, str]] | None = None,
    comment: str | None = None,
) -> dict[str, Any]:  # fmt: skip
    """The payload of recordCounterSupplement (an operator records what a customer brought in person)."""
    files = files or []
    variables = {"code": code, "comment": comment, "documents": [{"requirement": r, "file": None} for r, *_ in files]}
    result = await _multipart(client, COUNTER, variables, files, {"Authorization": f"Bearer {bearer}"})
    return result.data["recordCounterSupplement"]
