"""Staff edits over GraphQL: create, update, publish, retire; every refusal changes nothing."""

from __future__ import annotations

import asyncio
from typing import Any

from app.auth.enums import Role
from catalog.enums import ServiceAction, ServiceStatus
from catalog.states import SERVICE_LIFECYCLE
from catalog.tables import Service
from tests.catalog import helpers as h
from tests.catalog.helpers import CREATE_SERVICE, PUBLISH, RETIRE, SERVICES, UPDATE_SERVICE, codes, snapshot
from tests.support import Api

FULL_INPUT: dict[str, Any] = {
    "code": " tt-cloud-gpu ",
    "slug": "may-chu-gpu",
    "categoryCode": "dien-toan-dam-may",
    "departmentCode": "hts",
    "nameVi": "  Máy chủ GPU cho trí tuệ nhân tạo  ",
    "nameEn": "GPU servers for AI",
    "summaryVi": "Cho thuê máy chủ có GPU.\nTheo tháng.",
    "summaryEn": "GPU servers by the month.",
    "descriptionVi": "Mô tả chi tiết\tcó tab.",
    "descriptionEn": "Detailed description.",
    "audiences": ["AGENCY", "CITIZEN"],
    "onlineLevel": "FULL",
    "channels": [
        {"channel": "POST", "processingDays": 365, "feeAmount": 100_000_000},
        {"channel": "ONLINE", "processingDays": 1},
        {"channel": "IN_PERSON", "processingDays": 2, "feeAmount": 50_000},
    ],
    "requiredDocuments": [
        {"nameVi": "Đơn đề nghị", "nameEn": "Request form", "copies": 2, "mandatory": True},
        {"nameVi": "Bản sao giấy phép", "copies": 1, "mandatory": False},
    ],
    "legalBasisVi": "Nghị định 85/2016/NĐ-CP",
    "legalBasisEn": "Decree 85/2016/ND-CP",
    "tags": ["Đám mây", "GPU", "gpu", " AI "],
}


def errors_of(result: Any, name: str) -> list[tuple[str | None, str]]:
    body = result.data[name]
    assert body["service"] is None
    return [(e["field"], e["code"]) for e in body["errors"]]


async def test_create_service_with_every_field(client: Api, catalog: dict[str, int], manager: str) -> None:
    # when a catalog manager creates a service with every field
    result = await client.gql(CREATE_SERVICE, {"input": FULL_INPUT}, manager)
    body = result.data["createService"]
    # then it is a draft at version 1 with the cleaned values
    assert body["errors"] == []
    service = body["service"]
    assert service == {
        "code": "TT-CLOUD-GPU",
        "slug": "may-chu-gpu",
        "name": "Máy chủ GPU cho trí tuệ nhân tạo",
        "status": "DRAFT",
        "version": 1,
        "publishedAt": None,
        "summary": "Cho thuê máy chủ có GPU.\nTheo tháng.",
        "description": "Mô tả chi tiết\tcó tab.",
        "legalBasis": "Nghị định 85/2016/NĐ-CP",
        "audiences": ["CITIZEN", "AGENCY"],
        "onlineLevel": "FULL",
        "tags": ["ai", "dam may", "gpu"],
        "names": {"vi": "Máy chủ GPU cho trí tuệ nhân tạo", "en": "GPU servers for AI"},
        "requiredDocuments": [
            {"name": "Đơn đề nghị", "copies": 2, "mandatory": True},
            {"name": "Bản sao giấy phép", "copies": 1, "mandatory": False},
        ],
        "category": {"code": "DIEN-TOAN-DAM-MAY"},
        "department": {"code": "HTS"},
        "channels": [
            {"channel": "ONLINE", "processingDays": 1, "feeAmount": 0},
            {"channel": "IN_PERSON", "processingDays": 2, "feeAmount": 50_000},
            {"channel": "POST", "processingDays": 365, "feeAmount": 100_000_000},
        ],
    }
    # and the English texts and the search columns are stored
    english = (await client.gql(h.SERVICE, {"code": "TT-CLOUD-GPU", "lang": "EN"}, manager)).data["service"]
    assert (english["name"], english["summary"], english["description"], english["legalBasis"]) == (
        "GPU servers for AI", "GPU servers by the month.", "Detailed description.", "Decree 85/2016/ND-CP",
    )  # fmt: skip
    assert english["requiredDocuments"][0]["name"] == "Request form"
    assert english["requiredDocuments"][1]["name"] == "Bản sao giấy phép"  # no English: Vietnamese
    row = (
        await Service.select(Service.sort_name, Service.search_text, Service.for_business)
        .where(Service.code == "TT-CLOUD-GPU")
        .first()
    )
    assert row["sort_name"] == "may chu gpu cho tri tue nhan tao"
    assert row["for_business"] is False
    assert row["search_text"] == (
        "tt-cloud-gpu may chu gpu cho tri tue nhan tao gpu servers for ai cho thue may chu co gpu. theo thang. "
        "gpu servers by the month. ai dam may gpu"
    )
    # and a slug is made from the Vietnamese name when none is given
    plain = await h.create_service(client, manager, "TT-02", nameVi="Đặt chỗ Hội trường (lớn)")
    assert plain["slug"] == "dat-cho-hoi-truong-lon"
    assert plain["onlineLevel"] == "PARTIAL"


