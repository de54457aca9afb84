from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.engine import engine_finder
from piccolo.columns.base import OnDelete
from piccolo.columns.base import OnUpdate
from piccolo.columns.column_types import ForeignKey
from piccolo.columns.column_types import Serial
from piccolo.columns.column_types import Timestamptz
from piccolo.columns.column_types import Varchar
from piccolo.columns.defaults.timestamptz import TimestamptzNow
from piccolo.columns.indexes import IndexMethod
from piccolo.table import Table


class ServiceRequest(Table, tablename="service_request", schema=None):
    id = Serial(
        null=False,
        primary_key=True,
        unique=False,
        index=False,
        index_method=IndexMethod.btree,
        choices=None,
        db_column_name="id",
        secret=False,
    )


ID = "2026-12-01T14:33:07:095586"
VERSION = "1.38.0"
DESCRIPTION = "histories and outbox in the kernel; guest links"


async def forwards():
    manager = MigrationManager(
        migration_id=ID, app_name="requests", description=DESCRIPTION
    )

    manager.add_table(
        class_name="GuestLink", tablename="guest_link", schema=None, columns=None
    )

    manager.drop_table(
        class_name="Notification", tablename="notification", schema=None
    )

    manager.drop_table(
        class_name="RequestEvent", tablename="request_event", schema=None
    )

    manager.drop_table(
        class_name="ReceiptCounter", tablename="receipt_counter", schema=None
    )

    manager.add_column(
        table_class_name="GuestLink",
        tablename="guest_link",
        column_name="request",
        db_column_name="request",
        column_class_name="ForeignKey",
        column_class=ForeignKey,
        params={
            "references": ServiceRequest,
            "on_delete": OnDelete.cascade,
            "on_update": OnUpdate.cascade,
            "target_column": None,
            "null": True,
            "primary_key": False,
            "unique": False,
            "index": True,
            "index_method": IndexMethod.btree,
            "choices": None,
            "db_column_name": None,
            "secret": False,
        },
        schema=None,
    )

    manager.add_column(
        table_class_name="GuestLink",
        tablename="guest_link",
        column_name="token_hash",
        db_column_name="token_hash",
        column_class_name="Varchar",
        column_class=Varchar,
        params={
            "length": 64,
            "default": "",
            "null": False,
            "primary_key": False,
            "unique": True,
            "index": False,
            "index_method": IndexMethod.btree,
            "choices": None,
            "db_column_name": None,
            "secret": False,
        },
        schema=None,
    )

    manager.add_column(
        table_class_name="GuestLink",
        tablename="guest_link",
        column_name="purpose",
        db_column_name="purpose",
        column_class_name="Varchar",
        column_class=Varchar,
        params={
            "length": 30,
            "default": "",
            "null": False,
            "primary_key": False,
            "unique": False,
            "index": False,
            "index_method": IndexMethod.btree,
            "choices": None,
            "db_column_name": None,
            "secret": False,
        },
        schema=None,
    )

    manager.add_column(
        table_class_name="GuestLink",
        tablename="guest_link",
        column_name="created_at",
        db_column_name="created_at",
        column_class_name="Timestamptz",
        column_class=Timestamptz,
        params={
            "default": TimestamptzNow(),
            "null": False,
            "primary_key": False,
            "unique": False,
            "index": False,
            "index_method": IndexMethod.btree,
            "choices": None,
            "db_column_name": None,
            "secret": False,
        },
        schema=None,
    )

    manager.add_column(
        table_class_name="GuestLink",
        tablename="guest_link",
        column_name="expires_at",
        db_column_name="expires_at",
        column_class_name="Timestamptz",
        column_class=Timestamptz,
        params={
            "default": TimestamptzNow(),
            "null": False,
            "primary_key": False,
            "unique": False,
            "index": False,
            "index_method": IndexMethod.btree,
            "choices": None,
            "db_column_name": None,
            "secret": False,
        },
        schema=None,
    )

    manager.add_column(
        table_class_name="GuestLink",
        tablename="guest_link",
        column_name="used_at",
        db_column_name="used_at",
        column_class_name="Timestamptz",
        column_class=Timestamptz,
        params={
            "default": None,
            "null": True,
            "primary_key": False,
            "unique": False,
            "index": False,
            "index_method": IndexMethod.btree,
            "choices": None,
            "db_column_name": None,
            "secret": False,
        },
        schema=None,
    )

    # Before the drops (a migration runs its raw steps first): the rows move to the kernel's tables.
    async def move_rows() -> None:
        for statement in MOVE_ROWS:
            await engine_finder().run_ddl(statement)

    manager.add_raw(move_rows)
    return manager


MOVE_ROWS = (
    "INSERT INTO history_event (entity_type, entity_id, at, actor_id, actor_label, action, from_status, to_status,"
    " comment, changes) SELECT 'service_request', request, created_at, actor_id, actor_label, action, from_status,"
    " to_status, comment, '{}' FROM request_event ORDER BY id",
    "INSERT INTO outbox_message (entity_type, entity_id, recipient, subject, body, status, attempts, last_error,"
    " created_at, sent_at) SELECT 'service_request', request, recipient, subject, body, status, attempts, last_error,"
    " created_at, sent_at FROM notification WHERE request IS NOT NULL ORDER BY id",
    "INSERT INTO number_sequence (series, last) SELECT 'receipt:' || day, last FROM receipt_counter",
)
