from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.engine import engine_finder

ID = "2026-11-28T13:50:00:000001"
VERSION = "1.38.0"
DESCRIPTION = "composite unique keys"

# Composite unique keys as unique indexes: SQLite cannot ALTER TABLE ... ADD CONSTRAINT,
# and a raw step runs before the table creation of the same migration, hence this second one.
STATEMENTS = (
        "CREATE UNIQUE INDEX service_channel_service_channel_key ON service_channel (service, channel)",
        "CREATE UNIQUE INDEX plan_service_code_key ON plan (service, code)",
        "CREATE UNIQUE INDEX plan_price_plan_effective_from_key ON plan_price (plan, effective_from)",
)


async def forwards() -> MigrationManager:
    manager = MigrationManager(migration_id=ID, app_name="catalog", description=DESCRIPTION)

    async def create_indexes() -> None:
        for statement in STATEMENTS:
            await engine_finder().run_ddl(statement)

    manager.add_raw(create_indexes)
    return manager
