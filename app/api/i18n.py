"""Language in the GraphQL layer: the `lang` argument, bilingual text for editors, localized fields."""

from __future__ import annotations

from enum import Enum
from typing import Any

import strawberry
from strawberry.types import Info

from app import i18n


@strawberry.enum(description="Language of localized text; English falls back to Vietnamese when missing.")
class Language(Enum):
    VI = "vi"
    EN = "en"


@strawberry.type(description="Both language versions of a text, for editors.")
class LocalizedText:
    vi: str
    en: str


def use_language(info: Info, lang: Language | None) -> None:
    """An explicit `lang` argument wins over Accept-Language for the whole response."""
    if lang is not None:
        info.context.lang = lang.value


def localized(info: Info, row: dict[str, Any], field: str) -> str:
    return i18n.localized(row, field, info.context.lang)


def both(row: dict[str, Any], field: str) -> LocalizedText:
    return LocalizedText(vi=str(row.get(f"{field}_vi") or ""), en=str(row.get(f"{field}_en") or ""))
