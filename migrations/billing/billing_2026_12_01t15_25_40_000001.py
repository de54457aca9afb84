from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.engine import engine_finder
from piccolo.engine.sqlite import SQLiteEngine

ID = "2026-12-01T15:25:40:000001"
VERSION = "1.38.0"
DESCRIPTION = "unique keys and immutability of issued invoices"

# Raw steps run before the table creation of the same migration, hence a second one.
INDEXES = (
    # invoice numbers: unique per template and symbol (drafts have none; NULLs never collide)
    "CREATE UNIQUE INDEX invoice_number_key ON invoice (template, symbol, number)",
    "CREATE UNIQUE INDEX quote_revision_key ON quote (request, revision)",
    # at most one accepted quote per request, one live original invoice per quote and per milestone
    "CREATE UNIQUE INDEX quote_one_accepted ON quote (request) WHERE status = 'accepted'",
    "CREATE UNIQUE INDEX invoice_one_per_quote ON invoice (quote) WHERE kind = 'original'"
    " AND status IN ('draft', 'issued', 'partially_paid', 'paid')",
    "CREATE UNIQUE INDEX invoice_one_per_milestone ON invoice (milestone) WHERE kind = 'original'"
    " AND status IN ('draft', 'issued', 'partially_paid', 'paid')",
)

# What an issued invoice shows never changes, whatever the code does: lines are append-only, and the
# number, totals and buyer of an invoice that is no longer a draft are frozen.
FROZEN = ("template", "symbol", "number", "issue_date", "amount", "vat_amount", "total_amount", "discount_amount",
          "buyer_kind", "buyer_name", "buyer_tax_code", "buyer_citizen_id", "buyer_address")

SQLITE_TRIGGERS = (
    "CREATE TRIGGER invoice_line_no_update BEFORE UPDATE ON invoice_line"
    " BEGIN SELECT RAISE(ABORT, 'invoice lines are never changed'); END",
    "CREATE TRIGGER invoice_line_no_delete BEFORE DELETE ON invoice_line"
    " WHEN (SELECT status FROM invoice WHERE id = OLD.invoice) <> 'draft'"
    " BEGIN SELECT RAISE(ABORT, 'lines of an issued invoice are never deleted'); END",
    "CREATE TRIGGER invoice_issued_frozen BEFORE UPDATE ON invoice WHEN OLD.status <> 'draft' AND ("
    + " OR ".join(f"NEW.{c} IS NOT OLD.{c}" for c in FROZEN)
    + ") BEGIN SELECT RAISE(ABORT, 'an issued invoice is never changed'); END",
)

POSTGRES_TRIGGERS = (
    "CREATE FUNCTION invoice_line_frozen() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN"
    " IF TG_OP = 'UPDATE' OR (SELECT status FROM invoice WHERE id = OLD.invoice) <> 'draft' THEN"
    " RAISE EXCEPTION 'invoice lines are never changed'; END IF; RETURN OLD; END $$",
    "CREATE TRIGGER invoice_line_frozen BEFORE UPDATE OR DELETE ON invoice_line"
    " FOR EACH ROW EXECUTE FUNCTION invoice_line_frozen()",
    "CREATE FUNCTION invoice_issued_frozen() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN"
    " IF OLD.status <> 'draft' AND ("
    + " OR ".join(f"NEW.{c} IS DISTINCT FROM OLD.{c}" for c in FROZEN)
    + ") THEN RAISE EXCEPTION 'an issued invoice is never changed'; END IF; RETURN NEW; END $$",
    "CREATE TRIGGER invoice_issued_frozen BEFORE UPDATE ON invoice FOR EACH ROW EXECUTE FUNCTION invoice_issued_frozen()",
)


async def forwards() -> MigrationManager:
    manager = MigrationManager(migration_id=ID, app_name="billing", description=DESCRIPTION)

    async def create() -> None:
        engine = engine_finder()
        triggers = SQLITE_TRIGGERS if isinstance(engine, SQLiteEngine) else POSTGRES_TRIGGERS
        for statement in (*INDEXES, *triggers):
            await engine.run_ddl(statement)

    manager.add_raw(create)
    return manager
