"""Data safety from the command line: backup, restore, export, audit verify."""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from desktop.commands import PASSWORD_ENV, add_user, logged_in, refuse, secret, username
from desktop.errors import Refusal


def _backup(args: argparse.Namespace) -> int:
    from desktop.records import db, paths
    from desktop.services import safety

    path = paths.db_path(args.db)
    try:
        source = db.open_db(path)
        try:
            ctx = logged_in(source, args, "backup", "backup")
            dest = Path(args.dest) if args.dest else paths.backup_dir(path) / "manual.sqlite3"
            made = safety.backup_as(ctx, dest)
        finally:
            source.close()
    except Refusal as r:
        return refuse(r)
    print(json.dumps({"backup": str(made), "verified": True}, ensure_ascii=False))
    return 0


def _restore(args: argparse.Namespace) -> int:
    from desktop.records import paths
    from desktop.services import safety

    try:
        name = username(args)
        done = safety.restore_backup(paths.db_path(args.db), args.src, name,
                                     secret(PASSWORD_ENV, f"“{name}”的密码："))
    except Refusal as r:
        return refuse(r)
    lacking = done.lacking
    print(json.dumps({
        "restored_from": args.src,
        "previous_copy": str(done.previous_copy) if done.previous_copy else None,
        "head": done.head.as_dict(),
        "live_head": done.live_head.as_dict() if done.live_head else None,
        "lacking": {"count": lacking[1] - lacking[0] + 1, "first": lacking[0], "last": lacking[1]} if lacking else None,
        "audit_seq": done.entry.get("seq"),
    }, ensure_ascii=False))
    return 0


def _export(args: argparse.Namespace) -> int:
    from desktop.records import db, paths
    from desktop.services.privacy import export_list_as

    params = {k: v for k, v in (("year", args.year), ("day", args.day)) if v is not None}
    try:
        database = db.open_db(paths.db_path(args.db))
        try:
            ctx = logged_in(database, args, "export", "export")
            # persons/enrollments carry a privacy note naming the account
            done = export_list_as(database, ctx.stamp(), args.list, args.out, **params)
        finally:
            database.close()
    except Refusal as r:
        return refuse(r)
    print(json.dumps({"exported": done["file"], "rows": done["rows"], "personal": done["personal"]}, ensure_ascii=False))
    return 0


def _import(args: argparse.Namespace) -> int:
    from desktop.records import db, paths
    from desktop.services.roster_import import import_roster

    try:
        database = db.open_db(paths.db_path(args.db))
        try:
            ctx = logged_in(database, args, "handle", "roster_import")
            report = import_roster(ctx, args.roster, args.year)
        finally:
            database.close()
    except Refusal as r:
        return refuse(r)
    print(json.dumps({
        "imported": args.roster, "year": args.year, "total": report.total, "enrolled": report.enrolled,
        "unchanged": report.unchanged, "summary": report.summary,
        "rejected": [{"row": r.row, "field": r.field, "message": r.message} for r in report.rejected],
    }, ensure_ascii=False))
    return 0


def _audit(args: argparse.Namespace) -> int:
    from desktop.records import audit, db, paths

    anchor = None
    if args.anchor:
        try:
            anchor = audit.parse_anchor(args.anchor)
        except ValueError as exc:
            return refuse(Refusal("invalid_field", str(exc), "anchor"))
    try:
        database = db.open_db(paths.db_path(args.db))
    except Refusal as r:
        return refuse(r)
    try:
        broken = audit.verify_audit_chain(database, anchor=anchor)
        head = audit.head(database) if broken is None else None
    finally:
        database.close()
    if broken is None:
        out = {"audit": "intact", "head": head.text if head else None}
        if anchor is not None:
            out["anchor"] = f"{anchor[0]}:{anchor[1]}"
        print(json.dumps(out, ensure_ascii=False))
        return 0
    print(json.dumps({"audit": "broken", "first_broken": {"seq": broken.seq, "entity_id": broken.entity_id, "reason": broken.reason}}, ensure_ascii=False, default=str))
    return 1


def register(sub: argparse._SubParsersAction) -> None:
    p = add_user(sub.add_parser("backup", help="备份数据库（窗口运行时也可安全执行），写入后自动校验；须管理员账户"), "管理员账户")
    p.add_argument("dest", nargs="?", help="备份文件路径（默认 backups/manual.sqlite3）")
    p.set_defaults(func=_backup)
    p = add_user(sub.add_parser("restore", help="从备份恢复：须管理员账户，并先关闭所有窗口；先校验备份文件，再替换，并保留恢复前副本"), "管理员账户")
    p.add_argument("src", help="备份文件")
    p.set_defaults(func=_restore)
    p = add_user(sub.add_parser("export", help="导出清单为 xlsx 或 csv（含个人信息，注意保管）"))
    p.add_argument("list", choices=["persons", "enrollments", "receipts", "audit"])
    p.add_argument("out", help="输出文件 .xlsx 或 .csv")
    p.add_argument("--year", type=int)
    p.add_argument("--day")
    p.set_defaults(func=_export)
    p = add_user(sub.add_parser("import", help="导入花名册（xlsx 或 csv）为某年度的参保登记；须经办人账户"), "经办人账户")
    p.add_argument("roster", help="花名册文件 .xlsx 或 .csv")
    p.add_argument("--year", required=True, help="参保年度")
    p.set_defaults(func=_import)
    p = sub.add_parser("audit", help="审计日志")
    p.add_argument("action", choices=["verify"])
    p.add_argument("--anchor", metavar="SEQ:HASH",
                   help="日结报表或同步时记下的审计链末条（序号:哈希），证明此前的记录一条未删未改")
    p.set_defaults(func=_audit)
