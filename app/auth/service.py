"""Use cases of the auth domain: sign-up, sign-in, sign-out, staff roles, partner keys."""

# No `from __future__ import annotations` here: GraphQL inputs subclass this module's dataclasses, and
# strawberry would resolve string annotations of inherited fields in the subclass's module.
import math
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from typing import Any

from app import clock
from app.audit import service as audit
from app.audit.service import Actor
from app.auth import passwords, repository, tokens
from app.auth.enums import AccountKind, CustomerKind, Role, Scope
from app.auth.principal import Principal
from app.config import get_settings
from app.contact import normalize_email, normalize_phone
from app.db import transaction
from app.errors import Conflict, Noun, RateLimited, Unauthenticated, ValidationFailed, not_found, unauthenticated
from app.guards import require_admin, require_person
from app.identifiers import normalize_citizen_id, normalize_tax_code
from app.input import Checker, clean_optional, clean_text

ACCOUNT = Noun("tài khoản", "account")
API_KEY = Noun("khóa API", "API key")


@dataclass
class SignUpData:
    """What a customer gives to sign up (the GraphQL input is this class)."""

    email: str
    password: str
    full_name: str
    customer_kind: CustomerKind
    phone: str | None = None
    citizen_id: str | None = None
    tax_code: str | None = None
    organization_name: str | None = None


@dataclass(frozen=True)
class IssuedSession:
    account_id: int
    token: str
    expires_at: datetime


def check_password(value: str, field: str = "password") -> str:
    if not passwords.MIN_LENGTH <= len(value) <= passwords.MAX_LENGTH:
        raise ValidationFailed(
            "WEAK_PASSWORD",
            f"Mật khẩu phải có từ {passwords.MIN_LENGTH} đến {passwords.MAX_LENGTH} ký tự.",
            f"The password must have {passwords.MIN_LENGTH} to {passwords.MAX_LENGTH} characters.",
            field,
        )
    return value


def _customer_fields(data: SignUpData, c: Checker) -> dict[str, Any]:
    today = clock.local_today()
    values: dict[str, Any] = {"citizen_id": "", "tax_code": "", "organization_name": ""}
    known = len(c.details)
    org = c.check(clean_optional, data.organization_name, "organizationName", max_length=300)
    org_invalid = len(c.details) > known  # already reported: not "required" as well
    if data.customer_kind is CustomerKind.CITIZEN:
        if not data.citizen_id:
            c.fail("citizenId", "REQUIRED", "Công dân cần nhập số CCCD.", "A citizen must give a CCCD number.")
        else:
            values["citizen_id"] = c.check(normalize_citizen_id, data.citizen_id, today)
    else:
        if not org and not org_invalid:
            c.fail("organizationName", "REQUIRED", "Cần nhập tên tổ chức.", "The organization name is required.")
        values["organization_name"] = org or ""
        if data.tax_code:
            values["tax_code"] = c.check(normalize_tax_code, data.tax_code)
        elif data.customer_kind is CustomerKind.BUSINESS:
            c.fail("taxCode", "REQUIRED", "Doanh nghiệp cần nhập mã số thuế.", "A business must give its tax code.")
    return values


async def sign_up(data: SignUpData) -> IssuedSession:
    values = checked_sign_up(data)
    password_hash = await passwords.hash_password(data.password)  # slow: outside the transaction
    return await insert_customer(values, password_hash)


def checked_sign_up(data: SignUpData) -> dict[str, Any]:
    """The account row of a sign-up (its password hash aside), or ValidationFailed with every problem."""
    c = Checker()
    email = c.check(normalize_email, data.email)
    c.check(check_password, data.password)
    full_name = c.check(clean_text, data.full_name, "fullName", max_length=200)
    phone = c.check(normalize_phone, data.phone)
    extra = _customer_fields(data, c)
    c.done()
    return {
        "email": email,
        "full_name": full_name,
        "phone": phone,
        "kind": AccountKind.CUSTOMER.value,
        "customer_kind": data.customer_kind.value,
        **extra,
    }


async def insert_customer(values: dict[str, Any], password_hash: str) -> IssuedSession:
    """Second half of sign_up, split off so tests can give a hash computed once (Argon2 is slow)."""
    async with transaction():
        if await repository.email_exists(values["email"]):
            raise _email_taken()
        account_id = await repository.insert_account({**values, "password_hash": password_hash})
        if account_id is None:
            raise _email_taken()
        return await _issue_session(account_id)


def _email_taken() -> Conflict:
    return Conflict("EMAIL_TAKEN", "E-mail này đã được đăng ký.", "This e-mail is already registered.", "email")


async def _issue_session(account_id: int) -> IssuedSession:
    token = tokens.new_token()
    expires_at = clock.now() + timedelta(hours=get_settings().token_ttl_hours)
    await repository.insert_session(account_id, tokens.digest(token), expires_at)
    return IssuedSession(account_id, token, expires_at)


