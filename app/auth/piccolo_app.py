from pathlib import Path

from piccolo.conf.apps import AppConfig

from app.auth.tables import Account, AccountRole, ApiKey, AuthSession

ROOT = Path(__file__).resolve().parents[2]

APP_CONFIG = AppConfig(
    app_name="auth",
    migrations_folder_path=str(ROOT / "migrations" / "auth"),
    table_classes=[Account, AccountRole, AuthSession, ApiKey],
    migration_dependencies=[],
    commands=[],
)
