"""Validated inputs of the project use cases. Every bad field is reported, not just the first."""

# No `from __future__ import annotations` here: GraphQL inputs subclass this module's dataclasses, and
# strawberry would resolve string annotations of inherited fields in the subclass's module.
import hashlib
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from app import files
from app.errors import ValidationFailed
from app.input import Checker, camel, check_amount, check_date, clean_code, clean_optional, clean_text, parse_ids
from projects.enums import MilestoneCode, MilestoneType, PppContractType, PppStage, ProjectKind, Visibility

MAX_CAPITAL = 10**15  # one million billion đồng: anything above is a typing error
FULL_SHARE_BP = 10_000  # shares are basis points: 10000 = 100% of the contract value
MAX_EVIDENCE = 20  # per submission
MAX_EVIDENCE_PER_MILESTONE = 100  # over every submission: the nested evidence list stays bounded
MAX_MILESTONES = 100  # per project: the nested milestone list stays bounded
MAX_PEOPLE = 20  # managers, partners per project
MAX_HISTORY = 200  # events shown per milestone or project (most recent)

REQUIRED = ("REQUIRED", "Trường này là bắt buộc.", "This field is required.")


@dataclass
class ProjectFields:
    """Editable fields of a project; None means "leave unchanged" on update (the GraphQL input is
    this class). Ids are as clients send them, parsed here."""

    code: str | None = None
    name_vi: str | None = None
    name_en: str | None = None
    description_vi: str | None = None
    description_en: str | None = None
    kind: ProjectKind | None = None
    ppp_contract_type: PppContractType | None = None
    ppp_stage: PppStage | None = None
    sponsor_agency: str | None = None
    department_code: str | None = None
    state_capital_amount: int | None = None
    private_capital_amount: int | None = None
    planned_start: date | None = None
    planned_end: date | None = None
    visibility: Visibility | None = None
    partner_ids: Sequence[object] | None = None


@dataclass
class MilestoneFields:
    title_vi: str | None = None
    title_en: str | None = None
    type: MilestoneType | None = None
    code: MilestoneCode | None = None
    clear_code: bool = False
    planned_start: date | None = None
    due_date: date | None = None
    due_date_reason: str | None = None
    progress: int | None = None
    deliverables: str | None = None
    share_bp: int | None = None
    depends_on: Sequence[object] | None = None


@dataclass(frozen=True)
class Evidence:
    """A link to where a document is kept, or an uploaded file (exactly one of url and file)."""

    name: str
    url: str | None = None
    media_type: str = ""
    sha256: str = ""
    file: files.IncomingFile | None = None


_PROJECT_TEXT = {
    "name_vi": (300, False, True),
    "name_en": (300, False, False),
    "description_vi": (10000, True, False),
    "description_en": (10000, True, False),
    "sponsor_agency": (300, False, True),
}


def dates_in_order(c: Checker, start: date | None, end: date | None, field: str) -> None:
    if start is not None and end is not None and start > end:
        c.fail(
            field,
            "DATES_OUT_OF_ORDER",
            "Ngày kết thúc phải sau hoặc bằng ngày bắt đầu.",
            "The end date must be on or after the start date.",
        )


def clean_project_fields(data: ProjectFields, creating: bool, current: dict[str, Any] | None = None) -> dict[str, Any]:  # noqa: PLR0912
    """Column values for the fields given (plus `department_code`, `partner_ids` to resolve)."""
    c = Checker()
    out: dict[str, Any] = {}
    for name, (limit, multiline, required) in _PROJECT_TEXT.items():
        value = getattr(data, name)
        if value is None:
            if creating and required:
                c.fail(camel(name), *REQUIRED)
            continue
        cleaner = clean_text if required else clean_optional
        out[name] = c.check(cleaner, value, camel(name), max_length=limit, multiline=multiline)
    if data.code is not None:
        out["code"] = c.check(clean_code, data.code, "code")
    elif creating:
        c.fail("code", *REQUIRED)
    for name in ("kind", "visibility", "department_code", "planned_start", "planned_end"):
        value = getattr(data, name)
        if value is not None:
            out[name] = value.value if hasattr(value, "value") else value
        elif creating:
            c.fail(camel(name), *REQUIRED)
    if "department_code" in out:
        out["department_code"] = c.check(clean_code, out["department_code"], "departmentCode")
    for name in ("planned_start", "planned_end"):
        if name in out:
            out[name] = c.check(check_date, out[name], camel(name))
    for name in ("state_capital_amount", "private_capital_amount"):
        value = getattr(data, name)
        if value is not None:
            out[name] = c.check(check_amount, value, camel(name), MAX_CAPITAL)
    for name in ("ppp_contract_type", "ppp_stage"):
        value = getattr(data, name)
        if value is not None:
            out[name] = value.value
    if data.kind is not None and data.kind is not ProjectKind.PPP:
        for name in ("ppp_contract_type", "ppp_stage"):
            if getattr(data, name) is None:
                out[name] = ""  # a project that stops being PPP loses its PPP fields
    merged = {**(current or {}), **out}
    dates_in_order(c, merged.get("planned_start"), merged.get("planned_end"), "plannedEnd")
    if merged.get("kind") == ProjectKind.PPP.value:
        for name in ("ppp_contract_type", "ppp_stage"):
            if not merged.get(name):
                c.fail(
                    camel(name), "PPP_FIELD_REQUIRED", "Dự án PPP cần trường này.", "A PPP project needs this field."
                )
    elif merged.get("kind") is not None:
        for name in ("ppp_contract_type", "ppp_stage"):
            if merged.get(name):
                c.fail(
                    camel(name),
                    "PPP_FIELD_NOT_ALLOWED",
                    "Chỉ dự án PPP có trường này.",
                    "Only a PPP project has this field.",
                )
    if data.partner_ids is not None:
        out["partner_ids"] = c.check(parse_ids, list(data.partner_ids), "partnerIds", MAX_PEOPLE) or []
    c.done()
    return out