async def test_create_service_refusals_change_nothing(client: Api, catalog: dict[str, int], manager: str) -> None:
    existing_slug = "may-chu-ao-tren-nen-tang-dien-toan-dam-may"
    online = {"channel": "ONLINE", "processingDays": 3, "feeAmount": 0}
    cases: list[tuple[dict[str, Any], list[tuple[str | None, str]]]] = [
        ({"categoryCode": "KHONG-CO"}, [("categoryCode", "UNKNOWN_CATEGORY")]),
        ({"departmentCode": "XYZ"}, [("departmentCode", "UNKNOWN_DEPARTMENT")]),
        (
            {"categoryCode": "KHONG-CO", "departmentCode": "XYZ"},
            [("categoryCode", "UNKNOWN_CATEGORY"), ("departmentCode", "UNKNOWN_DEPARTMENT")],
        ),
        ({"code": "HTS-DC-01"}, [("code", "CODE_TAKEN")]),
        ({"code": "hts-dc-01"}, [("code", "CODE_TAKEN")]),
        ({"slug": existing_slug}, [("slug", "SLUG_TAKEN")]),
        ({"nameVi": "Thuê chỗ đặt máy chủ (Colocation)"}, [("slug", "SLUG_TAKEN")]),  # derived slug
        ({"nameVi": "Tên có ký tự\x07 chuông"}, [("nameVi", "CONTROL_CHARACTERS")]),
        ({"nameVi": "Hai\ndòng"}, [("nameVi", "CONTROL_CHARACTERS")]),
        ({"summaryVi": "xuống dòng được\nnhưng \x00 thì không"}, [("summaryVi", "CONTROL_CHARACTERS")]),
        ({"nameEn": "bad \x1b[31m"}, [("nameEn", "CONTROL_CHARACTERS")]),
        ({"tags": ["ok", "x\x7f"]}, [("tags.1", "CONTROL_CHARACTERS")]),
        ({"nameVi": "   "}, [("nameVi", "REQUIRED")]),
        ({"nameVi": None}, [("nameVi", "REQUIRED")]),
        ({"nameVi": "x" * 301}, [("nameVi", "TOO_LONG")]),
        ({"code": "mã có dấu"}, [("code", "INVALID_CODE")]),
        ({"slug": "Bad Slug"}, [("slug", "INVALID_SLUG")]),
        ({"audiences": []}, [("audiences", "REQUIRED")]),
        ({"channels": []}, [("channels", "REQUIRED")]),
        ({"channels": [online, {**online, "processingDays": 5}]}, [("channels.1.channel", "DUPLICATE_CHANNEL")]),
        ({"channels": [{**online, "processingDays": 0}]}, [("channels.0.processingDays", "OUT_OF_RANGE")]),
        ({"channels": [{**online, "processingDays": 366}]}, [("channels.0.processingDays", "OUT_OF_RANGE")]),
        ({"channels": [{**online, "feeAmount": -1}]}, [("channels.0.feeAmount", "NEGATIVE_AMOUNT")]),
        ({"channels": [{**online, "feeAmount": 100_000_001}]}, [("channels.0.feeAmount", "AMOUNT_TOO_LARGE")]),
        ({"requiredDocuments": [{"nameVi": "Đơn", "copies": 0}]}, [("requiredDocuments.0.copies", "OUT_OF_RANGE")]),
        (
            {"nameVi": "", "channels": [online, {"channel": "POST", "processingDays": 0, "feeAmount": -5}]},
            [
                ("nameVi", "REQUIRED"),
                ("channels.1.processingDays", "OUT_OF_RANGE"),
                ("channels.1.feeAmount", "NEGATIVE_AMOUNT"),
            ],
        ),
    ]
    before = await snapshot()
    for overrides, expected in cases:
        # when the manager sends a bad input, then each fault is reported and nothing is written
        result = await client.gql(CREATE_SERVICE, {"input": {**h.service_input("NEW-01"), **overrides}}, manager)
        assert errors_of(result, "createService") == expected, overrides
    # a missing input reports every required field at once
    result = await client.gql(CREATE_SERVICE, {"input": {}}, manager)
    assert errors_of(result, "createService") == [
        ("nameVi", "REQUIRED"), ("code", "REQUIRED"), ("audiences", "REQUIRED"),
        ("channels", "REQUIRED"), ("categoryCode", "REQUIRED"), ("departmentCode", "REQUIRED"),
    ]  # fmt: skip
    assert await snapshot() == before
    # messages come in both languages, and `message` in the request's language
    result = await client.gql(
        CREATE_SERVICE, {"input": h.service_input("NEW-01", channels=[])}, manager, headers={"Accept-Language": "en"}
    )
    [error] = result.data["createService"]["errors"]
    assert error == {
        "field": "channels",
        "code": "REQUIRED",
        "message": "At least one channel is required.",
        "messageVi": "Cần ít nhất một kênh tiếp nhận.",
        "messageEn": "At least one channel is required.",
    }
    result = await client.gql(CREATE_SERVICE, {"input": h.service_input("HTS-DC-01")}, manager)
    [error] = result.data["createService"]["errors"]
    assert (error["message"], error["messageEn"]) == ("Mã dịch vụ đã tồn tại.", "The service code is already used.")
    assert await snapshot() == before


