"""Accounts: logging in (argon2 hashes, lockout), passwords, the idle lock, and the
administrator's account management. Every login, failed login and account change is an audit
entry in the hash chain.

Functions the window calls before any Context exists take the database (`login`, `unlock`,
`change_password`); the administrator's functions take the Context of the logged-in
administrator and are refused (code `forbidden`, audited) for anyone else.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError
from sqlite_utils import Database

from desktop.errors import Refusal
from desktop.identity import refuse_invisible
from desktop.records import accounts as rows
from desktop.records import audit
from desktop.records.rows import Stamp, new_id
from desktop.records.tx import write
from desktop.services.context import CHINA, Context, china_now
from desktop.services.permissions import ACCOUNT_ROLES, ROLE_LABELS, require
from desktop.services.session import Session, issue

MAX_FAILED = 5
LOCK_MINUTES = 15
MIN_PASSWORD = 8
MAX_PASSWORD = 128
USERNAME = re.compile(r"[A-Za-z0-9_.\-]{2,32}")
COMMON = frozenset({"12345678", "123456789", "password", "password1", "qwerty123", "11111111", "abc12345", "a1234567", "admin123", "88888888"})
# Replaced in tests by a cheaper one; `login` rehashes a stored hash whose parameters differ.
HASHER = PasswordHasher()
_dummy_hash: str | None = None


@dataclass(frozen=True)
class Account:
    """A logged-in (or listed) account; never carries the password hash."""

    id: str
    username: str
    display_name: str
    roles: frozenset[str]
    disabled: bool = False
    locked_until: str | None = None
    last_login_at: str | None = None
    session: Session | None = field(default=None, compare=False, repr=False)  # set by a login only
    # the hall's recovery code, in clear only on the Account `hall.configure_hall` returns: shown once
    recovery_code: str | None = field(default=None, compare=False, repr=False)

    def has(self, role: str) -> bool:
        return role in self.roles

    @property
    def primary_role(self) -> str:
        """The role a new Context acts in: clerk, else reviewer, else admin."""
        return next(r for r in ACCOUNT_ROLES if r in self.roles)

    @property
    def role_labels(self) -> str:
        return "、".join(ROLE_LABELS[r] for r in ACCOUNT_ROLES if r in self.roles)


def _account(row: dict[str, Any], session: Session | None = None) -> Account:
    return Account(
        row["id"],
        row["username"],
        row["display_name"],
        rows.decode_roles(row["roles"]),
        row["disabled_at"] is not None,
        row["locked_until"],
        row["last_login_at"],
        session,
    )


def _moment(now: datetime | None) -> datetime:
    moment = now or china_now()
    return moment.astimezone(CHINA) if moment.tzinfo else moment.replace(tzinfo=CHINA)


def _iso(moment: datetime) -> str:
    return moment.isoformat(timespec="seconds")


def _hall_or_refuse(db: Database) -> dict[str, Any]:
    hall = rows.hall(db)
    if hall is None:
        raise Refusal("not_configured", "本大厅尚未完成首次设置，请先设置大厅和管理员账户", "hall")
    return hall


def _stamp(hall: dict[str, Any], operator: str, role: str, at: datetime) -> Stamp:
    return Stamp(hall["hall_code"], hall["window_code"], operator, role or "-", at)


def _text(value: Any, field: str, label: str, *, max_len: int, shown: bool = True) -> str:
    """`shown`: text people read (a name, a reason), where invisible characters are refused."""
    if not isinstance(value, str):
        raise Refusal("invalid_field", f"请填写{label}", field)
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        raise Refusal("invalid_field", f"{label}含有无法识别的字符", field) from None
    if len(value) > max_len:
        raise Refusal("invalid_field", f"{label}不能超过{max_len}个字符", field)
    return refuse_invisible(value, field, label) if shown else value


def check_username(username: Any) -> str:
    name = _text(username, "username", "用户名", max_len=32).strip()
    if not USERNAME.fullmatch(name):
        raise Refusal(
            "invalid_field", "用户名须为2至32位字母、数字、下划线、点或短横线", "username"
        )
    return name


def check_password_strength(password: Any, username: str = "", field: str = "new_password") -> str:
    """The minimal rule: 8-128 characters, letters and digits both, not the user name, not one
    of the commonest passwords."""
    text = _text(password, field, "密码", max_len=MAX_PASSWORD, shown=False)
    if len(text) < MIN_PASSWORD:
        raise Refusal("weak_password", f"密码至少{MIN_PASSWORD}位", field)
    if not (re.search(r"[A-Za-z]", text) and re.search(r"[0-9]", text)):
        raise Refusal("weak_password", "密码须同时包含字母和数字", field)
    if username and username.lower() in text.lower():
        raise Refusal("weak_password", "密码不能包含用户名", field)
    if text.lower() in COMMON:
        raise Refusal("weak_password", "密码过于常见，请换一个", field)
    return text


def check_roles(roles: Any) -> frozenset[str]:
    if isinstance(roles, str):
        roles = [roles]
    if not isinstance(roles, list | tuple | set | frozenset) or not roles:
        raise Refusal("invalid_field", "请至少选择一种身份（经办人、复核人、管理员）", "roles")
    chosen = set()
    by_label = {v: k for k, v in ROLE_LABELS.items() if k in ACCOUNT_ROLES}
    for role in roles:
        code = role if role in ACCOUNT_ROLES else by_label.get(role) if isinstance(role, str) else None
        if code is None:
            raise Refusal("invalid_field", f"没有“{role}”这种身份（可选：经办人、复核人、管理员）", "roles")
        chosen.add(code)
    return frozenset(chosen)


def hash_password(password: str) -> str:
    return HASHER.hash(password)


# --- the hall's recovery code: the way back for a locked-out last administrator -------------

RECOVERY_KEY = "recovery_code"  # in `settings`: an argon2 hash, never the code
RECOVERY_ENV = "YIBAO_DESK_RECOVERY_CODE"
_CROCKFORD = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"


def new_recovery_code() -> str:
    """20 Crockford base32 characters (100 random bits) in groups of four, easy to copy by hand."""
    import secrets

    text = "".join(secrets.choice(_CROCKFORD) for _ in range(20))
    return "-".join(text[i:i + 4] for i in range(0, 20, 4))


def _normal_code(code: str) -> str:
    """As typed: case, blanks and dashes ignored; O read as 0, I and L as 1 (Crockford)."""
    text = "".join(code.split()).replace("-", "").upper()
    return text.translate(str.maketrans("OIL", "011"))


def store_recovery_code(db: Database, code: str, at: str, by: str) -> None:
    """Keep the argon2 hash of `code` (inside the caller's transaction), replacing the old one."""
    rows.put_setting(db, RECOVERY_KEY, HASHER.hash(_normal_code(code)), at, by)


def recover(db: Database, username: Any, code: Any, new_password: Any = None, now: datetime | None = None) -> str:
    """凭恢复码解锁 (offline, no other administrator needed): an administrator account locked
    out is unlocked, and given `new_password` its password is reset. The code is used up: the
    new one is returned, to be shown once. Every attempt is audited."""
    hall = _hall_or_refuse(db)
    moment = _moment(now)
    name = username.strip() if isinstance(username, str) else ""
    row = rows.get(db, name) if name else None
    if row is None or row["disabled_at"] is not None or "admin" not in rows.decode_roles(row["roles"]):
        raise Refusal("not_found", f"“{name}”不是本大厅可用的管理员账户：恢复码只用于解锁管理员账户", "username")
    fresh_password = check_password_strength(new_password, row["username"]) if new_password is not None else None
    stored = rows.settings(db).get(RECOVERY_KEY)
    if stored is None:
        raise Refusal("no_recovery_code", "本大厅没有设置恢复码，无法凭恢复码解锁；请由其他管理员重置密码", "code")
    ok = isinstance(code, str) and len(code) <= 64 and _verify(stored, _normal_code(code))
    fresh = new_recovery_code()
    stamp = _stamp(hall, row["username"], row["roles"], moment)
    with write(db):
        if ok:
            values: dict[str, Any] = {"failed_attempts": 0, "locked_until": None, "updated_at": _iso(moment)}
            if fresh_password is not None:
                values.update(password_hash=HASHER.hash(fresh_password), password_changed_at=_iso(moment))
            rows.update(db, row["username"], values)
            store_recovery_code(db, fresh, _iso(moment), row["username"])
        audit.append(db, stamp, action="recover" if ok else "recover_failed", business="account", entity="accounts",
                     entity_id=row["id"], payload={"username": row["username"], "password_reset": bool(ok and fresh_password)})
        if ok:  # the replaced code's row, hashed into the chain as every setting is
            audit.append(db, stamp, action="recovery_code", business="hall", entity="settings",
                         entity_id=RECOVERY_KEY, payload={"made_by": row["username"]})
    if not ok:
        raise Refusal("wrong_code", "恢复码不正确，账户未解锁（本次尝试已记录）", "code")
    return fresh


def _verify(stored: str, password: str) -> bool:
    try:
        return HASHER.verify(stored, password)
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False


def _lock_text(until: str) -> str:
    moment = datetime.fromisoformat(until)
    return f"{moment:%Y-%m-%d %H:%M}"


def _way_back(row: dict[str, Any]) -> str:
    if "admin" in rows.decode_roles(row["roles"]):
        return f"或请其他管理员重置密码；也可凭大厅恢复码解锁：yibao-desk admin unlock --user {row['username']}"
    return "或请管理员重置密码"


def _authenticate(db: Database, username: Any, password: Any, now: datetime | None, action: str) -> Account:
    global _dummy_hash
    hall = _hall_or_refuse(db)
    moment = _moment(now)
    name = username.strip()[:40] if isinstance(username, str) else ""
    try:
        name.encode("utf-8")
    except UnicodeEncodeError:
        name = name.encode("utf-8", "replace").decode("utf-8")
    secret = password if isinstance(password, str) and len(password) <= MAX_PASSWORD else None
    if secret is not None:
        try:
            secret.encode("utf-8")
        except UnicodeEncodeError:
            secret = None
    refusal: Refusal | None = None
    result: Account | None = None
    with write(db):
        row = rows.get(db, name) if name else None
        role = row["roles"] if row else "-"
        stamp = _stamp(hall, row["username"] if row else "unknown", role, moment)
        payload: dict[str, Any] = {"username": name}
        if row is None:
            if _dummy_hash is None:  # the same work as a real check: no timing hint
                _dummy_hash = HASHER.hash(new_id())
            _verify(_dummy_hash, secret or "")
            refusal = Refusal("login_failed", "用户名或密码错误", "password")
            payload["reason"] = "unknown_user"
        elif row["disabled_at"] is not None:
            refusal = Refusal("account_disabled", f"账户“{name}”已停用，请联系管理员", "username")
            payload["reason"] = "disabled"
        elif row["locked_until"] and _iso(moment) < row["locked_until"]:
            refusal = Refusal(
                "locked",
                f"密码连续输错{MAX_FAILED}次，账户已锁定，请于{_lock_text(row['locked_until'])}后再试"
                f"（{_way_back(row)}）",
                "username",
            )
            payload["reason"] = "locked"
        elif secret is None or not _verify(row["password_hash"], secret):
            expired = row["locked_until"] is not None  # an old lock ran out: count afresh
            failed = (0 if expired else row["failed_attempts"]) + 1
            values: dict[str, Any] = {"failed_attempts": failed, "locked_until": None}
            if failed >= MAX_FAILED:
                values["locked_until"] = _iso(moment + timedelta(minutes=LOCK_MINUTES))
                refusal = Refusal(
                    "locked",
                    f"密码连续输错{MAX_FAILED}次，账户已锁定{LOCK_MINUTES}分钟，"
                    f"请于{_lock_text(values['locked_until'])}后再试（{_way_back(row)}）",
                    "password",
                )
            else:
                refusal = Refusal(
                    "login_failed",
                    f"用户名或密码错误（再错{MAX_FAILED - failed}次账户将锁定{LOCK_MINUTES}分钟）",
                    "password",
                )
            values["updated_at"] = _iso(moment)
            rows.update(db, row["username"], values)
            payload.update(reason="wrong_password", attempts=failed, locked_until=values["locked_until"])
        else:
            values = {"failed_attempts": 0, "locked_until": None, "last_login_at": _iso(moment), "updated_at": _iso(moment)}
            if HASHER.check_needs_rehash(row["password_hash"]):
                values["password_hash"] = HASHER.hash(secret)
                payload["rehashed"] = True
            rows.update(db, row["username"], values)
            result = _account({**row, **values}, issue(row["username"]))
        audit.append(
            db,
            stamp,
            action=action if refusal is None else f"{action}_failed",
            business="account",
            entity="accounts",
            entity_id=row["id"] if row else "unknown",
            payload=payload,
        )
    if refusal is not None:
        raise refusal
    assert result is not None
    return result


def login(db: Database, username: Any, password: Any, now: datetime | None = None) -> Account:
    """登录: the account, or a Refusal (`login_failed`, `locked`, `account_disabled`,
    `not_configured`). Five wrong passwords in a row lock the account for 15 minutes."""
    return _authenticate(db, username, password, now, "login")


def unlock(db: Database, account: Account, password: Any, now: datetime | None = None) -> Account:
    """Re-enter the password after the idle lock; wrong passwords count towards the lockout."""
    return _authenticate(db, account.username, password, now, "unlock")


def idle_lock_minutes(db: Database) -> int:
    """Minutes without input after which the window locks (setting `idle_lock_minutes`)."""
    from desktop.services.hall import settings

    return int(settings(db).get("idle_lock_minutes", 10))


def change_password(
    db: Database, account: Account, old_password: Any, new_password: Any, now: datetime | None = None
) -> None:
    """修改密码: the old password is required; the new one must pass the strength rule."""
    hall = _hall_or_refuse(db)
    moment = _moment(now)
    new = check_password_strength(new_password, account.username)
    if new == old_password:
        raise Refusal("weak_password", "新密码不能与原密码相同", "new_password")
    refusal = None
    with write(db):
        row = rows.get(db, account.username)
        if row is None or row["disabled_at"] is not None:
            raise Refusal("account_disabled", "账户不存在或已停用", "username")
        stamp = _stamp(hall, row["username"], row["roles"], moment)
        ok = isinstance(old_password, str) and len(old_password) <= MAX_PASSWORD and _verify(row["password_hash"], old_password)
        payload = {"username": row["username"]}
        if ok:
            payload["password_hash"] = HASHER.hash(new)  # the hash travels to the hall's windows, never the password
            rows.update(db, row["username"], {"password_hash": payload["password_hash"], "password_changed_at": _iso(moment), "updated_at": _iso(moment)})
        else:
            refusal = Refusal("login_failed", "原密码不正确，密码未修改", "old_password")
        audit.append(db, stamp, action="change_password" if ok else "change_password_failed", business="account", entity="accounts", entity_id=row["id"], payload=payload)
    if refusal is not None:
        raise refusal


# --- the administrator's functions -----------------------------------------------------------


def _admin_stamp(ctx: Context) -> Stamp:
    return ctx.stamp()


def create_account(ctx: Context, username: Any, password: Any, display_name: Any, roles: Any) -> Account:
    """新建账户 (administrator only). `roles`: any of clerk / reviewer / admin (or 经办人 …)."""
    require(ctx, "administer", "account")
    name = check_username(username)
    shown = _text(display_name, "display_name", "姓名", max_len=50).strip()
    if not shown:
        raise Refusal("missing_field", "请填写姓名", "display_name")
    chosen = check_roles(roles)
    secret = check_password_strength(password, name, "password")
    stamp = ctx.stamp()
    row = _new_row(stamp.created_at, ctx.operator_id, name, shown, chosen, hash_password(secret))
    with write(ctx.db):
        if rows.get(ctx.db, name) is not None:
            raise Refusal("already_exists", f"用户名“{name}”已被使用", "username")
        rows.add(ctx.db, row)
        audit.append(ctx.db, stamp, action="create_account", business="account", entity="accounts", entity_id=row["id"], payload={"username": name, "display_name": shown, "roles": sorted(chosen),
                     # the argon2 hash (never the password): the clerk logs in at any window of the hall
                     "password_hash": row["password_hash"]})
    return _account(row)


def _new_row(at: str, by: str, name: str, shown: str, roles: frozenset[str], hashed: str) -> dict[str, Any]:
    return {
        "id": new_id(),
        "created_at": at,
        "created_by": by,
        "username": name,
        "display_name": shown,
        "roles": rows.encode_roles(roles),
        "password_hash": hashed,
        "password_changed_at": at,
        "failed_attempts": 0,
        "locked_until": None,
        "last_login_at": None,
        "disabled_at": None,
        "disabled_by": None,
        "updated_at": at,
    }


def _existing(ctx: Context, username: Any) -> dict[str, Any]:
    name = username.strip() if isinstance(username, str) else ""
    row = rows.get(ctx.db, name) if name else None
    if row is None:
        raise Refusal("not_found", f"没有用户名为“{name}”的账户", "username")
    return row


def _last_admin_guard(ctx: Context, row: dict[str, Any], losing_admin: bool) -> None:
    if losing_admin and rows.enabled_admins(ctx.db) == [row["username"]]:
        raise Refusal("last_admin", "这是唯一可用的管理员账户，不能停用或取消其管理员身份", "username")


def disable_account(ctx: Context, username: Any, reason: Any = None) -> Account:
    """停用账户 (administrator only; not one's own, not the last administrator)."""
    require(ctx, "administer", "account")
    why = _text(reason, "reason", "停用原因", max_len=200).strip() if reason not in (None, "") else None
    stamp = ctx.stamp()
    with write(ctx.db):
        row = _existing(ctx, username)
        if row["username"] == ctx.operator_id:
            raise Refusal("invalid_field", "不能停用自己正在使用的账户", "username")
        if row["disabled_at"] is not None:
            raise Refusal("unchanged", f"账户“{row['username']}”已停用", "username")
        _last_admin_guard(ctx, row, "admin" in rows.decode_roles(row["roles"]))
        values = {"disabled_at": stamp.created_at, "disabled_by": ctx.operator_id, "updated_at": stamp.created_at}
        rows.update(ctx.db, row["username"], values)
        audit.append(ctx.db, stamp, action="disable_account", business="account", entity="accounts", entity_id=row["id"], payload={"username": row["username"], "reason": why})
    return _account({**row, **values})


def enable_account(ctx: Context, username: Any) -> Account:
    """重新启用 a disabled account (administrator only); the failed-attempt count restarts."""
    require(ctx, "administer", "account")
    stamp = ctx.stamp()
    with write(ctx.db):
        row = _existing(ctx, username)
        if row["disabled_at"] is None:
            raise Refusal("unchanged", f"账户“{row['username']}”未停用", "username")
        values = {"disabled_at": None, "disabled_by": None, "failed_attempts": 0, "locked_until": None, "updated_at": stamp.created_at}
        rows.update(ctx.db, row["username"], values)
        audit.append(ctx.db, stamp, action="enable_account", business="account", entity="accounts", entity_id=row["id"], payload={"username": row["username"]})
    return _account({**row, **values})


def set_roles(ctx: Context, username: Any, roles: Any) -> Account:
    """Change an account's roles (administrator only; the last administrator keeps `admin`)."""
    require(ctx, "administer", "account")
    chosen = check_roles(roles)
    stamp = ctx.stamp()
    with write(ctx.db):
        row = _existing(ctx, username)
        before = rows.decode_roles(row["roles"])
        if before == chosen:
            raise Refusal("unchanged", "身份没有变化", "roles")
        _last_admin_guard(ctx, row, "admin" in before and "admin" not in chosen and row["disabled_at"] is None)
        values = {"roles": rows.encode_roles(chosen), "updated_at": stamp.created_at}
        rows.update(ctx.db, row["username"], values)
        audit.append(ctx.db, stamp, action="set_roles", business="account", entity="accounts", entity_id=row["id"], payload={"username": row["username"], "before": sorted(before), "after": sorted(chosen)})
    return _account({**row, **values})


def reset_password(ctx: Context, username: Any, new_password: Any) -> Account:
    """重置密码 (administrator only): also lifts a lockout."""
    require(ctx, "administer", "account")
    row = _existing(ctx, username)
    secret = check_password_strength(new_password, row["username"])
    stamp = ctx.stamp()
    with write(ctx.db):
        values = {"password_hash": hash_password(secret), "password_changed_at": stamp.created_at, "failed_attempts": 0, "locked_until": None, "updated_at": stamp.created_at}
        rows.update(ctx.db, row["username"], values)
        audit.append(ctx.db, stamp, action="reset_password", business="account", entity="accounts", entity_id=row["id"], payload={"username": row["username"], "password_hash": values["password_hash"]})
    return _account({**row, **values})


def list_accounts(ctx: Context) -> list[Account]:
    """Every account (administrator only), oldest first; no hashes."""
    require(ctx, "administer", "account")
    return [_account(r) for r in rows.all_accounts(ctx.db)]
