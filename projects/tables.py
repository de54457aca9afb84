from typing import Any

from piccolo.columns import BigInt, Date, ForeignKey, Integer, OnDelete, Serial, Text, Timestamptz, Varchar
from piccolo.columns.defaults.timestamptz import TimestamptzNow
from piccolo.columns.reference import LazyTableReference
from piccolo.table import Table

# Other domains' tables are referenced by name (a database foreign key), never imported.
Account = LazyTableReference("Account", app_name="auth")
Department = LazyTableReference("Department", app_name="catalog")


class Project(Table, tablename="project"):
    id: Serial  # created by Piccolo; declared for type checkers
    code = Varchar(length=40, unique=True)
    name_vi = Varchar(length=300)
    name_en = Varchar(length=300, default="")
    description_vi = Text(default="")
    description_en = Text(default="")
    kind = Varchar(length=30, index=True)  # ProjectKind
    ppp_contract_type = Varchar(length=10, default="")  # PppContractType, PPP projects only
    ppp_stage = Varchar(length=30, default="", index=True)  # PppStage, PPP projects only
    sponsor_agency = Varchar(length=300)  # cơ quan có thẩm quyền / chủ quản
    department: ForeignKey[Any] = ForeignKey(Department, on_delete=OnDelete.restrict, index=True)  # owning department
    state_capital_amount = BigInt(default=0)  # VND
    private_capital_amount = BigInt(default=0)  # VND
    planned_start = Date()  # local dates (Asia/Ho_Chi_Minh)
    planned_end = Date()
    visibility = Varchar(length=10, index=True)  # Visibility
    status = Varchar(length=20, index=True)  # ProjectStatus
    version = Integer(default=1)  # optimistic concurrency
    created_at = Timestamptz(default=TimestamptzNow())
    updated_at = Timestamptz(default=TimestamptzNow())


class ProjectManager(Table, tablename="project_manager"):
    """Staff accounts (role project_manager) that manage a project."""

    id: Serial  # created by Piccolo; declared for type checkers
    project = ForeignKey(Project, on_delete=OnDelete.cascade, index=True)
    account: ForeignKey[Any] = ForeignKey(Account, on_delete=OnDelete.restrict, index=True)
    # unique (project, account): a unique index made in the second migration


class ProjectPartner(Table, tablename="project_partner"):
    """Private partners: business customer accounts."""

    id: Serial  # created by Piccolo; declared for type checkers
    project = ForeignKey(Project, on_delete=OnDelete.cascade, index=True)
    account: ForeignKey[Any] = ForeignKey(Account, on_delete=OnDelete.restrict, index=True)
    # unique (project, account): a unique index made in the second migration


class Milestone(Table, tablename="milestone"):
    id: Serial  # created by Piccolo; declared for type checkers
    project = ForeignKey(Project, on_delete=OnDelete.cascade, index=True)
    position = Integer(default=0)  # order within the project
    title_vi = Varchar(length=300)
    title_en = Varchar(length=300, default="")
    type = Varchar(length=30)  # MilestoneType (OCDS)
    code = Varchar(length=30, default="")  # MilestoneCode (PPP profile), optional
    planned_start = Date()
    baseline_due = Date()  # the due date first planned; never changes
    due_date = Date(index=True)  # the current plan
    actual_start = Date(null=True, default=None)
    actual_end = Date(null=True, default=None)
    progress = Integer(default=0)  # percent, 0-100
    deliverables = Text(default="")
    share_bp = Integer(default=0)  # share of the contract value paid on acceptance, basis points (1/10000)
    status = Varchar(length=20, index=True)  # MilestoneStatus
    status_reason = Text(default="")  # why returned / blocked / cancelled
    submitted_by = BigInt(null=True, default=None)  # account id of the last submission
    version = Integer(default=1)
    created_at = Timestamptz(default=TimestamptzNow())
    updated_at = Timestamptz(default=TimestamptzNow())


class MilestoneDependency(Table, tablename="milestone_dependency"):
    """`milestone` cannot start before `predecessor` is accepted."""

    id: Serial  # created by Piccolo; declared for type checkers
    milestone = ForeignKey(Milestone, on_delete=OnDelete.cascade, index=True)
    predecessor = ForeignKey(Milestone, on_delete=OnDelete.cascade, index=True)
    # unique (milestone, predecessor): a unique index made in the second migration


class MilestoneEvidence(Table, tablename="milestone_evidence"):
    """A document attached to a submission: an uploaded file (stored_path set, url empty) or a link to
    where it is kept (url set, stored_path empty)."""

    id: Serial  # created by Piccolo; declared for type checkers
    milestone = ForeignKey(Milestone, on_delete=OnDelete.cascade, index=True)
    name = Varchar(length=300)
    url = Varchar(length=1000)
    media_type = Varchar(length=100, default="")
    sha256 = Varchar(length=64, default="")
    filename = Varchar(length=200, default="")
    size = BigInt(default=0)
    stored_path = Varchar(length=100, default="")
    added_by = BigInt(null=True, default=None)
    added_at = Timestamptz(default=TimestamptzNow())
