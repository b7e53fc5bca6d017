"""Administration from the command line: first-start configuration, accounts, settings, policy
packs and the start-up check. Everything but the first-start configuration is done by a logged-in
administrator (`--user`, password from YIBAO_DESK_PASSWORD or a prompt) through the same services
as the window, so it is audited."""

from __future__ import annotations

import argparse
import json
from typing import Any

from desktop.commands import add_user, logged_in, refuse, secret
from desktop.errors import Refusal

NEW_PASSWORD_ENV = "YIBAO_DESK_NEW_PASSWORD"


def _out(value: Any) -> int:
    print(json.dumps(value, ensure_ascii=False, default=str))
    return 0


_OPENED: list[Any] = []  # closed when the command ends (`_run`): a restore must find the file free


def _db(args: argparse.Namespace):
    from desktop.records import db, paths

    database = db.open_db(paths.db_path(args.db))
    _OPENED.append(database)
    return database


def _admin_ctx(args: argparse.Namespace):
    return logged_in(_db(args), args, "administer", "account")


def _run(func):
    def wrapped(args: argparse.Namespace) -> int:
        try:
            return func(args)
        except Refusal as r:
            return refuse(r)
        finally:
            while _OPENED:
                _OPENED.pop().close()

    return wrapped


@_run
def _configure(args: argparse.Namespace) -> int:
    from desktop.services import hall

    account = hall.configure_hall(
        _db(args), args.region, args.hall_name, args.hall_code, args.window,
        args.admin_user, secret(NEW_PASSWORD_ENV, "新管理员密码："), args.admin_name,
    )
    return _out({"configured": args.hall_code, "admin": account.username, "recovery_code": account.recovery_code,
                 "note": RECOVERY_NOTE})


RECOVERY_NOTE = ("这是本大厅的恢复码，只显示这一次：请抄写后交大厅负责人另行保管（不要与电脑放在一起）。"
                 "唯一的管理员账户被锁定或忘记密码时，凭它执行 yibao-desk admin unlock 解锁")


@_run
def _unlock(args: argparse.Namespace) -> int:
    from desktop.commands import username
    from desktop.services import accounts

    name = username(args)
    database = _db(args)
    code = secret(accounts.RECOVERY_ENV, "大厅恢复码：")
    new = secret(NEW_PASSWORD_ENV, "新密码：") if args.reset_password else None
    fresh = accounts.recover(database, name, code, new)
    return _out({"unlocked": name, "password_reset": new is not None, "recovery_code": fresh,
                 "note": "原恢复码已作废。" + RECOVERY_NOTE})


@_run
def _create(args: argparse.Namespace) -> int:
    from desktop.services import accounts

    made = accounts.create_account(
        _admin_ctx(args), args.username, secret(NEW_PASSWORD_ENV, "新账户密码："),
        args.name, [r for r in args.roles.split(",") if r],
    )
    return _out({"created": made.username, "roles": sorted(made.roles)})


@_run
def _disable(args: argparse.Namespace) -> int:
    from desktop.services import accounts

    done = accounts.disable_account(_admin_ctx(args), args.username, args.reason)
    return _out({"disabled": done.username})


@_run
def _reset(args: argparse.Namespace) -> int:
    from desktop.services import accounts

    done = accounts.reset_password(_admin_ctx(args), args.username, secret(NEW_PASSWORD_ENV, "新密码："))
    return _out({"reset": done.username})


@_run
def _accounts(args: argparse.Namespace) -> int:
    from desktop.services import accounts

    return _out([
        {"username": a.username, "name": a.display_name, "roles": sorted(a.roles), "disabled": a.disabled}
        for a in accounts.list_accounts(_admin_ctx(args))
    ])


@_run
def _set(args: argparse.Namespace) -> int:
    from desktop.services import hall

    return _out(hall.set_setting(_admin_ctx(args), args.key, args.value))


@_run
def _settings(args: argparse.Namespace) -> int:
    from desktop.services import hall

    database = _admin_ctx(args).db
    return _out({"hall": hall.hall(database), "settings": hall.settings(database)})


@_run
def _import_pack(args: argparse.Namespace) -> int:
    from desktop.services import hall

    return _out(hall.import_pack(_admin_ctx(args), args.file))


@_run
def _check(args: argparse.Namespace) -> int:
    from desktop.records import paths
    from desktop.records.db import database_errors
    from desktop.services import safety

    try:  # a damaged file may refuse the login itself: the check is what says so
        _admin_ctx(args)
    except database_errors():
        pass
    except Refusal as r:
        if r.code not in ("corrupt", "no_key", "wrong_key"):
            raise
    while _OPENED:
        _OPENED.pop().close()
    report = safety.startup_check(paths.db_path(args.db))
    if report.started is not None:
        report.started.db.close()
    _out({"ok": report.ok, "message": report.message, "last_good_backup": report.last_good_backup})
    return 0 if report.ok else 1


def register(sub: argparse._SubParsersAction) -> None:
    admin = sub.add_parser("admin", help="大厅管理：首次设置、账户、设置、政策包、启动检查")
    act = admin.add_subparsers(dest="admin_command", required=True)

    p = act.add_parser("configure", help="首次设置大厅和管理员账户（只能一次；密码取自 YIBAO_DESK_NEW_PASSWORD 或提示输入）")
    p.add_argument("--region", required=True)
    p.add_argument("--hall-name", required=True)
    p.add_argument("--hall-code", required=True)
    p.add_argument("--window", required=True)
    p.add_argument("--admin-user", required=True)
    p.add_argument("--admin-name", required=True)
    p.set_defaults(func=_configure)

    def with_user(p: argparse.ArgumentParser) -> argparse.ArgumentParser:
        return add_user(p, "管理员账户")

    p = with_user(act.add_parser("create-account", help="新建账户"))
    p.add_argument("username")
    p.add_argument("--name", required=True, help="姓名")
    p.add_argument("--roles", required=True, help="clerk,reviewer,admin 中的一个或多个，逗号分隔")
    p.set_defaults(func=_create)
    p = with_user(act.add_parser("disable-account", help="停用账户"))
    p.add_argument("username")
    p.add_argument("--reason")
    p.set_defaults(func=_disable)
    p = with_user(act.add_parser("reset-password", help="重置密码（同时解除锁定）"))
    p.add_argument("username")
    p.set_defaults(func=_reset)
    p = with_user(act.add_parser("unlock", help="凭大厅恢复码解锁管理员账户（离线可用；恢复码取自 YIBAO_DESK_RECOVERY_CODE 或提示输入；用后换新）"))
    p.add_argument("--reset-password", action="store_true", help="同时重置密码（新密码取自 YIBAO_DESK_NEW_PASSWORD 或提示输入）")
    p.set_defaults(func=_unlock)
    p = with_user(act.add_parser("accounts", help="列出账户"))
    p.set_defaults(func=_accounts)
    p = with_user(act.add_parser("set", help="修改大厅设置（空值清除）"))
    p.add_argument("key")
    p.add_argument("value")
    p.set_defaults(func=_set)
    p = with_user(act.add_parser("settings", help="显示大厅配置和设置"))
    p.set_defaults(func=_settings)
    p = with_user(act.add_parser("import-pack", help="导入政策包（校验后复制到数据目录 packs/）"))
    p.add_argument("file")
    p.set_defaults(func=_import_pack)
    p = with_user(act.add_parser("check", help="启动检查：完整性，损坏时给出最近一次可用的备份"))
    p.set_defaults(func=_check)
