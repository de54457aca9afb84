"""Catalog staff mutations (catalog_manager or admin). Each returns a payload with `errors`."""

from __future__ import annotations

from datetime import date
from typing import Any

import strawberry
from strawberry.types import Info

from app.api.errors import UserError, attempt
from app.api.scalars import Vnd
from catalog import editing, enums, structure
from catalog.api.types import Audience, Category, Channel, Department, OnlineLevel, Plan, Service, Unit, VatRate
from catalog.inputs import (
    UNCHANGED,
    CategoryFields,
    ChannelTerms,
    PlanFields,
    PriceChange,
    RequiredDocument,
    ServiceFields,
)


@strawberry.input
class ChannelTermsInput:
    channel: Channel  # type: ignore[valid-type]
    processing_days: int
    fee_amount: Vnd = Vnd(0)


@strawberry.input
class RequiredDocumentInput:
    name_vi: str
    name_en: str = ""
    copies: int = 1
    mandatory: bool = True


@strawberry.input(
    description="Service fields. On create, code, nameVi, categoryCode, departmentCode, audiences "
    "and channels are required; on update, omitted fields stay as they are."
)
class ServiceInput:
    code: str | None = None
    slug: str | None = None
    category_code: str | None = None
    department_code: str | None = None
    name_vi: str | None = None
    name_en: str | None = None
    summary_vi: str | None = None
    summary_en: str | None = None
    description_vi: str | None = None
    description_en: str | None = None
    audiences: list[Audience] | None = None  # type: ignore[valid-type]
    online_level: OnlineLevel | None = None  # type: ignore[valid-type]
    channels: list[ChannelTermsInput] | None = None
    required_documents: list[RequiredDocumentInput] | None = None
    legal_basis_vi: str | None = None
    legal_basis_en: str | None = None
    tags: list[str] | None = None

    def to_fields(self) -> ServiceFields:
        return ServiceFields(
            code=self.code,
            slug=self.slug,
            category_code=self.category_code,
            department_code=self.department_code,
            name_vi=self.name_vi,
            name_en=self.name_en,
            summary_vi=self.summary_vi,
            summary_en=self.summary_en,
            description_vi=self.description_vi,
            description_en=self.description_en,
            audiences=[enums.Audience(a) for a in self.audiences] if self.audiences is not None else None,
            online_level=enums.OnlineLevel(self.online_level) if self.online_level else None,
            channels=[ChannelTerms(enums.Channel(c.channel), c.processing_days, c.fee_amount) for c in self.channels]
            if self.channels is not None
            else None,
            required_documents=[
                RequiredDocument(d.name_vi, d.name_en, d.copies, d.mandatory) for d in self.required_documents
            ]
            if self.required_documents is not None
            else None,
            legal_basis_vi=self.legal_basis_vi,
            legal_basis_en=self.legal_basis_en,
            tags=self.tags,
        )


@strawberry.input(
    description="A price from a date (default today). Past dates are refused: history is never rewritten."
)
class PriceInput:
    amount: Vnd
    vat_rate: VatRate  # type: ignore[valid-type]
    effective_from: date | None = None

    def to_change(self) -> PriceChange:
        return PriceChange(self.amount, self.vat_rate, self.effective_from)


@strawberry.input
class PlanInput:
    code: str | None = None
    name_vi: str | None = None
    name_en: str | None = None
    unit: Unit | None = None  # type: ignore[valid-type]
    min_quantity: int | None = None
    position: int | None = None

    def to_fields(self) -> PlanFields:
        return PlanFields(
            self.code, self.name_vi, self.name_en, enums.Unit(self.unit) if self.unit else None,
            self.min_quantity, self.position,
        )  # fmt: skip


@strawberry.input(
    description="A new category. code and nameVi are required; the slug is made from nameVi when omitted; "
    "without parentCode it is a top-level category; without position it goes after its siblings."
)
class CategoryInput:
    code: str | None = None
    slug: str | None = None
    name_vi: str | None = None
    name_en: str | None = None
    description_vi: str | None = None
    description_en: str | None = None
    parent_code: str | None = None
    position: int | None = None

    def to_fields(self) -> CategoryFields:
        return CategoryFields(
            code=self.code, slug=self.slug, name_vi=self.name_vi, name_en=self.name_en,
            description_vi=self.description_vi, description_en=self.description_en,
            parent_code=self.parent_code, position=self.position,
        )  # fmt: skip


