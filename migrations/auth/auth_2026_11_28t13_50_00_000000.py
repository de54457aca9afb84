from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.engine import engine_finder

ID = "2026-11-28T13:50:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "composite unique keys"

# Composite unique keys as unique indexes: SQLite cannot ALTER TABLE ... ADD CONSTRAINT,
# and a raw step runs before the table creation of the same migration, hence this second one.
STATEMENTS = (
        "CREATE UNIQUE INDEX account_role_account_role_key ON account_role (account, role)",
)


async def forwards() -> MigrationManager:
    manager = MigrationManager(migration_id=ID, app_name="auth", description=DESCRIPTION)

    async def create_indexes() -> None:
        for statement in STATEMENTS:
            await engine_finder().run_ddl(statement)

    manager.add_raw(create_indexes)
    return manager
