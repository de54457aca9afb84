"""Bilingual text: Vietnamese always, English where given (English falls back to Vietnamese)."""

from __future__ import annotations

from typing import Any

LANGUAGES = ("vi", "en")


def localized(row: dict[str, Any], field: str, lang: str) -> str:
    """`row[field_en]` in English when it is not empty, else `row[field_vi]`."""
    if lang == "en" and row.get(f"{field}_en"):
        return str(row[f"{field}_en"])
    return str(row.get(f"{field}_vi") or "")


def negotiate_language(header: str | None) -> str:
    """Best of vi/en by the Accept-Language q-values; Vietnamese when nothing matches."""
    best, best_q = "vi", -1.0
    for part in (header or "").split(","):
        tag, _, params = part.strip().partition(";")
        lang = tag.strip().lower().split("-")[0]
        if lang not in LANGUAGES:
            continue
        q = 1.0
        if params.strip().startswith("q="):
            try:
                q = float(params.strip()[2:])
            except ValueError:
                q = 0.0
        if q > best_q:
            best, best_q = lang, q
    return best
