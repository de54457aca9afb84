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


def _choice(name: str, allowed: tuple[str, ...], default: str) -> str:
    raw = (os.environ.get(name) or default).strip().lower()
    if raw not in allowed:
        raise ValueError(f"{name} must be one of {', '.join(allowed)} (got {raw!r})")
    return raw


INTROSPECTION_MODES = ("off", "staff", "on")


def _switch(name: str, default: bool) -> bool:
    raw = os.environ.get(name, "").strip().lower()
    if raw in ("", "default"):
        return default
    if raw in ("on", "1", "true", "yes"):
        return True
    if raw in ("off", "0", "false", "no"):
        return False
    raise ValueError(f"{name} must be on or off, not {raw!r}")


@dataclass(frozen=True)
class Settings:
    # sqlite:///relative/or/absolute/path.sqlite or postgresql://user@host:port/db
    database_url: str = field(default_factory=lambda: f"sqlite:///{ROOT / 'var' / 'ttcntt.sqlite'}")
    database_pool_min_size: int = 10  # PostgreSQL: connections opened when the pool starts (at most 20)
    timezone: ZoneInfo = field(default_factory=lambda: ZoneInfo("Asia/Ho_Chi_Minh"))
    environment: str = "development"
    log_level: str = "INFO"
    token_ttl_hours: int = 12
    max_failed_sign_ins: int = 5
    lockout_minutes: int = 15
    page_size_default: int = 20
    page_size_max: int = 100
    # GraphQL documents are measured before they run (app/api/query_guard.py). Size limits bound the
    # work done before validation (graphql-core's overlapping-fields rule is quadratic in the
    # selections); depth, aliases and cost bound what execution may do.
    graphql_max_bytes: int = 16_384
    graphql_max_tokens: int = 1_000
    graphql_max_selections: int = 200
    graphql_max_depth: int = 12
    graphql_max_aliases: int = 30
    # Cost budgets per caller (fields an operation may resolve, estimated; see app/api/cost.py).
    graphql_cost_anonymous: int = 60_000
    graphql_cost_customer: int = 75_000
    graphql_cost_partner: int = 100_000
    graphql_cost_staff: int = 250_000
    # APP_ENV=production turns GraphiQL off and introspection to staff only, unless GRAPHIQL /
    # INTROSPECTION say otherwise (get_settings).
    graphiql: bool = True
    introspection: str = "on"  # off | staff | on
    public_base_url: str = "http://127.0.0.1:8000"
    # Argon2id memory cost; tests lower it to stay fast, production keeps the OWASP default.
    argon2_memory_kib: int = 65536
    # Hashes run in worker threads, at most this many at once (each takes ARGON2_MEMORY_KIB and a core),
    # so sign-ins never block the event loop (app/auth/passwords.py).
    password_hash_workers: int = 2
    # Proxies whose X-Forwarded-For is believed (addresses or CIDRs, comma-separated); none by default:
    # the client address is then the TCP peer (app/clients.py).
    trusted_proxies: tuple[str, ...] = ()
    # OCDS: the registered ocid prefix and the publisher's name in release packages.
    ocds_prefix: str = "ocds-ttcntt-th"
    ocds_publisher: str = "Trung tâm Công nghệ thông tin và Truyền thông tỉnh Thanh Hóa"
    # Service requests: uploads, deadlines, receipt codes, public tracking, e-mail.
    upload_dir: Path = field(default_factory=lambda: ROOT / "var" / "uploads")
    # Per file; Litestar refuses whole request bodies over 10 MB (request_max_body_size) before we see them.
    max_upload_bytes: int = 5 * 1024 * 1024
    upload_types: tuple[str, ...] = ("application/pdf", "image/jpeg", "image/png")
    # Files one multipart request may carry, refused at the HTTP edge before any file is read further.
    max_upload_files: int = 30
    working_day_cutoff: str = "15:00"  # received at or after this local time: counts from the next working day
    receipt_prefix: str = "TTCNTT"
    tracking_max_failures: int = 5  # failed public lookups per code or client within the window
    tracking_window_minutes: int = 15
    # Guest (anonymous) submissions per client address and per contact e-mail within the window, so the
    # desk cannot be flooded nor made to mail any address at will (app/limits.py counts them).
    guest_submissions_per_client: int = 20
    guest_submissions_per_email: int = 5
    guest_submission_window_minutes: int = 60
    overdue_extension_days: int = 2  # working days added to the promise of an overdue request
    guest_link_days: int = 30  # a guest's secret link (cancel, answer a supplement request) lasts this long
    guest_link_url: str = ""  # the page guests open with ?token=…; empty: PUBLIC_BASE_URL/guest
    # Billing: the seller (the center) as invoices show it, numbering, terms. Data the center changes.
    seller_name: str = "Trung tâm Công nghệ thông tin và Truyền thông tỉnh Thanh Hóa"
    seller_tax_code: str = "2800000027"  # a sample valid MST: set the center's real one
    seller_address: str = "Tòa nhà Công nghệ thông tin, tỉnh Thanh Hóa"
    seller_phone: str = ""
    seller_email: str = ""
    seller_bank_account: str = ""
    seller_bank_name: str = ""
    # Contract documents: the center as a party (parent agency, who signs), where documents are signed, the
    # suffix of their numbers, and a folder whose wording files replace the shipped ones. Samples: set them.
    seller_parent_agency: str = "Sở Khoa học và Công nghệ tỉnh Thanh Hóa"
    seller_representative: str = "Nguyễn Văn Mẫu"  # a sample name: set the director's (or the signatory's)
    seller_representative_title: str = "Giám đốc"
    document_place: str = "Thanh Hóa"  # "Thanh Hóa, ngày … tháng … năm …"
    document_number_suffix: str = "TTCNTT"  # 0007/2026/HĐDV-TTCNTT
    document_texts_dir: Path | None = None  # legal staff's own wording (*.toml), else the shipped files
    invoice_template: str = "1"  # KHMSHDon: 1 = VAT invoice
    invoice_symbol: str = "C{yy}TAA"  # KHHDon: C with the tax authority's code, year, T, the center's letters
    invoice_payment_days: int = 15  # due date: issue date + this many days
    quote_valid_days: int = 30
    vat_8_until: str = "2026-12-31"  # the reduced 8% rate applies to lines invoiced up to this date
    milestone_vat_rate: str = "10"  # VAT of a milestone invoice's line (finance can change it on the draft)
    # Payments: Stripe for cards (empty key: cards are not offered), VietQR for transfers, statement imports.
    stripe_secret_key: str = ""
    stripe_publishable_key: str = ""
    stripe_api_base: str = ""  # empty: Stripe itself; tests point the real SDK at localstripe
    stripe_webhook_secret: str = ""
    stripe_webhook_tolerance: int = 300  # seconds a signed webhook stays valid
    vietqr_bank_bin: str = ""  # the NAPAS BIN of the center's bank (6 digits); empty: no QR codes
    statement_layout: str = ""  # JSON: column names, date format, delimiter of the bank's CSV (README)
    smtp_host: str = ""  # empty: no SMTP, outbox messages are marked skipped
    smtp_port: int = 587
    smtp_user: str = ""
    smtp_password: str = ""
    smtp_sender: str = "no-reply@ttcntt.thanhhoa.gov.vn"
    # Finance exports: rows read per keyset page; the longest period an XLSX may cover (a sheet holds
    # 1,048,576 rows; longer sheets continue on a second sheet, but a spreadsheet of years is a mistake).
    export_batch_size: int = 5000
    export_xlsx_max_days: int = 366

    # Scale-out (README, Deployment). WORKERS 0: one per core on PostgreSQL, always 1 on SQLite.
    workers: int = 0
    max_concurrent_requests: int = 4  # per worker; more only share one core and all get slower (bench/README.md)
    max_queued_requests: int = 32  # per worker, waiting for a slot; beyond: 503 OVERLOADED at once
    queue_timeout_ms: int = 500  # longest wait for a slot before 503
    retry_after_seconds: int = 1
    # PostgreSQL ends a pool session left idle inside a transaction this long (0: never): a last guard,
    # should a connection ever again be lost in BEGIN (app/db.py), so that the pool refills itself.
    db_idle_in_transaction_seconds: int = 60
    gc_freeze: bool = True  # gc.freeze() after start-up: the app's own objects are never scanned again
    gc_gen0_threshold: int = 50_000  # Python's default is 700; a request allocates far more
    # Background jobs (app/jobs.py): in process without REDIS_URL; with it, on Redis for `app.cli worker`.
    redis_url: str = ""
    job_broker: str = "auto"  # auto: Redis when REDIS_URL is set, else in process; or memory / redis
    job_queue_name: str = "ttcntt-jobs"
    job_sweep_seconds: int = 60  # a worker retries unsent messages and events this often

    @property
    def jobs_on_redis(self) -> bool:
        if self.job_broker not in ("auto", "memory", "redis"):
            raise ValueError("JOB_BROKER must be auto, memory or redis")
        if self.job_broker == "redis" and not self.redis_url:
            raise ValueError("JOB_BROKER=redis needs REDIS_URL")
        return self.job_broker == "redis" or (self.job_broker == "auto" and bool(self.redis_url))

    # Public reads (app/api/read_cache.py): whole responses of anonymous and partner catalog and public-project
    # queries, kept in this process (memory), in Redis (shared by every worker and instance), or not at all.
    response_cache: str = "memory"  # memory | redis | off
    response_cache_bytes: int = 32 * 1024 * 1024  # memory: the most the cached bodies take, least recently used go
    response_cache_ttl: int = 3600  # seconds an entry lives in Redis (versions and the date make it exact anyway)
    response_cache_prefix: str = "ttcntt:rc:"  # Redis key prefix: several apps (or test runs) share one Redis
    response_max_age: int = 0  # Cache-Control max-age of cacheable GET answers; 0: revalidate every time (ETag)
    # Trusted documents (graphql/operations/*.graphql, by SHA-256): "registered" holds partner keys to them.
    partner_documents: str = "any"  # any | registered

    @property
    def is_postgres(self) -> bool:
        return self.database_url.startswith(("postgres://", "postgresql://"))


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    env = os.environ
    defaults = Settings()
    environment = env.get("APP_ENV", defaults.environment)
    production = environment.strip().lower() == "production"
    return Settings(
        database_url=env.get("DATABASE_URL") or defaults.database_url,
        database_pool_min_size=min(20, max(0, _int("DATABASE_POOL_MIN_SIZE", defaults.database_pool_min_size))),
        environment=environment,
        graphiql=_switch("GRAPHIQL", not production),
        introspection=_choice("INTROSPECTION", INTROSPECTION_MODES, "staff" if production else "on"),
        log_level=env.get("LOG_LEVEL", defaults.log_level),
        token_ttl_hours=_int("TOKEN_TTL_HOURS", defaults.token_ttl_hours),
        max_failed_sign_ins=_int("MAX_FAILED_SIGN_INS", defaults.max_failed_sign_ins),
        lockout_minutes=_int("LOCKOUT_MINUTES", defaults.lockout_minutes),
        page_size_default=_int("PAGE_SIZE_DEFAULT", defaults.page_size_default),
        page_size_max=_int("PAGE_SIZE_MAX", defaults.page_size_max),
        graphql_max_bytes=_int("GRAPHQL_MAX_BYTES", defaults.graphql_max_bytes),
        graphql_max_tokens=_int("GRAPHQL_MAX_TOKENS", defaults.graphql_max_tokens),
        graphql_max_selections=_int("GRAPHQL_MAX_SELECTIONS", defaults.graphql_max_selections),
        graphql_max_depth=_int("GRAPHQL_MAX_DEPTH", defaults.graphql_max_depth),
        graphql_max_aliases=_int("GRAPHQL_MAX_ALIASES", defaults.graphql_max_aliases),
        graphql_cost_anonymous=_int("GRAPHQL_COST_ANONYMOUS", defaults.graphql_cost_anonymous),
        graphql_cost_customer=_int("GRAPHQL_COST_CUSTOMER", defaults.graphql_cost_customer),
        graphql_cost_partner=_int("GRAPHQL_COST_PARTNER", defaults.graphql_cost_partner),
        graphql_cost_staff=_int("GRAPHQL_COST_STAFF", defaults.graphql_cost_staff),
        public_base_url=env.get("PUBLIC_BASE_URL", defaults.public_base_url),
        argon2_memory_kib=_int("ARGON2_MEMORY_KIB", defaults.argon2_memory_kib),
        password_hash_workers=max(1, _int("PASSWORD_HASH_WORKERS", defaults.password_hash_workers)),
        trusted_proxies=tuple(p.strip() for p in env.get("TRUSTED_PROXIES", "").split(",") if p.strip()),
        ocds_prefix=env.get("OCDS_PREFIX") or defaults.ocds_prefix,
        ocds_publisher=env.get("OCDS_PUBLISHER") or defaults.ocds_publisher,
        upload_dir=Path(env["UPLOAD_DIR"]) if env.get("UPLOAD_DIR") else defaults.upload_dir,
        max_upload_bytes=_int("MAX_UPLOAD_BYTES", defaults.max_upload_bytes),
        max_upload_files=_int("MAX_UPLOAD_FILES", defaults.max_upload_files),
        upload_types=tuple(t.strip() for t in env["UPLOAD_TYPES"].split(",") if t.strip())
        if env.get("UPLOAD_TYPES")
        else defaults.upload_types,
        working_day_cutoff=env.get("WORKING_DAY_CUTOFF") or defaults.working_day_cutoff,
        receipt_prefix=env.get("RECEIPT_PREFIX") or defaults.receipt_prefix,
        tracking_max_failures=_int("TRACKING_MAX_FAILURES", defaults.tracking_max_failures),
        tracking_window_minutes=_int("TRACKING_WINDOW_MINUTES", defaults.tracking_window_minutes),
        guest_submissions_per_client=_int("GUEST_SUBMISSIONS_PER_CLIENT", defaults.guest_submissions_per_client),
        guest_submissions_per_email=_int("GUEST_SUBMISSIONS_PER_EMAIL", defaults.guest_submissions_per_email),
        guest_submission_window_minutes=_int(
            "GUEST_SUBMISSION_WINDOW_MINUTES", defaults.guest_submission_window_minutes
        ),
        overdue_extension_days=_int("OVERDUE_EXTENSION_DAYS", defaults.overdue_extension_days),
        guest_link_days=_int("GUEST_LINK_DAYS", defaults.guest_link_days),
        guest_link_url=env.get("GUEST_LINK_URL", defaults.guest_link_url),
        seller_name=env.get("SELLER_NAME") or defaults.seller_name,
        seller_tax_code=env.get("SELLER_TAX_CODE") or defaults.seller_tax_code,
        seller_address=env.get("SELLER_ADDRESS") or defaults.seller_address,
        seller_phone=env.get("SELLER_PHONE", defaults.seller_phone),
        seller_email=env.get("SELLER_EMAIL", defaults.seller_email),
        seller_bank_account=env.get("SELLER_BANK_ACCOUNT", defaults.seller_bank_account),
        seller_bank_name=env.get("SELLER_BANK_NAME", defaults.seller_bank_name),
        seller_parent_agency=env.get("SELLER_PARENT_AGENCY") or defaults.seller_parent_agency,
        seller_representative=env.get("SELLER_REPRESENTATIVE") or defaults.seller_representative,
        seller_representative_title=env.get("SELLER_REPRESENTATIVE_TITLE") or defaults.seller_representative_title,
        document_place=env.get("DOCUMENT_PLACE") or defaults.document_place,
        document_number_suffix=env.get("DOCUMENT_NUMBER_SUFFIX") or defaults.document_number_suffix,
        document_texts_dir=Path(env["DOCUMENT_TEXTS_DIR"]) if env.get("DOCUMENT_TEXTS_DIR") else None,
        invoice_template=env.get("INVOICE_TEMPLATE") or defaults.invoice_template,
        invoice_symbol=env.get("INVOICE_SYMBOL") or defaults.invoice_symbol,
        invoice_payment_days=_int("INVOICE_PAYMENT_DAYS", defaults.invoice_payment_days),
        quote_valid_days=_int("QUOTE_VALID_DAYS", defaults.quote_valid_days),
        vat_8_until=env.get("VAT_8_UNTIL") or defaults.vat_8_until,
        milestone_vat_rate=env.get("MILESTONE_VAT_RATE") or defaults.milestone_vat_rate,
        stripe_secret_key=env.get("STRIPE_SECRET_KEY", defaults.stripe_secret_key),
        stripe_publishable_key=env.get("STRIPE_PUBLISHABLE_KEY", defaults.stripe_publishable_key),
        stripe_api_base=env.get("STRIPE_API_BASE", defaults.stripe_api_base),
        stripe_webhook_secret=env.get("STRIPE_WEBHOOK_SECRET", defaults.stripe_webhook_secret),
        stripe_webhook_tolerance=_int("STRIPE_WEBHOOK_TOLERANCE", defaults.stripe_webhook_tolerance),
        vietqr_bank_bin=env.get("VIETQR_BANK_BIN", defaults.vietqr_bank_bin),
        statement_layout=env.get("STATEMENT_LAYOUT", defaults.statement_layout),
        smtp_host=env.get("SMTP_HOST", defaults.smtp_host),
        smtp_port=_int("SMTP_PORT", defaults.smtp_port),
        smtp_user=env.get("SMTP_USER", defaults.smtp_user),
        smtp_password=env.get("SMTP_PASSWORD", defaults.smtp_password),
        smtp_sender=env.get("SMTP_SENDER") or defaults.smtp_sender,
        export_batch_size=_int("EXPORT_BATCH_SIZE", defaults.export_batch_size),
        export_xlsx_max_days=_int("EXPORT_XLSX_MAX_DAYS", defaults.export_xlsx_max_days),
        workers=_int("WORKERS", defaults.workers),
        max_concurrent_requests=_int("MAX_CONCURRENT_REQUESTS", defaults.max_concurrent_requests),
        max_queued_requests=_int("MAX_QUEUED_REQUESTS", defaults.max_queued_requests),
        queue_timeout_ms=_int("QUEUE_TIMEOUT_MS", defaults.queue_timeout_ms),
        retry_after_seconds=_int("RETRY_AFTER_SECONDS", defaults.retry_after_seconds),
        db_idle_in_transaction_seconds=_int("DB_IDLE_IN_TRANSACTION_SECONDS", defaults.db_idle_in_transaction_seconds),
        gc_freeze=env.get("GC_FREEZE", "1").strip().lower() not in ("0", "false", "no", "off"),
        gc_gen0_threshold=_int("GC_GEN0_THRESHOLD", defaults.gc_gen0_threshold),
        redis_url=env.get("REDIS_URL", defaults.redis_url),
        job_broker=(env.get("JOB_BROKER") or defaults.job_broker).strip().lower(),
        job_queue_name=env.get("JOB_QUEUE_NAME") or defaults.job_queue_name,
        job_sweep_seconds=_int("JOB_SWEEP_SECONDS", defaults.job_sweep_seconds),
        # Unset: in Redis when there is one, else in memory.
        response_cache=_choice(
            "RESPONSE_CACHE", ("memory", "redis", "off"), "redis" if env.get("REDIS_URL") else "memory"
        ),
        response_cache_bytes=_int("RESPONSE_CACHE_BYTES", defaults.response_cache_bytes),
        response_cache_ttl=_int("RESPONSE_CACHE_TTL", defaults.response_cache_ttl),
        response_cache_prefix=env.get("RESPONSE_CACHE_PREFIX") or defaults.response_cache_prefix,
        response_max_age=_int("RESPONSE_MAX_AGE", defaults.response_max_age),
        partner_documents=_choice("PARTNER_DOCUMENTS", ("any", "registered"), defaults.partner_documents),
    )


def admin_password_from_env() -> str | None:
    """Password for the first admin, for non-interactive set-up (CI, containers)."""
    return os.environ.get("ADMIN_PASSWORD") or None
