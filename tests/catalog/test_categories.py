"""Editing the catalog's structure over GraphQL: the category tree (catalog managers) and the
departments (admins). Every change is audited; every refusal changes nothing."""

from __future__ import annotations

import asyncio
from typing import Any

from app.audit.tables import AuditEvent
from app.auth.enums import Role
from catalog.seed import seed_catalog
from catalog.tables import Category, Service
from tests.auth.helpers import create_key
from tests.catalog import helpers as h
from tests.catalog.helpers import ERRORS, MANAGER_EMAIL
from tests.support import Api, one_connection

NODE = "code slug name description position names { vi en } parent { code }"

TREE = f"""
query ($lang: Language) {{
  categories(lang: $lang) {{ {NODE} children {{ {NODE} children {{ {NODE} children {{ code }} }} }} }}
}}
"""

CREATE = f"""
mutation ($input: CategoryInput!) {{
  createCategory(input: $input) {{ category {{ {NODE} children {{ code }} }} {ERRORS} }}
}}
"""

UPDATE = f"""
mutation ($code: String!, $input: CategoryChangesInput!) {{
  updateCategory(code: $code, input: $input) {{ category {{ {NODE} children {{ code }} }} {ERRORS} }}
}}
"""

DELETE = f"mutation ($code: String!) {{ deleteCategory(code: $code) {{ deletedCode {ERRORS} }} }}"

DEPARTMENT = "code name names { vi en }"

CREATE_DEPARTMENT = f"""
mutation ($code: String!, $nameVi: String!, $nameEn: String) {{
  createDepartment(code: $code, nameVi: $nameVi, nameEn: $nameEn) {{ department {{ {DEPARTMENT} }} {ERRORS} }}
}}
"""

UPDATE_DEPARTMENT = f"""
mutation ($code: String!, $nameVi: String, $nameEn: String) {{
  updateDepartment(code: $code, nameVi: $nameVi, nameEn: $nameEn) {{ department {{ {DEPARTMENT} }} {ERRORS} }}
}}
"""

DEPARTMENTS = "query ($lang: Language) { departments(lang: $lang) { code name names { vi en } } }"

ADMIN_EMAIL = "quan.tri@ttcntt.thanhhoa.gov.vn"
STRUCTURE_TABLES = ("category", "department", "service", "audit_event")


async def snapshot() -> dict[str, list[dict[str, Any]]]:
    """Every row of the tables a structure edit could touch, the audit log included."""
    async with one_connection():
        return {table: await Service.raw(f"SELECT * FROM {table} ORDER BY id") for table in STRUCTURE_TABLES}


def result_of(result: Any, name: str) -> dict[str, Any]:
    return result.data[name]


def refusal(result: Any, name: str) -> list[tuple[str | None, str]]:
    """The (field, code) pairs of a refused mutation, checking it returned nothing."""
    body = result.data[name]
    assert body[next(k for k in body if k != "errors")] is None, body
    return [(e["field"], e["code"]) for e in body["errors"]]


async def create(client: Api, token: str, **fields: Any) -> dict[str, Any]:
    body = result_of(await client.gql(CREATE, {"input": fields}, token), "createCategory")
    assert body["errors"] == [], body["errors"]
    return body["category"]


async def update(client: Api, token: str, code: str, **fields: Any) -> dict[str, Any]:
    body = result_of(await client.gql(UPDATE, {"code": code, "input": fields}, token), "updateCategory")
    assert body["errors"] == [], body["errors"]
    return body["category"]


async def tree(client: Api, lang: str | None = None) -> list[dict[str, Any]]:
    return (await client.gql(TREE, {"lang": lang})).data["categories"]


def node(nodes: list[dict[str, Any]], code: str) -> dict[str, Any]:
    """A category anywhere in the tree returned by the query."""
    for item in nodes:
        if item["code"] == code:
            return item
        found = node(item.get("children") or [], code)
        if found:
            return found
    return {}


def codes_of(nodes: list[dict[str, Any]]) -> list[str]:
    return [n["code"] for n in nodes]


async def category_events(since: int = 0) -> list[dict[str, Any]]:
    rows = await AuditEvent.select().order_by(AuditEvent.id).output(load_json=True)
    return [r for r in rows[since:] if r["entity_type"] in ("category", "department")]


# --- categories ---------------------------------------------------------------------------------


