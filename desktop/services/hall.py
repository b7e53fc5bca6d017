"""The hall: its one-time configuration (with the first administrator), its settings, the
Context of a logged-in account, and importing next year's policy pack.

The window's first-start dialog calls `configure_hall`; the settings page `settings` and
`set_setting`; after `accounts.login` the window builds every Context with `context_for`.
"""

from __future__ import annotations

import hashlib
import os
import re
from collections.abc import Callable
from datetime import datetime
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlite_utils import Database

from desktop.errors import Refusal
from desktop.identity import refuse_invisible
from desktop.records import accounts as rows
from desktop.records import audit
from desktop.records import packs as pack_files
from desktop.records.rows import Stamp
from desktop.records.tx import write
from desktop.services.accounts import (
    RECOVERY_KEY,
    Account,
    _new_row,
    check_password_strength,
    check_username,
    hash_password,
    new_recovery_code,
    store_recovery_code,
)
from desktop.services.context import CHINA, Context, china_now
from desktop.services.permissions import require
from desktop.services.regions import region_group
from desktop.services.session import issue, proves

if TYPE_CHECKING:
    from desktop.policy.loader import PackSet

# Figures the policy packs leave to the hall (Decimal); more keys come from the packs' `setting`s.
# No 大病保险起付线 of its own: 天津's is 50 % of the income below (004 §九(二)), 常州's is in its packs.
POLICY_SETTINGS = {
    "elderly_from_age": "老年居民起始年龄",
    "resident_disposable_income_last_year": "上年度居民人均可支配收入（元）",
    "employee_base_floor": "职工医保缴费基数下限（元/月）",
}
# Settings of the program itself: key -> (label, parse, default)
OTHER_SETTINGS: dict[str, tuple[str, Callable[[str], Any], Any]] = {
    "idle_lock_minutes": ("无操作自动锁定（分钟）", int, 10),
    "archive_folder": ("文书归档文件夹", str, ""),
    "backup_keep": ("保留每日备份份数", int, 14),
    # 1: a year whose source gives no benefit rules uses the latest earlier pack's (沿用《…》, as the
    # pack's `inherits` says); 0: such a year refuses those estimates as its source does
    "policy_adopt_earlier": ("源文件未列的待遇沿用上一年度政策（1 沿用，0 不沿用）", int, 1),
    # the window's 80 mm receipt printer: when set, a household's 受理回执 defaults to the roll
    "receipt_printer": ("小票打印机（80mm）名称", str, ""),
    # while the hub answers the window syncs this often; offline it backs off (ui/hub_sync.py)
    "sync_interval_seconds": ("与中心库同步间隔（秒）", int, 5),
}
_INT_LIMITS = {"idle_lock_minutes": (1, 240), "backup_keep": (1, 365), "policy_adopt_earlier": (0, 1),
               "sync_interval_seconds": (1, 3600)}


def policy_setting_keys() -> dict[str, str]:
    """Every hall setting a policy pack may ask for: key -> label."""
    from desktop.policy import loader
    from desktop.policy.pack import settings_of

    found = dict(POLICY_SETTINGS)
    for key, label in settings_of(loader.bundled().packs).items():
        found.setdefault(key, label)
    return found


def hall(db: Database) -> dict[str, Any] | None:
    """The hall's configuration (region, hall_name, hall_code, window_code …), or None before
    the first-start dialog has run."""
    return rows.hall(db)


def configure_hall(
    db: Database,
    region: Any,
    hall_name: Any,
    hall_code: Any,
    window: Any,
    admin_username: Any,
    admin_password: Any,
    admin_display_name: Any,
    *,
    now: datetime | None = None,
) -> Account:
    """首次设置: the hall and its first administrator, once. Returns the administrator's account
    (the window then logs in with it), carrying the hall's recovery code to show once. A second
    call is refused (`already_configured`)."""
    if rows.hall(db) is not None:
        raise Refusal("already_configured", "本大厅已完成首次设置，不能再次设置", "hall")
    if not isinstance(region, str) or not region.strip():
        raise Refusal("missing_field", "请选择统筹区", "region")
    region = region.strip()
    region_group(region)  # Refusal unknown_region
    name = hall_name.strip() if isinstance(hall_name, str) else ""
    if not name or len(name) > 60:
        raise Refusal("invalid_field", "请填写大厅名称（不超过60个字）", "hall_name")
    refuse_invisible(name, "hall_name", "大厅名称")
    code = hall_code.strip() if isinstance(hall_code, str) else ""
    if not re.fullmatch(r"[0-9]{6}", code):
        raise Refusal("invalid_field", "大厅编码须为6位数字", "hall_code")
    win = window.strip() if isinstance(window, str) else ""
    if not re.fullmatch(r"[0-9]{2}", win):
        raise Refusal("invalid_field", "窗口编号须为2位数字", "window")
    username = check_username(admin_username)
    shown = admin_display_name.strip() if isinstance(admin_display_name, str) else ""
    if not shown or len(shown) > 50:
        raise Refusal("invalid_field", "请填写管理员姓名（不超过50个字）", "admin_display_name")
    refuse_invisible(shown, "admin_display_name", "管理员姓名")
    secret = check_password_strength(admin_password, username, "admin_password")
    moment = (now or china_now()).astimezone(CHINA)
    stamp = Stamp(code, win, username, "admin", moment)
    account = _new_row(stamp.created_at, username, username, shown, frozenset({"admin"}), hash_password(secret))
    recovery = new_recovery_code()  # the way back if the last administrator is locked out
    with write(db):
        if rows.hall(db) is not None:  # again, under the write lock
            raise Refusal("already_configured", "本大厅已完成首次设置，不能再次设置", "hall")
        config = {"region": region, "hall_name": name, "hall_code": code, "window_code": win, "configured_at": stamp.created_at, "configured_by": username}
        rows.add_hall(db, config)
        rows.add(db, account)
        audit.append(db, stamp, action="configure_hall", business="hall", entity="hall_config", entity_id=code, payload=config)
        audit.append(db, stamp, action="create_account", business="account", entity="accounts", entity_id=account["id"], payload={"username": username, "display_name": shown, "roles": ["admin"]})
        store_recovery_code(db, recovery, stamp.created_at, username)
        audit.append(db, stamp, action="recovery_code", business="hall", entity="settings", entity_id=RECOVERY_KEY, payload={"made_by": username})
    # the administrator has just set the password: this is their first login; the recovery code
    # is shown to them once (the window's setup, `admin configure`) and kept only as a hash
    return Account(account["id"], username, shown, frozenset({"admin"}), session=issue(username), recovery_code=recovery)


