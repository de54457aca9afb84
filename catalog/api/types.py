"""GraphQL types of the catalog, named as in the SDL. Each wraps a repository row."""

from __future__ import annotations

from datetime import date, datetime
from enum import Enum
from typing import Any

import strawberry
from strawberry.types import Info

from app import clock
from app.api.i18n import LocalizedText, localized
from app.api.scalars import Vnd
from app.money import VatRate
from catalog import enums
from catalog.browse import can_manage
from catalog.enums import Audience, Channel, OnlineLevel, PlanStatus, ServiceStatus, Unit
from catalog.pricing import Price as PriceValue
from catalog.pricing import price_history, price_in_force, scheduled_prices

# The domain's enums are the GraphQL enums: registered once here with their descriptions.
strawberry.enum(Audience, description="Who may use a service.")
strawberry.enum(Channel, description="How a request reaches the center.")
strawberry.enum(OnlineLevel, description="Decree 42/2022: full or partial online service.")
strawberry.enum(ServiceStatus)
strawberry.enum(PlanStatus)
strawberry.enum(Unit, description="The unit a plan's price is quoted per.")


@strawberry.enum
class ServiceSort(Enum):
    NAME = "NAME"
    CODE = "CODE"
    PRICE_ASC = "PRICE_ASC"
    PRICE_DESC = "PRICE_DESC"


@strawberry.type
class Department:
    row: strawberry.Private[dict[str, Any]]

    @strawberry.field
    def code(self) -> str:
        return str(self.row["code"])

    @strawberry.field
    def name(self, info: Info) -> str:
        return localized(info, self.row, "name")

    @strawberry.field(description="Both language versions of the name.")
    def names(self) -> LocalizedText:
        return LocalizedText(vi=self.row["name_vi"], en=self.row["name_en"])


@strawberry.type
class Category:
    row: strawberry.Private[dict[str, Any]]

    @strawberry.field
    def code(self) -> str:
        return str(self.row["code"])

    @strawberry.field
    def slug(self) -> str:
        return str(self.row["slug"])

    @strawberry.field
    def name(self, info: Info) -> str:
        return localized(info, self.row, "name")

    @strawberry.field(description="Both language versions of the name.")
    def names(self) -> LocalizedText:
        return LocalizedText(vi=self.row["name_vi"], en=self.row["name_en"])

    @strawberry.field
    def description(self, info: Info) -> str:
        return localized(info, self.row, "description")

    @strawberry.field(description="Order among its siblings (ascending; equal positions by code).")
    def position(self) -> int:
        return int(self.row["position"])

    @strawberry.field
    async def parent(self, info: Info) -> Category | None:
        if self.row["parent"] is None:
            return None
        row = await info.context.loaders.catalog.category(self.row["parent"])
        return Category(row=row) if row else None

    @strawberry.field
    async def children(self, info: Info) -> list[Category]:
        rows = await info.context.loaders.catalog.categories()
        return [Category(row=row) for row in rows if row["parent"] == self.row["id"]]


@strawberry.type(description="A price from a date, before VAT, with the VAT of one unit.")
class Price:
    value: strawberry.Private[PriceValue]

    @strawberry.field(description="Price of one unit before VAT, in đồng.")
    def amount(self) -> Vnd:
        return Vnd(self.value.amount)

    @strawberry.field
    def vat_rate(self) -> VatRate:
        return self.value.vat_rate

    @strawberry.field(description="As printed on an e-invoice: 10%, 8%, KCT…")
    def vat_label(self) -> str:
        return self.value.vat_rate.invoice_label

    @strawberry.field(description="VAT of one unit, rounded half up to the đồng.")
    def vat_amount(self) -> Vnd:
        return Vnd(self.value.vat_amount)

    @strawberry.field
    def amount_with_vat(self) -> Vnd:
        return Vnd(self.value.amount_with_vat)

    @strawberry.field
    def effective_from(self) -> date:
        return self.value.effective_from


@strawberry.type
class Plan:
    row: strawberry.Private[dict[str, Any]]

    @strawberry.field(description="Plan id, used by staff mutations.")
    def id(self) -> strawberry.ID:
        return strawberry.ID(str(self.row["id"]))

    @strawberry.field
    def code(self) -> str:
        return str(self.row["code"])

    @strawberry.field
    def name(self, info: Info) -> str:
        return localized(info, self.row, "name")

    @strawberry.field
    def unit(self) -> Unit:
        return enums.Unit(self.row["unit"])

    @strawberry.field
    def min_quantity(self) -> int:
        return int(self.row["min_quantity"])

    @strawberry.field
    def status(self) -> PlanStatus:
        return enums.PlanStatus(self.row["status"])

    @strawberry.field(description="The price in force today (Asia/Ho_Chi_Minh).")
    async def price(self, info: Info) -> Price | None:
        rows = await info.context.loaders.catalog.prices.load(self.row["id"])
        current = price_in_force(rows, clock.local_today())
        return Price(value=current) if current else None

    @strawberry.field(description="Announced changes that take effect after today.")
    async def scheduled_prices(self, info: Info) -> list[Price]:
        rows = await info.context.loaders.catalog.prices.load(self.row["id"])
        return [Price(value=p) for p in scheduled_prices(rows, clock.local_today())]

    @strawberry.field(description="Every price this plan has had or will have (catalog staff only).")
    async def price_history(self, info: Info) -> list[Price]:
        if not can_manage(info.context.principal):
            return []
        rows = await info.context.loaders.catalog.prices.load(self.row["id"])
        return [Price(value=p) for p in price_history(rows)]


