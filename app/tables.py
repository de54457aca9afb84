"""Tables of the shared kernel: histories, the outbox, domain events, gapless number sequences and generated
documents. Every domain writes them through app.events, app.outbox, app.bus, app.numbering and app.documents,
never directly."""

from piccolo.columns import JSON, BigInt, Integer, Serial, Text, Timestamptz, Varchar
from piccolo.columns.defaults.timestamptz import TimestamptzNow
from piccolo.table import Table


class HistoryEvent(Table, tablename="history_event"):
    """Append-only history of one entity (a request's steps, a project's or milestone's changes, an
    invoice's life): who, when, what, from which status to which, why."""

    id: Serial  # created by Piccolo; declared for type checkers
    entity_type = Varchar(length=40)  # e.g. "service_request", "project", "milestone"
    entity_id = BigInt()
    # (entity_type, entity_id, id) index: made in the kernel's second migration
    at = Timestamptz(default=TimestamptzNow())
    actor_id = BigInt(null=True, default=None)  # account id; null for guests, partner keys, the system
    actor_label = Varchar(length=254)  # e-mail, guest:<e-mail>, api-key:<id> or system
    action = Varchar(length=60)
    from_status = Varchar(length=30, default="")
    to_status = Varchar(length=30, default="")
    comment = Text(default="")
    changes = JSON(default={})


class OutboxMessage(Table, tablename="outbox_message"):
    """A message to a person, written in the transaction of the change that caused it and sent after
    commit; failures are kept on the row and retried (python -m app.cli send-notifications)."""

    id: Serial  # created by Piccolo; declared for type checkers
    entity_type = Varchar(length=40)  # what the message is about
    entity_id = BigInt()
    recipient = Varchar(length=254)
    subject = Varchar(length=300)
    body = Text()
    status = Varchar(length=20, index=True)  # app.outbox.MessageStatus
    attempts = Integer(default=0)
    last_error = Text(default="")
    created_at = Timestamptz(default=TimestamptzNow())
    sent_at = Timestamptz(null=True, default=None)


class DomainEvent(Table, tablename="domain_event"):
    """Something a domain did that others may react to (e.g. a milestone accepted, which billing invoices),
    written in the transaction of the change and handed to the subscribers after commit, so the domain
    that publishes never imports the ones that react (app.bus)."""

    id: Serial  # created by Piccolo; declared for type checkers
    topic = Varchar(length=80, index=True)  # e.g. "projects.milestone_accepted"
    entity_type = Varchar(length=40)
    entity_id = BigInt()
    payload = JSON(default={})
    status = Varchar(length=20, index=True)  # pending, handled, failed
    attempts = Integer(default=0)
    last_error = Text(default="")
    created_at = Timestamptz(default=TimestamptzNow())
    handled_at = Timestamptz(null=True, default=None)


class NumberSequence(Table, tablename="number_sequence"):
    """The last number handed out in each series (receipt codes per day, invoice numbers per symbol)."""

    id: Serial  # created by Piccolo; declared for type checkers
    series = Varchar(length=80, unique=True)
    last = BigInt(default=0)


class StoredDocument(Table, tablename="document"):
    """A generated document (a contract, an appendix, acceptance minutes): one row per version, with the
    data snapshot it was rendered from, the file's SHA-256 and who generated it (app.documents). Never
    updated or deleted: a change makes a new version."""

    id: Serial  # created by Piccolo; declared for type checkers
    kind = Varchar(length=40)  # app.documents.DocumentKind
    subject_type = Varchar(length=40)  # quote, project, milestone: the domain that registered it decides access
    subject_id = BigInt()
    version = Integer()  # 1, 2, … per (subject, kind)
    title = Varchar(length=300)
    filename = Varchar(length=200)
    media_type = Varchar(length=100)
    size = BigInt()
    sha256 = Varchar(length=64)
    stored_path = Varchar(length=100)  # under UPLOAD_DIR (app.files), named by the SHA-256
    snapshot = JSON(default={})  # everything the file was rendered from: the same snapshot gives the same bytes
    generated_by = Varchar(length=254)  # e-mail, or system (after a domain event)
    generated_by_id = BigInt(null=True, default=None)
    created_at = Timestamptz(default=TimestamptzNow())
    # unique (subject_type, subject_id, kind, version): an index made in a second migration


class RateCounter(Table, tablename="rate_counter"):
    """One fixed-window counter per limited thing (app.limits): `bucket` is "<scope>:<key>", e.g.
    "tracking-code:TTCNTT-…"; `window_start` in Unix seconds (UTC), compared as integers on both engines."""

    id: Serial  # created by Piccolo; declared for type checkers
    bucket = Varchar(length=320, unique=True)
    window_start = BigInt(index=True)
    hits = Integer(default=0)