_BAD_CREDENTIALS = Unauthenticated(
    "INVALID_CREDENTIALS", "E-mail hoặc mật khẩu không đúng.", "Wrong e-mail or password."
)


async def _locked(account_id: int) -> RateLimited:
    """ACCOUNT_LOCKED with the seconds until the lock ends (retryAfter, as rate limits carry), read
    after the refusal: a lock set by a parallel attempt still in flight is not visible yet, and the
    whole lockout is the honest wait then."""
    error = RateLimited(
        "ACCOUNT_LOCKED",
        "Tài khoản tạm khóa do đăng nhập sai nhiều lần. Vui lòng thử lại sau.",
        "The account is locked after repeated failed sign-ins. Try again later.",
    )
    until, now = await repository.locked_until(account_id), clock.now()
    wait = (until - now).total_seconds() if until is not None and until > now else get_settings().lockout_minutes * 60
    error.details = [replace(error.details[0], retry_after=max(1, math.ceil(wait)))]
    return error


async def sign_in(email: str, password: str) -> IssuedSession:
    """Each attempt is counted before its password is checked (the verdict comes from the counted
    value): of any number of parallel wrong passwords, MAX_FAILED_SIGN_INS are checked and the rest
    refused ACCOUNT_LOCKED, and a right password gets no session once the lock is set."""
    settings = get_settings()
    try:
        email = normalize_email(email)
    except ValidationFailed:
        raise _BAD_CREDENTIALS from None
    account = await repository.account_by_email(email)
    if account is None or not account["is_active"]:
        await passwords.burn_time(password)
        raise _BAD_CREDENTIALS
    place = await repository.claim_sign_in(account["id"], settings.max_failed_sign_ins, clock.now())
    if place is None:
        raise await _locked(account["id"])
    if not await passwords.verify_password(password, account["password_hash"]):
        if place >= settings.max_failed_sign_ins:
            await repository.lock_account(account["id"], clock.now() + timedelta(minutes=settings.lockout_minutes))
        raise _BAD_CREDENTIALS
    async with transaction():
        if await repository.clear_sign_in_failures(account["id"], place, clock.now()):
            return await _issue_session(account["id"])
    raise await _locked(account["id"])  # locked meanwhile: nothing was written


async def sign_out(principal: Principal) -> None:
    require_person(principal)
    if principal.session_id is None:
        raise unauthenticated()
    await repository.revoke_session(principal.session_id, clock.now())


async def principal_from_token(token: str) -> Principal:
    session = await repository.session_by_hash(tokens.digest(token))
    if session is None or not session["is_active"]:
        raise Unauthenticated("TOKEN_INVALID", "Mã đăng nhập không hợp lệ.", "The access token is not valid.")
    if session["revoked_at"] is not None:
        raise Unauthenticated("TOKEN_REVOKED", "Phiên đăng nhập đã bị thu hồi.", "The access token has been revoked.")
    if session["expires_at"] <= clock.now():
        raise Unauthenticated("TOKEN_EXPIRED", "Phiên đăng nhập đã hết hạn.", "The access token has expired.")
    kind = AccountKind(session["kind"])
    roles = await repository.roles_of(session["account_id"]) if kind is AccountKind.STAFF else set()
    return Principal(
        account_id=session["account_id"],
        email=session["email"],
        kind=kind,
        roles=frozenset(roles),
        session_id=session["id"],
    )


async def principal_from_api_key(key: str) -> Principal:
    row = await repository.api_key_by_hash(tokens.digest(key))
    if row is None:
        raise Unauthenticated("API_KEY_INVALID", "Khóa API không hợp lệ.", "The API key is not valid.")
    if row["revoked_at"] is not None:
        raise Unauthenticated("API_KEY_REVOKED", "Khóa API đã bị thu hồi.", "The API key has been revoked.")
    now = clock.now()
    # Written at most once a minute: a busy partner must not turn every read into a write.
    if row["last_used_at"] is None or now - row["last_used_at"] > timedelta(minutes=1):
        await repository.touch_api_key(row["id"], now)
    return Principal(
        api_key_id=row["id"],
        scopes=frozenset(Scope(scope) for scope in row["scopes"]),
    )


async def create_staff_account(
    principal: Principal, email: str, full_name: str, password: str, roles: list[Role]
) -> int:
    require_admin(principal)
    c = Checker()
    email = c.check(normalize_email, email)
    full_name = c.check(clean_text, full_name, "fullName", max_length=200)
    c.check(check_password, password)
    c.done()
    return await _insert_staff(principal.as_actor(), email, full_name, password, roles)


async def _insert_staff(actor: Actor, email: str, full_name: str, password: str, roles: list[Role]) -> int:
    return await insert_staff_hashed(actor, email, full_name, await passwords.hash_password(password), roles)


