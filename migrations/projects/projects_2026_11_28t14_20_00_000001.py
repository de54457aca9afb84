from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.engine import engine_finder

ID = "2026-11-28T14:20:00:000001"
VERSION = "1.38.0"
DESCRIPTION = "composite unique keys"

# Composite unique keys as unique indexes: SQLite cannot ALTER TABLE ... ADD CONSTRAINT,
# and a raw step runs before the table creation of the same migration, hence this second one.
STATEMENTS = (
    "CREATE UNIQUE INDEX project_manager_project_account_key ON project_manager (project, account)",
    "CREATE UNIQUE INDEX project_partner_project_account_key ON project_partner (project, account)",
    "CREATE UNIQUE INDEX milestone_dependency_milestone_predecessor_key"
    " ON milestone_dependency (milestone, predecessor)",
)


async def forwards() -> MigrationManager:
    manager = MigrationManager(migration_id=ID, app_name="projects", description=DESCRIPTION)

    async def create_indexes() -> None:
        for statement in STATEMENTS:
            await engine_finder().run_ddl(statement)

    manager.add_raw(create_indexes)
    return manager
