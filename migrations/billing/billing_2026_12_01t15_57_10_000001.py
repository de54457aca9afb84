from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.engine import engine_finder

ID = "2026-12-01T15:57:10:000001"
VERSION = "1.38.0"
DESCRIPTION = "payments applied once"

# Raw steps run before the table creation of the same migration, hence a second one.
STATEMENTS = (
    # a card payment once per PaymentIntent, a transfer once per statement line, one open card attempt
    "CREATE UNIQUE INDEX payment_card_intent ON payment (reference) WHERE method = 'card'",
    "CREATE UNIQUE INDEX payment_statement_line ON payment (statement_line) WHERE statement_line IS NOT NULL",
    "CREATE UNIQUE INDEX payment_attempt_one_open ON payment_attempt (invoice) WHERE status = 'created'",
    "CREATE INDEX payment_received_at ON payment (received_at)",
)


async def forwards() -> MigrationManager:
    manager = MigrationManager(migration_id=ID, app_name="billing", description=DESCRIPTION)

    async def create() -> None:
        for statement in STATEMENTS:
            await engine_finder().run_ddl(statement)

    manager.add_raw(create)
    return manager
