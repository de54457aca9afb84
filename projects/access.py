"""Who may read and change projects.

- Staff (any role) read every project, internal ones included, through the staff queries.
- Public projects are readable by anyone; a partner API key must carry projects:read. To anyone else an
  internal project does not exist: queries, mutations and HTTP routes answer NOT_FOUND as for an unknown code.
- An admin creates projects and names their managers; the managers of a project (and admin) change it.
- Accepting or returning a submitted milestone: admin or a manager of the project, never the
  account that submitted it (four-eyes).
"""

from __future__ import annotations

from typing import Any

from app.auth.enums import Role, Scope
from app.auth.principal import Principal
from app.errors import NotFound, PermissionDenied, forbidden, not_found
from app.guards import require_scope, require_staff
from projects import repository
from projects.enums import Visibility
from projects.states import PROJECT


def can_read_internal(principal: Principal) -> bool:
    return principal.is_staff and principal.account_id is not None


def require_visible(principal: Principal, project: dict[str, Any] | None, field: str = "code") -> dict[str, Any]:
    """The project, if it exists and the caller may see it; internal ones look absent to the public."""
    require_scope(principal, Scope.PROJECTS_READ)
    if project is None or (project["visibility"] != Visibility.PUBLIC.value and not can_read_internal(principal)):
        raise not_found(PROJECT, field)
    return project


def require_editor_role(principal: Principal) -> None:
    """Before looking the project up: staff who may edit no project are refused whatever the code, so
    they learn nothing of which exist. Outsiders (anonymous, customers, partner keys) pass on: to them an
    internal or unknown project is NOT_FOUND alike (`require_known`), a public one is no secret."""
    if principal.is_staff:
        require_staff(principal, Role.PROJECT_MANAGER)


def require_known(principal: Principal, project: dict[str, Any], absent: NotFound) -> None:
    """An internal project is, to anyone who may not read it, exactly an unknown code: the same error
    (`absent`, what the caller's unknown code or id answers) before any other check can tell them apart."""
    if project["visibility"] != Visibility.PUBLIC.value and not can_read_internal(principal):
        raise absent


async def require_editor(principal: Principal, project: dict[str, Any], absent: NotFound | None = None) -> None:
    """Admin, or a project manager who manages this project. `absent`: the caller's NOT_FOUND for this
    project (default: an unknown `code`)."""
    require_known(principal, project, absent or not_found(PROJECT, "code"))
    require_staff(principal)
    if Role.ADMIN in principal.roles:
        return
    if Role.PROJECT_MANAGER in principal.roles and principal.account_id is not None:
        if await repository.is_manager(project["id"], principal.account_id):
            return
        raise PermissionDenied(
            "NOT_MANAGER_OF_PROJECT",
            "Bạn không quản lý dự án này.",
            "You do not manage this project.",
        )
    raise forbidden()


def require_reviewer(principal: Principal, milestone: dict[str, Any]) -> None:
    """Four-eyes: the account that submitted the milestone may not accept or return it."""
    if milestone["submitted_by"] is not None and milestone["submitted_by"] == principal.account_id:
        raise PermissionDenied(
            "FOUR_EYES",
            "Người nộp mốc không được tự nghiệm thu hoặc trả lại; cần một người khác.",
            "The account that submitted a milestone cannot accept or return it; someone else must.",
            "to",
        )
