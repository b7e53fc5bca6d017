"""Data safety from the command line: backup, restore, export, audit verify."""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from desktop.commands import refuse
from desktop.errors import Refusal


def _backup(args: argparse.Namespace) -> int:
    from desktop.records import backup, db, paths

    source = db.open_db(paths.db_path(args.db))
    dest = Path(args.dest) if args.dest else paths.backup_dir(paths.db_path(args.db)) / "manual.sqlite3"
    made = backup.backup(source, dest)
    checked = backup.check_file(made)
    if not checked.ok:
        return refuse(Refusal("backup_failed", f"备份写入后校验失败：{checked.message()}", "dest"))
    print(json.dumps({"backup": str(made), "verified": True}, ensure_ascii=False))
    return 0


def _restore(args: argparse.Namespace) -> int:
    from desktop.records import backup, paths

    try:
        safety = backup.restore(args.src, paths.db_path(args.db))
    except Refusal as r:
        return refuse(r)
    print(json.dumps({"restored_from": args.src, "previous_copy": str(safety) if safety else None}, ensure_ascii=False))
    return 0


def _export(args: argparse.Namespace) -> int:
    from desktop.commands.admin import cli_stamp
    from desktop.records import db, paths
    from desktop.services.privacy import export_list_as

    params = {k: v for k, v in (("year", args.year), ("day", args.day)) if v is not None}
    try:
        database = db.open_db(paths.db_path(args.db))
        # audited as the OS user at the command line; persons/enrollments carry a privacy note
        done = export_list_as(database, cli_stamp(database), args.list, args.out, **params)
    except Refusal as r:
        return refuse(r)
    print(json.dumps({"exported": done["file"], "rows": done["rows"], "personal": done["personal"]}, ensure_ascii=False))
    return 0


def _audit(args: argparse.Namespace) -> int:
    from desktop.records import audit, db, paths

    anchor = None
    if args.anchor:
        try:
            anchor = audit.parse_anchor(args.anchor)
        except ValueError as exc:
            return refuse(Refusal("invalid_field", str(exc), "anchor"))
    database = db.open_db(paths.db_path(args.db))
    broken = audit.verify_audit_chain(database, anchor=anchor)
    if broken is None:
        head = audit.head(database)
        out = {"audit": "intact", "head": head.text if head else None}
        if anchor is not None:
            out["anchor"] = f"{anchor[0]}:{anchor[1]}"
        print(json.dumps(out, ensure_ascii=False))
        return 0
    print(json.dumps({"audit": "broken", "first_broken": {"seq": broken.seq, "entity_id": broken.entity_id, "reason": broken.reason}}, ensure_ascii=False, default=str))
    return 1


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("backup", help="备份数据库（窗口运行时也可安全执行），写入后自动校验")
    p.add_argument("dest", nargs="?", help="备份文件路径（默认 backups/manual.sqlite3）")
    p.set_defaults(func=_backup)
    p = sub.add_parser("restore", help="从备份恢复：先校验备份文件，再替换，并保留恢复前副本")
    p.add_argument("src", help="备份文件")
    p.set_defaults(func=_restore)
    p = sub.add_parser("export", help="导出清单为 xlsx 或 csv（含个人信息，注意保管）")
    p.add_argument("list", choices=["persons", "enrollments", "receipts", "audit"])
    p.add_argument("out", help="输出文件 .xlsx 或 .csv")
    p.add_argument("--year", type=int)
    p.add_argument("--day")
    p.set_defaults(func=_export)
    p = sub.add_parser("audit", help="审计日志")
    p.add_argument("action", choices=["verify"])
    p.add_argument("--anchor", metavar="SEQ:HASH",
                   help="日结报表或同步时记下的审计链末条（序号:哈希），证明此前的记录一条未删未改")
    p.set_defaults(func=_audit)
