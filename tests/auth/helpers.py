"""Shared pieces of the auth tests: GraphQL documents, whole-database snapshots for "nothing changed",
and shortcuts for the people every test needs."""

from __future__ import annotations

import json
from typing import Any

from app.audit.tables import AuditEvent
from app.auth.tables import Account, AccountRole, ApiKey, AuthSession
from tests.support import PASSWORD, Api, Result, table_rows

ERRORS = "errors { field code message messageVi messageEn }"
ACCOUNT_FIELDS = "id email fullName phone kind customerKind citizenId taxCode organizationName roles"
KEY_FIELDS = "id name prefix scopes createdAt revokedAt lastUsedAt"

SIGN_UP = f"""
mutation ($input: SignUpInput!) {{
  signUp(input: $input) {{ token expiresAt account {{ {ACCOUNT_FIELDS} }} {ERRORS} }}
}}
"""

SIGN_IN = f"""
mutation ($email: String!, $password: String!) {{
  signIn(email: $email, password: $password) {{ token expiresAt account {{ {ACCOUNT_FIELDS} }} {ERRORS} }}
}}
"""

SIGN_OUT = f"mutation {{ signOut {{ ok {ERRORS} }} }}"

ME = f"{{ me {{ {ACCOUNT_FIELDS} }} }}"

CREATE_STAFF = f"""
mutation ($input: StaffAccountInput!) {{
  createStaffAccount(input: $input) {{ account {{ {ACCOUNT_FIELDS} }} {ERRORS} }}
}}
"""

GRANT_ROLE = f"""
mutation ($accountId: ID!, $role: Role!) {{
  grantRole(accountId: $accountId, role: $role) {{ account {{ id email roles }} {ERRORS} }}
}}
"""

REVOKE_ROLE = f"""
mutation ($accountId: ID!, $role: Role!) {{
  revokeRole(accountId: $accountId, role: $role) {{ account {{ id email roles }} {ERRORS} }}
}}
"""

CREATE_API_KEY = f"""
mutation ($name: String!, $scopes: [Scope!]!) {{
  createApiKey(name: $name, scopes: $scopes) {{ key apiKey {{ {KEY_FIELDS} }} {ERRORS} }}
}}
"""

REVOKE_API_KEY = f"""
mutation ($id: ID!) {{
  revokeApiKey(id: $id) {{ key apiKey {{ {KEY_FIELDS} }} {ERRORS} }}
}}
"""

API_KEYS = f"""
query ($first: Int, $after: String) {{
  apiKeys(first: $first, after: $after) {{
    totalCount pageInfo {{ hasNextPage endCursor }} edges {{ cursor node {{ {KEY_FIELDS} }} }}
  }}
}}
"""

ACCOUNTS = f"""
query ($staffOnly: Boolean! = false, $first: Int, $after: String) {{
  accounts(staffOnly: $staffOnly, first: $first, after: $after) {{
    totalCount pageInfo {{ hasNextPage endCursor }} edges {{ node {{ {ACCOUNT_FIELDS} }} }}
  }}
}}
"""

AUDIT_EVENTS = """
query ($entityType: String, $entityId: String, $first: Int) {
  auditEvents(entityType: $entityType, entityId: $entityId, first: $first) {
    totalCount edges { node { id actor action entityType entityId before after requestId } }
  }
}
"""

SERVICES = "{ services(first: 1) { totalCount } }"

ADMIN_EMAIL = "quan.tri@ttcntt.thanhhoa.gov.vn"
CITIZEN_ID = "038095000123"  # 038 Thanh Hóa, century digit 0 (1900s), born 1995
TAX_CODE = "0100109106"
BRANCH_TAX_CODE = "0100109106-001"

# The texts of every refusal the tests pin, in both languages: (code, messageVi, messageEn).
INVALID_CREDENTIALS = ("INVALID_CREDENTIALS", "E-mail hoặc mật khẩu không đúng.", "Wrong e-mail or password.")
ACCOUNT_LOCKED = (
    "ACCOUNT_LOCKED",
    "Tài khoản tạm khóa do đăng nhập sai nhiều lần. Vui lòng thử lại sau.",
    "The account is locked after repeated failed sign-ins. Try again later.",
)
UNAUTHENTICATED = (
    "UNAUTHENTICATED",
    "Bạn cần đăng nhập để thực hiện thao tác này.",
    "You must sign in to do this.",
)
FORBIDDEN = ("FORBIDDEN", "Bạn không có quyền thực hiện thao tác này.", "You are not allowed to do this.")


