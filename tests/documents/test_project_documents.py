"""A project's appendix and its milestones' acceptance minutes through the API: made by the project's
managers, the minutes also by themselves after an acceptance commits, read by admin, finance, the
managers and the project's private partners, by no one else."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from app.auth.enums import Role
from app.tables import DomainEvent, StoredDocument
from billing.tables import Invoice
from catalog.tables import Department
from tests.documents.helpers import (
    COMPANY,
    GENERATE_APPENDIX,
    GENERATE_MINUTES,
    PROJECT_DOCUMENTS,
    PROJECT_WITH_DOCUMENTS,
    download,
    errors_of,
    fetched,
    generated,
    mutate,
)
from tests.documents.reading import body_text, data_tables, open_docx, paragraph_starting, rows_of
from tests.projects.helpers import (
    MOVE_MILESTONE,
    NOW,
    PLAN,
    UPDATE_MILESTONE,
    People,
    create_project,
    make_people,
)
from tests.support import Api

APPENDIX, MINUTES = "generateProjectAppendix", "generateAcceptanceMinutes"


@pytest.fixture
async def people(client: Api, frozen_now: Callable[[Any], None], seller_bank: None) -> tuple[People, str]:
    frozen_now(NOW)
    await Department.insert(Department(code="HTS", name_vi="Phòng Hạ tầng số", name_en="Digital Infrastructure"))
    return await make_people(client), await client.staff("ke.toan@ttcntt.vn", Role.FINANCE)


async def move(client: Api, token: str, milestone: dict[str, Any], to: str, comment: str = "ok") -> dict[str, Any]:
    result = await client.gql(MOVE_MILESTONE, {"id": milestone["id"], "version": milestone["version"], "to": to,
                                               "comment": comment}, token=token)  # fmt: skip
    payload = result.data["moveMilestone"]
    assert payload["errors"] == [], payload["errors"]
    return payload["milestone"]


async def accept(client: Api, people: People, milestone: dict[str, Any], comment: str = "ok") -> dict[str, Any]:
    started = await move(client, people.manager, milestone, "IN_PROGRESS")
    submitted = await move(client, people.manager, started, "SUBMITTED")
    return await move(client, people.co_manager, submitted, "ACCEPTED", comment)


async def test_the_appendix_lists_the_schedule_summing_to_the_contract_value(
    client: Api, people: tuple[People, str]
) -> None:
    staff, _ = people
    await create_project(client, staff)
    # the partner's account gives its name and tax code; who signs for it and where it is are missing
    missing = await mutate(client, GENERATE_APPENDIX, {"code": "PPP-DC-01"}, staff.manager, APPENDIX)
    assert errors_of(missing) == [("party.address", "PARTY_DETAILS_MISSING"),
                                  ("party.representative", "PARTY_DETAILS_MISSING"),
                                  ("party.title", "PARTY_DETAILS_MISSING")]  # fmt: skip
    made = await generated(client, GENERATE_APPENDIX, {"code": "PPP-DC-01", "party": COMPANY}, staff.manager, APPENDIX)
    document = made["document"]
    assert (document["kind"], document["subjectType"], document["version"]) == ("PROJECT_APPENDIX", "project", 1)
    doc = open_docx(await fetched(client, document, staff.manager))
    assert paragraph_starting(doc, "BÊN A") == "BÊN A (CHỦ ĐẦU TƯ): CÔNG TY ABC"
    text = body_text(doc)
    assert "- Mã số thuế: 0100109106" in text and "- Đại diện: Lê Thị Bình    Chức vụ: Giám đốc" in text
    rows = rows_of(data_tables(doc)[0])
    assert [(r[1].split("\n")[0], r[2], r[3], r[4]) for r in rows[1:-1]] == [
        ("Phê duyệt chủ trương", "01/10/2026 –\n31/10/2026", "0", "0"),
        ("Ký hợp đồng", "01/11/2026 –\n30/11/2026", "10", "300.000.000.000"),
        ("Lắp đặt hạ tầng", "15/11/2026 –\n31/03/2027", "50", "1.500.000.000.000"),
        ("Vận hành thử", "01/04/2027 –\n30/06/2027", "40", "1.200.000.000.000"),
    ]
    assert rows[-1] == ["Tổng cộng", "100", "3.000.000.000.000"]
    assert "Bằng chữ: Ba nghìn tỷ đồng." in text
    assert any("Luật Đầu tư theo phương thức đối tác công tư" in p for p in text)  # a PPP project
    # a changed schedule is a new appendix (Phụ lục số 02); the first one stays
    last = (await client.gql('query { project(code: "PPP-DC-01") { milestones { id version } } }',
                             token=staff.manager)).data["project"]["milestones"][3]  # fmt: skip
    moved = await client.gql(UPDATE_MILESTONE, {"id": last["id"], "version": last["version"],
                                                "input": {"dueDate": "2027-07-31", "dueDateReason": "Chậm thiết bị"}},
                             token=staff.manager)  # fmt: skip
    assert moved.data["updateMilestone"]["errors"] == []
    again = await generated(client, GENERATE_APPENDIX, {"code": "PPP-DC-01"}, staff.manager, APPENDIX)
    assert (again["created"], again["document"]["version"]) == (True, 2)
    newer = open_docx(await fetched(client, again["document"], staff.manager))
    assert rows_of(newer.tables[0])[0][0].endswith("Số: 02/PLHĐ-PPP-DC-01")
    assert rows_of(data_tables(newer)[0])[4][2] == "01/04/2027 –\n31/07/2027"
    listed = (await client.gql(PROJECT_WITH_DOCUMENTS, {"code": "PPP-DC-01"}, token=staff.manager)).data
    assert [d["version"] for d in listed["project"]["documents"]] == [2, 1]


async def test_an_incomplete_schedule_is_refused(client: Api, people: tuple[People, str]) -> None:
    staff, _ = people
    await create_project(client, staff, code="PPP-DC-02", milestones=PLAN[:3])  # 60%
    refused = await mutate(client, GENERATE_APPENDIX, {"code": "PPP-DC-02", "party": COMPANY}, staff.manager, APPENDIX)
    assert errors_of(refused) == [("projectCode", "SCHEDULE_INCOMPLETE")]
    assert (
        refused["errors"][0]["messageEn"]
        == "The milestones' payment shares add up to 60%; the appendix needs exactly 100%."
    )
    assert await StoredDocument.count() == 0


async def test_an_accepted_milestone_gets_its_minutes_after_commit(client: Api, people: tuple[People, str]) -> None:
    staff, finance = people
    project = await create_project(client, staff)
    await generated(client, GENERATE_APPENDIX, {"code": "PPP-DC-01", "party": COMPANY}, staff.manager, APPENDIX)
    signing = project["milestones"][1]
    await accept(client, staff, signing, comment="Hồ sơ đầy đủ, đạt yêu cầu.")
    # the acceptance's event was handled: billing drafted the invoice, projects made the minutes
    [event] = await DomainEvent.select()
    assert event["status"] == "handled" and await Invoice.count() == 1
    shown = (await client.gql(PROJECT_WITH_DOCUMENTS, {"code": "PPP-DC-01"}, token=staff.manager)).data["project"]
    [minutes] = next(m for m in shown["milestones"] if m["id"] == signing["id"])["documents"]
    assert (minutes["kind"], minutes["generatedBy"], minutes["version"]) == ("ACCEPTANCE_MINUTES", "system", 1)
    doc = open_docx(await fetched(client, minutes, finance))
    text = body_text(doc)
    assert (
        "BIÊN BẢN NGHIỆM THU" in text and "Mốc “Ký hợp đồng” – Dự án Trung tâm dữ liệu tỉnh theo hình thức PPP" in text
    )
    assert "1. Đại diện Bên A (Chủ đầu tư): Công ty ABC" in text
    assert "- Ông/Bà Lê Thị Bình – Giám đốc" in text  # Bên A's details from the appendix
    assert "- Ông/Bà Nguyễn Văn Mẫu – Giám đốc" in text  # the center's signatory (settings)
    assert text.count("- Ông/Bà Cán bộ thử nghiệm – Cán bộ quản lý dự án") == 2  # the two managers
    assert "Ý kiến khi nghiệm thu: Hồ sơ đầy đủ, đạt yêu cầu." in text
    assert rows_of(data_tables(doc)[-1])[1:] == [
        ["Giá trị của mốc (10% giá trị hợp đồng), chưa bao gồm thuế GTGT", "300.000.000.000"],
        ["Thuế GTGT (10%)", "30.000.000.000"],
        ["Tổng giá trị thanh toán", "330.000.000.000"],
    ]
    assert "Bằng chữ: Ba trăm ba mươi tỷ đồng." in text
    assert rows_of(doc.tables[0])[0][0].endswith("Số: 02/BBNT-PPP-DC-01")
    # the same event handed again (a retry) makes nothing new
    from projects.documents import on_milestone_accepted

    await on_milestone_accepted(event)
    assert await StoredDocument.count() == 2
    # staff name the participants of their side: a new version; the same call again: the same version
    people_b = [{"side": "B", "name": "Hoàng Minh Đức", "title": "Phó Giám đốc"}]
    variables = {"id": signing["id"], "participants": people_b}
    second = await generated(client, GENERATE_MINUTES, variables, staff.co_manager, MINUTES)
    assert (second["created"], second["document"]["version"]) == (True, 2)
    same = await generated(client, GENERATE_MINUTES, {"id": signing["id"]}, staff.co_manager, MINUTES)
    assert (same["created"], same["document"]["id"]) == (False, second["document"]["id"])
    text = body_text(open_docx(await fetched(client, second["document"], staff.manager)))
    assert "- Ông/Bà Hoàng Minh Đức – Phó Giám đốc" in text and "- Ông/Bà Nguyễn Văn Mẫu – Giám đốc" not in text


async def test_without_bena_details_the_acceptance_still_commits_and_staff_make_the_minutes(
    client: Api, people: tuple[People, str]
) -> None:
    staff, _ = people
    project = await create_project(client, staff)
    signing = project["milestones"][1]
    await accept(client, staff, signing)
    [event] = await DomainEvent.select()
    assert event["status"] == "handled" and await Invoice.count() == 1 and await StoredDocument.count() == 0
    planned = project["milestones"][2]
    refused = await mutate(client, GENERATE_MINUTES, {"id": planned["id"], "party": COMPANY}, staff.manager, MINUTES)
    assert errors_of(refused) == [("milestoneId", "MILESTONE_NOT_ACCEPTED")]
    bad = await mutate(client, GENERATE_MINUTES, {"id": signing["id"], "party": COMPANY,
                                                  "participants": [{"side": "A", "name": "\x07"}]},
                       staff.manager, MINUTES)  # fmt: skip
    assert errors_of(bad) == [("participants.0.name", "CONTROL_CHARACTERS")]
    made = await generated(client, GENERATE_MINUTES, {"id": signing["id"], "party": COMPANY}, staff.manager, MINUTES)
    assert made["document"]["generatedBy"] == "quanly.a@ttcntt.vn"


async def test_who_reads_a_projects_documents(client: Api, people: tuple[People, str]) -> None:
    staff, finance = people
    project = await create_project(client, staff)
    appendix = (await generated(client, GENERATE_APPENDIX, {"code": "PPP-DC-01", "party": COMPANY}, staff.manager,
                                APPENDIX))["document"]  # fmt: skip
    await accept(client, staff, project["milestones"][1])
    # the private partner (a customer) lists and downloads them
    listed = (await client.gql(PROJECT_DOCUMENTS, {"code": "PPP-DC-01"}, token=staff.partner_account)).data
    assert [d["kind"] for d in listed["projectDocuments"]] == ["ACCEPTANCE_MINUTES", "PROJECT_APPENDIX"]
    for token in (staff.partner_account, staff.manager, staff.co_manager, staff.admin, finance):
        await fetched(client, appendix, token)
        await fetched(client, listed["projectDocuments"][0], token)
    # anyone else: nothing
    for token in (staff.customer, staff.other_manager, staff.operator):
        assert (await download(client, appendix["downloadPath"], token))[0] == 404, token
        refused = await client.gql(PROJECT_DOCUMENTS, {"code": "PPP-DC-01"}, token=token)
        assert refused.errors[0]["extensions"]["code"] == "NOT_FOUND"
    for token in (staff.other_manager, staff.operator):  # staff read the project, not its documents
        shown = (await client.gql(PROJECT_WITH_DOCUMENTS, {"code": "PPP-DC-01"}, token=token)).data["project"]
        assert shown["documents"] == [] and all(m["documents"] == [] for m in shown["milestones"])
    assert (await download(client, appendix["downloadPath"], **{"X-API-Key": staff.partner_key}))[0] == 403
    assert (await download(client, appendix["downloadPath"]))[0] == 401
    keyed = await client.gql(PROJECT_DOCUMENTS, {"code": "PPP-DC-01"}, headers={"X-API-Key": staff.partner_key})
    assert keyed.errors[0]["extensions"]["code"] == "NOT_FOUND"
    # only its managers and admin generate them
    for token, code in (
        (staff.other_manager, "NOT_MANAGER_OF_PROJECT"),
        (staff.operator, "FORBIDDEN"),
        (staff.partner_account, "FORBIDDEN"),
        (finance, "FORBIDDEN"),
        (None, "UNAUTHENTICATED"),
    ):
        payload = await mutate(client, GENERATE_APPENDIX, {"code": "PPP-DC-01"}, token, APPENDIX)
        assert [e["code"] for e in payload["errors"]] == [code], token
    keyed_generation = await client.gql(
        GENERATE_APPENDIX, {"code": "PPP-DC-01"}, headers={"X-API-Key": staff.partner_key}
    )
    assert [e["code"] for e in keyed_generation.data[APPENDIX]["errors"]] == ["FORBIDDEN"]
    assert await StoredDocument.count() == 2  # the appendix, the minutes
