from pathlib import Path

from piccolo.conf.apps import AppConfig

from app.tables import DomainEvent, HistoryEvent, NumberSequence, OutboxMessage, RateCounter, StoredDocument

ROOT = Path(__file__).resolve().parent.parent

APP_CONFIG = AppConfig(
    app_name="kernel",
    migrations_folder_path=str(ROOT / "migrations" / "kernel"),
    table_classes=[HistoryEvent, OutboxMessage, DomainEvent, NumberSequence, StoredDocument, RateCounter],
    migration_dependencies=[],
    commands=[],
)
