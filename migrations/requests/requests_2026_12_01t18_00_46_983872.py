from piccolo.apps.migrations.auto.migration_manager import MigrationManager

ID = "2026-12-01T18:00:46:983872"
VERSION = "1.38.0"
DESCRIPTION = "rate counters replace tracking attempts"


async def forwards():
    manager = MigrationManager(
        migration_id=ID, app_name="requests", description=DESCRIPTION
    )

    manager.drop_table(
        class_name="TrackingAttempt", tablename="tracking_attempt", schema=None
    )

    return manager