@strawberry.input(
    description="Changes to a category; omitted fields stay as they are (the code never changes). "
    "parentCode: another category's code to move under it, or null to move to the top level; "
    "a move without position puts the category after its new siblings."
)
class CategoryChangesInput:
    slug: str | None = None
    name_vi: str | None = None
    name_en: str | None = None
    description_vi: str | None = None
    description_en: str | None = None
    parent_code: str | None = strawberry.UNSET
    position: int | None = None

    def to_fields(self) -> CategoryFields:
        return CategoryFields(
            slug=self.slug, name_vi=self.name_vi, name_en=self.name_en,
            description_vi=self.description_vi, description_en=self.description_en,
            parent_code=UNCHANGED if self.parent_code is strawberry.UNSET else self.parent_code,
            position=self.position,
        )  # fmt: skip


@strawberry.type
class CategoryPayload:
    category: Category | None
    errors: list[UserError]


@strawberry.type
class DeleteCategoryPayload:
    deleted_code: str | None = strawberry.field(description="The code of the deleted category.")
    errors: list[UserError]


@strawberry.type
class DepartmentPayload:
    department: Department | None
    errors: list[UserError]


@strawberry.type
class ServicePayload:
    service: Service | None
    errors: list[UserError]


@strawberry.type
class PlanPayload:
    plan: Plan | None
    errors: list[UserError]


def _service(row: object, errors: list[UserError]) -> ServicePayload:
    return ServicePayload(service=Service(row=row) if row else None, errors=errors)  # type: ignore[arg-type]


def _plan(row: object, errors: list[UserError]) -> PlanPayload:
    return PlanPayload(plan=Plan(row=row) if row else None, errors=errors)  # type: ignore[arg-type]


