"""The authorization matrix of contract documents: the three generations × every kind of caller, with
the outcome (the same callers and checks as tests/auth/test_authorization_matrix.py and billing's).

Each row builds one world and, for each caller allowed, a subject of its own (an accepted quote, a
project, an accepted milestone): generating again with the same data makes nothing, so allowed callers
never share one. Refused callers try the first allowed caller's subject, before anyone acts on it.
"""

from __future__ import annotations

from typing import Any

import pytest

from tests.billing.states import accept_milestone, accepted_quote, catalog, project
from tests.documents.helpers import COMPANY, PERSON
from tests.matrix import CALLERS, ERR, NF, NOWHERE, Call, F, U, World, check, people, refusals_on_nothing, snapshot
from tests.projects.helpers import NOW
from tests.support import Api

A = None  # allowed

# fmt: off
MATRIX: dict[str, tuple[str | None, ...]] = {
    #                           anonymous citizen business operator finance project_mgr catalog_mgr admin partner_key
    # finance, or an operator of the request's department (one of another department: NOT_FOUND, tests/documents)
    "generateServiceContract":   (U,       F,      F,       A,       A,      F,          F,          A,    F),
    # the project's managers (one who does not manage it: NOT_MANAGER_OF_PROJECT, tests/documents) and admin
    "generateProjectAppendix":   (U,       F,      F,       F,       F,      A,          F,          A,    F),
    "generateAcceptanceMinutes": (U,       F,      F,       F,       F,      A,          F,          A,    F),
}
# fmt: on
AUDITED: dict[str, list[str]] = {name: ["document.generate"] for name in MATRIX}
WRITES: dict[str, set[str]] = {name: {"document"} for name in MATRIX}  # and the file, under UPLOAD_DIR

RESULT = f"document {{ id kind version }} created {ERR}"
DOCUMENTS: dict[str, tuple[str, tuple[str, ...]]] = {
    "generateServiceContract": (f"mutation ($id: ID!, $party: ContractPartyInput) {{ generateServiceContract(quoteId: $id, party: $party) {{ {RESULT} }} }}", ("document",)),
    "generateProjectAppendix": (f"mutation ($code: String!, $party: ContractPartyInput) {{ generateProjectAppendix(projectCode: $code, party: $party) {{ {RESULT} }} }}", ("document",)),
    "generateAcceptanceMinutes": (f"mutation ($id: ID!, $party: ContractPartyInput) {{ generateAcceptanceMinutes(milestoneId: $id, party: $party) {{ {RESULT} }} }}", ("document",)),
}  # fmt: skip


@pytest.fixture
def frozen(frozen_now: Any) -> None:
    """The clock stands still (a partner key's use is recorded once, so snapshots compare every column)."""
    frozen_now(NOW)


async def subjects(client: Api, world: World, name: str, callers: list[str]) -> dict[str, dict[str, Any]]:
    """A subject of its own for each of these (allowed) callers."""
    if name == "generateServiceContract":
        return {caller: await accepted_quote(client, world) for caller in callers}
    made = {}
    for index, caller in enumerate(callers, start=1):
        code = f"PPP-DC-{index:02d}"
        # the business customer is the project's private partner: Bên A
        milestones = await project(client, world, code, partner_id=world.ids["business"])
        if name == "generateAcceptanceMinutes":
            signing = milestones[1]  # "Ký hợp đồng", 10% of the contract value
            await accept_milestone(client, world, signing)
            made[caller] = {"milestone": signing["id"]}
        else:
            made[caller] = {"code": code}
    return made


def call_of(name: str, world: World, subject: dict[str, Any], caller: str, expected: str | None) -> Call:
    match name:
        case "generateServiceContract":
            variables: dict[str, Any] = {"id": subject["quote"], "party": PERSON}  # the citizen's address
        case "generateProjectAppendix":
            variables = {"code": subject["code"], "party": COMPANY}
        case "generateAcceptanceMinutes":
            variables = {"id": subject["milestone"], "party": COMPANY}
        case _:
            raise AssertionError(name)
    document, results = DOCUMENTS[name]
    return Call(name, document, results, variables, expected, AUDITED[name], WRITES[name], world.actors[caller])


@pytest.mark.parametrize("name", list(MATRIX))
async def test_authorization_matrix(client: Api, frozen: None, seller_bank: None, name: str) -> None:
    # given the world, and a subject for each allowed caller
    world = await people(client)
    await catalog(client, world)
    outcomes = dict(zip(CALLERS, MATRIX[name], strict=True))
    allowed = [c for c, outcome in outcomes.items() if outcome is None]
    aimed = await subjects(client, world, name, allowed)
    problems: list[str] = []
    state = None  # the database as the last refusal left it: as it was
    # when each refused caller tries the first allowed caller's subject: a refusal changes nothing
    for caller in (c for c, outcome in outcomes.items() if outcome is not None):
        call = call_of(name, world, aimed[allowed[0]], caller, outcomes[caller])
        found, state = await check(client, call, world.headers[caller], caller, state)
        problems += found
    # when each allowed caller generates its own subject's document
    for caller in allowed:
        found, _ = await check(client, call_of(name, world, aimed[caller], caller, A), world.headers[caller], caller)
        problems += found
    # then every outcome is the matrix's
    assert problems == [], "\n".join(problems)


OUTSIDERS = {"anonymous", "citizen", "business", "partner_key"}
PROJECT_GENERATIONS = {"generateProjectAppendix", "generateAcceptanceMinutes"}


def on_nothing(name: str, caller: str, outcome: str) -> str:
    """What a refused caller gets on a target that does not exist. To outsiders an unknown project is
    NOT_FOUND exactly as an internal one (issue 9; tests/projects/test_internal_hidden.py); the matrix's
    project is public, and a public project's existence is no secret. Staff without the role are refused
    before any lookup, and every other refusal comes before the lookup too."""
    return NF if name in PROJECT_GENERATIONS and caller in OUTSIDERS else outcome


async def test_a_refusal_does_not_tell_whether_the_target_exists(client: Api, frozen: None) -> None:
    # given only the people: no quote, invoice, payment, project or link exists
    world = await people(client)
    before = await snapshot()
    # when every caller refused outright (UNAUTHENTICATED, FORBIDDEN) aims at ids, codes and links of nothing
    calls = [
        (caller, call_of(name, world, NOWHERE, caller, on_nothing(name, caller, outcome)))
        for name, row in MATRIX.items()
        for caller, outcome in zip(CALLERS, row, strict=True)
        if outcome in (U, F)
    ]
    problems = await refusals_on_nothing(client, world, calls)
    # then each gets the refusal it gets on a real target (not NOT_FOUND; for outsiders on a project, the
    # NOT_FOUND an internal project gives them too), and nothing was written
    assert problems == [], "\n".join(problems)
    assert len(calls) > 3 * len(MATRIX)
    assert await snapshot() == before
