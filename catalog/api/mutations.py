"""Catalog staff mutations (catalog_manager or admin). Each returns a payload with `errors`."""

from __future__ import annotations

from datetime import date
from typing import Any

import strawberry
from strawberry.types import Info

from app.api.errors import UserError, attempt
from app.api.scalars import Vnd
from catalog import editing, structure
from catalog.api.types import Category, Department, Plan, Service
from catalog.enums import PlanAction, ServiceAction
from catalog.inputs import (
    CategoryChanges,
    CategoryFields,
    ChannelTerms,
    PlanFields,
    PriceChange,
    RequiredDocument,
    ServiceFields,
)

# Each input IS the domain's dataclass (a subclass), so its fields are written once; only what GraphQL
# spells differently (money as Vnd, nested inputs, descriptions) is declared again.


@strawberry.input
class ChannelTermsInput(ChannelTerms):
    fee_amount: Vnd = Vnd(0)


@strawberry.input
class RequiredDocumentInput(RequiredDocument):
    pass


@strawberry.input(
    description="Service fields. On create, code, nameVi, categoryCode, departmentCode, audiences "
    "and channels are required; on update, omitted fields stay as they are."
)
class ServiceInput(ServiceFields):
    channels: list[ChannelTermsInput] | None = None
    required_documents: list[RequiredDocumentInput] | None = None


@strawberry.input(
    description="A price from a date (default today). Past dates are refused: history is never rewritten."
)
class PriceInput(PriceChange):
    amount: Vnd


@strawberry.input
class PlanInput(PlanFields):
    pass


@strawberry.input(
    description="A new category. code and nameVi are required; the slug is made from nameVi when omitted; "
    "without parentCode it is a top-level category; without position it goes after its siblings."
)
class CategoryInput(CategoryFields):
    parent_code: str | None = None


@strawberry.input(
    description="Changes to a category; omitted fields stay as they are (the code never changes). "
    "parentCode: another category's code to move under it, or null to move to the top level; "
    "a move without position puts the category after its new siblings."
)
class CategoryChangesInput(CategoryChanges):
    parent_code: str | None = strawberry.UNSET


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
        return _service(*await attempt(info, lambda: editing.create_service(info.context.principal, input)))

    @strawberry.mutation(description="Edit a service; `version` must be the one you read.")
    async def update_service(self, info: Info, code: str, version: int, input: ServiceInput) -> ServicePayload:
        principal = info.context.principal
        return _service(*await attempt(info, lambda: editing.update_service(principal, code, version, input)))

    @strawberry.mutation(description="Publish a draft or retired service (it needs a priced plan).")
    async def publish_service(self, info: Info, code: str, version: int) -> ServicePayload:
        principal = info.context.principal
        action = ServiceAction.PUBLISH
        return _service(*await attempt(info, lambda: editing.change_status(principal, code, version, action)))

    @strawberry.mutation(description="Retire a service: hidden from the public, kept for history.")
    async def retire_service(self, info: Info, code: str, version: int) -> ServicePayload:
        principal = info.context.principal
        action = ServiceAction.RETIRE
        return _service(*await attempt(info, lambda: editing.change_status(principal, code, version, action)))

    @strawberry.mutation(description="Add a plan (price tier) with its first price.")
    async def add_plan(self, info: Info, service_code: str, input: PlanInput, price: PriceInput) -> PlanPayload:
        principal = info.context.principal
        return _plan(*await attempt(info, lambda: editing.add_plan(principal, service_code, input, price)))

    @strawberry.mutation(description="Rename or re-describe a plan (prices change through schedulePriceChange).")
    async def update_plan(self, info: Info, plan_id: strawberry.ID, input: PlanInput) -> PlanPayload:
        principal = info.context.principal
        return _plan(*await attempt(info, lambda: editing.update_plan(principal, plan_id, input)))

    @strawberry.mutation
    async def retire_plan(self, info: Info, plan_id: strawberry.ID) -> PlanPayload:
        principal, action = info.context.principal, PlanAction.RETIRE
        return _plan(*await attempt(info, lambda: editing.set_plan_status(principal, plan_id, action)))

    @strawberry.mutation
    async def reactivate_plan(self, info: Info, plan_id: strawberry.ID) -> PlanPayload:
        principal, action = info.context.principal, PlanAction.REACTIVATE
        return _plan(*await attempt(info, lambda: editing.set_plan_status(principal, plan_id, action)))

    @strawberry.mutation(description="A new price from a date (today or later); earlier prices are kept.")
    async def schedule_price_change(self, info: Info, plan_id: strawberry.ID, price: PriceInput) -> PlanPayload:
        principal = info.context.principal
        return _plan(*await attempt(info, lambda: editing.schedule_price(principal, plan_id, price)))

    @strawberry.mutation(description="Withdraw a price change that has not taken effect yet.")
    async def cancel_price_change(self, info: Info, plan_id: strawberry.ID, effective_from: date) -> PlanPayload:
        principal = info.context.principal
        return _plan(*await attempt(info, lambda: editing.cancel_scheduled_price(principal, plan_id, effective_from)))

    @strawberry.mutation(description="Add a category to the tree (catalog managers).")
    async def create_category(self, info: Info, input: CategoryInput) -> CategoryPayload:
        principal = info.context.principal
        row, errors = await attempt(info, lambda: structure.create_category(principal, input))
        return _category(info, row, errors)

    @strawberry.mutation(description="Rename, re-describe, move or reorder a category (catalog managers).")
    async def update_category(self, info: Info, code: str, input: CategoryChangesInput) -> CategoryPayload:
        principal = info.context.principal
        row, errors = await attempt(info, lambda: structure.update_category(principal, code, input))
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