async def test_create_a_root_category_and_children(client: Api, catalog: dict[str, int], manager: str) -> None:
    roots = [c for c in h.data()["categories"] if not c.get("parent")]
    # when a catalog manager adds a top-level category without slug nor position
    root = await create(
        client, manager, code=" thu-nghiem ", nameVi="  Dịch vụ Thử nghiệm Đặc biệt (mới)  ",
        nameEn="Special pilot services", descriptionVi="Dòng một\nDòng hai\tcó tab.",
    )  # fmt: skip
    # then the code is upper-cased, the slug made from the Vietnamese name without diacritics, and it
    # comes after the existing top-level categories
    assert root == {
        "code": "THU-NGHIEM",
        "slug": "dich-vu-thu-nghiem-dac-biet-moi",
        "name": "Dịch vụ Thử nghiệm Đặc biệt (mới)",
        "description": "Dòng một\nDòng hai\tcó tab.",
        "position": max(c["position"] for c in roots) + 1,
        "names": {"vi": "Dịch vụ Thử nghiệm Đặc biệt (mới)", "en": "Special pilot services"},
        "parent": None,
        "children": [],
    }
    # when two children are added, the second before the first by its position
    first = await create(client, manager, code="TN-AI", nameVi="Trí tuệ nhân tạo", parentCode="thu-nghiem")
    second = await create(
        client, manager, code="TN-IOT", slug="iot-thu-nghiem", nameVi="Internet vạn vật", nameEn="Internet of Things",
        descriptionEn="Sensors.", parentCode="THU-NGHIEM", position=0,
    )  # fmt: skip
    assert (first["position"], first["parent"], first["slug"]) == (1, {"code": "THU-NGHIEM"}, "tri-tue-nhan-tao")
    assert (second["position"], second["slug"]) == (0, "iot-thu-nghiem")
    # then the public tree shows them in position order, in Vietnamese by default
    vi = await tree(client)
    assert codes_of(vi) == [c["code"] for c in sorted(roots, key=lambda c: c["position"])] + ["THU-NGHIEM"]
    shown = node(vi, "THU-NGHIEM")
    assert [(c["code"], c["name"], c["position"]) for c in shown["children"]] == [
        ("TN-IOT", "Internet vạn vật", 0),
        ("TN-AI", "Trí tuệ nhân tạo", 1),
    ]
    assert all(c["parent"] == {"code": "THU-NGHIEM"} and c["children"] == [] for c in shown["children"])
    # and in English, falling back to Vietnamese where there is no translation
    en = node(await tree(client, "EN"), "THU-NGHIEM")
    assert (en["name"], en["description"]) == ("Special pilot services", "Dòng một\nDòng hai\tcó tab.")
    assert [(c["name"], c["description"]) for c in en["children"]] == [
        ("Internet of Things", "Sensors."),
        ("Trí tuệ nhân tạo", ""),
    ]
    assert en["children"][1]["names"] == {"vi": "Trí tuệ nhân tạo", "en": ""}
    header = node((await client.gql(TREE, headers={"Accept-Language": "en"})).data["categories"], "TN-IOT")
    assert header["name"] == "Internet of Things"
    # and a three-level tree is fine
    await create(client, manager, code="TN-AI-CV", nameVi="Thị giác máy tính", parentCode="TN-AI")
    assert codes_of(node(await tree(client), "TN-AI")["children"]) == ["TN-AI-CV"]
    # and services can be filed under the new category at once, and found through its parent
    await h.published_service(client, manager, "TN-SVC-01", categoryCode="TN-AI-CV")
    found = await client.gql(h.SERVICES, {"filter": {"category": "THU-NGHIEM"}, "first": 100})
    assert h.codes(found) == ["TN-SVC-01"]