@strawberry.type
class CatalogMutation:
    @strawberry.mutation(description="Create a service as a draft.")
    async def create_service(self, info: Info, input: ServiceInput) -> ServicePayload:
        return _service(*await attempt(info, lambda: editing.create_service(info.context.principal, input.to_fields())))

    @strawberry.mutation(description="Edit a service; `version` must be the one you read.")
    async def update_service(self, info: Info, code: str, version: int, input: ServiceInput) -> ServicePayload:
        principal = info.context.principal
        return _service(
            *await attempt(info, lambda: editing.update_service(principal, code, version, input.to_fields()))
        )

    @strawberry.mutation(description="Publish a draft or retired service (it needs a priced plan).")
    async def publish_service(self, info: Info, code: str, version: int) -> ServicePayload:
        principal = info.context.principal
        target = enums.ServiceStatus.PUBLISHED
        return _service(*await attempt(info, lambda: editing.change_status(principal, code, version, target)))

    @strawberry.mutation(description="Retire a service: hidden from the public, kept for history.")
    async def retire_service(self, info: Info, code: str, version: int) -> ServicePayload:
        principal = info.context.principal
        target = enums.ServiceStatus.RETIRED
        return _service(*await attempt(info, lambda: editing.change_status(principal, code, version, target)))

    @strawberry.mutation(description="Add a plan (price tier) with its first price.")
    async def add_plan(self, info: Info, service_code: str, input: PlanInput, price: PriceInput) -> PlanPayload:
        principal = info.context.principal
        return _plan(
            *await attempt(
                info, lambda: editing.add_plan(principal, service_code, input.to_fields(), price.to_change())
            )
        )

    @strawberry.mutation(description="Rename or re-describe a plan (prices change through schedulePriceChange).")
    async def update_plan(self, info: Info, plan_id: strawberry.ID, input: PlanInput) -> PlanPayload:
        principal = info.context.principal
        return _plan(*await attempt(info, lambda: editing.update_plan(principal, _id(plan_id), input.to_fields())))

    @strawberry.mutation
    async def retire_plan(self, info: Info, plan_id: strawberry.ID) -> PlanPayload:
        principal, status = info.context.principal, enums.PlanStatus.RETIRED
        return _plan(*await attempt(info, lambda: editing.set_plan_status(principal, _id(plan_id), status)))

    @strawberry.mutation
    async def reactivate_plan(self, info: Info, plan_id: strawberry.ID) -> PlanPayload:
        principal, status = info.context.principal, enums.PlanStatus.ACTIVE
        return _plan(*await attempt(info, lambda: editing.set_plan_status(principal, _id(plan_id), status)))

    @strawberry.mutation(description="A new price from a date (today or later); earlier prices are kept.")
    async def schedule_price_change(self, info: Info, plan_id: strawberry.ID, price: PriceInput) -> PlanPayload:
        principal = info.context.principal
        return _plan(*await attempt(info, lambda: editing.schedule_price(principal, _id(plan_id), price.to_change())))

    @strawberry.mutation(description="Withdraw a price change that has not taken effect yet.")
    async def cancel_price_change(self, info: Info, plan_id: strawberry.ID, effective_from: date) -> PlanPayload:
        principal = info.context.principal
        return _plan(
            *await attempt(info, lambda: editing.cancel_scheduled_price(principal, _id(plan_id), effective_from))
        )

    @strawberry.mutation(description="Add a category to the tree (catalog managers).")
    async def create_category(self, info: Info, input: CategoryInput) -> CategoryPayload:
        principal = info.context.principal
        row, errors = await attempt(info, lambda: structure.create_category(principal, input.to_fields()))
        return _category(info, row, errors)

    @strawberry.mutation(description="Rename, re-describe, move or reorder a category (catalog managers).")
    async def update_category(self, info: Info, code: str, input: CategoryChangesInput) -> CategoryPayload:
        principal = info.context.principal
        row, errors = await attempt(info, lambda: structure.update_category(principal, code, input.to_fields()))
        return _category(info, row, errors)

    @strawberry.mutation(description="Delete a category without sub-categories and services (catalog managers).")
    async def delete_category(self, info: Info, code: str) -> DeleteCategoryPayload:
        principal = info.context.principal
        deleted, errors = await attempt(info, lambda: structure.delete_category(principal, code))
        if deleted is not None:
            info.context.loaders.catalog.categories_changed()
        return DeleteCategoryPayload(deleted_code=deleted, errors=errors)

    @strawberry.mutation(description="Add a department of the center (admins). Departments are never deleted.")
    async def create_department(
        self, info: Info, code: str, name_vi: str, name_en: str | None = None
    ) -> DepartmentPayload:
        principal = info.context.principal
        row, errors = await attempt(info, lambda: structure.create_department(principal, code, name_vi, name_en))
        return _department(info, row, errors)

    @strawberry.mutation(description="Rename a department (admins); omitted names stay. Its code never changes.")
    async def update_department(
        self, info: Info, code: str, name_vi: str | None = None, name_en: str | None = None
    ) -> DepartmentPayload:
        principal = info.context.principal
        row, errors = await attempt(info, lambda: structure.update_department(principal, code, name_vi, name_en))
        return _department(info, row, errors)


def _category(info: Info, row: dict[str, Any] | None, errors: list[UserError]) -> CategoryPayload:
    if row is None:
        return CategoryPayload(category=None, errors=errors)
    info.context.loaders.catalog.categories_changed()  # the tree this request may have read is stale
    return CategoryPayload(category=Category(row=row), errors=errors)


def _department(info: Info, row: dict[str, Any] | None, errors: list[UserError]) -> DepartmentPayload:
    if row is None:
        return DepartmentPayload(department=None, errors=errors)
    info.context.loaders.catalog.departments_changed()
    return DepartmentPayload(department=Department(row=row), errors=errors)


def _id(value: strawberry.ID) -> int:
    """Ids are opaque to clients; a malformed one simply matches nothing."""
    text = str(value)
    return int(text) if text.isdigit() and len(text) < 18 else -1
