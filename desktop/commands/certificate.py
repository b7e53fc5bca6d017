"""`yibao-desk certificate`: issue a 参保证明 for a person and a period, as the window does.

    YIBAO_DESK_PASSWORD=… yibao-desk --db hall.sqlite3 certificate 320412… --from 2025 --to 2026 \\
        --purpose 子女入学 --user wang --out certificate.pdf

Issuing writes (a serial, an audit entry), so a hall with accounts needs its clerk's login
(`--user`, password from YIBAO_DESK_PASSWORD or a prompt); the PDF is archived like every paper
and printed again later with `yibao-desk render certificate --record SERIAL`."""

from __future__ import annotations

import argparse
import json

from desktop.commands import add_user, logged_in, refuse
from desktop.errors import Refusal
from desktop.policy.money import fen_text


def _context(args: argparse.Namespace, db):
    from desktop.records import accounts as account_rows

    if account_rows.count(db):  # issuing writes: the clerk's login, in a role that may handle it
        return logged_in(db, args, "handle", "certificate")
    from desktop.commands.documents import _context as counter_context

    return counter_context(db, argparse.Namespace(hall=None, operator=args.user), {})


def _issue(args: argparse.Namespace) -> int:
    from desktop.commands.documents import _write
    from desktop.records import db as records_db
    from desktop.records import paths
    from desktop.services import certificate, printing

    try:
        db = records_db.open_db(paths.db_path(args.db))
        try:
            ctx = _context(args, db)
            issued = certificate.issue(ctx, args.id_number, args.period_from, args.period_to, purpose=args.purpose)
            printed = printing.print_document(ctx, certificate.document(ctx, issued.receipt_serial))
        finally:
            db.close()
    except Refusal as r:
        return refuse(r)
    print(json.dumps({"serial": issued.receipt_serial, "years": [line["year"] for line in issued.plan.lines],
                      "personal": fen_text(issued.plan.amount_fen), "out": _write(args.out, printed.pdf),
                      "archived": str(printed.archived)}, ensure_ascii=False))
    return 0


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("certificate", help="出具参保证明（按期间列出参保年度、类别、个人缴费、待遇享受期，带二维码校验值），存档并输出 PDF")
    p.add_argument("id_number", help="参保人身份证号码")
    p.add_argument("--from", dest="period_from", required=True, help="起始年份或年月，如 2025 或 2025-03")
    p.add_argument("--to", dest="period_to", help="截止年份或年月（默认同起始）")
    p.add_argument("--purpose", help="证明用途，如 子女入学")
    add_user(p, "经办人账户（大厅已设置账户时必填）")
    p.add_argument("--out", help="输出 PDF 文件（档案目录中总会另存一份）")
    p.set_defaults(func=_issue)
