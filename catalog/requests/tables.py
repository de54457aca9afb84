from typing import Any

from piccolo.columns import (
    BigInt,
    Boolean,
    Date,
    ForeignKey,
    Integer,
    OnDelete,
    Serial,
    Text,
    Timestamptz,
    Varchar,
)
from piccolo.columns.defaults.timestamptz import TimestamptzNow
from piccolo.columns.reference import LazyTableReference
from piccolo.table import Table

# Other domains' tables are referenced by name (a database foreign key), never imported.
Account = LazyTableReference("Account", app_name="auth")
Department = LazyTableReference("Department", app_name="catalog")
Plan = LazyTableReference("Plan", app_name="catalog")
Service = LazyTableReference("Service", app_name="catalog")


class ServiceRequest(Table, tablename="service_request"):
    """A request for a service. Price, VAT rate and processing days are captured at submission."""

    id: Serial  # created by Piccolo; declared for type checkers
    code = Varchar(length=40, unique=True)  # receipt code (mã hồ sơ)
    service: ForeignKey[Any] = ForeignKey(Service, on_delete=OnDelete.restrict, index=True)
    plan: ForeignKey[Any] = ForeignKey(Plan, on_delete=OnDelete.restrict)
    department: ForeignKey[Any] = ForeignKey(Department, on_delete=OnDelete.restrict, index=True)
    customer: ForeignKey[Any] = ForeignKey(Account, on_delete=OnDelete.restrict, null=True, default=None, index=True)
    channel = Varchar(length=20)
    quantity = Integer()
    unit_amount = BigInt()  # VND before VAT, captured
    vat_rate = Varchar(length=8)  # captured
    amount = BigInt()  # unit_amount * quantity
    vat_amount = BigInt()
    total_amount = BigInt()
    fee_amount = BigInt(default=0)  # channel fee, captured
    processing_days = Integer()  # working days for the channel, captured
    desired_start = Date(null=True, default=None)
    desired_end = Date(null=True, default=None)
    notes = Text(default="")
    contact_name = Varchar(length=200)
    contact_phone = Varchar(length=20, default="")
    contact_email = Varchar(length=254, default="")
    status = Varchar(length=30, index=True)  # RequestStatus
    assignee: ForeignKey[Any] = ForeignKey(Account, on_delete=OnDelete.set_null, null=True, default=None, index=True)
    submitted_at = Timestamptz(default=TimestamptzNow())
    received_at = Timestamptz(null=True, default=None)
    due_date = Date(null=True, default=None)  # local date (Asia/Ho_Chi_Minh)
    paused_at = Timestamptz(null=True, default=None)
    overdue = Boolean(default=False, index=True)
    promised_date = Date(null=True, default=None)  # new date promised after becoming overdue
    apology_note = Text(default="")
    rejection_reason = Text(default="")
    completed_at = Timestamptz(null=True, default=None)
    version = Integer(default=1)
    updated_at = Timestamptz(default=TimestamptzNow())


class RequestDocument(Table, tablename="request_document"):
    id: Serial  # created by Piccolo; declared for type checkers
    request = ForeignKey(ServiceRequest, on_delete=OnDelete.cascade, index=True)
    requirement = Integer()  # index into the service's required_documents
    filename = Varchar(length=255)
    content_type = Varchar(length=100)
    size = BigInt()
    sha256 = Varchar(length=64)
    stored_path = Varchar(length=500)  # relative to the upload folder
    created_at = Timestamptz(default=TimestamptzNow())


class StaffDepartment(Table, tablename="staff_department"):
    """Which department's queue a staff member works in."""

    id: Serial  # created by Piccolo; declared for type checkers
    account: ForeignKey[Any] = ForeignKey(Account, on_delete=OnDelete.cascade, index=True)
    department: ForeignKey[Any] = ForeignKey(Department, on_delete=OnDelete.cascade, index=True)
    # unique (account, department): a unique index made in the second migration


class WorkingDayOverride(Table, tablename="working_day_override"):
    """A day off or a working day against the standard week: from the shipped schedule (loaded by the seed)
    or set by an admin. A row decides its day whatever the `holidays` package says."""

    id: Serial  # created by Piccolo; declared for type checkers
    day = Date(unique=True)
    kind = Varchar(length=20)  # OverrideKind
    note = Text(default="")
    name_vi = Varchar(length=200, default="")
    name_en = Varchar(length=200, default="")
    source = Varchar(length=300, default="")  # the announcement (number and date) or the Labour Code article
    # DayOrigin: "schedule" or "admin". Rows made before the schedule shipped were all admin edits.
    origin = Varchar(length=20, default="admin")


class WorkingCalendarYear(Table, tablename="working_calendar_year"):
    """A year of the shipped schedule. When its Tết (and National Day) schedule is announced, the shipped
    days are the whole year's schedule and the `holidays` package is not asked for that year."""

    id: Serial  # created by Piccolo; declared for type checkers
    year = Integer(unique=True)
    tet_announced = Boolean(default=False)
    note_vi = Text(default="")
    note_en = Text(default="")


class GuestLink(Table, tablename="guest_link"):
    """A secret link that lets the guest who submitted a request (no account) answer for it: cancel it,
    or resubmit after a supplement request. Sent by e-mail; only the token's SHA-256 is stored."""

    id: Serial  # created by Piccolo; declared for type checkers
    request = ForeignKey(ServiceRequest, on_delete=OnDelete.cascade, index=True)
    token_hash = Varchar(length=64, unique=True)
    purpose = Varchar(length=30)  # the step that issued it: submit or request_supplement
    created_at = Timestamptz(default=TimestamptzNow())
    expires_at = Timestamptz()
    used_at = Timestamptz(null=True, default=None)  # last use, for the staff's information
