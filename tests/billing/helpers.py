"""GraphQL documents and shortcuts of the billing tests."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from tests.requests.helpers import People, guest_input, move, plan_id, submit
from tests.support import Api

ERRORS = "errors { field code message messageVi messageEn }"
LINE = "position source name unit quantity unitAmount discountAmount vatRate vatLabel amount vatAmount totalAmount"
TOTALS = "vatTotals { vatRate label amount vatAmount totalAmount }"
QUOTE_FIELDS = f"""
  id revision status validUntil note requestCode amount vatAmount totalAmount discountAmount amountInWords
  lines {{ {LINE} }} {TOTALS}
"""
INVOICE_FIELDS = f"""
  id kind source status template symbol number displayNumber issueDate dueDate paymentTerms paymentReference
  buyer {{ kind name taxCode citizenId address email }} seller {{ name taxCode }}
  amount vatAmount totalAmount discountAmount amountInWords amountPaid balance overdue reason requestCode milestoneId
  version lines {{ {LINE} }} {TOTALS}
"""

CREATE_QUOTE = f"""
mutation ($code: String!, $input: QuoteInput!) {{
  createQuote(requestCode: $code, input: $input) {{ quote {{ {QUOTE_FIELDS} }} {ERRORS} }}
}}
"""
ACCEPT = f"mutation ($id: ID!) {{ acceptQuote(id: $id) {{ quote {{ {QUOTE_FIELDS} }} {ERRORS} }} }}"
DECLINE = (
    f'mutation ($id: ID!) {{ declineQuote(id: $id, comment: "Đắt quá") {{ quote {{ {QUOTE_FIELDS} }} {ERRORS} }} }}'
)
ACCEPT_AS_GUEST = f"""
mutation ($token: String!, $id: ID!) {{ acceptQuoteAsGuest(token: $token, id: $id) {{ quote {{ {QUOTE_FIELDS} }} {ERRORS} }} }}
"""
DRAFT_FROM_QUOTE = f"""
mutation ($id: ID!) {{ draftInvoiceFromQuote(quoteId: $id) {{ invoice {{ {INVOICE_FIELDS} }} {ERRORS} }} }}
"""
DRAFT_FOR_MILESTONE = f"""
mutation ($id: ID!, $rate: VatRate) {{
  draftInvoiceForMilestone(milestoneId: $id, vatRate: $rate) {{ invoice {{ {INVOICE_FIELDS} }} {ERRORS} }}
}}
"""
UPDATE_DRAFT = f"""
mutation ($id: ID!, $version: Int!, $input: InvoiceDraftInput!) {{
  updateInvoiceDraft(id: $id, version: $version, input: $input) {{ invoice {{ {INVOICE_FIELDS} }} {ERRORS} }}
}}
"""
ISSUE = f"""
mutation ($id: ID!, $version: Int!) {{ issueInvoice(id: $id, version: $version) {{ invoice {{ {INVOICE_FIELDS} }} {ERRORS} }} }}
"""
CANCEL = f"""
mutation ($id: ID!, $version: Int!, $reason: String!) {{
  cancelInvoiceDraft(id: $id, version: $version, reason: $reason) {{ invoice {{ {INVOICE_FIELDS} }} {ERRORS} }}
}}
"""
ADJUST = f"""
mutation ($id: ID!, $direction: AdjustmentDirection!, $input: CorrectionInput!) {{
  adjustInvoice(id: $id, direction: $direction, input: $input) {{ invoice {{ {INVOICE_FIELDS} original {{ id status }} }} {ERRORS} }}
}}
"""
REPLACE = f"""
mutation ($id: ID!, $input: CorrectionInput!) {{
  replaceInvoice(id: $id, input: $input) {{ invoice {{ {INVOICE_FIELDS} original {{ id status }} }} {ERRORS} }}
}}
"""
INVOICE = f"query ($id: ID!) {{ invoice(id: $id) {{ {INVOICE_FIELDS} corrections {{ id kind number }} }} }}"
MY_INVOICES = "{ myInvoices { totalCount edges { node { id displayNumber totalAmount status } } } }"
MY_QUOTES = "{ myQuotes { totalCount edges { node { id status totalAmount } } } }"


@dataclass
class Billing:
    people: People
    finance: str


def errors_of(payload: dict[str, Any]) -> list[tuple[str | None, str]]:
    return [(e["field"], e["code"]) for e in payload["errors"]]


async def received_request(client: Api, people: People, *, customer: bool = True, quantity: int = 2) -> str:
    """A request for 2 TB of HTS-DC-03 storage (1,200,000 đồng a unit, VAT 10%), received by its operator."""
    plan = await plan_id(client, "HTS-DC-03", "STORAGE")
    if customer:
        variables = {"serviceCode": "HTS-DC-03", "planId": plan, "channel": "ONLINE", "quantity": quantity}
        result = await submit(client, variables, token=people.customer)
    else:
        result = await submit(client, guest_input(plan, quantity=quantity))
    code = result.data["submitServiceRequest"]["request"]["code"]
    await move(client, people.operator, code, "RECEIVE")
    return code


async def quote(client: Api, people: People, code: str, **input_: Any) -> dict[str, Any]:
    payload = (await client.gql(CREATE_QUOTE, {"code": code, "input": input_}, token=people.operator)).data[
        "createQuote"
    ]
    assert payload["errors"] == [], payload["errors"]
    return payload["quote"]


async def accepted_quote(client: Api, people: People, **input_: Any) -> dict[str, Any]:
    code = await received_request(client, people)
    made = await quote(client, people, code, **input_)
    accepted = (await client.gql(ACCEPT, {"id": made["id"]}, token=people.customer)).data["acceptQuote"]
    assert accepted["errors"] == [], accepted["errors"]
    return accepted["quote"]


async def call(client: Api, document: str, variables: dict[str, Any], token: str | None, name: str) -> dict[str, Any]:
    result = await client.gql(document, variables, token=token)
    assert "errors" not in result.body, result.body
    return result.data[name]


async def issued_invoice(client: Api, billing: Billing, **quote_input: Any) -> dict[str, Any]:
    """An accepted quote, its draft and the issued invoice (the customer is a citizen)."""
    accepted = await accepted_quote(client, billing.people, **quote_input)
    draft = await call(client, DRAFT_FROM_QUOTE, {"id": accepted["id"]}, billing.finance, "draftInvoiceFromQuote")
    assert draft["errors"] == [], draft["errors"]
    issued = await call(client, ISSUE, {"id": draft["invoice"]["id"], "version": draft["invoice"]["version"]},
                        billing.finance, "issueInvoice")  # fmt: skip
    assert issued["errors"] == [], issued["errors"]
    return issued["invoice"]
