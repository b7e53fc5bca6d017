"""Who may do what, enforced in the services (the window only hides what it may not offer).

Roles of an account: 经办人 `clerk` (handles businesses), 复核人 `reviewer` (approves requests),
管理员 `admin` (accounts, settings, policy packs). An account may hold several roles; an
administrator handles businesses only when the account also holds `clerk`, and then always
under its own name (the Context built by `hall.context_for` from the logged-in account).
`head` (大厅负责人) is the role of the window's pre-account settings page: clerk and reviewer.

Once the hall has accounts (after `hall.configure_hall`), the roles are read from the accounts
table for `ctx.operator_id`, never taken from the Context: a Context naming a disabled or
unknown account, or claiming a role its account does not hold, is refused, and so is one that no
login made (its `session`, services/session.py, missing or naming another account). A database without
accounts (the demo hall, tests of single businesses) falls back to `ctx.role`.

Every refusal here is a `Refusal` with code `forbidden` and an audit entry (action `refused`)
written in its own small transaction, before the business has written anything.
"""

from __future__ import annotations

from typing import Any

from desktop.errors import Refusal
from desktop.identity import mask_id
from desktop.records import accounts, audit
from desktop.records.rows import new_id
from desktop.records.tx import write
from desktop.services.context import Context
from desktop.services.session import proves

ROLE_LABELS = {"clerk": "经办人", "reviewer": "复核人", "admin": "管理员", "head": "大厅负责人"}
ACCOUNT_ROLES = ("clerk", "reviewer", "admin")

# action -> (roles allowed, what it is called in a message)
ACTIONS: dict[str, tuple[frozenset[str], str]] = {
    "handle": (frozenset({"clerk", "head"}), "办理业务"),
    "approve": (frozenset({"reviewer", "head"}), "复核"),
    "void": (frozenset({"clerk", "reviewer", "head"}), "作废收据"),
    "settle": (frozenset({"clerk", "reviewer", "head"}), "办理报销结算"),
    "reprint": (frozenset({"clerk", "reviewer", "head"}), "补打单据"),
    "administer": (frozenset({"admin"}), "管理账户、设置和政策包"),
    "export": (frozenset({"clerk", "reviewer", "head", "admin"}), "导出清单"),
    "view": (frozenset({"clerk", "reviewer", "head"}), "查阅参保人档案"),
    # a whole copy of the hall's data, or replacing it: the administrator's (the hall's head
    # before the hall has accounts)
    "backup": (frozenset({"admin", "head"}), "备份数据库"),
    "restore": (frozenset({"admin"}), "从备份恢复数据库"),
    # a stored business's paper (personal data) from the command line
    "print": (frozenset({"clerk", "reviewer", "head"}), "打印业务单据"),
}
# roles that see whole ID numbers in lists (a reviewer checks the number against the papers)
FULL_ID_ROLES = frozenset({"clerk", "reviewer", "head"})


def roles_of(ctx: Context) -> frozenset[str] | None:
    """The roles `ctx.operator_id` holds; None when it names no enabled account of this hall."""
    return _roles(ctx, accounts.count(ctx.db) > 0)


def _roles(ctx: Context, has_accounts: bool) -> frozenset[str] | None:
    if not has_accounts:
        return frozenset({ctx.role})
    if not proves(ctx.session, ctx.operator_id):  # built by hand, not by a login
        return None
    account = accounts.get(ctx.db, ctx.operator_id)
    if account is None or account["disabled_at"] is not None:
        return None
    return accounts.decode_roles(account["roles"])


def allowed(ctx: Context, action: str) -> bool:
    """Whether the operator may do `action` (for the window to grey out what is refused)."""
    roles = roles_of(ctx)
    return bool(roles and roles & ACTIONS[action][0])


def record_refusal(
    ctx: Context,
    refusal: Refusal,
    *,
    business: str,
    action: str,
    subject: str | None = None,
    person_id: str | None = None,
) -> None:
    """Audit a refused attempt (its own small transaction). Never raises: a refusal that cannot
    be written down (a read-only file) is still a refusal."""
    try:
        stamp = ctx.stamp()
        with write(ctx.db):
            audit.append(
                ctx.db,
                stamp,
                action="refused",
                business=business,
                entity="permission",
                entity_id=subject or new_id(),
                person_id=person_id,
                payload={
                    "attempted": action,
                    "code": refusal.code,
                    "message": refusal.message,
                    "role": ctx.role,
                },
            )
    except Exception:  # noqa: BLE001 - the refusal below is what matters
        pass


def require(
    ctx: Context,
    action: str,
    business: str,
    *,
    subject: str | None = None,
    person_id: str | None = None,
) -> None:
    """Refuse (and audit) unless the operator may do `action`; call before any write."""
    permitted, label = ACTIONS[action]
    has_accounts = accounts.count(ctx.db) > 0  # asked once: require runs in every business
    roles = _roles(ctx, has_accounts)
    if roles and roles & permitted:
        if has_accounts and ctx.role not in roles:
            refusal = Refusal(
                "forbidden",
                f"操作员“{ctx.operator_id}”的账户没有“{ROLE_LABELS.get(ctx.role, ctx.role)}”身份，"
                "请以本人账户重新登录",
                "role",
            )
        else:
            return
    elif roles is None:
        refusal = Refusal(
            "forbidden",
            f"“{ctx.operator_id}”不是本大厅已登录的有效账户（未登录、未登记或已停用），不能{label}；"
            "每笔业务只能以登录者本人的名义办理",
            "operator_id",
        )
    elif "admin" in roles and action in ("handle", "approve"):
        refusal = Refusal(
            "forbidden",
            f"管理员账户不能{label}：管理员只管理账户、设置和政策包。如需{label}，"
            f"请由管理员为本人账户增加“{ROLE_LABELS['clerk' if action == 'handle' else 'reviewer']}”身份后办理",
            "role",
        )
    else:
        need = "或".join(ROLE_LABELS[r] for r in sorted(permitted) if r != "head")
        held = "、".join(ROLE_LABELS.get(r, r) for r in sorted(roles)) or "无"
        refusal = Refusal(
            "forbidden", f"没有{label}的权限：需要{need}身份（当前身份：{held}）", "role"
        )
    record_refusal(ctx, refusal, business=business, action=action, subject=subject, person_id=person_id)
    raise refusal


def mask_for(role: str | frozenset[str] | set[str], id_number: str) -> str:
    """The ID number as a list shows it to `role`: whole for those who handle or check
    businesses, first 6 and last 4 for everyone else (administrators, unknown roles)."""
    roles = {role} if isinstance(role, str) else set(role)
    if roles & FULL_ID_ROLES:
        return id_number if isinstance(id_number, str) else ""
    return mask_id(id_number)


def mask_rows(role: Any, rows: list[dict[str, Any]], key: str = "id_number") -> list[dict[str, Any]]:
    return [{**r, key: mask_for(role, r.get(key) or "")} if key in r else r for r in rows]