async def test_rename_move_and_reorder(client: Api, catalog: dict[str, int], manager: str) -> None:
    # given the seeded tree: DIEN-TOAN-DAM-MAY (position 2) under HA-TANG-SO, with services
    before_children = codes_of(node(await tree(client), "HA-TANG-SO")["children"])
    assert before_children[:2] == ["TRUNG-TAM-DU-LIEU", "DIEN-TOAN-DAM-MAY"]
    # when it is renamed and re-described, in both languages
    renamed = await update(
        client, manager, "dien-toan-dam-may", nameVi="Đám mây chính phủ", nameEn="Government cloud",
        descriptionVi="Mô tả mới", descriptionEn="New description", slug="dam-may-chinh-phu",
    )  # fmt: skip
    # then only those fields change (code, parent and position stay)
    assert renamed == {
        "code": "DIEN-TOAN-DAM-MAY",
        "slug": "dam-may-chinh-phu",
        "name": "Đám mây chính phủ",
        "description": "Mô tả mới",
        "position": 2,
        "names": {"vi": "Đám mây chính phủ", "en": "Government cloud"},
        "parent": {"code": "HA-TANG-SO"},
        "children": [],
    }
    en = node(await tree(client, "EN"), "DIEN-TOAN-DAM-MAY")
    assert (en["name"], en["description"]) == ("Government cloud", "New description")
    # an English name can be removed again: English then falls back to Vietnamese
    await update(client, manager, "DIEN-TOAN-DAM-MAY", nameEn="")
    assert node(await tree(client, "EN"), "DIEN-TOAN-DAM-MAY")["name"] == "Đám mây chính phủ"
    # when it is reordered, then it moves among its siblings
    await update(client, manager, "DIEN-TOAN-DAM-MAY", position=0)
    assert codes_of(node(await tree(client), "HA-TANG-SO")["children"]) == [
        "DIEN-TOAN-DAM-MAY",
        "TRUNG-TAM-DU-LIEU",
        *before_children[2:],
    ]
    # when it moves under another parent without a position, then it goes after its new siblings
    training = [
        c["code"] for c in sorted(h.data()["categories"], key=lambda c: c["position"]) if c.get("parent") == "DAO-TAO"
    ]
    moved = await update(client, manager, "DIEN-TOAN-DAM-MAY", parentCode="DAO-TAO")
    assert (moved["parent"], moved["position"]) == ({"code": "DAO-TAO"}, len(training) + 1)
    current = await tree(client)
    assert codes_of(node(current, "DAO-TAO")["children"]) == [*training, "DIEN-TOAN-DAM-MAY"]
    assert "DIEN-TOAN-DAM-MAY" not in codes_of(node(current, "HA-TANG-SO")["children"])
    # and its services follow it: the parent's filter finds them, the old parent's no longer does
    cloud = h.seeded_codes(lambda s: s["category"] == "DIEN-TOAN-DAM-MAY")
    assert cloud
    in_training = await client.gql(h.SERVICES, {"filter": {"category": "DAO-TAO"}, "first": 100})
    assert cloud <= set(h.codes(in_training))
    in_infra = await client.gql(h.SERVICES, {"filter": {"category": "HA-TANG-SO"}, "first": 100})
    assert not cloud & set(h.codes(in_infra))
    # an edit without parentCode leaves it where it is
    assert (await update(client, manager, "DIEN-TOAN-DAM-MAY", nameVi="Đám mây"))["parent"] == {"code": "DAO-TAO"}
    # when it moves to the top level (parentCode null) with a position
    top = await update(client, manager, "DIEN-TOAN-DAM-MAY", parentCode=None, position=0)
    assert (top["parent"], top["position"]) == (None, 0)
    assert codes_of(await tree(client))[0] == "DIEN-TOAN-DAM-MAY"
    # a whole branch moves with its root: HA-TANG-SO and its children under TU-VAN
    branch = codes_of(node(await tree(client), "HA-TANG-SO")["children"])
    await update(client, manager, "HA-TANG-SO", parentCode="TU-VAN", position=99)
    moved_branch = node(node(await tree(client), "TU-VAN")["children"], "HA-TANG-SO")
    assert codes_of(moved_branch["children"]) == branch
    assert "HA-TANG-SO" not in codes_of(await tree(client))


async def test_delete_an_empty_category(client: Api, catalog: dict[str, int], manager: str) -> None:
    await create(client, manager, code="TAM-THOI", nameVi="Nhóm tạm thời", parentCode="TU-VAN")
    # when an empty category is deleted
    result = await client.gql(DELETE, {"code": "tam-thoi"}, manager)
    # then it is gone from the tree and the table
    assert result_of(result, "deleteCategory") == {"deletedCode": "TAM-THOI", "errors": []}
    assert node(await tree(client), "TAM-THOI") == {}
    assert not await Category.exists().where(Category.code == "TAM-THOI")
    # and its code and slug may be used again
    again = await create(client, manager, code="TAM-THOI", nameVi="Nhóm tạm thời")
    assert (again["slug"], again["parent"]) == ("nhom-tam-thoi", None)
    # a category emptied by moving its services and children out can be deleted too
    children = [c["code"] for c in h.data()["categories"] if c.get("parent") == "CO-SO-VAT-CHAT"]
    services = h.seeded_codes(lambda s: s["category"] in {"CO-SO-VAT-CHAT", *children})
    for child in children:
        await update(client, manager, child, parentCode="TAM-THOI")
    for code in h.seeded_codes(lambda s: s["category"] == "CO-SO-VAT-CHAT"):
        version = (await client.gql(h.SERVICE, {"code": code})).data["service"]["version"]
        variables = {"code": code, "version": version, "input": {"categoryCode": "TAM-THOI"}}
        assert (await client.gql(h.UPDATE_SERVICE, variables, manager)).data["updateService"]["errors"] == []
    assert result_of(await client.gql(DELETE, {"code": "CO-SO-VAT-CHAT"}, manager), "deleteCategory")["errors"] == []
    found = await client.gql(h.SERVICES, {"filter": {"category": "TAM-THOI"}, "first": 100})
    assert set(h.codes(found)) == services


