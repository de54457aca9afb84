from piccolo.columns import (
    JSON,
    BigInt,
    Boolean,
    ForeignKey,
    Integer,
    OnDelete,
    Serial,
    Timestamptz,
    Varchar,
)
from piccolo.columns.defaults.timestamptz import TimestamptzNow
from piccolo.table import Table


class Account(Table, tablename="account"):
    id: Serial  # created by Piccolo; declared for type checkers
    email = Varchar(length=254, unique=True)  # stored lower-case
    password_hash = Varchar(length=255, secret=True)
    full_name = Varchar(length=200)
    phone = Varchar(length=20, default="")
    kind = Varchar(length=20)  # AccountKind
    customer_kind = Varchar(length=20, default="")  # CustomerKind, customers only
    citizen_id = Varchar(length=12, default="")  # CCCD, citizens
    tax_code = Varchar(length=14, default="")  # MST, businesses (and agencies that have one)
    organization_name = Varchar(length=300, default="")
    is_active = Boolean(default=True)
    failed_sign_ins = Integer(default=0)
    locked_until = Timestamptz(null=True, default=None)
    created_at = Timestamptz(default=TimestamptzNow())


class AccountRole(Table, tablename="account_role"):
    id: Serial  # created by Piccolo; declared for type checkers
    account = ForeignKey(Account, on_delete=OnDelete.cascade, index=True)
    role = Varchar(length=40)
    granted_by = BigInt(null=True, default=None)
    granted_at = Timestamptz(default=TimestamptzNow())
    # unique (account, role): a unique index made in the migration (SQLite cannot ADD CONSTRAINT)


class AuthSession(Table, tablename="auth_session"):
    """A bearer token; only its SHA-256 is stored."""

    id: Serial  # created by Piccolo; declared for type checkers
    account = ForeignKey(Account, on_delete=OnDelete.cascade, index=True)
    token_hash = Varchar(length=64, unique=True)
    created_at = Timestamptz(default=TimestamptzNow())
    expires_at = Timestamptz()
    revoked_at = Timestamptz(null=True, default=None)


class ApiKey(Table, tablename="api_key"):
    """A partner key: `ttk_<prefix>_<secret>`; the prefix is shown, only the SHA-256 of the key is stored."""

    id: Serial  # created by Piccolo; declared for type checkers
    name = Varchar(length=200)
    prefix = Varchar(length=16, unique=True)
    key_hash = Varchar(length=64, unique=True)
    scopes = JSON(default=[])
    created_by = BigInt(null=True, default=None)
    created_at = Timestamptz(default=TimestamptzNow())
    revoked_at = Timestamptz(null=True, default=None)
    last_used_at = Timestamptz(null=True, default=None)
