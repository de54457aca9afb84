from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.engine import engine_finder

ID = "2026-12-01T16:25:26:000001"
VERSION = "1.38.0"
DESCRIPTION = "one row per document version"

# A raw step runs before the table creation of the same migration, hence this second migration. The unique
# index makes two concurrent generations of one subject's document take different version numbers.
STATEMENTS = (
    "CREATE UNIQUE INDEX document_version ON document (subject_type, subject_id, kind, version)",
)


async def forwards() -> MigrationManager:
    manager = MigrationManager(migration_id=ID, app_name="kernel", description=DESCRIPTION)

    async def create_indexes() -> None:
        for statement in STATEMENTS:
            await engine_finder().run_ddl(statement)

    manager.add_raw(create_indexes)
    return manager
