"""Project queries: thin resolvers over projects.portfolio."""

from __future__ import annotations

import strawberry
from strawberry.types import Info

from app.api.documents import ContractDocument, documents
from app.api.i18n import Language, use_language
from app.api.pagination import Connection
from projects import documents as papers
from projects import portfolio
from projects.api.types import Milestone, Project, PublicProject


@strawberry.input(description="Filters of the public project list.")
class PublicProjectFilter(portfolio.PublicSearch):
    pass


@strawberry.input(description="Portfolio filters; all given filters must match.")
class ProjectFilter(portfolio.PortfolioSearch):
    department: str | None = strawberry.field(default=None, description="Owning department code, e.g. HTS.")


@strawberry.type
class ProjectsQuery:
    @strawberry.field(description="Staff: the portfolio, every project, filtered and paginated (first ≤ 100).")
    async def projects(
        self,
        info: Info,
        filter: ProjectFilter | None = None,
        first: int | None = None,
        after: str | None = None,
        lang: Language | None = None,
    ) -> Connection[Project]:
        use_language(info, lang)
        search = filter or portfolio.PortfolioSearch()
        page = await portfolio.list_projects(info.context.principal, search, first, after)
        return Connection.of(page, lambda row: Project(row=row))

    @strawberry.field(description="Staff: one project by code; null when unknown.")
    async def project(self, info: Info, code: str, lang: Language | None = None) -> Project | None:
        use_language(info, lang)
        row = await portfolio.get_project(info.context.principal, code)
        return Project(row=row) if row else None

    @strawberry.field(description="Staff: open milestones due from today to today + days (days ≤ 366).")
    async def milestones_due(
        self, info: Info, days: int = 30, first: int | None = None, after: str | None = None
    ) -> Connection[Milestone]:
        page = await portfolio.milestones_due(info.context.principal, days, first, after)
        return Connection.of(page, lambda row: Milestone(row=row))

    @strawberry.field(description="Staff: open milestones past their due date, oldest first.")
    async def overdue_milestones(
        self, info: Info, first: int | None = None, after: str | None = None
    ) -> Connection[Milestone]:
        page = await portfolio.overdue_milestones(info.context.principal, first, after)
        return Connection.of(page, lambda row: Milestone(row=row))

    @strawberry.field(description="Public projects (partner keys need projects:read), paginated (first ≤ 100).")
    async def public_projects(
        self,
        info: Info,
        filter: PublicProjectFilter | None = None,
        first: int | None = None,
        after: str | None = None,
        lang: Language | None = None,
    ) -> Connection[PublicProject]:
        use_language(info, lang)
        search = filter or portfolio.PublicSearch()
        page = await portfolio.public_projects(info.context.principal, search, first, after)
        return Connection.of(page, lambda row: PublicProject(row=row))

    @strawberry.field(description="One public project; an internal or unknown one is refused with NOT_FOUND.")
    async def public_project(self, info: Info, code: str, lang: Language | None = None) -> PublicProject:
        use_language(info, lang)
        return PublicProject(row=await portfolio.public_project(info.context.principal, code))

    @strawberry.field(
        description="A project's documents (appendices, and its milestones' acceptance minutes), every version, "
        "newest first: for admin, finance, the project's managers and its private partners (customers); "
        "NOT_FOUND for anyone else."
    )
    async def project_documents(self, info: Info, code: str) -> list[ContractDocument]:
        return documents(await papers.project_documents(info.context.principal, code))
