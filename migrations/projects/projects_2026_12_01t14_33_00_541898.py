from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.engine import engine_finder

ID = "2026-12-01T14:33:00:541898"
VERSION = "1.38.0"
DESCRIPTION = "project and milestone histories in the kernel"


async def forwards():
    manager = MigrationManager(
        migration_id=ID, app_name="projects", description=DESCRIPTION
    )

    manager.drop_table(
        class_name="ProjectEvent", tablename="project_event", schema=None
    )

    # Before the drop (a migration runs its raw steps first): the rows move to the kernel's history.
    async def move_rows() -> None:
        await engine_finder().run_ddl(
            "INSERT INTO history_event (entity_type, entity_id, at, actor_id, actor_label, action, from_status,"
            " to_status, comment, changes) SELECT CASE WHEN milestone IS NULL THEN 'project' ELSE 'milestone' END,"
            " COALESCE(milestone, project), at, actor_id, actor_label, action, from_status, to_status, comment,"
            " changes FROM project_event ORDER BY id"
        )

    manager.add_raw(move_rows)
    return manager
