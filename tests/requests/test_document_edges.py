"""One file per required document, and download names whose extension matches the detected type."""

from __future__ import annotations

import hashlib
from typing import Any

import pytest

from app import files
from app.files import IncomingFile, safe_filename
from tests.requests.helpers import PDF, People, plan_id, snapshot, submit
from tests.support import Api

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 16


async def base(client: Api) -> dict[str, Any]:
    plan = await plan_id(client, "HTS-DC-03", "STORAGE")
    return {"serviceCode": "HTS-DC-03", "planId": plan, "channel": "ONLINE", "quantity": 1}


async def test_a_required_document_takes_one_file(client: Api, people: People) -> None:
    # HTS-DC-03 asks for one document (the request form): three files for it are refused, nothing written
    before = await snapshot()
    files = [(0, f"don-{i}.pdf", PDF, "application/pdf") for i in range(3)]
    result = await submit(client, await base(client), files, token=people.customer)
    payload = result.data["submitServiceRequest"]
    assert payload["request"] is None
    assert [(e["field"], e["code"]) for e in payload["errors"]] == [
        ("documents.1.requirement", "DUPLICATE_DOCUMENT"),
        ("documents.2.requirement", "DUPLICATE_DOCUMENT"),
    ]
    assert payload["errors"][0]["messageEn"] == (
        "One file per required document; this document already has a file in the request."
    )
    assert await snapshot() == before


async def test_a_pdf_named_html_is_stored_and_downloaded_as_pdf(client: Api, people: People) -> None:
    # given a real PDF whose name claims HTML
    result = await submit(client, await base(client), [(0, "x.html", PDF, "application/pdf")], token=people.customer)
    document = result.data["submitServiceRequest"]["request"]["documents"][0]
    # then the stored name carries the type's extension, and so does the download
    assert (document["filename"], document["contentType"]) == ("x.pdf", "application/pdf")
    response = await client.http.get(document["downloadPath"], headers={"Authorization": f"Bearer {people.customer}"})
    assert response.status_code == 200
    assert response.headers["content-disposition"] == 'attachment; filename="x.pdf"'
    assert response.headers["content-type"] == "application/pdf"


@pytest.mark.parametrize(
    ("name", "media_type", "stored"),
    [
        ("x.html", "application/pdf", "x.pdf"),
        ("bao-cao.PDF", "application/pdf", "bao-cao.PDF"),
        ("anh.jpeg", "image/jpeg", "anh.jpeg"),
        ("anh.png", "image/jpeg", "anh.jpg"),
        ("scan", "image/png", "scan.png"),
        (".htaccess", "image/png", "htaccess.png"),
        ("..\\..\\windows\\evil.svg", "image/png", "evil.png"),
        ('a"b;c.pdf', "application/pdf", "abc.pdf"),
        ("hop-dong.pdf.exe", "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
         "hop-dong.pdf.docx"),
        ("", "application/pdf", "document.pdf"),
        ("x.pdf", "application/octet-stream", "x.bin"),
    ],
)  # fmt: skip
def test_safe_filename_keeps_only_the_extension_of_the_type(name: str, media_type: str, stored: str) -> None:
    assert safe_filename(name, media_type) == stored


def test_storing_a_file_leaves_another_writers_temporary_copy_alone(upload_dir: Any) -> None:
    """Two uploads of the same bytes at once: each writes a temporary copy of its own before the rename."""
    data = PDF + b"same bytes uploaded twice at once"
    digest = hashlib.sha256(data).hexdigest()
    folder = upload_dir / digest[:2]
    folder.mkdir(parents=True)
    other = folder / f"{digest}.part"  # the temporary copy of a writer still at work (the name of old)
    other.write_bytes(b"half written")
    stored = files.store(IncomingFile("a.pdf", "application/pdf", data))
    assert (upload_dir / stored.stored_path).read_bytes() == data
    assert other.read_bytes() == b"half written"
    assert sorted(p.name for p in folder.iterdir()) == sorted([digest, f"{digest}.part"])
