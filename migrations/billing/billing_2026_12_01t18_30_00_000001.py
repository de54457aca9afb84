from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.engine import engine_finder

ID = "2026-12-01T18:30:00:000001"
VERSION = "1.38.0"
DESCRIPTION = "finance exports read invoices in (issue date, id) pages"

STATEMENTS = (
    # keyset pages of an export: WHERE (issue_date, id) > (…) ORDER BY issue_date, id LIMIT n is one range
    # scan of this index on both engines (with issue_date alone PostgreSQL sorts the rest of the period)
    "CREATE INDEX invoice_issue_date_id ON invoice (issue_date, id)",
)


async def forwards() -> MigrationManager:
    manager = MigrationManager(migration_id=ID, app_name="billing", description=DESCRIPTION)

    async def create() -> None:
        for statement in STATEMENTS:
            await engine_finder().run_ddl(statement)

    manager.add_raw(create)
    return manager
