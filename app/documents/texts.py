"""The fixed wording of each document (title, legal bases, articles, obligations, term, closing) lives in
TOML files that legal staff edit with any text editor: each domain ships its own under
<domain>/data/documents/, and a file of the same name in DOCUMENT_TEXTS_DIR replaces it (the center's own
wording, kept outside the code). Values are plain text; `{name}` placeholders are filled from the data
(each file lists the names it may use). A file that does not parse, or lacks what the document needs,
refuses the generation with DOCUMENT_TEXTS_INVALID naming the file and the key; nothing is rendered.

The wording is copied into each version's snapshot, so a document can always be rendered again exactly
as it was, and a change of wording makes the next generation a new version.
"""

from __future__ import annotations

import tomllib
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from app.config import get_settings
from app.errors import ValidationFailed


def _invalid(path: Path, detail_vi: str, detail_en: str) -> ValidationFailed:
    return ValidationFailed(
        "DOCUMENT_TEXTS_INVALID",
        f"Tệp nội dung văn bản {path.name} không hợp lệ: {detail_vi}",
        f"The document wording file {path.name} is not valid: {detail_en}",
        None,
    )


def source(default: Path) -> Path:
    """The file used: the center's own (DOCUMENT_TEXTS_DIR/<name>) when there is one, else the shipped one."""
    folder = get_settings().document_texts_dir
    if folder is not None and (folder / default.name).is_file():
        return folder / default.name
    return default


def load(default: Path, required: Mapping[str, type], inserts: frozenset[str] = frozenset()) -> dict[str, Any]:
    """The wording as a dict, checked: every `required` key present with its type; `articles` (if any) a
    list of tables with a `heading` string, an optional `text` string and an optional `insert` naming one
    of `inserts` (where the document puts a table or a block made from the data)."""
    path = source(default)
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError) as error:
        raise _invalid(path, "không đọc được tệp.", f"it cannot be read ({type(error).__name__}).") from None
    except tomllib.TOMLDecodeError as error:
        raise _invalid(path, f"sai cú pháp TOML ({error}).", f"it is not valid TOML ({error}).") from None
    for key, kind in required.items():
        strings = kind is list and key != "articles"  # lists of paragraphs; articles are checked below
        if not isinstance(data.get(key), kind) or (strings and not all(isinstance(v, str) for v in data[key])):
            expected = "danh sách chuỗi" if kind is list else "chuỗi"
            raise _invalid(path, f"thiếu '{key}' ({expected}).", f"'{key}' is missing or not a {kind.__name__}.")
    for index, article in enumerate(data.get("articles", [])):
        where = f"articles[{index}]"
        if not isinstance(article, dict) or not isinstance(article.get("heading"), str):
            raise _invalid(path, f"{where} cần 'heading'.", f"{where} needs a 'heading'.")
        if not isinstance(article.get("text", ""), str):
            raise _invalid(path, f"{where}.text phải là chuỗi.", f"{where}.text must be a string.")
        if article.get("insert") is not None and article["insert"] not in inserts:
            known = ", ".join(sorted(inserts))
            raise _invalid(
                path, f"{where}.insert phải là một trong: {known}.", f"{where}.insert must be one of: {known}."
            )
    return data


def paragraphs(text: str) -> list[str]:
    """A text value as paragraphs: one per non-empty line."""
    return [line.strip() for line in text.splitlines() if line.strip()]