async def test_only_catalog_managers_edit(client: Api, catalog: dict[str, int]) -> None:
    customer = await client.customer("khach@example.vn")
    operator = await client.staff("van.hanh@ttcntt.thanhhoa.gov.vn", Role.OPERATOR)
    admin = await client.staff("quan.tri@ttcntt.thanhhoa.gov.vn", Role.ADMIN)
    before = await snapshot()
    for token, code in ((None, "UNAUTHENTICATED"), (customer, "FORBIDDEN"), (operator, "FORBIDDEN")):
        result = await client.gql(CREATE_SERVICE, {"input": h.service_input("NEW-01")}, token)
        assert [e["code"] for e in result.data["createService"]["errors"]] == [code]
        result = await client.gql(RETIRE, {"code": "HTS-DC-01", "version": 1}, token)
        assert [e["code"] for e in result.data["retireService"]["errors"]] == [code]
    assert await snapshot() == before
    # an admin holds every staff role
    assert (await h.create_service(client, admin, "NEW-01"))["status"] == "DRAFT"


async def test_update_service(client: Api, catalog: dict[str, int], manager: str) -> None:
    # given the seeded VM service at version 1
    changes = {
        "nameVi": "Máy chủ ảo đám mây (mới)",
        "channels": [{"channel": "POST", "processingDays": 7, "feeAmount": 30_000}],
    }
    # when it is edited with the version read
    result = await client.gql(UPDATE_SERVICE, {"code": "hts-dc-02", "version": 1, "input": changes}, manager)
    body = result.data["updateService"]
    # then the changed fields change, the others stay, and the version moves on
    assert body["errors"] == []
    service = body["service"]
    assert (service["name"], service["version"], service["status"]) == ("Máy chủ ảo đám mây (mới)", 2, "PUBLISHED")
    assert service["channels"] == [{"channel": "POST", "processingDays": 7, "feeAmount": 30_000}]
    assert service["names"]["en"] == "Cloud virtual servers on the provincial cloud platform"
    assert service["slug"] == "may-chu-ao-tren-nen-tang-dien-toan-dam-may"
    assert service["audiences"] == ["BUSINESS", "AGENCY"]
    # and search and sorting use the new name
    assert codes(await client.gql(SERVICES, {"filter": {"text": "dam may (moi)"}})) == ["HTS-DC-02"]
    row = await Service.select(Service.sort_name).where(Service.code == "HTS-DC-02").first()
    assert row["sort_name"] == "may chu ao dam may (moi)"
    # an edit without channels keeps them
    result = await client.gql(
        UPDATE_SERVICE, {"code": "HTS-DC-02", "version": 2, "input": {"summaryVi": "Tóm tắt"}}, manager
    )
    assert result.data["updateService"]["service"]["channels"] == [
        {"channel": "POST", "processingDays": 7, "feeAmount": 30_000}
    ]
    assert result.data["updateService"]["service"]["version"] == 3
    # when an editor sends an old version, then it is refused and nothing changes
    before = await snapshot()
    stale = await client.gql(
        UPDATE_SERVICE, {"code": "HTS-DC-02", "version": 2, "input": {"nameVi": "Ghi đè"}}, manager
    )
    assert stale.data["updateService"]["errors"] == [
        {
            "field": "version",
            "code": "STALE_VERSION",
            "message": "Dịch vụ vừa được người khác thay đổi; hãy tải lại rồi thử lại.",
            "messageVi": "Dịch vụ vừa được người khác thay đổi; hãy tải lại rồi thử lại.",
            "messageEn": "The service was changed by someone else; reload it and try again.",
        }
    ]
    refusals = [
        ({"code": "HTS-DC-02", "version": 4, "input": {"nameVi": "Tương lai"}}, [("version", "STALE_VERSION")]),
        ({"code": "KHONG-CO", "version": 1, "input": {"nameVi": "X"}}, [("code", "NOT_FOUND")]),
        ({"code": "HTS-DC-02", "version": 3, "input": {"code": "HTS-DC-01"}}, [("code", "CODE_TAKEN")]),
        (
            {"code": "HTS-DC-02", "version": 3, "input": {"slug": "thue-cho-dat-may-chu-colocation"}},
            [("slug", "SLUG_TAKEN")],
        ),
        ({"code": "HTS-DC-02", "version": 3, "input": {"nameVi": ""}}, [("nameVi", "REQUIRED")]),
        ({"code": "HTS-DC-02", "version": 3, "input": {"audiences": []}}, [("audiences", "REQUIRED")]),
        (
            {"code": "HTS-DC-02", "version": 3, "input": {"categoryCode": "KHONG-CO"}},
            [("categoryCode", "UNKNOWN_CATEGORY")],
        ),
        (
            {"code": "HTS-DC-02", "version": 3, "input": {"channels": [{"channel": "ONLINE", "processingDays": 0}]}},
            [("channels.0.processingDays", "OUT_OF_RANGE")],
        ),
    ]
    for variables, expected in refusals:
        assert errors_of(await client.gql(UPDATE_SERVICE, variables, manager), "updateService") == expected, variables
    assert await snapshot() == before
    # keeping its own code and slug is not a conflict
    same = {"code": "HTS-DC-02", "slug": "may-chu-ao-tren-nen-tang-dien-toan-dam-may", "categoryCode": "DAO-TAO-CNTT"}
    result = await client.gql(UPDATE_SERVICE, {"code": "HTS-DC-02", "version": 3, "input": same}, manager)
    assert result.data["updateService"]["errors"] == []
    assert result.data["updateService"]["service"]["category"] == {"code": "DAO-TAO-CNTT"}
    assert "HTS-DC-02" in codes(await client.gql(SERVICES, {"filter": {"category": "DAO-TAO"}, "first": 100}))


