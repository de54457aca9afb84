from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.engine import engine_finder

ID = "2026-11-28T15:10:00:000001"
VERSION = "1.38.0"
DESCRIPTION = "composite unique keys"

# Composite unique keys as unique indexes: SQLite cannot ALTER TABLE ... ADD CONSTRAINT,
# and a raw step runs before the table creation of the same migration, hence this second one.
STATEMENTS = (
        "CREATE UNIQUE INDEX staff_department_account_department_key ON staff_department (account, department)",
        "CREATE INDEX tracking_attempt_key_created_at ON tracking_attempt (key, created_at)",
)


async def forwards() -> MigrationManager:
    manager = MigrationManager(migration_id=ID, app_name="requests", description=DESCRIPTION)

    async def create_indexes() -> None:
        for statement in STATEMENTS:
            await engine_finder().run_ddl(statement)

    manager.add_raw(create_indexes)
    return manager
