"""Evidence on a milestone submission: uploaded files (multipart) and links; who may download a file;
refused uploads write nothing (no row, no file, same version)."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any

from projects.tables import MilestoneEvidence
from tests.projects.helpers import MOVE_MILESTONE, People, create_project
from tests.support import Api, Result

PDF = b"%PDF-1.7\n% bien ban nghiem thu\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32

MOVE_WITH_FILES = """
mutation ($id: ID!, $version: Int!, $to: MilestoneStatus!, $evidence: [EvidenceInput!]) {
  moveMilestone(id: $id, version: $version, to: $to, evidence: $evidence) {
    milestone { version status evidence { name url mediaType sha256 filename size downloadPath } }
    errors { field code messageVi messageEn }
  }
}
"""


async def move_with_files(
    client: Api,
    token: str,
    milestone: dict[str, Any],
    to: str,
    evidence: list[dict[str, Any]],
    uploads: dict[int, tuple[str, bytes, str]],
) -> Result:
    """A GraphQL multipart request: `uploads` maps an evidence index to (filename, content, type)."""
    variables = {"id": milestone["id"], "version": milestone["version"], "to": to, "evidence": evidence}
    operations = {"query": MOVE_WITH_FILES, "variables": variables}
    mapping = {str(n): [f"variables.evidence.{index}.file"] for n, index in enumerate(uploads)}
    response = await client.http.post(
        "/graphql",
        data={"operations": json.dumps(operations), "map": json.dumps(mapping)},
        files={str(n): upload for n, upload in enumerate(uploads.values())},
        headers={"Authorization": f"Bearer {token}"},
    )
    return Result(response.json(), response.status_code)


async def in_progress(client: Api, people: People) -> dict[str, Any]:
    project = await create_project(client, people)
    third = project["milestones"][2]  # "Lắp đặt hạ tầng", planned, no predecessors
    result = await client.gql(
        MOVE_MILESTONE, {"id": third["id"], "version": third["version"], "to": "IN_PROGRESS"}, token=people.manager
    )
    milestone: dict[str, Any] = result.data["moveMilestone"]["milestone"]
    assert milestone["status"] == "IN_PROGRESS"
    return milestone


def files_in(folder: Path) -> list[Path]:
    return sorted(p for p in folder.rglob("*") if p.is_file()) if folder.exists() else []


async def test_a_submission_carries_uploaded_files_and_links(client: Api, people: People, upload_dir: Path) -> None:
    milestone = await in_progress(client, people)
    digest = hashlib.sha256(PDF).hexdigest()
    evidence = [
        {"name": "Biên bản nghiệm thu", "file": None, "sha256": digest.upper()},
        {"name": "Ảnh hiện trường", "file": None},
        {"name": "Hồ sơ thiết kế", "url": "https://tailieu.thanhhoa.gov.vn/tk-01.pdf", "mediaType": "application/pdf"},
    ]
    uploads = {0: ("bien-ban.pdf", PDF, "application/pdf"), 1: ("anh.png", PNG, "image/png")}

    result = await move_with_files(client, people.manager, milestone, "SUBMITTED", evidence, uploads)

    payload = result.data["moveMilestone"]
    assert payload["errors"] == []
    rows = await MilestoneEvidence.select(MilestoneEvidence.id).order_by(MilestoneEvidence.id)
    ids = [r["id"] for r in rows]
    assert payload["milestone"]["evidence"] == [
        {"name": "Biên bản nghiệm thu", "url": "", "mediaType": "application/pdf", "sha256": digest,
         "filename": "bien-ban.pdf", "size": len(PDF), "downloadPath": f"/projects/PPP-DC-01/evidence/{ids[0]}"},
        {"name": "Ảnh hiện trường", "url": "", "mediaType": "image/png", "sha256": hashlib.sha256(PNG).hexdigest(),
         "filename": "anh.png", "size": len(PNG), "downloadPath": f"/projects/PPP-DC-01/evidence/{ids[1]}"},
        {"name": "Hồ sơ thiết kế", "url": "https://tailieu.thanhhoa.gov.vn/tk-01.pdf", "mediaType": "application/pdf",
         "sha256": "", "filename": "", "size": 0, "downloadPath": None},
    ]  # fmt: skip
    png = hashlib.sha256(PNG).hexdigest()
    assert set(files_in(upload_dir)) == {upload_dir / digest[:2] / digest, upload_dir / png[:2] / png}

    # Another manager of the project (the reviewer) downloads the file.
    download = await client.http.get(
        f"/projects/PPP-DC-01/evidence/{ids[0]}", headers={"Authorization": f"Bearer {people.co_manager}"}
    )
    assert download.status_code == 200
    assert download.content == PDF
    assert download.headers["content-type"] == "application/pdf"
    assert download.headers["content-disposition"] == 'attachment; filename="bien-ban.pdf"'
    assert download.headers["cache-control"] == "no-store"
    assert download.headers["x-content-type-options"] == "nosniff"


async def test_evidence_files_are_for_staff_only(client: Api, people: People) -> None:
    milestone = await in_progress(client, people)
    uploads = {0: ("bien-ban.pdf", PDF, "application/pdf")}
    evidence = [{"name": "Biên bản", "file": None}, {"name": "Liên kết", "url": "https://x.vn/a.pdf"}]
    result = await move_with_files(client, people.manager, milestone, "SUBMITTED", evidence, uploads)
    file_id, link_id = [
        r["id"] for r in await MilestoneEvidence.select(MilestoneEvidence.id).order_by(MilestoneEvidence.id)
    ]
    assert result.data["moveMilestone"]["errors"] == []

    async def status(path: str, **headers: str) -> tuple[int, str]:
        response = await client.http.get(path, headers=headers)
        return response.status_code, response.json()["error"]["code"] if response.status_code != 200 else "OK"

    path = f"/projects/PPP-DC-01/evidence/{file_id}"
    assert await status(path) == (401, "UNAUTHENTICATED")
    assert await status(path, authorization=f"Bearer {people.customer}") == (403, "FORBIDDEN")
    assert await status(path, authorization=f"Bearer {people.partner_account}") == (403, "FORBIDDEN")
    assert await status(path, **{"x-api-key": people.partner_key}) == (403, "FORBIDDEN")
    assert await status(path, authorization=f"Bearer {people.operator}") == (200, "OK")  # staff read every project
    assert await status(f"/projects/PPP-XX-99/evidence/{file_id}", authorization=f"Bearer {people.admin}") == (
        404, "NOT_FOUND",
    )  # fmt: skip
    assert await status(f"/projects/PPP-DC-01/evidence/{link_id}", authorization=f"Bearer {people.admin}") == (
        404, "NOT_FOUND",
    )  # fmt: skip
    assert await status(f"/projects/PPP-DC-01/evidence/{link_id + 1}", authorization=f"Bearer {people.admin}") == (
        404, "NOT_FOUND",
    )  # fmt: skip


async def test_refused_evidence_writes_nothing(client: Api, people: People, upload_dir: Path) -> None:
    milestone = await in_progress(client, people)
    too_big = b"%PDF-" + b"0" * (5 * 1024 * 1024)
    cases: list[tuple[list[dict[str, Any]], dict[int, tuple[str, bytes, str]], list[tuple[str, str]]]] = [
        ([{"name": "Lớn", "file": None}], {0: ("lon.pdf", too_big, "application/pdf")},
         [("evidence.0.file", "FILE_TOO_LARGE")]),
        ([{"name": "Chương trình", "file": None}], {0: ("x.exe", b"MZ\x90\x00", "application/x-msdownload")},
         [("evidence.0.file", "FILE_TYPE_NOT_ALLOWED")]),
        ([{"name": "Giả PDF", "file": None}], {0: ("gia.pdf", b"MZ\x90\x00", "application/pdf")},
         [("evidence.0.file", "FILE_TYPE_NOT_ALLOWED")]),
        ([{"name": "Cả hai", "file": None, "url": "https://x.vn/a.pdf"}], {0: ("a.pdf", PDF, "application/pdf")},
         [("evidence.0", "EVIDENCE_SOURCE")]),
        ([{"name": "Không có gì"}], {}, [("evidence.0", "EVIDENCE_SOURCE")]),
        ([{"name": "Sai mã", "file": None, "sha256": "ab" * 32}], {0: ("a.pdf", PDF, "application/pdf")},
         [("evidence.0.sha256", "DIGEST_MISMATCH")]),
        ([{"name": "", "file": None}, {"name": "Liên kết", "url": "ftp://x.vn/a.pdf"}],
         {0: ("a.pdf", PDF, "application/pdf")},
         [("evidence.0.name", "REQUIRED"), ("evidence.1.url", "INVALID_URL")]),
    ]  # fmt: skip
    for evidence, uploads, expected in cases:
        if uploads:
            result = await move_with_files(client, people.manager, milestone, "SUBMITTED", evidence, uploads)
        else:
            variables = {
                "id": milestone["id"],
                "version": milestone["version"],
                "to": "SUBMITTED",
                "evidence": evidence,
            }
            result = await client.gql(MOVE_WITH_FILES, variables, token=people.manager)
        payload = result.data["moveMilestone"]
        assert [(e["field"], e["code"]) for e in payload["errors"]] == expected, evidence
        assert all(e["messageVi"] and e["messageEn"] for e in payload["errors"])
        assert payload["milestone"] is None

    assert await MilestoneEvidence.count() == 0
    assert files_in(upload_dir) == []
    current = await client.gql(
        "query ($code: String!) { project(code: $code) { milestones { status version } } }",
        {"code": "PPP-DC-01"},
        token=people.manager,
    )
    assert current.data["project"]["milestones"][2] == {"status": "IN_PROGRESS", "version": milestone["version"]}


async def test_files_sent_with_a_refused_transition_are_not_kept(client: Api, people: People, upload_dir: Path) -> None:
    milestone = await in_progress(client, people)
    uploads = {0: ("bien-ban.pdf", PDF, "application/pdf")}
    evidence = [{"name": "Biên bản", "file": None}]
    stale = {**milestone, "version": milestone["version"] - 1}
    result = await move_with_files(client, people.manager, stale, "SUBMITTED", evidence, uploads)
    assert [e["code"] for e in result.data["moveMilestone"]["errors"]] == ["STALE_VERSION"]
    result = await move_with_files(client, people.manager, milestone, "BLOCKED", evidence, uploads)
    assert [e["code"] for e in result.data["moveMilestone"]["errors"]] == ["REASON_REQUIRED"]
    result = await move_with_files(client, people.manager, milestone, "ACCEPTED", evidence, uploads)
    assert [e["code"] for e in result.data["moveMilestone"]["errors"]] == ["INVALID_TRANSITION"]
    assert await MilestoneEvidence.count() == 0
    assert files_in(upload_dir) == []


async def test_another_projects_manager_cannot_attach_files(client: Api, people: People, upload_dir: Path) -> None:
    milestone = await in_progress(client, people)
    uploads = {0: ("bien-ban.pdf", PDF, "application/pdf")}
    result = await move_with_files(
        client, people.other_manager, milestone, "SUBMITTED", [{"name": "Biên bản", "file": None}], uploads
    )
    assert [e["code"] for e in result.data["moveMilestone"]["errors"]] == ["NOT_MANAGER_OF_PROJECT"]
    assert await MilestoneEvidence.count() == 0
    assert files_in(upload_dir) == []  # refused before anything reaches the disk


async def test_a_milestone_holds_a_bounded_number_of_documents(client: Api, people: People) -> None:
    milestone = await in_progress(client, people)
    await MilestoneEvidence.insert(
        *[
            MilestoneEvidence(milestone=int(milestone["id"]), name=f"Tài liệu {i}", url="https://x.vn/a.pdf")
            for i in range(99)
        ]
    )
    links = [{"name": "Thêm 1", "url": "https://x.vn/1.pdf"}, {"name": "Thêm 2", "url": "https://x.vn/2.pdf"}]
    variables = {"id": milestone["id"], "version": milestone["version"], "to": "SUBMITTED", "evidence": links}
    result = await client.gql(MOVE_WITH_FILES, variables, token=people.manager)
    assert [(e["field"], e["code"]) for e in result.data["moveMilestone"]["errors"]] == [("evidence", "TOO_MANY")]
    assert await MilestoneEvidence.count() == 99

    result = await client.gql(MOVE_WITH_FILES, {**variables, "evidence": links[:1]}, token=people.manager)
    assert result.data["moveMilestone"]["errors"] == []
    assert len(result.data["moveMilestone"]["milestone"]["evidence"]) == 100
