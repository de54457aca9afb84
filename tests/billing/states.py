"""Billing and project states the authorization matrices aim at, each made through the API by the
people who make it in real life (the citizen submits, the operator receives and quotes, the customer
accepts, finance drafts and issues…). Each call makes a new one, so that every allowed caller of a
matrix row gets a target of its own and no allowed call gets in another's way."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from app import clock
from catalog.tables import Category, Department
from tests.matrix import ERR, World
from tests.projects.helpers import CREATE_PROJECT, MOVE_MILESTONE, PLAN, project_input
from tests.requests.helpers import ADD_STAFF, guest_link
from tests.support import Api

GUEST_EMAIL = "hoa@example.vn"
GUEST = f"guest:{GUEST_EMAIL}"  # a guest's steps are audited under the guest's contact e-mail
UNIT_AMOUNT, QUANTITY = 1_200_000, 2  # a quote and its invoice: 2,400,000 + VAT 10% = 2,640,000 đồng
TOTAL = 2_640_000

_SUBMIT = (
    f"mutation ($input: SubmitRequestInput!) {{ submitServiceRequest(input: $input) {{ request {{ code }} {ERR} }} }}"
)
_RECEIVE = f"mutation ($code: String!) {{ transitionServiceRequest(code: $code, action: RECEIVE) {{ request {{ code }} {ERR} }} }}"
_QUOTE = f"mutation ($code: String!) {{ createQuote(requestCode: $code, input: {{}}) {{ quote {{ id }} {ERR} }} }}"
_ACCEPT = f"mutation ($id: ID!) {{ acceptQuote(id: $id) {{ quote {{ id }} {ERR} }} }}"
_ACCEPT_AS_GUEST = (
    f"mutation ($token: String!, $id: ID!) {{ acceptQuoteAsGuest(token: $token, id: $id) {{ quote {{ id }} {ERR} }} }}"
)
_DRAFT = f"mutation ($id: ID!) {{ draftInvoiceFromQuote(quoteId: $id) {{ invoice {{ id version paymentReference }} {ERR} }} }}"
_ISSUE = f"mutation ($id: ID!, $version: Int!) {{ issueInvoice(id: $id, version: $version) {{ invoice {{ id version paymentReference }} {ERR} }} }}"
_CANCEL = f'mutation ($id: ID!, $version: Int!) {{ cancelInvoiceDraft(id: $id, version: $version, reason: "Lập lại") {{ invoice {{ id }} {ERR} }} }}'
_TRANSFER = f"mutation ($id: ID!, $input: TransferInput!) {{ recordTransfer(invoiceId: $id, input: $input) {{ payment {{ id }} {ERR} }} }}"
_SERVICE = f"mutation ($input: ServiceInput!) {{ createService(input: $input) {{ service {{ code }} {ERR} }} }}"
_PLAN = f'mutation ($input: PlanInput!, $price: PriceInput!) {{ addPlan(serviceCode: "HTS-LT", input: $input, price: $price) {{ plan {{ id }} {ERR} }} }}'
_PUBLISH = f'mutation {{ publishService(code: "HTS-LT", version: 1) {{ service {{ code }} {ERR} }} }}'
_INVOICES_OF_MILESTONE = (
    "query ($code: String!) { project(code: $code) { milestones { id invoices { id version status } } } }"
)


async def ok(client: Api, world: World, caller: str, document: str, variables: dict[str, Any]) -> dict[str, Any]:
    """The one mutation of `document`, which must succeed; its payload."""
    result = await client.gql(document, variables, headers=world.headers[caller])
    [payload] = result.data.values()
    assert payload["errors"] == [], (document, payload["errors"])
    return payload


async def catalog(client: Api, world: World) -> None:
    """The department HTS with its operator, and one published service of it: cloud storage by the TB
    and month at 1,200,000 đồng, VAT 10%."""
    await Department.insert(Department(code="HTS", name_vi="Phòng Hạ tầng số", name_en="Digital Infrastructure"))
    await Category.insert(Category(code="DIEN-TOAN-DAM-MAY", slug="dien-toan-dam-may", name_vi="Điện toán đám mây"))
    await ok(client, world, "admin", ADD_STAFF, {"accountId": world.ids["operator"], "departmentCode": "HTS"})
    service = {
        "code": "HTS-LT", "nameVi": "Lưu trữ dữ liệu", "categoryCode": "DIEN-TOAN-DAM-MAY", "departmentCode": "HTS",
        "audiences": ["CITIZEN", "BUSINESS"], "onlineLevel": "FULL",
        "channels": [{"channel": "ONLINE", "processingDays": 2}],
    }  # fmt: skip
    await ok(client, world, "admin", _SERVICE, {"input": service})
    plan = {"code": "TB", "nameVi": "Theo TB", "unit": "MONTH"}
    price = {"amount": UNIT_AMOUNT, "vatRate": "RATE_10"}
    world.ids["plan"] = (await ok(client, world, "admin", _PLAN, {"input": plan, "price": price}))["plan"]["id"]
    await ok(client, world, "admin", _PUBLISH, {})


async def received_request(client: Api, world: World, guest: bool = False) -> str:
    """A request of the citizen (or of a guest, without an account), received by the operator; its code."""
    request = {"serviceCode": "HTS-LT", "planId": world.ids["plan"], "channel": "ONLINE", "quantity": QUANTITY}
    if guest:
        request |= {"contactName": "Lê Thị Hoa", "contactPhone": "0912345678", "contactEmail": GUEST_EMAIL}
    submitted = await ok(client, world, "anonymous" if guest else "citizen", _SUBMIT, {"input": request})
    code = submitted["request"]["code"]
    await ok(client, world, "operator", _RECEIVE, {"code": code})
    return code


async def sent_quote(client: Api, world: World, guest: bool = False) -> dict[str, str]:
    """A quote the operator sent for a new request: {"code", "quote", "token" (a guest's link)}."""
    code = await received_request(client, world, guest)
    made = await ok(client, world, "operator", _QUOTE, {"code": code})
    return {"code": code, "quote": made["quote"]["id"], "token": await guest_link(code) if guest else ""}


async def accepted_quote(client: Api, world: World, guest: bool = False) -> dict[str, str]:
    sent = await sent_quote(client, world, guest)
    if guest:
        await ok(client, world, "anonymous", _ACCEPT_AS_GUEST, {"token": sent["token"], "id": sent["quote"]})
    else:
        await ok(client, world, "citizen", _ACCEPT, {"id": sent["quote"]})
    return sent


async def draft_invoice(client: Api, world: World, guest: bool = False) -> dict[str, Any]:
    """Finance's draft of an accepted quote: {"id", "version", "paymentReference", "token"}."""
    accepted = await accepted_quote(client, world, guest)
    drafted = await ok(client, world, "finance", _DRAFT, {"id": accepted["quote"]})
    return {**drafted["invoice"], "token": accepted["token"]}


async def issued_invoice(client: Api, world: World, guest: bool = False) -> dict[str, Any]:
    draft = await draft_invoice(client, world, guest)
    issued = await ok(client, world, "finance", _ISSUE, {"id": draft["id"], "version": draft["version"]})
    return {**issued["invoice"], "token": draft["token"]}


async def transfer(client: Api, world: World) -> str:
    """A bank transfer paying an issued invoice in full, recorded by finance; the payment's id."""
    invoice = await issued_invoice(client, world)
    received = {"amount": TOTAL, "receivedOn": str(clock.local_today() - timedelta(days=1)), "bankReference": "FT1"}
    return (await ok(client, world, "finance", _TRANSFER, {"id": invoice["id"], "input": received}))["payment"]["id"]


async def project(client: Api, world: World, code: str, partner_id: str | None = None) -> list[dict[str, Any]]:
    """A PPP project of HTS managed by the project manager, on the four-milestone plan whose shares make
    100%; its milestones."""
    extra = {"partnerIds": [partner_id]} if partner_id else {}
    variables = {
        "input": project_input(code, **extra),
        "managerIds": [world.ids["project_manager"]],
        "milestones": PLAN,
    }
    return (await ok(client, world, "admin", CREATE_PROJECT, variables))["project"]["milestones"]


async def accept_milestone(client: Api, world: World, milestone: dict[str, Any]) -> None:
    """The manager starts and submits it; admin accepts it (never the one who submitted: four-eyes)."""
    for caller, to in (("project_manager", "IN_PROGRESS"), ("project_manager", "SUBMITTED"), ("admin", "ACCEPTED")):
        variables = {"id": milestone["id"], "version": milestone["version"], "to": to, "comment": "Đạt"}
        milestone = (await ok(client, world, caller, MOVE_MILESTONE, variables))["milestone"]


async def uninvoiced_milestones(client: Api, world: World, code: str, count: int) -> list[str]:
    """`count` accepted milestones of a new project with no live invoice: the draft made automatically on
    acceptance is cancelled, so that finance may draft again. Their ids."""
    milestones = [m for m in await project(client, world, code) if m["shareBasisPoints"]][:count]
    for milestone in milestones:
        await accept_milestone(client, world, milestone)
    shown = (await client.gql(_INVOICES_OF_MILESTONE, {"code": code}, headers=world.headers["finance"])).data
    invoices = {m["id"]: m["invoices"] for m in shown["project"]["milestones"]}
    for milestone in milestones:
        [draft] = invoices[milestone["id"]]
        await ok(client, world, "finance", _CANCEL, {"id": draft["id"], "version": draft["version"]})
    return [m["id"] for m in milestones]
