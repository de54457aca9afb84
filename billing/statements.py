"""Bank statements: finance imports the bank's CSV export; every credit line is kept and matched on the
invoice's payment reference (the VietQR purpose the payer's bank copied into the description).

- the invoice's balance exactly: applied (matched); less: applied, the rest still owed (partial); more:
  applied, the excess kept as an overpayment for finance (overpaid); no reference or no invoice that takes
  payments: listed for finance (unmatched). Nothing is dropped.
- each line has a fingerprint (date, amount, bank reference, description, and its occurrence in the file),
  so importing the same file twice, or overlapping exports, applies nothing twice.
- the column layout is a setting (STATEMENT_LAYOUT, JSON); a file that does not fit it, or a line that
  cannot be read, refuses the whole import with an error naming the line: nothing is half-imported.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import re
from collections import Counter
from dataclasses import dataclass
from datetime import date, datetime, time
from typing import Any

from app import outbox
from app.audit import service as audit
from app.auth.principal import Principal
from app.config import get_settings
from app.db import transaction
from app.errors import DomainError, ErrorDetail, ValidationFailed
from app.input import FIRST_DAY, LAST_DAY, MAX_AMOUNT
from billing import access, payments, repository
from billing.enums import InvoiceStatus, LineStatus, PaymentMethod
from billing.states import OWING

MAX_LINES = 20_000
MAX_BYTES = 5 * 1024 * 1024
_REFERENCE = re.compile(r"HD[A-HJ-NP-Z2-9]{10}")
DEFAULT_LAYOUT = {
    "date": "date",
    "amount": "amount",
    "description": "description",
    "reference": "reference",
    "date_format": "%Y-%m-%d",
    "delimiter": ",",
}


@dataclass(frozen=True)
class Layout:
    date: str
    amount: str
    description: str
    reference: str
    date_format: str
    delimiter: str

    @classmethod
    def from_settings(cls) -> Layout:
        given = json.loads(get_settings().statement_layout) if get_settings().statement_layout else {}
        return cls(**{**DEFAULT_LAYOUT, **given})


@dataclass(frozen=True)
class Credit:
    line_number: int
    booked_on: date
    amount: int
    description: str
    bank_reference: str
    fingerprint: str

    @property
    def payment_reference(self) -> str | None:
        found = _REFERENCE.search(re.sub(r"[^A-Z0-9]", "", self.description.upper()))
        return found.group(0) if found else None


def _bad(line: int | None, vi: str, en: str) -> ErrorDetail:
    field = "file" if line is None else f"file.line.{line}"
    code = "STATEMENT_LAYOUT" if line is None else "STATEMENT_LINE_INVALID"
    return ErrorDetail(code, vi, en, field)


def _amount(text: str) -> int:
    digits = re.sub(r"[\s.,₫]|VND|đ", "", text.strip(), flags=re.IGNORECASE)
    if not re.fullmatch(r"-?[0-9]{1,15}", digits):
        raise ValueError(text)
    return int(digits)


def parse(content: bytes, layout: Layout) -> tuple[list[Credit], int]:
    """The credit lines of a CSV export, and how many debit lines were skipped; refuses the whole file
    (with the line) when it does not fit the layout."""
    if len(content) > MAX_BYTES:
        raise ValidationFailed.many([_bad(None, "Tệp sao kê quá lớn.", "The statement file is too large.")])
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise ValidationFailed.many(
            [_bad(None, "Tệp sao kê phải là CSV mã UTF-8.", "The statement must be a UTF-8 CSV.")]
        ) from None
    if "\x00" in text:
        raise ValidationFailed.many(
            [_bad(None, "Tệp sao kê chứa ký tự không hợp lệ.", "The statement holds invalid characters.")]
        )
    reader = csv.DictReader(io.StringIO(text), delimiter=layout.delimiter)
    wanted = [layout.date, layout.amount, layout.description, layout.reference]
    missing = [c for c in wanted if c not in (reader.fieldnames or [])]
    if missing:
        raise ValidationFailed.many(
            [
                _bad(
                    None,
                    f"Tệp sao kê thiếu cột: {', '.join(missing)}.",
                    f"The statement lacks the columns: {', '.join(missing)}.",
                )
            ]
        )
    credits, skipped, errors, seen = [], 0, [], Counter[str]()
    for number, row in enumerate(reader, start=2):  # line 1 is the header
        if number - 1 > MAX_LINES:
            errors.append(_bad(number, f"Tối đa {MAX_LINES} dòng.", f"At most {MAX_LINES} lines."))
            break
        try:
            booked_on = datetime.strptime((row[layout.date] or "").strip(), layout.date_format).date()
            amount = _amount(row[layout.amount] or "")
        except (ValueError, TypeError):
            errors.append(
                _bad(number, "Dòng có ngày hoặc số tiền không đọc được.", "The line's date or amount cannot be read.")
            )
            continue
        if not FIRST_DAY <= booked_on <= LAST_DAY or abs(amount) > MAX_AMOUNT:
            errors.append(_bad(number, "Ngày hoặc số tiền ngoài phạm vi.", "The date or amount is out of range."))
            continue
        if amount <= 0:
            skipped += 1  # a debit or an empty line: not money received
            continue
        description = (row[layout.description] or "").strip()[:1000]
        reference = (row[layout.reference] or "").strip()[:120]
        content_key = f"{booked_on}|{amount}|{reference}|{description}"
        seen[content_key] += 1  # two identical transfers in one file stay two lines
        fingerprint = hashlib.sha256(f"{content_key}|{seen[content_key]}".encode()).hexdigest()
        credits.append(Credit(number, booked_on, amount, description, reference, fingerprint))
    if errors:
        raise ValidationFailed.many(errors[:50])
    return credits, skipped


@dataclass(frozen=True)
class Imported:
    statement: dict[str, Any]
    lines: list[dict[str, Any]]
    skipped_debits: int
    already_imported: int


async def import_statement(principal: Principal, filename: str, content: bytes) -> Imported:
    access.require_finance(principal)
    credits, skipped = parse(content, Layout.from_settings())
    actor = principal.as_actor()
    messages: list[int | None] = []
    async with transaction():
        known = await repository.known_fingerprints([c.fingerprint for c in credits])
        new = [c for c in credits if c.fingerprint not in known]
        statement_id = await repository.insert_statement(
            {
                "filename": filename[:255],
                "sha256": hashlib.sha256(content).hexdigest(),
                "imported_by": actor.label,
                "lines": len(credits),
                "new_lines": len(new),
            }
        )
        for credit in new:
            messages.append(await _apply_line(statement_id, credit, actor))
        await audit.record(
            actor,
            "statement.import",
            "bank_statement",
            statement_id,
            None,
            {"lines": len(credits), "new": len(new), "skipped_debits": skipped},
        )
        statement = await repository.statement_by_id(statement_id)
        lines = (await repository.lines_of_statements([statement_id]))[statement_id]
    await outbox.deliver(messages)
    assert statement is not None
    return Imported(statement, lines, skipped, len(credits) - len(new))


async def _apply_line(statement_id: int, credit: Credit, actor: Any) -> int | None:
    line_id = await repository.insert_line(
        {
            "statement": statement_id,
            "line_number": credit.line_number,
            "fingerprint": credit.fingerprint,
            "booked_on": credit.booked_on,
            "amount": credit.amount,
            "description": credit.description,
            "bank_reference": credit.bank_reference,
            "status": LineStatus.UNMATCHED.value,
        }
    )
    reference = credit.payment_reference
    invoice = await repository.invoice_by_reference(reference) if reference else None
    if invoice is None:
        await repository.update_line(line_id, {"note": "Không thấy mã thanh toán / no payment reference found"})
        return None
    try:
        target = await payments.payable(invoice["id"])
    except DomainError:
        target = invoice
    if InvoiceStatus(target["status"]) not in (*OWING, InvoiceStatus.PAID):
        await repository.update_line(line_id, {"invoice": invoice["id"], "note": f"Hóa đơn {target['status']}"})
        return None
    balance = max(int(target["total_amount"]) - int(target["amount_paid"]), 0)
    status = (
        LineStatus.MATCHED
        if credit.amount == balance
        else (LineStatus.PARTIAL if credit.amount < balance else LineStatus.OVERPAID)
    )
    received_at = datetime.combine(credit.booked_on, time(12), tzinfo=get_settings().timezone)
    payment, message = await payments.apply_payment(
        invoice["id"],
        credit.amount,
        PaymentMethod.TRANSFER,
        actor,
        received_at=received_at,
        reference=credit.bank_reference or reference or "",
        statement_line=line_id,
    )
    await repository.update_line(
        line_id, {"status": status.value, "invoice": payment["invoice"], "payment": payment["id"]}
    )
    return message
