from typing import Any

from piccolo.columns import (
    JSON,
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
from piccolo.table import Table


class Department(Table, tablename="department"):
    id: Serial  # created by Piccolo; declared for type checkers
    code = Varchar(length=20, unique=True)
    name_vi = Varchar(length=200)
    name_en = Varchar(length=200, default="")


class Category(Table, tablename="category"):
    id: Serial  # created by Piccolo; declared for type checkers
    code = Varchar(length=40, unique=True)
    slug = Varchar(length=120, unique=True)
    name_vi = Varchar(length=200)
    name_en = Varchar(length=200, default="")
    description_vi = Text(default="")
    description_en = Text(default="")
    parent: ForeignKey[Any] = ForeignKey("self", null=True, default=None, on_delete=OnDelete.restrict)
    position = Integer(default=0)


class Service(Table, tablename="service"):
    id: Serial  # created by Piccolo; declared for type checkers
    code = Varchar(length=40, unique=True)
    slug = Varchar(length=120, unique=True)
    category = ForeignKey(Category, on_delete=OnDelete.restrict, index=True)
    department = ForeignKey(Department, on_delete=OnDelete.restrict, index=True)
    name_vi = Varchar(length=300)
    name_en = Varchar(length=300, default="")
    summary_vi = Text(default="")
    summary_en = Text(default="")
    description_vi = Text(default="")
    description_en = Text(default="")
    for_citizen = Boolean(default=False)
    for_business = Boolean(default=False)
    for_agency = Boolean(default=False)
    online_level = Varchar(length=20)  # OnlineLevel
    required_documents = JSON(default=[])  # [{name_vi, name_en, copies, mandatory}]
    legal_basis_vi = Text(default="")
    legal_basis_en = Text(default="")
    tags = JSON(default=[])
    status = Varchar(length=20, index=True)  # ServiceStatus
    # Diacritic-free, lower-case copy of the searchable text ("dao tao an toan" matches "Đào tạo an toàn").
    search_text = Text(default="")
    sort_name = Varchar(length=300, default="")  # folded name_vi, so both engines sort alike
    version = Integer(default=1)  # optimistic concurrency for edits
    created_at = Timestamptz(default=TimestamptzNow())
    updated_at = Timestamptz(default=TimestamptzNow())
    published_at = Timestamptz(null=True, default=None)


class ServiceChannel(Table, tablename="service_channel"):
    """Processing time and fee of a service for one channel (online / in person / post)."""

    service = ForeignKey(Service, on_delete=OnDelete.cascade, index=True)
    channel = Varchar(length=20)
    processing_days = Integer()  # working days
    fee_amount = BigInt(default=0)  # VND
    # unique (service, channel): a unique index made in the migration (SQLite cannot ADD CONSTRAINT)


class Plan(Table, tablename="plan"):
    """A price tier of a service."""

    id: Serial  # created by Piccolo; declared for type checkers

    service = ForeignKey(Service, on_delete=OnDelete.cascade, index=True)
    code = Varchar(length=40)
    name_vi = Varchar(length=200)
    name_en = Varchar(length=200, default="")
    unit = Varchar(length=30)  # Unit
    min_quantity = Integer(default=1)
    status = Varchar(length=20, default="active")  # PlanStatus
    position = Integer(default=0)
    # unique (service, code): a unique index made in the migration (SQLite cannot ADD CONSTRAINT)


class PlanPrice(Table, tablename="plan_price"):
    """Append-only price history: the row with the latest effective_from <= today is in force.

    A price change is a new row from a date; rows in force are never edited, so a request or
    invoice made at a price keeps it.
    """

    id: Serial  # created by Piccolo; declared for type checkers
    plan = ForeignKey(Plan, on_delete=OnDelete.cascade, index=True)
    effective_from = Date()  # local date (Asia/Ho_Chi_Minh)
    amount = BigInt()  # VND, excluding VAT
    vat_rate = Varchar(length=8)  # VatRate
    created_by = BigInt(null=True, default=None)
    created_at = Timestamptz(default=TimestamptzNow())
    # unique (plan, effective_from): a unique index made in the migration (SQLite cannot ADD CONSTRAINT)
