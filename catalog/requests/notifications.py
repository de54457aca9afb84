"""What the customer is told about their request, written to the outbox (app.outbox) inside the
transaction of the change and sent after commit. A guest's message carries their secret link."""

from __future__ import annotations

from typing import Any

from app import outbox

ENTITY = "service_request"

SUBJECTS = {
    "submit": ("Đã nhận hồ sơ {code}", "Request {code} submitted"),
    "receive": ("Hồ sơ {code} đã được tiếp nhận", "Request {code} received"),
    "request_supplement": ("Hồ sơ {code} cần bổ sung", "Request {code} needs more information"),
    "resubmit": ("Đã nhận hồ sơ bổ sung {code}", "Supplement to request {code} received"),
    "mark_result_ready": ("Hồ sơ {code} đã có kết quả", "Result of request {code} is ready"),
    "complete": ("Hồ sơ {code} đã hoàn thành", "Request {code} completed"),
    "reject": ("Hồ sơ {code} bị từ chối", "Request {code} rejected"),
    "cancel": ("Hồ sơ {code} đã hủy", "Request {code} cancelled"),
    "overdue": ("Xin lỗi: hồ sơ {code} bị chậm hạn", "Apology: request {code} is late"),
}

LINK_TEXT = (
    "Đường dẫn riêng để bổ sung hoặc hủy hồ sơ (không cần tài khoản, hết hạn {expires}; không chia sẻ):\n"
    "Your private link to send more documents or cancel (no account needed, expires {expires}; keep it secret):\n"
    "{url}\n"
)


async def enqueue(
    request: dict[str, Any], event: str, detail: str = "", link: tuple[str, str] | None = None
) -> int | None:
    """Call inside the transaction. `link`: (url, expiry) of a guest link to include. No e-mail on the
    request: nothing to send, no row."""
    vi, en = SUBJECTS[event]
    subject = f"{vi.format(code=request['code'])} / {en.format(code=request['code'])}"
    body = (
        f"Mã hồ sơ / Receipt code: {request['code']}\n"
        f"Trạng thái / Status: {request['status']}\n"
        f"Hạn giải quyết / Due date: {request.get('promised_date') or request.get('due_date') or '-'}\n"
        + (f"\n{detail}\n" if detail else "")
        + (f"\n{LINK_TEXT.format(url=link[0], expires=link[1])}" if link else "")
    )
    return await outbox.enqueue(ENTITY, request["id"], request.get("contact_email") or "", subject, body)
