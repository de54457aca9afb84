from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.engine import engine_finder

ID = "2026-12-01T14:27:27:000001"
VERSION = "1.38.0"
DESCRIPTION = "indexes by entity"

# Composite indexes as raw statements (a raw step runs before the table creation of the same migration,
# hence a second migration). Histories and outbox messages are always read by entity.
STATEMENTS = (
    "CREATE INDEX history_event_entity ON history_event (entity_type, entity_id, id)",
    "CREATE INDEX outbox_message_entity ON outbox_message (entity_type, entity_id)",
)


async def forwards() -> MigrationManager:
    manager = MigrationManager(migration_id=ID, app_name="kernel", description=DESCRIPTION)

    async def create_indexes() -> None:
        for statement in STATEMENTS:
            await engine_finder().run_ddl(statement)

    manager.add_raw(create_indexes)
    return manager
