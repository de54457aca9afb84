"""Catalog queries: thin resolvers over catalog.browse."""

from __future__ import annotations

import strawberry
from strawberry.types import Info

from app.api.i18n import Language, use_language
from app.api.pagination import Connection
from app.api.scalars import Vnd
from catalog import browse
from catalog.api.types import Category, Department, Service, ServiceSort
from catalog.enums import ServiceStatus


@strawberry.input(description="Filters of the service list; all given filters must match.")
class ServiceFilter(browse.ServiceSearch):
    category: str | None = strawberry.field(default=None, description="Category code; includes its sub-categories.")
    department: str | None = strawberry.field(default=None, description="Department code, e.g. HTS.")
    min_price: Vnd | None = strawberry.field(
        default=None, description="Some active plan costs at least this much today (before VAT)."
    )
    max_price: Vnd | None = strawberry.field(
        default=None, description="Some active plan costs at most this much today (before VAT)."
    )
    text: str | None = strawberry.field(
        default=None,
        description='Words to find, diacritics ignored: "dao tao an toan" finds "Đào tạo an toàn…".',
    )
    statuses: list[ServiceStatus] | None = strawberry.field(
        default=None, description="Catalog staff only; the public sees published services."
    )


@strawberry.type
class CatalogQuery:
    @strawberry.field(description="Published services, filtered, sorted and paginated (first ≤ 100).")
    async def services(
        self,
        info: Info,
        filter: ServiceFilter | None = None,
        sort: ServiceSort = ServiceSort.NAME,
        first: int | None = None,
        after: str | None = None,
        lang: Language | None = None,
    ) -> Connection[Service]:
        use_language(info, lang)
        search = filter or browse.ServiceSearch()
        page = await browse.search_services(info.context.principal, search, sort.value, first, after)
        return Connection.of(page, lambda row: Service(row=row))

    @strawberry.field(description="One service by code or slug; null when unknown or not published.")
    async def service(
        self, info: Info, code: str | None = None, slug: str | None = None, lang: Language | None = None
    ) -> Service | None:
        use_language(info, lang)
        row = await browse.get_service(info.context.principal, code, slug)
        return Service(row=row) if row else None

    @strawberry.field(description="The category tree: top-level categories with their children.")
    async def categories(self, info: Info, lang: Language | None = None) -> list[Category]:
        use_language(info, lang)
        browse.require_catalog_read(info.context.principal)
        rows = await info.context.loaders.catalog.categories()
        return [Category(row=row) for row in rows if row["parent"] is None]

    @strawberry.field(description="The center's departments.")
    async def departments(self, info: Info, lang: Language | None = None) -> list[Department]:
        use_language(info, lang)
        return [Department(row=row) for row in await browse.departments(info.context.principal)]
