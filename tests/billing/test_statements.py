"""Bank statement import: every credit line kept and matched on the payment reference, nothing applied twice,
a file that does not fit the layout refused whole with the line named."""

from __future__ import annotations

import json
from typing import Any

import pytest

from billing.tables import BankStatement, Payment, StatementLine
from tests.billing.helpers import INVOICE, Billing, errors_of, issued_invoice
from tests.billing.test_payments import billing_rows
from tests.support import Api, Result

IMPORT = """
mutation ($file: Upload!) {
  importBankStatement(file: $file) {
    statement { filename linesRead newLines alreadyImported skippedDebits
      lines { lineNumber bookedOn amount status invoiceId paymentId note } }
    errors { field code messageVi messageEn }
  }
}
"""
LINES = "query ($s: [StatementLineStatus!]) { statementLines(statuses: $s) { totalCount edges { node { lineNumber amount status } } } }"


async def upload(client: Api, token: str, content: bytes, filename: str = "sao-ke.csv") -> Result:
    response = await client.http.post(
        "/graphql",
        data={"operations": json.dumps({"query": IMPORT, "variables": {"file": None}}),
              "map": json.dumps({"0": ["variables.file"]})},
        files={"0": (filename, content, "text/csv")},
        headers={"Authorization": f"Bearer {token}"},
    )  # fmt: skip
    return Result(response.json(), response.status_code)


def csv_of(*rows: tuple[str, str, str, str]) -> bytes:
    lines = ["date,amount,description,reference", *(",".join(r) for r in rows)]
    return ("\n".join(lines) + "\n").encode()


def spaced(reference: str) -> str:
    """How a payer's bank often mangles the purpose: lower case, split by spaces and dashes."""
    return f"chuyen tien {reference[:2].lower()} {reference[2:6]}-{reference[6:]} thanh toan"


async def test_each_line_is_matched_exactly_partly_over_or_not_and_a_second_import_applies_nothing(
    client: Api, billing: Billing
) -> None:
    exact, part, over = [await issued_invoice(client, billing) for _ in range(3)]  # 2,640,000 đồng each
    content = csv_of(
        ("2026-03-02", "2640000", spaced(exact["paymentReference"]), "FT001"),
        ("2026-03-02", "1.000.000", f"TT {part['paymentReference']}", "FT002"),
        ("2026-03-03", "3000000", over["paymentReference"], "FT003"),
        ("2026-03-03", "-500000", "phi ngan hang", "FT004"),
        ("2026-03-03", "750000", "ung ho khong ro noi dung", "FT005"),
        ("2026-03-04", "10000", "HDZZZZZZZZZZ", "FT006"),  # looks like a reference, matches no invoice
    )
    result = await upload(client, billing.finance, content)
    imported = result.data["importBankStatement"]
    assert imported["errors"] == []
    statement = imported["statement"]
    assert (statement["linesRead"], statement["newLines"], statement["alreadyImported"], statement["skippedDebits"]) == (
        5, 5, 0, 1,
    )  # fmt: skip
    got = [(x["lineNumber"], x["amount"], x["status"], x["invoiceId"]) for x in statement["lines"]]
    assert got == [
        (2, 2_640_000, "MATCHED", exact["id"]),
        (3, 1_000_000, "PARTIAL", part["id"]),
        (4, 3_000_000, "OVERPAID", over["id"]),
        (6, 750_000, "UNMATCHED", None),
        (7, 10_000, "UNMATCHED", None),
    ]
    states = {}
    for invoice in (exact, part, over):
        state = (await client.gql(INVOICE, {"id": invoice["id"]}, token=billing.finance)).data["invoice"]
        states[invoice["id"]] = (state["status"], state["amountPaid"], state["balance"])
    assert states == {
        exact["id"]: ("PAID", 2_640_000, 0),
        part["id"]: ("PARTIALLY_PAID", 1_000_000, 1_640_000),
        over["id"]: ("PAID", 3_000_000, -360_000),
    }
    assert await Payment.count() == 3

    # the same file again (or an overlapping export): every line known, nothing applied
    before = await billing_rows()
    again = (await upload(client, billing.finance, content, "sao-ke-lan-2.csv")).data["importBankStatement"]
    assert again["errors"] == []
    assert (again["statement"]["newLines"], again["statement"]["alreadyImported"], again["statement"]["lines"]) == (
        0, 5, [],
    )  # fmt: skip
    after = await billing_rows()
    assert (after["payment"], after["invoice"], after["statement_line"]) == (
        before["payment"],
        before["invoice"],
        before["statement_line"],
    )
    assert await BankStatement.count() == 2

    # finance's worklist: what needs a look
    listed = (await client.gql(LINES, {"s": ["UNMATCHED", "OVERPAID"]}, token=billing.finance)).data
    assert listed["statementLines"]["totalCount"] == 3
    assert sorted(e["node"]["lineNumber"] for e in listed["statementLines"]["edges"]) == [4, 6, 7]