def citizen_input(email: str, **overrides: Any) -> dict[str, Any]:
    return {
        "email": email,
        "password": PASSWORD,
        "fullName": "Nguyễn Văn An",
        "customerKind": "CITIZEN",
        "citizenId": CITIZEN_ID,
        **overrides,
    }


def business_input(email: str, **overrides: Any) -> dict[str, Any]:
    return {
        "email": email,
        "password": PASSWORD,
        "fullName": "Lê Thị Bình",
        "customerKind": "BUSINESS",
        "taxCode": TAX_CODE,
        "organizationName": "Công ty Cổ phần Phần mềm Hạc Thành",
        **overrides,
    }


def agency_input(email: str, **overrides: Any) -> dict[str, Any]:
    return {
        "email": email,
        "password": PASSWORD,
        "fullName": "Trần Văn Cường",
        "customerKind": "AGENCY",
        "organizationName": "Sở Y tế tỉnh Thanh Hóa",
        **overrides,
    }


def errors_of(payload: dict[str, Any]) -> list[tuple[str | None, str]]:
    """(field, code) of each error of a mutation payload."""
    return [(e["field"], e["code"]) for e in payload["errors"]]


def texts(error: dict[str, Any]) -> tuple[str, str, str]:
    return error["code"], error["messageVi"], error["messageEn"]


def top_level_refusal(result: Result) -> dict[str, Any]:
    """The one GraphQL error of a refused request (data null); returns its extensions."""
    assert result.status == 200
    assert result.body["data"] is None, result.body
    [error] = result.errors
    extensions = error["extensions"]
    assert error["message"] == extensions["messageVi"]  # no Accept-Language: Vietnamese
    assert extensions["errors"] == [
        {
            "code": extensions["code"],
            "field": extensions["field"],
            "messageVi": extensions["messageVi"],
            "messageEn": extensions["messageEn"],
        }
    ]
    assert extensions["messageVi"] != extensions["messageEn"]
    assert_nothing_leaks(result)
    return extensions


def assert_nothing_leaks(result: Result) -> None:
    """No stack trace, SQL or Python internals in an error body."""
    text = json.dumps(result.body).lower()
    for marker in ("traceback", 'file "', "select ", "insert ", "update ", "sqlite", "asyncpg", "piccolo", ".py"):
        assert marker not in text, (marker, result.body)


async def snapshot() -> dict[str, list[dict[str, Any]]]:
    """Every row of every application table (the migrations table aside), in id order.

    Equal before and after a refused call: nothing was inserted, updated or deleted anywhere.
    (Using a partner key records its last use, at most once a minute: tests that compare snapshots
    around a key's use freeze the time and use the key once beforehand.)
    """
    return await table_rows()


async def counts() -> dict[str, int]:
    return {
        "account": await Account.count(),
        "account_role": await AccountRole.count(),
        "auth_session": await AuthSession.count(),
        "api_key": await ApiKey.count(),
        "audit_event": await AuditEvent.count(),
    }


async def audit_rows() -> list[dict[str, Any]]:
    return await AuditEvent.select().order_by(AuditEvent.id).output(load_json=True)


async def account_row(email: str) -> dict[str, Any]:
    row = await Account.select().where(Account.email == email).first()
    assert row is not None, email
    return row


async def sign_in(client: Api, email: str, password: str = PASSWORD, **headers: str) -> dict[str, Any]:
    result = await client.gql(SIGN_IN, {"email": email, "password": password}, headers=headers or None)
    return result.data["signIn"]


async def me(client: Api, token: str | None = None, headers: dict[str, str] | None = None) -> Result:
    return await client.gql(ME, token=token, headers=headers)


async def account_id(client: Api, token: str) -> str:
    return (await me(client, token)).data["me"]["id"]


async def create_key(client: Api, admin: str, scopes: list[str], name: str = "Cổng dịch vụ công") -> dict[str, Any]:
    payload = (await client.gql(CREATE_API_KEY, {"name": name, "scopes": scopes}, token=admin)).data["createApiKey"]
    assert payload["errors"] == [], payload["errors"]
    return payload
