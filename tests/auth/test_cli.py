"""`python -m app.cli create-admin`: the first admin, or admin for an existing staff account."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import anyio
import pytest

from app import cli
from app.auth.enums import Role
from app.errors import Conflict, ValidationFailed
from tests.auth.helpers import account_row, audit_rows, me, sign_in, snapshot
from tests.support import PASSWORD, Api

ROOT = Path(__file__).resolve().parents[2]
EMAIL = "quan.tri@ttcntt.thanhhoa.gov.vn"


async def test_create_admin_makes_an_admin_who_can_sign_in(client: Api) -> None:
    # when the CLI's helper creates the first admin
    account_id = await cli.create_admin(" Quan.Tri@TTCNTT.thanhhoa.gov.vn ", " Quản trị hệ thống ", PASSWORD)
    # then the admin signs in and holds the admin role
    payload = await sign_in(client, EMAIL)
    assert payload["errors"] == []
    account = payload["account"]
    assert (account["id"], account["email"], account["fullName"], account["kind"], account["roles"]) == (
        str(account_id),
        EMAIL,
        "Quản trị hệ thống",
        "STAFF",
        ["ADMIN"],
    )
    assert (await client.gql("{ accounts { totalCount } }", token=payload["token"])).data["accounts"] == {
        "totalCount": 1
    }
    # and the creation is audited as the system's
    [event] = await audit_rows()
    assert {k: event[k] for k in ("actor_id", "actor_label", "action", "entity_id", "before", "after")} == {
        "actor_id": None,
        "actor_label": "system",
        "action": "account.create_staff",
        "entity_id": str(account_id),
        "before": None,
        "after": {"email": EMAIL, "roles": ["admin"]},
    }


async def test_create_admin_again_changes_nothing(client: Api) -> None:
    account_id = await cli.create_admin(EMAIL, "Quản trị", PASSWORD)
    before = await snapshot()
    assert await cli.create_admin(EMAIL.upper(), "Tên khác", "mat-khau-khac-hoan-toan") == account_id
    assert await snapshot() == before
    # the password stays the first one
    assert (await sign_in(client, EMAIL))["errors"] == []


async def test_create_admin_promotes_an_existing_staff_account(client: Api) -> None:
    # given an operator
    operator = await client.staff(EMAIL, Role.OPERATOR)
    account_id = int((await me(client, operator)).data["me"]["id"])
    events = len(await audit_rows())
    # when the CLI makes it admin (whatever password is given: the account keeps its own)
    assert await cli.create_admin(EMAIL, "Bỏ qua", "mot-mat-khau-khac") == account_id
    # then its token carries ADMIN on the next request, and the grant is audited with before and after
    assert (await me(client, operator)).data["me"]["roles"] == ["ADMIN", "OPERATOR"]
    rows = await audit_rows()
    assert len(rows) == events + 1
    event = rows[-1]
    assert (event["actor_label"], event["action"], event["entity_id"], event["before"], event["after"]) == (
        "system",
        "account.grant_role",
        str(account_id),
        {"roles": ["operator"]},
        {"roles": ["admin", "operator"]},
    )
    assert (await account_row(EMAIL))["full_name"] == "Cán bộ thử nghiệm"


async def test_create_admin_refuses_a_customer_account(client: Api) -> None:
    await client.customer(EMAIL)
    before = await snapshot()
    with pytest.raises(Conflict) as caught:
        await cli.create_admin(EMAIL, "Quản trị", PASSWORD)
    assert (caught.value.code, caught.value.field, caught.value.message_en) == (
        "NOT_STAFF",
        "email",
        "This account is a customer account.",
    )
    assert await snapshot() == before


@pytest.mark.parametrize(
    ("email", "name", "password", "code"),
    [
        (EMAIL, "Quản trị", "ngan", "WEAK_PASSWORD"),
        ("khong-phai-email", "Quản trị", PASSWORD, "INVALID_EMAIL"),
        (EMAIL, "Quản\x00trị", PASSWORD, "CONTROL_CHARACTERS"),
        (EMAIL, "  ", PASSWORD, "REQUIRED"),
    ],
)
async def test_create_admin_refusals_write_nothing(db: None, email: str, name: str, password: str, code: str) -> None:
    before = await snapshot()
    with pytest.raises(ValidationFailed) as caught:
        await cli.create_admin(email, name, password)
    assert caught.value.code == code
    assert await snapshot() == before


def run_cli(*args: str, password: str | None) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k != "ADMIN_PASSWORD"}
    if password is not None:
        env["ADMIN_PASSWORD"] = password
    # DATABASE_URL, PICCOLO_CONF and ARGON2_MEMORY_KIB come from tests/conftest.py: the test database
    return subprocess.run(
        [sys.executable, "-m", "app.cli", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


async def test_the_command_creates_an_admin_in_the_configured_database(client: Api) -> None:
    # when the command runs with the password in ADMIN_PASSWORD
    done = await anyio.to_thread.run_sync(
        lambda: run_cli("create-admin", "--email", EMAIL, "--name", "Quản trị", password=PASSWORD)
    )
    # then it reports the new account, which can sign in as admin through the API
    assert (done.returncode, done.stderr) == (0, "")
    account_id = (await account_row(EMAIL))["id"]
    assert done.stdout == f"admin account id {account_id}\n"
    payload = await sign_in(client, EMAIL)
    assert (payload["account"]["fullName"], payload["account"]["roles"]) == ("Quản trị", ["ADMIN"])


async def test_the_command_reports_a_refusal_and_exits_1(client: Api) -> None:
    before = await snapshot()
    done = await anyio.to_thread.run_sync(lambda: run_cli("create-admin", "--email", EMAIL, password="ngan"))
    assert (done.returncode, done.stdout) == (1, "")
    assert done.stderr == "WEAK_PASSWORD: The password must have 10 to 128 characters.\n"
    assert await snapshot() == before


def test_arguments_are_checked(capsys: pytest.CaptureFixture[str]) -> None:
    for argv in ([], ["create-admin"], ["create-admin", "--name", "x"], ["khong-co-lenh"]):
        with pytest.raises(SystemExit) as caught:
            cli.main(argv)
        assert caught.value.code == 2, argv
    assert "--email" in capsys.readouterr().err


def test_the_password_comes_from_the_environment_or_a_prompt(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    calls: list[tuple[str, str, str]] = []

    async def fake_create_admin(email: str, name: str, password: str) -> int:
        calls.append((email, name, password))
        return 7

    prompts: list[Any] = []
    monkeypatch.setattr(cli, "create_admin", fake_create_admin)
    monkeypatch.setattr("getpass.getpass", lambda prompt: prompts.append(prompt) or "mat-khau-tu-ban-phim")
    # from ADMIN_PASSWORD, with the default name
    monkeypatch.setenv("ADMIN_PASSWORD", "mat-khau-tu-bien-moi-truong")
    assert cli.main(["create-admin", "--email", EMAIL]) == 0
    # from the prompt when ADMIN_PASSWORD is unset or empty
    monkeypatch.setenv("ADMIN_PASSWORD", "")
    assert cli.main(["create-admin", "--email", EMAIL, "--name", "Tên"]) == 0
    assert calls == [
        (EMAIL, "Quản trị hệ thống", "mat-khau-tu-bien-moi-truong"),
        (EMAIL, "Tên", "mat-khau-tu-ban-phim"),
    ]
    assert prompts == ["Admin password (10+ characters): "]
    assert capsys.readouterr().out == "admin account id 7\nadmin account id 7\n"
