from pathlib import Path

from piccolo.conf.apps import AppConfig

from app.audit.tables import AuditEvent

ROOT = Path(__file__).resolve().parents[2]

APP_CONFIG = AppConfig(
    app_name="audit",
    migrations_folder_path=str(ROOT / "migrations" / "audit"),
    table_classes=[AuditEvent],
    migration_dependencies=[],
    commands=[],
)
