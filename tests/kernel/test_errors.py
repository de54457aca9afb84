"""One vocabulary of refusals, one wording each."""

from __future__ import annotations

from app.errors import (
    Conflict,
    NotFound,
    Noun,
    PermissionDenied,
    ValidationFailed,
    code_taken,
    forbidden,
    invalid_transition,
    not_found,
    prefixed,
    rate_limited,
    reason_required,
    required,
    stale_version,
    unauthenticated,
)

REQUEST = Noun("hồ sơ", "request")


def test_the_vocabulary() -> None:
    cases = [
        (not_found(REQUEST, "code"), NotFound, "NOT_FOUND", "code", "Không tìm thấy hồ sơ.", "Request not found."),
        (forbidden(), PermissionDenied, "FORBIDDEN", None,
         "Bạn không có quyền thực hiện thao tác này.", "You are not allowed to do this."),
        (unauthenticated(), Exception, "UNAUTHENTICATED", None,
         "Bạn cần đăng nhập để thực hiện thao tác này.", "You must sign in to do this."),
        (stale_version(REQUEST), Conflict, "STALE_VERSION", "version",
         "Hồ sơ vừa được người khác thay đổi; hãy tải lại rồi thử lại.",
         "The request was changed by someone else; reload it and try again."),
        (invalid_transition(REQUEST, "completed", "cancel"), Conflict, "INVALID_TRANSITION", "action",
         "Hồ sơ đang ở trạng thái 'completed' không thể thực hiện bước 'cancel'.",
         "A request that is 'completed' cannot take the step 'cancel'."),
        (required("contactName"), ValidationFailed, "REQUIRED", "contactName",
         "Trường này là bắt buộc.", "This field is required."),
        (reason_required(), ValidationFailed, "REASON_REQUIRED", "comment", "Hãy nêu lý do.", "A reason is required."),
        (code_taken(Noun("dự án", "project")), Conflict, "CODE_TAKEN", "code",
         "Mã dự án đã tồn tại.", "The project code is already used."),
        (rate_limited("code"), Exception, "RATE_LIMITED", "code",
         "Bạn đã thử quá nhiều lần; hãy thử lại sau.", "Too many attempts; try again later."),
    ]  # fmt: skip
    for error, family, code, field, vi, en in cases:
        assert isinstance(error, family)
        assert (error.code, error.field, error.message_vi, error.message_en) == (code, field, vi, en)


def test_nested_fields_are_prefixed() -> None:
    error = ValidationFailed.many([*required("titleVi").details, *required("").details])
    assert [d.field for d in prefixed(error, "milestones.2")] == ["milestones.2.titleVi", "milestones.2"]
