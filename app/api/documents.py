"""GraphQL types of generated documents (the kernel's: each domain links them from its own types and
mutations) and a per-request loader of the documents of subjects."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import strawberry
from strawberry.dataloader import DataLoader

from app.api.errors import UserError
from app.documents import DocumentKind, parties, store

strawberry.enum(DocumentKind, description="Which paper: a service contract, a project appendix, acceptance minutes.")
strawberry.enum(parties.PartyKind, name="ContractPartyKind", description="An organization or an individual.")


@strawberry.type(
    description="One version of a generated Word document. Download it at `downloadPath` with the same "
    "credentials (a guest adds `?token=` with the request's secret link)."
)
class ContractDocument:
    row: strawberry.Private[dict[str, Any]]

    @strawberry.field
    def id(self) -> strawberry.ID:
        return strawberry.ID(str(self.row["id"]))

    @strawberry.field
    def kind(self) -> DocumentKind:
        return DocumentKind(self.row["kind"])

    @strawberry.field(description="What it is about: quote, project or milestone.")
    def subject_type(self) -> str:
        return str(self.row["subject_type"])

    @strawberry.field
    def subject_id(self) -> strawberry.ID:
        return strawberry.ID(str(self.row["subject_id"]))

    @strawberry.field(description="1 for the first, then 2, 3… each made after a change of its data.")
    def version(self) -> int:
        return int(self.row["version"])

    @strawberry.field
    def title(self) -> str:
        return str(self.row["title"])

    @strawberry.field
    def filename(self) -> str:
        return str(self.row["filename"])

    @strawberry.field
    def media_type(self) -> str:
        return str(self.row["media_type"])

    @strawberry.field(description="Bytes.")
    def size(self) -> int:
        return int(self.row["size"])

    @strawberry.field(description="SHA-256 of the file, hexadecimal: the same data always gives the same hash.")
    def sha256(self) -> str:
        return str(self.row["sha256"])

    @strawberry.field(description="Who generated it: an e-mail, or system (after an acceptance).")
    def generated_by(self) -> str:
        return str(self.row["generated_by"])

    @strawberry.field
    def created_at(self) -> datetime:
        return self.row["created_at"]

    @strawberry.field(description="GET it with the same credentials: `/documents/{id}`.")
    def download_path(self) -> str:
        return store.download_path(int(self.row["id"]))


@strawberry.input(
    description="Details of Bên A as the contract shows them; omitted fields keep what is known (the "
    "customer's account, details given before), an empty string clears one."
)
class ContractPartyInput(parties.PartyFields):
    pass


@strawberry.type
class DocumentPayload:
    document: ContractDocument | None
    created: bool = strawberry.field(description="False when the latest version already had this data.")
    errors: list[UserError]


def payload(result: tuple[dict[str, Any], bool] | None, errors: list[UserError]) -> DocumentPayload:
    if result is None:
        return DocumentPayload(document=None, created=False, errors=errors)
    row, created = result
    return DocumentPayload(document=ContractDocument(row=row), created=created, errors=errors)


def documents(rows: list[dict[str, Any]]) -> list[ContractDocument]:
    return [ContractDocument(row=row) for row in rows]


class DocumentLoaders:
    """The documents of subjects, one query per subject type and request."""

    def __init__(self) -> None:
        self._by_type: dict[str, DataLoader[int, list[dict[str, Any]]]] = {}

    def of(self, subject_type: str) -> DataLoader[int, list[dict[str, Any]]]:
        if subject_type not in self._by_type:

            async def load(keys: list[int]) -> list[list[dict[str, Any]]]:
                grouped = await store.of_subjects(subject_type, keys)
                return [grouped.get(key, []) for key in keys]

            self._by_type[subject_type] = DataLoader(load_fn=load)
        return self._by_type[subject_type]
