"""Settings from the environment: the only module that reads os.environ."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from zoneinfo import ZoneInfo

ROOT = Path(__file__).resolve().parent.parent


def _int(name: str, default: int) -> int:
    raw = os.environ.get(name)
    return int(raw) if raw not in (None, "") else default


@dataclass(frozen=True)
class Settings:
    # sqlite:///relative/or/absolute/path.sqlite or postgresql://user@host:port/db
    database_url: str = field(default_factory=lambda: f"sqlite:///{ROOT / 'var' / 'ttcntt.sqlite'}")
    timezone: ZoneInfo = field(default_factory=lambda: ZoneInfo("Asia/Ho_Chi_Minh"))
    environment: str = "development"
    log_level: str = "INFO"
    token_ttl_hours: int = 12
    max_failed_sign_ins: int = 5
    lockout_minutes: int = 15
    page_size_default: int = 20
    page_size_max: int = 100
    graphql_max_depth: int = 12
    public_base_url: str = "http://127.0.0.1:8000"
    # Argon2id memory cost; tests lower it to stay fast, production keeps the OWASP default.
    argon2_memory_kib: int = 65536
    # OCDS: the registered ocid prefix and the publisher's name in release packages.
    ocds_prefix: str = "ocds-ttcntt-th"
    ocds_publisher: str = "Trung tâm Công nghệ thông tin và Truyền thông tỉnh Thanh Hóa"

    @property
    def is_postgres(self) -> bool:
        return self.database_url.startswith(("postgres://", "postgresql://"))


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    env = os.environ
    defaults = Settings()
    return Settings(
        database_url=env.get("DATABASE_URL") or defaults.database_url,
        environment=env.get("APP_ENV", defaults.environment),
        log_level=env.get("LOG_LEVEL", defaults.log_level),
        token_ttl_hours=_int("TOKEN_TTL_HOURS", defaults.token_ttl_hours),
        max_failed_sign_ins=_int("MAX_FAILED_SIGN_INS", defaults.max_failed_sign_ins),
        lockout_minutes=_int("LOCKOUT_MINUTES", defaults.lockout_minutes),
        page_size_default=_int("PAGE_SIZE_DEFAULT", defaults.page_size_default),
        page_size_max=_int("PAGE_SIZE_MAX", defaults.page_size_max),
        public_base_url=env.get("PUBLIC_BASE_URL", defaults.public_base_url),
        argon2_memory_kib=_int("ARGON2_MEMORY_KIB", defaults.argon2_memory_kib),
        ocds_prefix=env.get("OCDS_PREFIX") or defaults.ocds_prefix,
        ocds_publisher=env.get("OCDS_PUBLISHER") or defaults.ocds_publisher,
    )


def admin_password_from_env() -> str | None:
    """Password for the first admin, for non-interactive set-up (CI, containers)."""
    return os.environ.get("ADMIN_PASSWORD") or None
