from pathlib import Path

from piccolo.conf.apps import AppConfig

from billing.tables import (
    BankStatement,
    Invoice,
    InvoiceLine,
    Payment,
    PaymentAttempt,
    Quote,
    QuoteLine,
    Refund,
    StatementLine,
    StripeEvent,
)

ROOT = Path(__file__).resolve().parent.parent

APP_CONFIG = AppConfig(
    app_name="billing",
    migrations_folder_path=str(ROOT / "migrations" / "billing"),
    table_classes=[
        Quote,
        QuoteLine,
        Invoice,
        InvoiceLine,
        PaymentAttempt,
        Payment,
        Refund,
        StripeEvent,
        BankStatement,
        StatementLine,
    ],
    migration_dependencies=[
        "app.piccolo_app",
        "app.auth.piccolo_app",
        "catalog.requests.piccolo_app",
        "projects.piccolo_app",
    ],
    commands=[],
)