async def test_concurrent_updates_with_the_same_version(client: Api, catalog: dict[str, int], manager: str) -> None:
    # given two editors who both read version 1
    def edit(name: str) -> Any:
        return client.gql(UPDATE_SERVICE, {"code": "HTS-DC-01", "version": 1, "input": {"nameVi": name}}, manager)

    # when both save at once
    first, second = await asyncio.gather(edit("Tên của người A"), edit("Tên của người B"))
    bodies = [first.data["updateService"], second.data["updateService"]]
    # then exactly one wins and the other is told its version is stale
    winners = [b for b in bodies if b["errors"] == []]
    losers = [b for b in bodies if b["errors"] != []]
    assert len(winners) == len(losers) == 1
    assert [e["code"] for e in losers[0]["errors"]] == ["STALE_VERSION"]
    assert losers[0]["service"] is None
    assert winners[0]["service"]["version"] == 2
    stored = (await client.gql(h.SERVICE, {"code": "HTS-DC-01"})).data["service"]
    assert (stored["name"], stored["version"]) == (winners[0]["service"]["name"], 2)
    events = await h.audit_events(client, manager, "service", "HTS-DC-01")
    assert [e["action"] for e in events] == ["service.update"]
    assert events[0]["after"]["name_vi"] == winners[0]["service"]["name"]


