from piccolo.columns import JSON, BigInt, Serial, Timestamptz, Varchar
from piccolo.columns.defaults.timestamptz import TimestamptzNow
from piccolo.table import Table


class AuditEvent(Table, tablename="audit_event"):
    """Append-only: rows are never updated or deleted by the application."""

    id: Serial  # created by Piccolo; declared for type checkers
    at = Timestamptz(default=TimestamptzNow(), index=True)
    actor_id = BigInt(null=True, default=None)  # account id; null for the system (seed, CLI)
    actor_label = Varchar(length=200)  # e-mail or "system", kept even if the account is deleted
    action = Varchar(length=80, index=True)  # e.g. "service.publish"
    entity_type = Varchar(length=40, index=True)
    entity_id = Varchar(length=80, index=True)
    before = JSON(null=True, default=None)
    after = JSON(null=True, default=None)
    request_id = Varchar(length=64, default="")