@strawberry.type(description="Processing time and fee of a service through one channel.")
class ServiceChannel:
    row: strawberry.Private[dict[str, Any]]

    @strawberry.field
    def channel(self) -> Channel:
        return enums.Channel(self.row["channel"])

    @strawberry.field(description="Processing time in working days.")
    def processing_days(self) -> int:
        return int(self.row["processing_days"])

    @strawberry.field(description="Fee charged for this channel, in đồng.")
    def fee_amount(self) -> Vnd:
        return Vnd(int(self.row["fee_amount"]))


@strawberry.type
class RequiredDocument:
    row: strawberry.Private[dict[str, Any]]

    @strawberry.field
    def name(self, info: Info) -> str:
        return localized(info, self.row, "name")

    @strawberry.field
    def copies(self) -> int:
        return int(self.row.get("copies", 1))

    @strawberry.field
    def mandatory(self) -> bool:
        return bool(self.row.get("mandatory", True))


_CHANNEL_ORDER = {channel.value: index for index, channel in enumerate(enums.Channel)}


@strawberry.type
class Service:
    row: strawberry.Private[dict[str, Any]]

    @strawberry.field
    def code(self) -> str:
        return str(self.row["code"])

    @strawberry.field
    def slug(self) -> str:
        return str(self.row["slug"])

    @strawberry.field
    def name(self, info: Info) -> str:
        return localized(info, self.row, "name")

    @strawberry.field(description="Both language versions of the name.")
    def names(self) -> LocalizedText:
        return LocalizedText(vi=self.row["name_vi"], en=self.row["name_en"])

    @strawberry.field
    def summary(self, info: Info) -> str:
        return localized(info, self.row, "summary")

    @strawberry.field
    def description(self, info: Info) -> str:
        return localized(info, self.row, "description")

    @strawberry.field
    def legal_basis(self, info: Info) -> str:
        return localized(info, self.row, "legal_basis")

    @strawberry.field
    def audiences(self) -> list[Audience]:
        return [a for a in enums.Audience if self.row[f"for_{a.value}"]]

    @strawberry.field
    def online_level(self) -> OnlineLevel:
        return enums.OnlineLevel(self.row["online_level"])

    @strawberry.field
    def status(self) -> ServiceStatus:
        return enums.ServiceStatus(self.row["status"])

    @strawberry.field
    def tags(self) -> list[str]:
        return list(self.row["tags"] or [])

    @strawberry.field(description="Increases with every edit; give it back to edit (optimistic concurrency).")
    def version(self) -> int:
        return int(self.row["version"])

    @strawberry.field
    def published_at(self) -> datetime | None:
        return self.row["published_at"]

    @strawberry.field
    def updated_at(self) -> datetime:
        return self.row["updated_at"]

    @strawberry.field
    def required_documents(self) -> list[RequiredDocument]:
        return [RequiredDocument(row=doc) for doc in self.row["required_documents"] or []]

    @strawberry.field
    async def category(self, info: Info) -> Category:
        row = await info.context.loaders.catalog.category(self.row["category"])
        return Category(row=row)

    @strawberry.field
    async def department(self, info: Info) -> Department:
        row = await info.context.loaders.catalog.department.load(self.row["department"])
        return Department(row=row)

    @strawberry.field(description="Processing time and fee per channel.")
    async def channels(self, info: Info) -> list[ServiceChannel]:
        rows = await info.context.loaders.catalog.channels.load(self.row["id"])
        return [ServiceChannel(row=r) for r in sorted(rows, key=lambda r: _CHANNEL_ORDER[r["channel"]])]

    @strawberry.field(description="Price tiers; retired ones only for catalog staff who ask for them.")
    async def plans(self, info: Info, include_retired: bool = False) -> list[Plan]:
        loaders = info.context.loaders.catalog
        loader = loaders.all_plans if include_retired and can_manage(info.context.principal) else loaders.active_plans
        return [Plan(row=row) for row in await loader.load(self.row["id"])]
