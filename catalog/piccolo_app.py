from pathlib import Path

from piccolo.conf.apps import AppConfig

from catalog.tables import Category, Department, Plan, PlanPrice, Service, ServiceChannel

ROOT = Path(__file__).resolve().parent.parent

APP_CONFIG = AppConfig(
    app_name="catalog",
    migrations_folder_path=str(ROOT / "migrations" / "catalog"),
    table_classes=[Department, Category, Service, ServiceChannel, Plan, PlanPrice],
    migration_dependencies=[],
    commands=[],
)