async def test_category_refusals_change_nothing(client: Api, catalog: dict[str, int], manager: str) -> None:
    # given a three-level branch and a category holding only a draft service
    await create(client, manager, code="CAP-1", nameVi="Cấp một")
    await create(client, manager, code="CAP-2", nameVi="Cấp hai", parentCode="CAP-1")
    await create(client, manager, code="CAP-3", nameVi="Cấp ba", parentCode="CAP-2")
    await create(client, manager, code="NHAP", nameVi="Chỉ có bản nháp")
    await h.create_service(client, manager, "NHAP-01", categoryCode="NHAP")
    new = {"code": "MOI", "nameVi": "Nhóm mới"}
    cases: list[tuple[str, dict[str, Any], list[tuple[str | None, str]]]] = [
        # create
        (CREATE, {"input": {**new, "parentCode": "KHONG-CO"}}, [("parentCode", "UNKNOWN_CATEGORY")]),
        (CREATE, {"input": {**new, "code": "HA-TANG-SO"}}, [("code", "CODE_TAKEN")]),
        (CREATE, {"input": {**new, "code": "ha-tang-so"}}, [("code", "CODE_TAKEN")]),
        (CREATE, {"input": {**new, "slug": "ha-tang-so"}}, [("slug", "SLUG_TAKEN")]),
        (CREATE, {"input": {**new, "nameVi": "Cấp một"}}, [("slug", "SLUG_TAKEN")]),  # derived slug
        (
            CREATE,
            {"input": {"code": "CAP-1", "nameVi": "Cấp một", "parentCode": "KHONG-CO"}},
            [("parentCode", "UNKNOWN_CATEGORY"), ("code", "CODE_TAKEN"), ("slug", "SLUG_TAKEN")],
        ),
        (CREATE, {"input": {**new, "nameVi": "Tên có\x07 chuông"}}, [("nameVi", "CONTROL_CHARACTERS")]),
        (CREATE, {"input": {**new, "nameVi": "Hai\ndòng"}}, [("nameVi", "CONTROL_CHARACTERS")]),
        (CREATE, {"input": {**new, "nameEn": "bad \x1b[31m"}}, [("nameEn", "CONTROL_CHARACTERS")]),
        (
            CREATE,
            {"input": {**new, "descriptionVi": "được\nnhưng \x00 thì không"}},
            [("descriptionVi", "CONTROL_CHARACTERS")],
        ),
        (CREATE, {"input": {**new, "descriptionEn": "\x7f"}}, [("descriptionEn", "CONTROL_CHARACTERS")]),
        (CREATE, {"input": {**new, "nameVi": "x" * 201}}, [("nameVi", "TOO_LONG")]),
        (CREATE, {"input": {**new, "nameEn": "x" * 201}}, [("nameEn", "TOO_LONG")]),
        (CREATE, {"input": {**new, "descriptionVi": "x" * 10001}}, [("descriptionVi", "TOO_LONG")]),
        (CREATE, {"input": {**new, "nameVi": "   "}}, [("nameVi", "REQUIRED")]),
        (CREATE, {"input": {**new, "nameVi": "!!!"}}, [("slug", "REQUIRED")]),
        (CREATE, {"input": {**new, "code": "mã có dấu"}}, [("code", "INVALID_CODE")]),
        (CREATE, {"input": {**new, "code": "X" * 41}}, [("code", "TOO_LONG")]),
        (CREATE, {"input": {**new, "slug": "Bad Slug"}}, [("slug", "INVALID_SLUG")]),
        (CREATE, {"input": {**new, "parentCode": "có dấu"}}, [("parentCode", "INVALID_CODE")]),
        (CREATE, {"input": {**new, "position": -1}}, [("position", "OUT_OF_RANGE")]),
        (CREATE, {"input": {**new, "position": 100_001}}, [("position", "OUT_OF_RANGE")]),
        (CREATE, {"input": {}}, [("code", "REQUIRED"), ("nameVi", "REQUIRED")]),
        # update
        (UPDATE, {"code": "KHONG-CO", "input": {"nameVi": "X"}}, [("code", "NOT_FOUND")]),
        (UPDATE, {"code": "CAP-1", "input": {"parentCode": "CAP-1"}}, [("parentCode", "CATEGORY_CYCLE")]),
        (UPDATE, {"code": "CAP-1", "input": {"parentCode": "CAP-2"}}, [("parentCode", "CATEGORY_CYCLE")]),
        (UPDATE, {"code": "cap-1", "input": {"parentCode": "cap-3"}}, [("parentCode", "CATEGORY_CYCLE")]),
        (
            UPDATE,
            {"code": "HA-TANG-SO", "input": {"parentCode": "DIEN-TOAN-DAM-MAY"}},
            [("parentCode", "CATEGORY_CYCLE")],
        ),
        (UPDATE, {"code": "CAP-2", "input": {"parentCode": "KHONG-CO"}}, [("parentCode", "UNKNOWN_CATEGORY")]),
        (UPDATE, {"code": "CAP-2", "input": {"slug": "cap-mot"}}, [("slug", "SLUG_TAKEN")]),
        (
            UPDATE,
            {"code": "CAP-1", "input": {"parentCode": "CAP-3", "slug": "ha-tang-so"}},
            [("parentCode", "CATEGORY_CYCLE"), ("slug", "SLUG_TAKEN")],
        ),
        (UPDATE, {"code": "CAP-2", "input": {"nameVi": ""}}, [("nameVi", "REQUIRED")]),
        (UPDATE, {"code": "CAP-2", "input": {"nameVi": "a\tb"}}, [("nameVi", "CONTROL_CHARACTERS")]),
        (
            UPDATE,
            {"code": "CAP-2", "input": {"nameEn": "\x1b", "descriptionVi": "\x00", "position": -5}},
            [("nameEn", "CONTROL_CHARACTERS"), ("descriptionVi", "CONTROL_CHARACTERS"), ("position", "OUT_OF_RANGE")],
        ),
        # delete
        (DELETE, {"code": "KHONG-CO"}, [("code", "NOT_FOUND")]),
        (DELETE, {"code": "HA-TANG-SO"}, [("code", "CATEGORY_NOT_EMPTY")]),  # children (and their services)
        (DELETE, {"code": "CAP-2"}, [("code", "CATEGORY_NOT_EMPTY")]),  # a child only
        (DELETE, {"code": "DIEN-TOAN-DAM-MAY"}, [("code", "CATEGORY_NOT_EMPTY")]),  # services only
        (DELETE, {"code": "NHAP"}, [("code", "CATEGORY_NOT_EMPTY")]),  # a draft service counts too
    ]
    names = {CREATE: "createCategory", UPDATE: "updateCategory", DELETE: "deleteCategory"}
    before = await snapshot()
    for document, variables, expected in cases:
        # when the manager sends it, then each fault is reported
        assert refusal(await client.gql(document, variables, manager), names[document]) == expected, variables
    # and nothing was written: no row of the tree, the services or the audit log
    assert await snapshot() == before
    # the messages, in both languages
    result = await client.gql(UPDATE, {"code": "CAP-1", "input": {"parentCode": "CAP-3"}}, manager)
    assert result.data["updateCategory"]["errors"] == [
        {
            "field": "parentCode",
            "code": "CATEGORY_CYCLE",
            "message": "Không thể chuyển nhóm dịch vụ vào chính nó hoặc vào một nhóm con của nó.",
            "messageVi": "Không thể chuyển nhóm dịch vụ vào chính nó hoặc vào một nhóm con của nó.",
            "messageEn": "A category cannot move under itself or under one of its sub-categories.",
        }
    ]
    result = await client.gql(DELETE, {"code": "CAP-2"}, manager, headers={"Accept-Language": "en"})
    assert result.data["deleteCategory"]["errors"] == [
        {
            "field": "code",
            "code": "CATEGORY_NOT_EMPTY",
            "message": "The category still holds 1 sub-categories and 0 services; move them elsewhere first.",
            "messageVi": "Nhóm dịch vụ còn 1 nhóm con và 0 dịch vụ; hãy chuyển chúng sang nhóm khác trước khi xóa.",
            "messageEn": "The category still holds 1 sub-categories and 0 services; move them elsewhere first.",
        }
    ]
    result = await client.gql(CREATE, {"input": {**new, "parentCode": "KHONG-CO"}}, manager)
    [error] = result.data["createCategory"]["errors"]
    assert (error["messageVi"], error["messageEn"]) == ("Không có nhóm dịch vụ này.", "There is no such category.")
    result = await client.gql(CREATE, {"input": {**new, "code": "CAP-1"}}, manager)
    [error] = result.data["createCategory"]["errors"]
    assert (error["messageVi"], error["messageEn"]) == (
        "Mã nhóm dịch vụ đã tồn tại.",
        "The category code is already used.",
    )
    assert await snapshot() == before
    # an update that changes nothing writes nothing either
    same = await update(client, manager, "CAP-2", nameVi="Cấp hai", parentCode="CAP-1")
    assert (same["code"], same["position"]) == ("CAP-2", 1)
    assert await snapshot() == before