async def test_two_identical_transfers_in_one_file_are_two_payments(client: Api, billing: Billing) -> None:
    invoice = await issued_invoice(client, billing)
    row = ("2026-03-02", "1320000", invoice["paymentReference"], "")
    imported = (await upload(client, billing.finance, csv_of(row, row))).data["importBankStatement"]
    assert [x["status"] for x in imported["statement"]["lines"]] == ["PARTIAL", "MATCHED"]
    state = (await client.gql(INVOICE, {"id": invoice["id"]}, token=billing.finance)).data["invoice"]
    assert (state["status"], state["amountPaid"]) == ("PAID", 2_640_000)


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        (b"ngay,so tien,noi dung\n2026-03-02,100,x\n", [("file", "STATEMENT_LAYOUT")]),
        (
            csv_of(("2026-03-02", "100", "a", ""), ("31/02/2026", "100", "b", "")),
            [("file.line.3", "STATEMENT_LINE_INVALID")],
        ),
        (
            csv_of(("2026-03-02", "một trăm", "a", ""), ("2026-03-02", "1e5", "b", "")),
            [("file.line.2", "STATEMENT_LINE_INVALID"), ("file.line.3", "STATEMENT_LINE_INVALID")],
        ),
        (csv_of(("1999-12-31", "100", "a", "")), [("file.line.2", "STATEMENT_LINE_INVALID")]),
        (csv_of(("2026-03-02", "100000000001", "a", "")), [("file.line.2", "STATEMENT_LINE_INVALID")]),
        (
            "date,amount,description,reference\n2026-03-02,100,sao kê,\n".encode("utf-16"),
            [("file", "STATEMENT_LAYOUT")],
        ),
        (b"date,amount,description,reference\n2026-03-02,100,a\x00b,\n", [("file", "STATEMENT_LAYOUT")]),
    ],
    ids=["columns", "date", "amounts", "old", "huge", "utf16", "nul"],
)
async def test_a_file_that_does_not_fit_is_refused_whole(
    client: Api, billing: Billing, content: bytes, expected: list[tuple[str, str]]
) -> None:
    invoice = await issued_invoice(client, billing)
    # a good line before the bad one must not be applied either
    good = f"2026-03-01,2640000,{invoice['paymentReference']},\n".encode()
    body = content if content.startswith(b"ngay") or not content.startswith(b"date") else content + good
    before = await billing_rows()
    refused = (await upload(client, billing.finance, body)).data["importBankStatement"]
    assert (refused["statement"], errors_of(refused)) == (None, expected)
    assert all(e["messageVi"] and e["messageEn"] for e in refused["errors"])
    assert await billing_rows() == before
    assert await BankStatement.count() == 0


async def test_a_layout_from_the_settings_reads_the_banks_own_columns(
    client: Api, billing: Billing, monkeypatch: pytest.MonkeyPatch
) -> None:
    from app.config import get_settings

    layout = {"date": "Ngày GD", "amount": "Số tiền ghi có", "description": "Nội dung", "reference": "Số bút toán",
              "date_format": "%d/%m/%Y", "delimiter": ";"}  # fmt: skip
    monkeypatch.setenv("STATEMENT_LAYOUT", json.dumps(layout, ensure_ascii=False))
    get_settings.cache_clear()
    try:
        invoice = await issued_invoice(client, billing)
        content = (
            f"Ngày GD;Số tiền ghi có;Nội dung;Số bút toán\n02/03/2026;2.640.000;{invoice['paymentReference']};FT9\n"
        )
        imported = (await upload(client, billing.finance, content.encode())).data["importBankStatement"]
        assert [(x["bookedOn"], x["status"]) for x in imported["statement"]["lines"]] == [("2026-03-02", "MATCHED")]
    finally:
        monkeypatch.delenv("STATEMENT_LAYOUT")
        get_settings.cache_clear()


@pytest.mark.parametrize("who", ["customer", "operator", "anonymous"])
async def test_only_finance_imports_statements(client: Api, billing: Billing, who: str) -> None:
    token = {"customer": billing.people.customer, "operator": billing.people.operator, "anonymous": ""}[who]
    headers: dict[str, Any] = {}
    response = await client.http.post(
        "/graphql",
        data={"operations": json.dumps({"query": IMPORT, "variables": {"file": None}}),
              "map": json.dumps({"0": ["variables.file"]})},
        files={"0": ("s.csv", csv_of(("2026-03-02", "100", "x", "")), "text/csv")},
        headers={"Authorization": f"Bearer {token}"} if token else headers,
    )  # fmt: skip
    codes = [e["code"] for e in response.json()["data"]["importBankStatement"]["errors"]]
    assert codes == ["UNAUTHENTICATED" if who == "anonymous" else "FORBIDDEN"]
    assert await StatementLine.count() == 0