def _parse(key: str, text: str) -> Any:
    if key in OTHER_SETTINGS:
        return OTHER_SETTINGS[key][1](text)
    return Decimal(text)


def settings(db: Database) -> dict[str, Any]:
    """Every hall setting as its type: policy figures as Decimal, the program's own as int/str
    (defaults filled in for the program's own)."""
    out: dict[str, Any] = {k: default for k, (_, _, default) in OTHER_SETTINGS.items()}
    for key, text in rows.settings(db).items():
        try:
            out[key] = _parse(key, text)
        except (ValueError, InvalidOperation):
            continue
    return out


def policy_settings(db: Database) -> dict[str, Decimal]:
    """Only the figures the policy packs read: what `Context.settings` holds."""
    return {k: v for k, v in settings(db).items() if isinstance(v, Decimal)}


def _checked_value(key: str, value: Any) -> str | None:
    """Text to store, or None to clear the setting."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, float | bool):
        raise Refusal("invalid_field", "数值请以文字或整数填写（不接受浮点数）", key)
    if key in OTHER_SETTINGS:
        label, parse, _ = OTHER_SETTINGS[key]
        if parse is int:
            try:
                number = int(str(value).strip())
            except ValueError:
                raise Refusal("invalid_field", f"{label}须为整数", key) from None
            lo, hi = _INT_LIMITS[key]
            if not lo <= number <= hi:
                raise Refusal("invalid_field", f"{label}须在{lo}至{hi}之间", key)
            return str(number)
        text = str(value).strip()
        if len(text) > 400:
            raise Refusal("invalid_field", f"{label}不正确", key)
        return refuse_invisible(text, key, label)
    try:
        number = Decimal(str(value).strip().replace(",", ""))
    except InvalidOperation:
        raise Refusal("invalid_field", f"“{value}”不是数字", key) from None
    if not number.is_finite() or number < 0 or number > Decimal("100000000"):
        raise Refusal("invalid_field", "请填写0至1亿之间的数字", key)
    return str(number)


def set_setting(ctx: Context, key: Any, value: Any) -> dict[str, Any]:
    """Set (or, with None or blank, clear) one hall setting; administrator only, audited.
    Returns the new `settings(db)`; the window rebuilds its Context with `context_for`."""
    require(ctx, "administer", "setting")
    known = {**policy_setting_keys(), **{k: v[0] for k, v in OTHER_SETTINGS.items()}}
    if not isinstance(key, str) or key not in known:
        raise Refusal("invalid_field", f"没有名为“{key}”的设置", "key")
    text = _checked_value(key, value)
    stamp = ctx.stamp()
    with write(ctx.db):
        before = rows.settings(ctx.db).get(key)
        if before == text:
            raise Refusal("unchanged", f"“{known[key]}”没有变化", key)
        if text is None:
            rows.delete_setting(ctx.db, key)
        else:
            rows.put_setting(ctx.db, key, text, stamp.created_at, ctx.operator_id)
        audit.append(ctx.db, stamp, action="set_setting", business="setting", entity="settings", entity_id=key, payload={"key": key, "label": known[key], "before": before, "after": text})
    return settings(ctx.db)


def context_for(
    db: Database,
    account: Account,
    clock: Callable[[], datetime] | None = None,
    *,
    role: str | None = None,
    window: str | None = None,
) -> Context:
    """The Context of the logged-in `account`: the hall's region and codes, the account's name,
    its first role (clerk, else reviewer, else admin) unless `role` names another it holds."""
    config = rows.hall(db)
    if config is None:
        raise Refusal("not_configured", "本大厅尚未完成首次设置", "hall")
    audit.check_state(db, "hall_config", config)  # a region or code edited by SQL acts nowhere
    if not proves(account.session, account.username):
        raise Refusal("forbidden", f"账户“{account.username}”未登录：请先以本人账户登录", "username")
    acting = role or account.primary_role
    if acting not in account.roles:
        raise Refusal("forbidden", f"账户“{account.username}”没有该身份", "role")
    return Context(
        db=db,
        region=config["region"],
        hall_code=config["hall_code"],
        window=window or config["window_code"],
        operator_id=account.username,
        role=acting,  # type: ignore[arg-type]
        clock=clock or china_now,
        settings=policy_settings(db),
        packs=hall_packs(db),
        session=account.session,
    )


def hall_packs(db: Database) -> PackSet:
    """The packs this hall uses: the bundled ones and those it imported, with 沿用 as its
    setting says. A pack file that cannot be used is left out and named in `problems`."""
    from desktop.policy import loader

    packs = loader.with_hall_packs(packs_dir(db), imported_packs(db))
    if not settings(db)["policy_adopt_earlier"]:
        packs = packs.without_adoption()
    return packs


def imported_packs(db: Database) -> dict[str, str]:
    """File name -> SHA-256 of each pack's latest audited import (the chained audit entries): what
    the hall's packs/ folder may hold."""
    return pack_files.imported(db)