async def test_only_catalog_managers_edit_categories(client: Api, catalog: dict[str, int], manager: str) -> None:
    customer = await client.customer("khach@example.vn")
    business = await client.customer("dn@example.vn", "BUSINESS")
    operator = await client.staff("van.hanh@ttcntt.thanhhoa.gov.vn", Role.OPERATOR)
    finance = await client.staff("ke.toan@ttcntt.thanhhoa.gov.vn", Role.FINANCE)
    admin = await client.staff(ADMIN_EMAIL, Role.ADMIN)
    partner = {"X-API-Key": (await create_key(client, admin, ["CATALOG_READ"]))["key"]}
    await client.gql("{ me { id } }", headers=partner)  # its first use is recorded once
    calls = [
        (CREATE, "createCategory", {"input": {"code": "MOI", "nameVi": "Nhóm mới"}}),
        (UPDATE, "updateCategory", {"code": "TU-VAN", "input": {"nameVi": "Tư vấn"}}),
        (DELETE, "deleteCategory", {"code": "KHONG-CO"}),
    ]
    callers: list[tuple[str | None, dict[str, str] | None, str]] = [
        (None, None, "UNAUTHENTICATED"),
        (None, partner, "FORBIDDEN"),  # a partner key reads within its scopes and never edits (app.guards)
        (customer, None, "FORBIDDEN"),
        (business, None, "FORBIDDEN"),
        (operator, None, "FORBIDDEN"),
        (finance, None, "FORBIDDEN"),
    ]
    before = await snapshot()
    for token, headers, code in callers:
        for document, name, variables in calls:
            result = await client.gql(document, variables, token, headers=headers)
            assert refusal(result, name) == [(None, code)], (name, code)
        # the same codes as the service mutations
        result = await client.gql(h.CREATE_SERVICE, {"input": h.service_input("NEW-01")}, token, headers=headers)
        assert [e["code"] for e in result.data["createService"]["errors"]] == [code]
    assert await snapshot() == before
    # an admin holds every staff role
    assert (await create(client, admin, code="MOI", nameVi="Nhóm mới"))["code"] == "MOI"
    assert result_of(await client.gql(DELETE, {"code": "MOI"}, admin), "deleteCategory")["errors"] == []


