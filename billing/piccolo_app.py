from pathlib import Path

from piccolo.conf.apps import AppConfig

from billing.tables import Invoice, InvoiceLine, Quote, QuoteLine

ROOT = Path(__file__).resolve().parent.parent

APP_CONFIG = AppConfig(
    app_name="billing",
    migrations_folder_path=str(ROOT / "migrations" / "billing"),
    table_classes=[Quote, QuoteLine, Invoice, InvoiceLine],
    migration_dependencies=[
        "app.piccolo_app",
        "app.auth.piccolo_app",
        "catalog.requests.piccolo_app",
        "projects.piccolo_app",
    ],
    commands=[],
)