def packs_dir(db: Database) -> Path:
    """The hall's imported packs: `packs/` next to the database file."""
    return pack_files.folder(db)


def import_pack(ctx: Context, path: Any) -> dict[str, Any]:
    """导入政策包 (administrator only): validate the file, copy it into `packs_dir`, audit.

    Returns {file, sha256, id, region_group, year, scheme, title, replaced, previous_year}; the
    window compares the new pack with `previous_year`'s to show what changed.
    """
    from desktop.policy import loader

    require(ctx, "administer", "pack")
    if not isinstance(path, str | os.PathLike) or not str(path).strip():
        raise Refusal("missing_field", "请选择政策包文件", "path")
    source = Path(path)
    if not loader.PACK_NAME_RE.match(source.name) or not source.is_file():
        raise Refusal("invalid_pack", f"不是可导入的政策包文件：{source.name!r}（文件名只能由小写字母、数字和连字符组成，"
                      "扩展名为 .yaml）", "path")
    try:
        pack = loader.read_pack(source, ctx.packs.by_id if ctx.packs is not None else None)  # may inherit an imported one
    except loader.PackError as exc:
        raise Refusal("invalid_pack", f"政策包校验未通过，未导入：{exc}", "path") from None
    except Exception as exc:  # noqa: BLE001 - any unreadable file is a refusal, not a crash
        raise Refusal("invalid_pack", f"政策包无法读取，未导入：{source.name}：{exc}", "path") from None
    meta = pack.pack
    other = ctx.packs.by_id(meta.id) if ctx.packs is not None else loader.bundled().by_id(meta.id)
    if other is not None and (other.pack.region_group, other.pack.year, other.pack.scheme) != (
            meta.region_group, meta.year, meta.scheme):
        # a pack's id names one pack: `inherits` finds the earlier pack by it
        raise Refusal("invalid_pack", f"政策包编号 {meta.id} 已是{other.pack.region_group}{other.pack.year}年度政策包的编号，"
                      "请为新政策包另取编号（如把年份改为本年度）", "path")
    data = source.read_bytes()
    digest = hashlib.sha256(data).hexdigest()
    folder = packs_dir(ctx.db)
    target = folder / source.name
    replaced = target.is_file()
    if replaced and hashlib.sha256(target.read_bytes()).hexdigest() == digest:
        raise Refusal("unchanged", f"该政策包已导入（{target.name}），内容相同", "path")
    previous = [y for y in _bundled_years(meta.region_group, meta.scheme) if y < meta.year]
    info = {
        "file": str(target),
        "sha256": digest,
        "id": meta.id,
        "region_group": meta.region_group,
        "year": meta.year,
        "scheme": str(meta.scheme),
        "title": meta.title,
        "replaced": replaced,
        "previous_year": max(previous) if previous else None,
    }
    partial = target.with_name(target.name + ".partial")
    stamp = ctx.stamp()
    try:
        partial.write_bytes(data)
        with write(ctx.db):
            audit.append(ctx.db, stamp, action="import_pack", business="pack", entity="packs", entity_id=meta.id, payload={**info, "text": data.decode("utf-8")})  # the text travels to every node
        os.replace(partial, target)
    except OSError as exc:
        partial.unlink(missing_ok=True)
        raise Refusal("disk_full" if exc.errno == 28 else "write_failed", f"政策包未能写入：{exc.strerror or exc}", "path") from None
    finally:
        partial.unlink(missing_ok=True)
    return info


def _bundled_years(group: str, scheme: Any) -> list[int]:
    from desktop.policy import loader

    try:
        return sorted({p.pack.year for p in loader.bundled().packs if p.pack.region_group == group and p.pack.scheme == scheme})
    except Exception:  # noqa: BLE001
        return []