async def test_category_changes_are_audited(client: Api, catalog: dict[str, int], manager: str) -> None:
    n = await AuditEvent.count()
    # create, update (rename and move), delete
    await create(client, manager, code="KT-01", nameVi="Kiểm toán", parentCode="TU-VAN", descriptionEn="Audit")
    await update(client, manager, "KT-01", nameVi="Kiểm toán (sửa)", parentCode=None, position=50)
    await client.gql(DELETE, {"code": "KT-01"}, manager)
    events = await category_events(n)
    assert [(e["actor_label"], e["action"], e["entity_type"], e["entity_id"]) for e in events] == [
        (MANAGER_EMAIL, "category.create", "category", "KT-01"),
        (MANAGER_EMAIL, "category.update", "category", "KT-01"),
        (MANAGER_EMAIL, "category.delete", "category", "KT-01"),
    ]
    assert all(e["actor_id"] is not None for e in events)
    created = {
        "code": "KT-01", "slug": "kiem-toan", "name_vi": "Kiểm toán", "name_en": "", "description_vi": "",
        "description_en": "Audit", "position": 1 + max(
            c["position"] for c in h.data()["categories"] if c.get("parent") == "TU-VAN"
        ), "parent_code": "TU-VAN",
    }  # fmt: skip
    updated = {**created, "name_vi": "Kiểm toán (sửa)", "position": 50, "parent_code": None}
    assert [(e["before"], e["after"]) for e in events] == [(None, created), (created, updated), (updated, None)]
    # refusals write nothing
    n = await AuditEvent.count()
    await client.gql(UPDATE, {"code": "TU-VAN", "input": {"parentCode": "TU-VAN"}}, manager)
    await client.gql(DELETE, {"code": "TU-VAN"}, manager)
    await client.gql(CREATE, {"input": {"code": "TU-VAN", "nameVi": "Trùng"}}, manager)
    assert await AuditEvent.count() == n
    # the catalog manager reads the category's history, newest first
    log = await h.audit_events(client, manager, "category", "KT-01")
    assert [e["action"] for e in log] == ["category.delete", "category.update", "category.create"]
    assert log[1]["before"] == created and log[1]["after"] == updated


async def test_one_request_sees_its_own_changes(client: Api, catalog: dict[str, int], manager: str) -> None:
    # given a document that reads the tree, then changes it twice (mutations run one after the other)
    document = """
    mutation {
      a: createCategory(input: {code: "GOC", nameVi: "Gốc"}) { category { code children { code } } }
      b: createCategory(input: {code: "CON", nameVi: "Con", parentCode: "GOC"}) {
        category { parent { code children { code name } } }
      }
      c: updateCategory(code: "CON", input: {nameVi: "Con (đổi tên)"}) { category { parent { children { name } } } }
      d: deleteCategory(code: "CON") { deletedCode }
      e: updateCategory(code: "GOC", input: {nameEn: "Root"}) { category { children { code } } }
    }
    """
    data = (await client.gql(document, token=manager)).data
    # then each payload shows the tree as it is after its own change, not as first read in the request
    assert data["a"]["category"] == {"code": "GOC", "children": []}
    assert data["b"]["category"]["parent"] == {"code": "GOC", "children": [{"code": "CON", "name": "Con"}]}
    assert data["c"]["category"]["parent"]["children"] == [{"name": "Con (đổi tên)"}]
    assert data["d"] == {"deletedCode": "CON"}
    assert data["e"]["category"]["children"] == []


async def test_concurrent_moves_never_make_a_cycle(client: Api, catalog: dict[str, int], manager: str) -> None:
    # given two top-level categories; when one editor moves A under B while another moves B under A
    await create(client, manager, code="NHOM-A", nameVi="Nhóm A")
    await create(client, manager, code="NHOM-B", nameVi="Nhóm B")

    def move(code: str, parent: str) -> Any:
        return client.gql(UPDATE, {"code": code, "input": {"parentCode": parent}}, manager)

    first, second = await asyncio.gather(move("NHOM-A", "NHOM-B"), move("NHOM-B", "NHOM-A"))
    # then exactly one move is made and the other is refused as a cycle
    outcomes = sorted([first.data["updateCategory"]["errors"], second.data["updateCategory"]["errors"]], key=len)
    assert outcomes[0] == []
    assert [e["code"] for e in outcomes[1]] == ["CATEGORY_CYCLE"]
    rows = {r["code"]: r for r in await Category.select().where(Category.code.is_in(["NHOM-A", "NHOM-B"]))}
    ids = {r["id"]: code for code, r in rows.items()}
    parents = {code: ids.get(r["parent"]) for code, r in rows.items()}
    assert parents in ({"NHOM-A": "NHOM-B", "NHOM-B": None}, {"NHOM-A": None, "NHOM-B": "NHOM-A"})