async def test_publish_and_retire(client: Api, catalog: dict[str, int], manager: str) -> None:
    # given a draft without plans
    draft = await h.create_service(client, manager, "LIFE-01", nameVi="Vòng đời dịch vụ")
    before = await snapshot()
    # when it is published, then it is refused: no priced plan
    result = await client.gql(PUBLISH, {"code": "LIFE-01", "version": 1}, manager)
    assert result.data["publishService"] == {
        "service": None,
        "errors": [
            {
                "field": "plans",
                "code": "NO_PRICED_PLAN",
                "message": "Cần ít nhất một gói dịch vụ có giá đang áp dụng trước khi công bố.",
                "messageVi": "Cần ít nhất một gói dịch vụ có giá đang áp dụng trước khi công bố.",
                "messageEn": "A service needs at least one plan with a price in force before it is published.",
            }
        ],
    }
    assert await snapshot() == before
    # a plan priced only from a future date is not enough either
    from datetime import timedelta

    from app import clock

    later = (clock.local_today() + timedelta(days=10)).isoformat()
    await h.add_plan(
        client, manager, "LIFE-01", {"amount": 500_000, "vatRate": "RATE_10", "effectiveFrom": later}, code="LATER"
    )
    before = await snapshot()
    result = await client.gql(PUBLISH, {"code": "LIFE-01", "version": 1}, manager)
    assert [e["code"] for e in result.data["publishService"]["errors"]] == ["NO_PRICED_PLAN"]
    assert await snapshot() == before
    assert (await client.gql(h.SERVICE, {"code": "LIFE-01"})).data["service"] is None
    # when a plan priced today is added and the service published
    await h.add_plan(client, manager, "LIFE-01", {"amount": 400_000, "vatRate": "RATE_10"}, code="NOW")
    published = await h.publish(client, manager, "LIFE-01", draft["version"])
    # then it is public
    assert (published["status"], published["version"]) == ("PUBLISHED", 2)
    assert published["publishedAt"] is not None
    public = (await client.gql(h.SERVICE, {"code": "LIFE-01"})).data["service"]
    assert (public["status"], [p["code"] for p in public["plans"]]) == ("PUBLISHED", ["LATER", "NOW"])
    assert [p["price"] and p["price"]["amount"] for p in public["plans"]] == [None, 400_000]
    assert codes(await client.gql(SERVICES, {"filter": {"text": "vong doi"}})) == ["LIFE-01"]
    # publishing twice is not a transition; nor is an old version accepted
    before = await snapshot()
    again = await client.gql(PUBLISH, {"code": "LIFE-01", "version": 2}, manager)
    assert again.data["publishService"]["errors"][0]["code"] == "INVALID_TRANSITION"
    assert (
        again.data["publishService"]["errors"][0]["messageEn"]
        == "A service that is 'published' cannot take the step 'publish'."
    )
    old = await client.gql(RETIRE, {"code": "LIFE-01", "version": 1}, manager)
    assert [e["code"] for e in old.data["retireService"]["errors"]] == ["STALE_VERSION"]
    assert await snapshot() == before
    # when it is retired, then it disappears from the public catalog
    retired = await client.gql(RETIRE, {"code": "LIFE-01", "version": 2}, manager)
    assert retired.data["retireService"] == {
        "service": {"code": "LIFE-01", "status": "RETIRED", "version": 3},
        "errors": [],
    }
    assert (await client.gql(h.SERVICE, {"code": "LIFE-01"})).data["service"] is None
    assert codes(await client.gql(SERVICES, {"filter": {"text": "vong doi"}})) == []
    # retiring twice is refused and changes nothing
    before = await snapshot()
    twice = await client.gql(RETIRE, {"code": "LIFE-01", "version": 3}, manager)
    assert [(e["field"], e["code"], e["messageEn"]) for e in twice.data["retireService"]["errors"]] == [
        ("status", "INVALID_TRANSITION", "A service that is 'retired' cannot take the step 'retire'.")
    ]
    assert (
        twice.data["retireService"]["errors"][0]["messageVi"]
        == "Dịch vụ đang ở trạng thái 'retired' không thể thực hiện bước 'retire'."
    )
    assert await snapshot() == before
    # a retired service may be published again
    back = await h.publish(client, manager, "LIFE-01", 3)
    assert (back["status"], back["version"]) == ("PUBLISHED", 4)
    assert codes(await client.gql(SERVICES, {"filter": {"text": "vong doi"}})) == ["LIFE-01"]
    # and a draft may be retired straight away
    other = await h.create_service(client, manager, "LIFE-02")
    result = await client.gql(RETIRE, {"code": "LIFE-02", "version": other["version"]}, manager)
    assert result.data["retireService"]["service"]["status"] == "RETIRED"


def test_the_transition_table() -> None:
    # the lifecycle is exactly this; pairs outside it (e.g. retired -> retired) are refused above
    assert {(s.source, s.action, s.target) for s in SERVICE_LIFECYCLE.steps} == {
        (ServiceStatus.DRAFT, ServiceAction.PUBLISH, ServiceStatus.PUBLISHED),
        (ServiceStatus.DRAFT, ServiceAction.RETIRE, ServiceStatus.RETIRED),
        (ServiceStatus.PUBLISHED, ServiceAction.RETIRE, ServiceStatus.RETIRED),
        (ServiceStatus.RETIRED, ServiceAction.PUBLISH, ServiceStatus.PUBLISHED),
    }
