"""The subcommands of `yibao-desk`, one module each; every module offers `register(sub)`.

A command that reads personal data or changes the hall's data runs as an account: `--user NAME`,
the password from YIBAO_DESK_PASSWORD or a prompt (`logged_in`), the role checked by the same
rules as the window (services/permissions.py) and the work audited under that name.
"""

from __future__ import annotations

import argparse
import getpass
import json
import os
from typing import Any

from desktop.errors import Refusal

PASSWORD_ENV = "YIBAO_DESK_PASSWORD"


def refuse(r: Refusal) -> int:
    """Print a refusal as the JSON the calculator uses; exit status 2."""
    print(json.dumps({"error": r.as_dict()}, ensure_ascii=False))
    return 2


def secret(env: str, prompt: str) -> str:
    """A password from the environment variable `env`, else asked without echo."""
    value = os.environ.get(env)
    if value is not None:
        return value
    try:
        return getpass.getpass(prompt)
    except (EOFError, KeyboardInterrupt):
        raise Refusal("missing_password", f"没有输入密码：请在提示时输入，或设置环境变量 {env}", "password") from None


def add_user(p: argparse.ArgumentParser, who: str = "账户") -> argparse.ArgumentParser:
    p.add_argument("--user", help=f"以哪个{who}执行（密码取自环境变量 {PASSWORD_ENV} 或提示输入）")
    return p


def username(args: argparse.Namespace) -> str:
    """`--user`, or a refusal saying the command needs an account."""
    name = getattr(args, "user", None)
    if not name:
        raise Refusal("missing_user", f"该命令涉及个人信息或修改数据，须以账户身份执行：请用 --user 指定用户名"
                      f"（密码取自环境变量 {PASSWORD_ENV} 或提示输入）", "user")
    return name


def logged_in(db: Any, args: argparse.Namespace, action: str, business: str):
    """The Context of `--user` after a successful login, acting in a role that may do `action`
    (its refusal audited and raised otherwise)."""
    from desktop.services import accounts, hall
    from desktop.services.permissions import ACCOUNT_ROLES, ACTIONS, require

    name = username(args)
    account = accounts.login(db, name, secret(PASSWORD_ENV, f"“{name}”的密码："))
    fit = [r for r in ACCOUNT_ROLES if r in account.roles and r in ACTIONS[action][0]]
    ctx = hall.context_for(db, account, role=fit[0] if fit else None)
    require(ctx, action, business)
    return ctx