async def test_the_seed_leaves_deleted_categories_deleted(client: Api, catalog: dict[str, int], manager: str) -> None:
    # given a seeded category emptied (its services moved elsewhere) and deleted
    leaf = "TEN-MIEN-THU-DIEN-TU"
    assert not [c for c in h.data()["categories"] if c.get("parent") == leaf]
    for code in h.seeded_codes(lambda s: s["category"] == leaf):
        version = (await client.gql(h.SERVICE, {"code": code})).data["service"]["version"]
        variables = {"code": code, "version": version, "input": {"categoryCode": "MANG-KET-NOI"}}
        assert (await client.gql(h.UPDATE_SERVICE, variables, manager)).data["updateService"]["errors"] == []
    assert result_of(await client.gql(DELETE, {"code": leaf}, manager), "deleteCategory")["errors"] == []
    # when the seed runs again (make run does, every time), then it does not bring the category back
    assert await seed_catalog() == {"departments": 0, "categories": 0, "services": 0, "plans": 0}
    assert not await Category.exists().where(Category.code == leaf)
    # a category made again with that code is the staff's own, and stays
    await create(client, manager, code=leaf, nameVi="Tên miền (mới)", slug="ten-mien-moi")
    assert await seed_catalog() == {"departments": 0, "categories": 0, "services": 0, "plans": 0}
    assert node(await tree(client), leaf)["name"] == "Tên miền (mới)"


async def test_seeding_a_fresh_database_ignores_nothing(db: None) -> None:
    # the audit-based skip only concerns categories staff deleted: a fresh seed inserts all of them
    inserted = await seed_catalog()
    assert inserted["categories"] == len(h.data()["categories"])
    assert inserted["services"] == len(h.seeded())


# --- departments --------------------------------------------------------------------------------


async def test_admins_create_and_rename_departments(client: Api, catalog: dict[str, int]) -> None:
    admin = await client.staff(ADMIN_EMAIL, Role.ADMIN)
    n = await AuditEvent.count()
    # when an admin creates a department with a lower-case code and no English name
    result = await client.gql(CREATE_DEPARTMENT, {"code": " cds ", "nameVi": "  Phòng Chuyển đổi số "}, admin)
    body = result_of(result, "createDepartment")
    # then it is stored with the code upper-cased and the names trimmed
    assert body == {
        "department": {"code": "CDS", "name": "Phòng Chuyển đổi số", "names": {"vi": "Phòng Chuyển đổi số", "en": ""}},
        "errors": [],
    }
    # and listed, in English falling back to Vietnamese
    listed = (await client.gql(DEPARTMENTS, {"lang": "EN"})).data["departments"]
    assert [d["code"] for d in listed] == sorted([*(d["code"] for d in h.data()["departments"]), "CDS"])
    assert next(d for d in listed if d["code"] == "CDS")["name"] == "Phòng Chuyển đổi số"
    # when it is given an English name, then only that changes
    result = await client.gql(UPDATE_DEPARTMENT, {"code": "cds", "nameEn": "Digital Transformation Department"}, admin)
    assert result_of(result, "updateDepartment")["department"]["names"] == {
        "vi": "Phòng Chuyển đổi số",
        "en": "Digital Transformation Department",
    }
    listed = (await client.gql(DEPARTMENTS, {"lang": "EN"})).data["departments"]
    assert next(d for d in listed if d["code"] == "CDS")["name"] == "Digital Transformation Department"
    # and a seeded one can be renamed in Vietnamese
    result = await client.gql(UPDATE_DEPARTMENT, {"code": "HTS", "nameVi": "Phòng Hạ tầng số và Dữ liệu"}, admin)
    assert result_of(result, "updateDepartment")["department"]["name"] == "Phòng Hạ tầng số và Dữ liệu"
    # and services can belong to the new department at once, and show its names
    manager = await client.staff(MANAGER_EMAIL, Role.CATALOG_MANAGER)
    service = await h.create_service(client, manager, "CDS-01", departmentCode="CDS")
    assert service["department"] == {"code": "CDS"}
    query = 'query ($lang: Language) { service(code: "CDS-01", lang: $lang) { department { code name } } }'
    english = (await client.gql(query, {"lang": "EN"}, manager)).data["service"]["department"]
    assert english == {"code": "CDS", "name": "Digital Transformation Department"}
    # every change is audited, with before and after, and only admins read departments' history
    events = await category_events(n)
    assert [(e["actor_label"], e["action"], e["entity_id"], e["before"], e["after"]) for e in events] == [
        (ADMIN_EMAIL, "department.create", "CDS", None, {"code": "CDS", "name_vi": "Phòng Chuyển đổi số", "name_en": ""}),
        (
            ADMIN_EMAIL, "department.update", "CDS",
            {"code": "CDS", "name_vi": "Phòng Chuyển đổi số", "name_en": ""},
            {"code": "CDS", "name_vi": "Phòng Chuyển đổi số", "name_en": "Digital Transformation Department"},
        ),
        (
            ADMIN_EMAIL, "department.update", "HTS",
            {"code": "HTS", "name_vi": "Phòng Hạ tầng số", "name_en": "Digital Infrastructure Department"},
            {"code": "HTS", "name_vi": "Phòng Hạ tầng số và Dữ liệu", "name_en": "Digital Infrastructure Department"},
        ),
    ]  # fmt: skip
    log = await h.audit_events(client, admin, "department", "CDS")
    assert [e["action"] for e in log] == ["department.update", "department.create"]
    refused = await client.gql(h.AUDIT, {"entityType": "department", "first": 10}, manager)
    assert refused.error_codes == ["FORBIDDEN"]


