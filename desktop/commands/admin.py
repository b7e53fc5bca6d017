"""Administration from the command line: first-start configuration, accounts, settings, policy
packs and the start-up check. Every change is made by a logged-in administrator (password from
YIBAO_DESK_PASSWORD or a prompt) through the same services as the window, so it is audited."""

from __future__ import annotations

import argparse
import getpass
import json
import os
from typing import Any

from desktop.commands import refuse
from desktop.errors import Refusal

PASSWORD_ENV = "YIBAO_DESK_PASSWORD"
NEW_PASSWORD_ENV = "YIBAO_DESK_NEW_PASSWORD"


def cli_stamp(db: Any):
    """A stamp for work done at the command line without a login (exports): the hall's codes
    and the operating-system user."""
    from desktop.records import accounts as rows
    from desktop.records.rows import Stamp
    from desktop.services.context import china_now

    config = rows.hall(db) or {"hall_code": "000000", "window_code": "00"}
    try:
        user = getpass.getuser()
    except Exception:  # noqa: BLE001
        user = "unknown"
    return Stamp(config["hall_code"], config["window_code"], f"cli:{user}", "cli", china_now())


def _secret(env: str, prompt: str) -> str:
    value = os.environ.get(env)
    return value if value is not None else getpass.getpass(prompt)


def _out(value: Any) -> int:
    print(json.dumps(value, ensure_ascii=False, default=str))
    return 0


def _db(args: argparse.Namespace):
    from desktop.records import db, paths

    return db.open_db(paths.db_path(args.db))


def _admin_ctx(args: argparse.Namespace):
    from desktop.services import accounts, hall

    database = _db(args)
    account = accounts.login(database, args.user, _secret(PASSWORD_ENV, "管理员密码："))
    return hall.context_for(database, account, role="admin" if account.has("admin") else None)


def _run(func):
    def wrapped(args: argparse.Namespace) -> int:
        try:
            return func(args)
        except Refusal as r:
            return refuse(r)

    return wrapped


@_run
def _configure(args: argparse.Namespace) -> int:
    from desktop.services import hall

    account = hall.configure_hall(
        _db(args), args.region, args.hall_name, args.hall_code, args.window,
        args.admin_user, _secret(NEW_PASSWORD_ENV, "新管理员密码："), args.admin_name,
    )
    return _out({"configured": args.hall_code, "admin": account.username})


@_run
def _create(args: argparse.Namespace) -> int:
    from desktop.services import accounts

    made = accounts.create_account(
        _admin_ctx(args), args.username, _secret(NEW_PASSWORD_ENV, "新账户密码："),
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

    done = accounts.reset_password(_admin_ctx(args), args.username, _secret(NEW_PASSWORD_ENV, "新密码："))
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

    database = _db(args)
    return _out({"hall": hall.hall(database), "settings": hall.settings(database)})


@_run
def _import_pack(args: argparse.Namespace) -> int:
    from desktop.services import hall

    return _out(hall.import_pack(_admin_ctx(args), args.file))


@_run
def _check(args: argparse.Namespace) -> int:
    from desktop.records import paths
    from desktop.services import safety

    report = safety.startup_check(paths.db_path(args.db))
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
        p.add_argument("--user", required=True, help="管理员用户名（密码取自 YIBAO_DESK_PASSWORD 或提示输入）")
        return p

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
    p = with_user(act.add_parser("accounts", help="列出账户"))
    p.set_defaults(func=_accounts)
    p = with_user(act.add_parser("set", help="修改大厅设置（空值清除）"))
    p.add_argument("key")
    p.add_argument("value")
    p.set_defaults(func=_set)
    p = act.add_parser("settings", help="显示大厅配置和设置")
    p.set_defaults(func=_settings)
    p = with_user(act.add_parser("import-pack", help="导入政策包（校验后复制到数据目录 packs/）"))
    p.add_argument("file")
    p.set_defaults(func=_import_pack)
    p = act.add_parser("check", help="启动检查：完整性，损坏时给出最近一次可用的备份")
    p.set_defaults(func=_check)
