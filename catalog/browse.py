"""Reading the catalog: search with filters, sort and keyset pages; one service; the category tree."""

# No `from __future__ import annotations` here: GraphQL inputs subclass this module's dataclasses, and
# strawberry would resolve string annotations of inherited fields in the subclass's module.
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from app import clock
from app.auth.enums import Role, Scope
from app.auth.principal import Principal
from app.errors import ValidationFailed, forbidden
from app.guards import holds, require_scope
from app.input import Checker, check_amount, clean_optional, lookup_code
from app.pagination import Page, decode_cursor, encode_cursor, page_size
from app.text import fold
from catalog import repository
from catalog.enums import Audience, Channel, ServiceStatus

MAX_SEARCH_WORDS = 10
_PUNCTUATION = ".,;:!?()[]\"'"
SORTS = ("NAME", "CODE", "PRICE_ASC", "PRICE_DESC")
_SORT_KEY_TYPES: dict[str, type] = {"NAME": str, "CODE": str, "PRICE_ASC": int, "PRICE_DESC": int}


@dataclass
class ServiceSearch:
    """Filters of the service list (the GraphQL `ServiceFilter` is this class); all given must match."""

    category: str | None = None
    audience: Audience | None = None
    department: str | None = None
    channel: Channel | None = None
    min_price: int | None = None
    max_price: int | None = None
    text: str | None = None
    statuses: list[ServiceStatus] | None = None  # staff only


def can_manage(principal: Principal) -> bool:
    return holds(principal, Role.CATALOG_MANAGER)


def require_catalog_read(principal: Principal) -> None:
    """Anyone may read the public catalog; a partner key must carry catalog:read."""
    require_scope(principal, Scope.CATALOG_READ)


def visible_statuses(principal: Principal, asked: Sequence[ServiceStatus] | None) -> tuple[ServiceStatus, ...]:
    if not asked:
        return (ServiceStatus.PUBLISHED,)
    if any(status is not ServiceStatus.PUBLISHED for status in asked) and not can_manage(principal):
        raise forbidden()
    return tuple(asked)


def _descendants(categories: list[dict[str, Any]], root_id: int) -> tuple[int, ...]:
    children: dict[int | None, list[int]] = {}
    for row in categories:
        children.setdefault(row["parent"], []).append(row["id"])
    found, stack = [], [root_id]
    while stack:
        current = stack.pop()
        found.append(current)
        stack.extend(children.get(current, []))
    return tuple(sorted(found))


async def _filter(principal: Principal, search: ServiceSearch) -> repository.ServiceFilter:
    c = Checker()
    words: tuple[str, ...] = ()
    text = c.check(clean_optional, search.text, "text", max_length=200)
    category = c.check(lookup_code, search.category, "category") if search.category is not None else None
    department = c.check(lookup_code, search.department, "department", 20) if search.department else None
    if text:
        # Punctuation around a word ("toan,") is not part of it; a word of punctuation only stays.
        words = tuple(dict.fromkeys(w.strip(_PUNCTUATION) or w for w in fold(text).split()))[:MAX_SEARCH_WORDS]
    for name in ("min_price", "max_price"):
        value = getattr(search, name)
        if value is not None:
            c.check(check_amount, value, "minPrice" if name == "min_price" else "maxPrice")
    if search.min_price is not None and search.max_price is not None and search.min_price > search.max_price:
        c.fail(
            "minPrice",
            "INVALID_RANGE",
            "Giá tối thiểu lớn hơn giá tối đa.",
            "The minimum price exceeds the maximum.",
        )
    c.done()
    category_ids = None
    if category is not None:
        categories = await repository.all_categories()
        match = next((row for row in categories if row["code"] == category), None)
        if match is None:
            raise ValidationFailed(
                "UNKNOWN_CATEGORY", "Không có nhóm dịch vụ này.", "There is no such category.", "category"
            )
        category_ids = _descendants(categories, match["id"])
    return repository.ServiceFilter(
        statuses=visible_statuses(principal, search.statuses),
        category_ids=category_ids,
        audience=search.audience,
        department_code=department,
        channel=search.channel,
        min_price=search.min_price,
        max_price=search.max_price,
        words=words,
    )


async def search_services(
    principal: Principal, search: ServiceSearch, sort: str, first: int | None, after: str | None
) -> Page[dict[str, Any]]:
    require_catalog_read(principal)
    limit = page_size(first)
    if sort not in SORTS:  # pragma: no cover - the GraphQL enum guards it
        raise ValueError(sort)
    key = decode_cursor(after, sort, _SORT_KEY_TYPES[sort]) if after is not None else None
    filters = await _filter(principal, search)
    today = clock.local_today()
    keys = await repository.service_page(filters, sort, today, key, limit + 1)
    has_next = len(keys) > limit
    keys = keys[:limit]
    rows = {row["id"]: row for row in await repository.services_by_ids([k["id"] for k in keys])}

    async def count() -> int:
        return await repository.count_services(filters, today)

    return Page(
        items=[rows[k["id"]] for k in keys],
        cursors=[encode_cursor(sort, k["k"], k["id"]) for k in keys],
        has_next_page=has_next,
        has_previous_page=after is not None,
        count=count,
    )


async def get_service(principal: Principal, code: str | None, slug: str | None) -> dict[str, Any] | None:
    """None when absent or not visible to the caller (drafts exist only for catalog staff)."""
    require_catalog_read(principal)
    if (code is None) == (slug is None):
        raise ValidationFailed(
            "ONE_OF_CODE_OR_SLUG",
            "Cần đúng một trong hai: mã hoặc slug.",
            "Give exactly one of code or slug.",
            "code",
        )
    row = (
        await repository.service_by("code", lookup_code(code))
        if code is not None
        else await repository.service_by("slug", lookup_code(slug or "", "slug", 120).lower())
    )
    if row is None or (row["status"] != ServiceStatus.PUBLISHED.value and not can_manage(principal)):
        return None
    return row


async def departments(principal: Principal) -> list[dict[str, Any]]:
    require_catalog_read(principal)
    return await repository.all_departments()