async def test_department_refusals_change_nothing(client: Api, catalog: dict[str, int], manager: str) -> None:
    admin = await client.staff(ADMIN_EMAIL, Role.ADMIN)
    customer = await client.customer("khach@example.vn")
    operator = await client.staff("van.hanh@ttcntt.thanhhoa.gov.vn", Role.OPERATOR)
    partner = {"X-API-Key": (await create_key(client, admin, ["CATALOG_READ"]))["key"]}
    await client.gql("{ me { id } }", headers=partner)
    cases: list[tuple[str, dict[str, Any], list[tuple[str | None, str]]]] = [
        (CREATE_DEPARTMENT, {"code": "HTS", "nameVi": "Trùng"}, [("code", "CODE_TAKEN")]),
        (CREATE_DEPARTMENT, {"code": "hts", "nameVi": "Trùng"}, [("code", "CODE_TAKEN")]),
        (CREATE_DEPARTMENT, {"code": "X" * 21, "nameVi": "Dài"}, [("code", "TOO_LONG")]),
        (CREATE_DEPARTMENT, {"code": "phòng", "nameVi": "Có dấu"}, [("code", "INVALID_CODE")]),
        (CREATE_DEPARTMENT, {"code": "", "nameVi": "Rỗng"}, [("code", "REQUIRED")]),
        (CREATE_DEPARTMENT, {"code": "MOI", "nameVi": " "}, [("nameVi", "REQUIRED")]),
        (CREATE_DEPARTMENT, {"code": "MOI", "nameVi": "Phòng\x07"}, [("nameVi", "CONTROL_CHARACTERS")]),
        (CREATE_DEPARTMENT, {"code": "MOI", "nameVi": "Hai\ndòng"}, [("nameVi", "CONTROL_CHARACTERS")]),
        (CREATE_DEPARTMENT, {"code": "MOI", "nameVi": "Phòng", "nameEn": "x" * 201}, [("nameEn", "TOO_LONG")]),
        (
            CREATE_DEPARTMENT,
            {"code": "mã sai", "nameVi": "\x00", "nameEn": "\x1b"},
            [("code", "INVALID_CODE"), ("nameVi", "CONTROL_CHARACTERS"), ("nameEn", "CONTROL_CHARACTERS")],
        ),
        (UPDATE_DEPARTMENT, {"code": "KHONG-CO", "nameVi": "X"}, [("code", "NOT_FOUND")]),
        (UPDATE_DEPARTMENT, {"code": "HTS", "nameVi": ""}, [("nameVi", "REQUIRED")]),
        (UPDATE_DEPARTMENT, {"code": "HTS", "nameEn": "a\tb"}, [("nameEn", "CONTROL_CHARACTERS")]),
    ]
    names = {CREATE_DEPARTMENT: "createDepartment", UPDATE_DEPARTMENT: "updateDepartment"}
    before = await snapshot()
    for document, variables, expected in cases:
        assert refusal(await client.gql(document, variables, admin), names[document]) == expected, variables
    # departments are the center's organisation: catalog managers, like every other caller but admins, are refused
    callers = [(None, None, "UNAUTHENTICATED"), (None, partner, "FORBIDDEN"), (customer, None, "FORBIDDEN"),
               (operator, None, "FORBIDDEN"), (manager, None, "FORBIDDEN")]  # fmt: skip
    for token, headers, code in callers:
        for document, name in names.items():
            result = await client.gql(document, {"code": "HTS", "nameVi": "Đổi tên"}, token, headers=headers)
            assert refusal(result, name) == [(None, code)], (name, code)
    assert await snapshot() == before
    # a rename to the same names changes nothing and is not audited
    same = await client.gql(UPDATE_DEPARTMENT, {"code": "HTS", "nameVi": "Phòng Hạ tầng số"}, admin)
    assert result_of(same, "updateDepartment")["errors"] == []
    assert await snapshot() == before
    # there is no way to delete a department: services, requests and projects refer to them
    from app.api.schema import schema

    assert not [
        name for name in schema._schema.mutation_type.fields if name.startswith("delete") and "epartment" in name
    ]
