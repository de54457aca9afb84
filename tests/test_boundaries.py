"""Borders between domains: no domain or subdomain imports another's tables, repository or private
helpers; each reads the others only through the modules they publish for it, and the shared kernel
(app/) depends on no domain (the composition root aside)."""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

# Domain -> its package prefix. catalog.requests is a subdomain with borders of its own.
DOMAINS = {
    "requests": "catalog.requests",
    "catalog": "catalog",
    "projects": "projects",
    "billing": "billing",
    "auth": "app.auth",
}
# What each domain publishes to the others (everything else is private to it).
PUBLIC = {
    "catalog": {"catalog.offers", "catalog.departments", "catalog.enums", "catalog.api.types"},
    "auth": {"app.auth.directory", "app.auth.principal", "app.auth.enums"},
    "requests": {"catalog.requests.enums", "catalog.requests.orders", "catalog.requests.api.types"},
    "projects": {"projects.enums", "projects.deliveries", "projects.api.types"},
    # GraphQL types link across domains (a request shows its quotes): the API type modules are public to
    # the other API type modules, lazily; use cases never import them.
    "billing": {"billing.api.types"},
}
# The composition root wires every domain together. (app.audit, the audit log, is part of the kernel.)
# The worker process wires the subscribers as app.main does; the read cache resolves the caller (token or
# API key) as app.api.context does, before the request reaches strawberry.
COMPOSITION = {"app.main", "app.cli", "app.worker", "app.api.schema", "app.api.context", "app.api.read_cache"}


def domain_of(module: str) -> str | None:
    for name, prefix in DOMAINS.items():  # catalog.requests is tried before catalog
        if module == prefix or module.startswith(prefix + "."):
            return name
    return None


def modules() -> list[tuple[str, Path]]:
    found = []
    for top in ("app", "catalog", "projects", "billing"):
        for path in sorted((ROOT / top).rglob("*.py")):
            parts = path.relative_to(ROOT).with_suffix("").parts
            found.append((".".join(parts[:-1] if parts[-1] == "__init__" else parts), path))
    return found


def imports(path: Path, known: set[str]) -> list[tuple[str, list[str]]]:
    """(module, imported names) of every absolute import, inside functions too."""
    found: list[tuple[str, list[str]]] = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found += [(alias.name, []) for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names = [alias.name for alias in node.names]
            submodules = [f"{node.module}.{name}" for name in names if f"{node.module}.{name}" in known]
            if len(submodules) < len(names):  # names from the module itself (not only its submodules)
                found.append((node.module, names))
            found += [(module, []) for module in submodules]  # `from catalog import repository`
    return found


def violations() -> list[str]:
    problems = []
    known = {module for module, _ in modules()}
    for module, path in modules():
        mine = domain_of(module)
        for target, names in imports(path, known):
            if target not in known:
                continue  # a library, or a name imported from a module (checked through its module)
            theirs = domain_of(target)
            if module in COMPOSITION or theirs is None or theirs == mine:
                if mine is None and theirs is not None and module not in COMPOSITION:
                    problems.append(f"{module}: the kernel imports {target}")
                continue
            if target not in PUBLIC[theirs]:
                problems.append(f"{module} ({mine}) imports {target} ({theirs}'s private module)")
            problems += [f"{module} imports the private {target}.{n}" for n in names if n.startswith("_")]
    return problems


def test_no_domain_reaches_into_another() -> None:
    assert violations() == []


def test_the_check_sees_a_violation() -> None:
    # the test above cannot pass by seeing nothing: requests really do import the catalog's public modules
    known = {module for module, _ in modules()}
    pairs = {(module, target) for module, path in modules() for target, _ in imports(path, known)}
    assert ("catalog.requests.submit", "catalog.offers") in pairs
    assert domain_of("catalog.requests.tables") == "requests" and domain_of("catalog.tables") == "catalog"
    assert domain_of("app.auth.tables") == "auth" and domain_of("app.money") is None