async def insert_staff_hashed(actor: Actor, email: str, full_name: str, password_hash: str, roles: list[Role]) -> int:
    """A staff account from clean inputs and a computed hash (tests reuse one hash: Argon2 is slow)."""
    async with transaction():
        if await repository.email_exists(email):
            raise _email_taken()
        account_id = await repository.insert_account(
            {
                "email": email,
                "password_hash": password_hash,
                "full_name": full_name,
                "kind": AccountKind.STAFF.value,
            }
        )
        if account_id is None:
            raise _email_taken()
        for role in sorted(set(roles)):
            await repository.add_role(account_id, role, actor.id)
        await audit.record(
            actor, "account.create_staff", "account", account_id, None,
            {"email": email, "roles": sorted({role.value for role in roles})},
        )  # fmt: skip
        return account_id


async def bootstrap_admin(email: str, full_name: str, password: str) -> int:
    """CLI only: creates an admin, or grants admin to an existing staff account."""
    email = normalize_email(email)
    check_password(password)
    existing = await repository.account_by_email(email)
    if existing is None:
        return await _insert_staff(Actor.system(), email, clean_text(full_name, "fullName"), password, [Role.ADMIN])
    if existing["kind"] != AccountKind.STAFF.value:
        raise Conflict("NOT_STAFF", "Tài khoản này là khách hàng.", "This account is a customer account.", "email")
    before = await repository.roles_of(existing["id"])
    if Role.ADMIN not in before:
        async with transaction():
            if not await repository.add_role(existing["id"], Role.ADMIN, None):
                return int(existing["id"])  # a concurrent run granted it
            await audit.record(
                Actor.system(), "account.grant_role", "account", existing["id"],
                {"roles": sorted(before)}, {"roles": sorted({*before, Role.ADMIN})},
            )  # fmt: skip
    return int(existing["id"])


async def _staff_account(account_id: int) -> dict[str, Any]:
    account = await repository.account_by_id(account_id)
    if account is None:
        raise not_found(ACCOUNT, "accountId")
    if account["kind"] != AccountKind.STAFF.value:
        raise Conflict(
            "NOT_STAFF",
            "Chỉ tài khoản cán bộ mới được cấp vai trò.",
            "Roles can be granted to staff accounts only.",
            "accountId",
        )
    return account


async def grant_role(principal: Principal, account_id: int, role: Role) -> None:
    require_admin(principal)
    await _staff_account(account_id)
    async with transaction():
        before = await repository.roles_of(account_id)
        if role in before or not await repository.add_role(account_id, role, principal.account_id):
            return  # held already, or granted by a concurrent request
        await audit.record(
            principal.as_actor(), "account.grant_role", "account", account_id,
            {"roles": sorted(before)}, {"roles": sorted({*before, role})},
        )  # fmt: skip


async def revoke_role(principal: Principal, account_id: int, role: Role) -> None:
    require_admin(principal)
    await _staff_account(account_id)
    if account_id == principal.account_id and role is Role.ADMIN:
        raise Conflict(
            "CANNOT_REVOKE_OWN_ADMIN",
            "Không thể tự thu hồi quyền quản trị của chính mình.",
            "You cannot revoke your own admin role.",
            "role",
        )
    async with transaction():
        before = await repository.roles_of(account_id)
        if role not in before or not await repository.remove_role(account_id, role):
            return  # not held, or revoked by a concurrent request
        await audit.record(
            principal.as_actor(), "account.revoke_role", "account", account_id,
            {"roles": sorted(before)}, {"roles": sorted(before - {role})},
        )  # fmt: skip


async def create_api_key(principal: Principal, name: str, scopes: list[Scope]) -> tuple[dict[str, Any], str]:
    require_admin(principal)
    c = Checker()
    clean_name = c.check(clean_text, name, "name", max_length=200)
    if not scopes:
        c.fail("scopes", "REQUIRED", "Cần chọn ít nhất một phạm vi.", "Choose at least one scope.")
    c.done()
    prefix, key = tokens.new_api_key()
    async with transaction():
        row = await repository.insert_api_key(
            {
                "name": clean_name,
                "prefix": prefix,
                "key_hash": tokens.digest(key),
                "scopes": sorted({scope.value for scope in scopes}),
                "created_by": principal.account_id,
            }
        )
        await audit.record(
            principal.as_actor(), "api_key.create", "api_key", row["id"], None,
            {"name": clean_name, "prefix": prefix, "scopes": sorted({s.value for s in scopes})},
        )  # fmt: skip
    stored = await repository.api_key_by_id(row["id"])
    assert stored is not None
    return stored, key


async def revoke_api_key(principal: Principal, key_id: int) -> dict[str, Any]:
    require_admin(principal)
    async with transaction():
        row = await repository.api_key_by_id(key_id)
        if row is None:
            raise not_found(API_KEY, "id")
        if row["revoked_at"] is None:
            await repository.revoke_api_key(key_id, clock.now())
            await audit.record(
                principal.as_actor(),
                "api_key.revoke",
                "api_key",
                key_id,
                {"revoked": False},
                {"revoked": True},
            )
    stored = await repository.api_key_by_id(key_id)
    assert stored is not None
    return stored