def check_progress(value: int, field: str = "progress") -> int:
    if not 0 <= value <= 100:
        raise ValidationFailed(
            "PROGRESS_OUT_OF_RANGE",
            "Tiến độ phải từ 0 đến 100%.",
            "Progress must be between 0 and 100 percent.",
            field,
        )
    return value


def check_share(value: int, field: str = "shareBasisPoints") -> int:
    if not 0 <= value <= FULL_SHARE_BP:
        raise ValidationFailed(
            "SHARE_OUT_OF_RANGE",
            "Tỷ lệ giá trị hợp đồng phải từ 0 đến 10000 phần vạn (0–100%).",
            "A share must be between 0 and 10000 basis points (0–100%).",
            field,
        )
    return value


def clean_milestone_fields(  # noqa: PLR0912 - one branch per field
    data: MilestoneFields, creating: bool, current: dict[str, Any] | None = None
) -> dict[str, Any]:
    """Column values for the fields given (plus `depends_on` to resolve); `prefix` names nested fields."""
    c = Checker()
    out: dict[str, Any] = {}
    if data.title_vi is not None:
        out["title_vi"] = c.check(clean_text, data.title_vi, "titleVi", max_length=300)
    elif creating:
        c.fail("titleVi", *REQUIRED)
    if data.title_en is not None:
        out["title_en"] = c.check(clean_optional, data.title_en, "titleEn", max_length=300)
    if data.deliverables is not None:
        out["deliverables"] = c.check(
            clean_optional, data.deliverables, "deliverables", max_length=4000, multiline=True
        )
    if data.type is not None:
        out["type"] = data.type.value
    elif creating:
        c.fail("type", *REQUIRED)
    if data.code is not None:
        out["code"] = data.code.value
    elif data.clear_code:
        out["code"] = ""
    for name in ("planned_start", "due_date"):
        value = getattr(data, name)
        if value is not None:
            out[name] = c.check(check_date, value, camel(name))
        elif creating:
            c.fail(camel(name), *REQUIRED)
    if data.progress is not None:
        out["progress"] = c.check(check_progress, data.progress)
    if data.share_bp is not None:
        out["share_bp"] = c.check(check_share, data.share_bp)
    merged = {**(current or {}), **out}
    dates_in_order(c, merged.get("planned_start"), merged.get("due_date"), "dueDate")
    if current is not None and "due_date" in out and out["due_date"] != current["due_date"]:
        reason = c.check(clean_optional, data.due_date_reason, "dueDateReason", max_length=1000, multiline=True)
        if not reason:
            c.fail(
                "dueDateReason",
                "REASON_REQUIRED",
                "Cần nêu lý do khi thay đổi ngày đến hạn.",
                "Give a reason when the due date moves.",
            )
        out["due_date_reason"] = reason
    if data.depends_on is not None:
        out["depends_on"] = c.check(parse_ids, list(data.depends_on), "dependsOn", MAX_MILESTONES) or []
    c.done()
    return out


def clean_evidence(items: list[Evidence]) -> list[dict[str, Any]]:
    """Validated rows; uploaded files are checked here and stored by the caller (app.files.store)."""
    c = Checker()
    if len(items) > MAX_EVIDENCE:
        c.fail("evidence", "TOO_MANY", f"Tối đa {MAX_EVIDENCE} tài liệu.", f"At most {MAX_EVIDENCE} documents.")
    rows = []
    for index, item in enumerate(items):
        field = f"evidence.{index}"
        name = c.check(clean_text, item.name, f"{field}.name", max_length=300)
        sha = (item.sha256 or "").strip().lower()
        if sha and (len(sha) != 64 or any(ch not in "0123456789abcdef" for ch in sha)):
            c.fail(f"{field}.sha256", "INVALID_DIGEST", "Mã SHA-256 không hợp lệ.", "Not a SHA-256 digest.")
        if (item.url is None) == (item.file is None):
            c.fail(
                field,
                "EVIDENCE_SOURCE",
                "Mỗi tài liệu cần đúng một trong hai: tệp tải lên hoặc địa chỉ lưu trữ.",
                "Each document needs exactly one of an uploaded file or an address.",
            )
            continue
        if item.file is not None:
            problems = files.check(item.file, f"{field}.file")
            c.details.extend(problems)
            if not problems and sha and hashlib.sha256(item.file.data).hexdigest() != sha:
                c.fail(
                    f"{field}.sha256",
                    "DIGEST_MISMATCH",
                    "Mã SHA-256 không khớp với tệp tải lên.",
                    "The SHA-256 digest does not match the uploaded file.",
                )
            rows.append({"name": name, "url": "", "file": item.file})
            continue
        url = c.check(clean_text, item.url, f"{field}.url", max_length=1000)
        if url and not url.startswith(("https://", "http://")):
            c.fail(
                f"{field}.url",
                "INVALID_URL",
                "Địa chỉ tài liệu phải bắt đầu bằng http:// hoặc https://.",
                "A document address starts with http:// or https://.",
            )
        media = c.check(clean_optional, item.media_type, f"{field}.mediaType", max_length=100)
        rows.append({"name": name, "url": url, "media_type": media, "sha256": sha})
    c.done()
    return rows
