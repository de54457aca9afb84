"""Legal staff change the wording without a programmer: the shipped TOML files, a folder of the center's
own (DOCUMENT_TEXTS_DIR) that replaces them, and a broken file refused with a clear error."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest

from app.config import get_settings
from app.documents import parties, texts
from app.documents.store import jsonable
from app.errors import DomainError
from billing import contract_docx
from projects import appendix_docx, minutes_docx
from tests.billing.helpers import Billing, accepted_quote
from tests.documents.helpers import GENERATE_CONTRACT, PERSON, errors_of, fetched, generated, mutate
from tests.documents.reading import body_text, open_docx
from tests.support import Api, env_settings

MODULES = (contract_docx, appendix_docx, minutes_docx)


@pytest.fixture
def wording_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    folder = tmp_path / "wording"
    folder.mkdir()
    with env_settings(monkeypatch, DOCUMENT_TEXTS_DIR=str(folder)):
        yield folder


@pytest.mark.parametrize("module", MODULES, ids=lambda m: m.__name__)
def test_the_shipped_wording_loads_and_uses_only_known_placeholders(module: object) -> None:
    wording = module.load_texts()  # type: ignore[attr-defined]
    seller = parties.seller(get_settings()) | {"bank_account": "1", "bank_name": "B"}
    data = jsonable(module.sample(seller))  # type: ignore[attr-defined]
    if module is appendix_docx:
        values = appendix_docx.values_of(data, "01/PLHĐ-X", date(2026, 12, 1))
    else:
        values = module.values_of(data)  # type: ignore[attr-defined]
    used = set(re.findall(r"\{([a-z_]+)\}", str(wording)))
    assert used and used <= set(values), used - set(values)
    lines = module.TEXTS_FILE.read_text(encoding="utf-8").splitlines()  # type: ignore[attr-defined]
    header = "\n".join(line for line in lines if line.startswith("#"))
    assert set(re.findall(r"\{([a-z_]+)\}", header)) == set(values), "the header lists the names it may use"


async def test_the_centers_own_wording_replaces_the_shipped_one(
    client: Api, billing: Billing, seller_bank: None, wording_dir: Path
) -> None:
    accepted = await accepted_quote(client, billing.people)
    first = (await generated(client, GENERATE_CONTRACT, {"id": accepted["id"], "party": PERSON}, billing.finance,
                             "generateServiceContract"))["document"]  # fmt: skip
    shipped = contract_docx.TEXTS_FILE.read_text(encoding="utf-8")
    own = shipped.replace("mỗi bên giữ 02 (hai) bản", "Bên A giữ 01 (một) bản, Bên B giữ 03 (ba) bản")
    (wording_dir / contract_docx.TEXTS_FILE.name).write_text(own, encoding="utf-8")
    second = await generated(client, GENERATE_CONTRACT, {"id": accepted["id"]}, billing.finance,
                             "generateServiceContract")  # fmt: skip
    assert (second["created"], second["document"]["version"]) == (True, 2)
    text = body_text(open_docx(await fetched(client, second["document"], billing.people.customer)))
    assert any("Bên A giữ 01 (một) bản, Bên B giữ 03 (ba) bản" in p for p in text)
    assert second["document"]["sha256"] != first["sha256"]
    # a broken file: a clear error, no file, the earlier versions untouched
    (wording_dir / contract_docx.TEXTS_FILE.name).write_text('title = "HỢP ĐỒNG\n', encoding="utf-8")
    broken = await mutate(client, GENERATE_CONTRACT, {"id": accepted["id"]}, billing.finance, "generateServiceContract")
    assert errors_of(broken) == [(None, "DOCUMENT_TEXTS_INVALID")]
    assert broken["errors"][0]["messageEn"].startswith("The document wording file service_contract.toml is not valid")


def test_a_wording_file_without_what_the_document_needs_is_refused(wording_dir: Path) -> None:
    (wording_dir / "acceptance_minutes.toml").write_text('title = "BIÊN BẢN"\n', encoding="utf-8")
    with pytest.raises(DomainError) as refused:
        minutes_docx.load_texts()
    assert refused.value.message_en.endswith("'subtitle' is missing or not a str.")
    (wording_dir / "acceptance_minutes.toml").write_text(
        minutes_docx.TEXTS_FILE.read_text(encoding="utf-8").replace('insert = "payment"', 'insert = "tien"'),
        encoding="utf-8",
    )
    with pytest.raises(DomainError) as refused:
        minutes_docx.load_texts()
    assert "insert must be one of: comment, participants, payment, work" in refused.value.message_en
    assert texts.source(appendix_docx.TEXTS_FILE) == appendix_docx.TEXTS_FILE  # no own appendix: the shipped one
