"""`yibao-desk render` (documents from a calculator request or from a stored business) and
`yibao-desk verify` (the QR check value of a receipt).

    yibao-desk render checklist --input materials.json [--large-print] --out list.pdf
    yibao-desk render estimate --input inpatient.json [--paper A5] [--setting k=v] --out est.pdf
    yibao-desk --db hall.sqlite3 render receipt --record 320402-03-2025-000001 --user clerk01 --out r.pdf
    yibao-desk --db hall.sqlite3 render payment_notice --record 320402-03-2025-000001 --reprint --user clerk01
    yibao-desk --db hall.sqlite3 render day_report --day 2025-11-15 --user clerk01 [--operator clerk01]
    yibao-desk --db hall.sqlite3 verify "320402-03-2025-000001|ABCDEFGH2345"

Every rendered PDF is also kept in the hall's archive (services/printing/archive.py). Refusals are the
calculator's JSON on standard output with exit status 2.
"""

from __future__ import annotations

import argparse
import json
import sys
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

from desktop.commands import add_user, logged_in, refuse
from desktop.errors import Refusal

CALC_KINDS = {"checklist": ("materials",), "estimate": ("inpatient", "outpatient")}
RECORD_KINDS = ("receipt", "payment_notice", "offsite_receipt", "processing_slip", "certificate")
KINDS = (*CALC_KINDS, *RECORD_KINDS, "day_report")
SAMPLE_MARK = "样张"  # across every page of a --sample document: never mistaken for a real one
SAMPLES = {  # --sample: the documents layer's test inputs (facts from the packs), no database
    "checklist": "checklist-a4", "estimate": "estimate-a4", "receipt": "receipt-a4",
    "payment_notice": "payment-notice-a4", "offsite_receipt": "offsite-receipt-a4",
    "processing_slip": "processing-slip-a4", "day_report": "day-report-a4",
}
CLI_OPERATOR = "命令行"


def _settings(items: list[str] | None) -> dict[str, Decimal]:
    settings: dict[str, Decimal] = {}
    for item in items or []:
        key, _, value = item.partition("=")
        try:
            number = Decimal(value.strip())
        except ArithmeticError:
            number = Decimal("NaN")
        if not key.strip() or not number.is_finite():
            raise Refusal("invalid_amount",
                          f"大厅参数“{item}”无效，应写成 键=数值，例如 resident_disposable_income_last_year=50000", "setting")
        settings[key.strip()] = number
    from desktop.commands.calc import unknown_settings

    unknown = unknown_settings(settings)
    if unknown is not None:
        raise unknown
    return settings


def _request(args: argparse.Namespace) -> dict[str, Any]:
    try:
        text = open(args.input, encoding="utf-8").read() if args.input else sys.stdin.read()
    except OSError as exc:
        raise Refusal("invalid_json", f"无法读取请求文件：{exc.strerror or exc}", "input") from None
    try:
        request = json.loads(text)
    except json.JSONDecodeError as exc:
        raise Refusal("invalid_json", f"输入不是有效的 JSON：第{exc.lineno}行第{exc.colno}列 {exc.msg}", None) from None
    if not isinstance(request, dict):
        raise Refusal("invalid_json", "render 的请求应为一个 JSON 对象", None)
    wanted = CALC_KINDS[args.kind]
    if request.get("calc") not in wanted:
        raise Refusal("unknown_calc", f"render {args.kind} 需要 calc 为 {' 或 '.join(wanted)} 的请求"
                      f"（收到“{request.get('calc')}”）", "calc")
    return request


def _paper(kind: str, value: str | None):
    from desktop.documents.model import Paper
    from desktop.services.printing import KIND_OF

    model = next(document for document, name in KIND_OF.items() if name == kind)
    paper = Paper(value) if value else Paper.A4
    if paper not in model.PAPERS:
        allowed = "、".join(p.value for p in model.PAPERS)
        raise Refusal("invalid_paper", f"该单据只能用 {allowed} 纸张打印，不能用 {paper.value}", "paper")
    return paper


def _hall_row(db) -> dict[str, Any] | None:
    from desktop.records.rows import one

    if db.execute("SELECT 1 FROM sqlite_master WHERE type='table' AND name='hall_config'").fetchone() is None:
        return None
    return one(db, "SELECT * FROM hall_config LIMIT 1")


def _record_region(db) -> str | None:
    for table in ("enrollments", "changes", "offsite_filings", "manual_claims"):
        row = db.execute(f"SELECT region FROM {table} ORDER BY created_at DESC LIMIT 1").fetchone()
        if row:
            return row[0]
    return None


def _context(db, args: argparse.Namespace, settings: dict, *, region: str | None = None,
             receipt: dict | None = None):
    """A Context for printing from the command line: the hall configuration when the database
    has one, else the codes of the receipt asked for, else neutral defaults."""
    from desktop.policy import api
    from desktop.services import printing
    from desktop.services.context import Context

    hall = _hall_row(db)
    hall_code = args.hall or (hall["hall_code"] if hall else None) or (receipt["hall_code"] if receipt else None)
    window = (hall["window_code"] if hall else None) or (receipt["window_code"] if receipt else None) or "01"
    operator = args.operator or (receipt["operator_id"] if receipt else None) or CLI_OPERATOR
    if not hall_code:
        row = db.execute("SELECT hall_code FROM receipts ORDER BY created_at DESC LIMIT 1").fetchone()
        hall_code = row[0] if row else printing.UNKNOWN_HALL
    for candidate in (region, hall["region"] if hall else None, _record_region(db), *api.regions()):
        if not candidate:
            continue
        try:
            return Context(db=db, region=candidate, hall_code=hall_code, window=window,
                           operator_id=operator, settings=settings)
        except (ValueError, Refusal):
            continue
    raise Refusal("unknown_region", "没有可用的统筹区政策包", "region")


def _write(out: str | None, pdf: bytes) -> str | None:
    if not out:
        return None
    target = Path(out)
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_bytes(pdf)
    return str(target)


def _render(args: argparse.Namespace) -> int:
    try:
        return _render_or_refuse(args)
    except Refusal as r:
        return refuse(r)


def _render_or_refuse(args: argparse.Namespace) -> int:
    from desktop.documents import render

    paper = _paper(args.kind, args.paper)
    if args.sample:
        from dataclasses import replace

        from desktop.documents.samples import samples

        if args.kind not in SAMPLES:
            raise Refusal("no_sample", f"“{args.kind}”没有样张：请用 --record 打印已出具的单据", "kind")
        document = samples()[SAMPLES[args.kind]]
        if args.kind not in ("checklist", "day_report"):
            document = replace(document, paper=paper)
        elif args.kind == "checklist" and args.large_print:
            document = replace(document, large_print=True)
        pdf = render(document, mark=SAMPLE_MARK)
        print(json.dumps({"kind": args.kind, "sample": True, "out": _write(args.out, pdf)}, ensure_ascii=False))
        return 0

    from desktop.records import db as records_db
    from desktop.records import paths
    from desktop.services import printing

    settings = _settings(args.setting)
    db = records_db.open_db(paths.db_path(args.db))
    try:
        if args.kind in CALC_KINDS and not args.record:
            from desktop.policy import api

            request = _request(args)
            provided = request.pop("provided", None) or []
            if not isinstance(provided, list) or not all(isinstance(p, str) for p in provided):
                raise Refusal("invalid_field", "provided 应为已提供材料名称的列表", "provided")
            answer = api.answer(request, settings=settings)
            ctx = _context(db, args, settings, region=str(request.get("region") or ""))
            head = printing.header(ctx, hall_code=ctx.hall_code, window_code=ctx.window,
                                   operator_id=ctx.operator_id, serial=None)
            if args.kind == "checklist":
                document = printing.checklist_from_answer(answer, provided=provided, header=head,
                                                          large_print=args.large_print)
            else:
                document = printing.estimate_from_answer(request, answer, header=head, paper=paper)
        elif args.kind == "day_report":
            try:
                day = date.fromisoformat(args.day) if args.day else None
            except ValueError:
                raise Refusal("invalid_date", f"日期“{args.day}”无效，应为 YYYY-MM-DD", "day") from None
            ctx = logged_in(db, args, "print", "print")
            document = printing.day_report(ctx, day or ctx.today(), operator_id=args.operator,
                                           hall_code=args.hall)
        else:
            if not args.record:
                raise Refusal("missing_field", f"render {args.kind} 需要 --record（收据号或业务记录编号）", "record")
            from desktop.records import receipts

            if args.reprint:  # who reprints is checked before anything is looked up
                ctx, document = _reprint(db, args, settings, paper)
                printed = printing.print_document(ctx, document, kind=args.kind)
                print(json.dumps({"kind": args.kind, "serial": printed.serial, "reprint": True,
                                  "out": _write(args.out, printed.pdf), "archived": str(printed.archived)},
                                 ensure_ascii=False))
                return 0
            ctx = logged_in(db, args, "print", "print")  # a stored business: personal data
            receipt = receipts.get(db, args.record) or receipts.of_record(db, args.record)
            if receipt is None:
                raise Refusal("not_found", f"找不到收据号或业务记录“{args.record}”，请核对后重试", "record")
            if args.kind == "checklist":  # the business's 一次性告知单, materials as received
                document = printing.checklist_for(ctx, args.record, large_print=args.large_print)
            elif args.kind == "certificate":  # a 参保证明 issued before (`yibao-desk certificate`)
                from desktop.services import certificate

                document = certificate.document(ctx, args.record, paper=paper)
            else:
                document = printing.for_record(ctx, args.kind, args.record, paper=paper)
        printed = printing.print_document(ctx, document, kind=args.kind)
        if ctx.session is not None:  # a business's paper or a day's report: who printed it
            from desktop.records import audit
            from desktop.records.tx import write

            with write(db):
                audit.append(db, ctx.stamp(), action="print", business="print", entity="documents",
                             entity_id=args.record or str(day or ctx.today()),
                             payload={"kind": args.kind, "serial": printed.serial, "archived": str(printed.archived)})
        out = _write(args.out, printed.pdf)
        print(json.dumps({"kind": args.kind, "serial": printed.serial, "out": out,
                          "archived": str(printed.archived)}, ensure_ascii=False))
        return 0
    finally:
        db.close()


def _reprint(db, args: argparse.Namespace, settings: dict, paper):
    """补打 by serial (services/reprint.py): as the logged-in account where the hall has
    accounts (--user, password from YIBAO_DESK_PASSWORD or a prompt), audited either way."""
    from desktop.records import accounts as account_rows
    from desktop.records import receipts
    from desktop.services import reprint

    if args.kind not in reprint.KINDS:
        raise Refusal("not_applicable", f"{args.kind} 不能补打（可补打：{'、'.join(reprint.KINDS)}）", "kind")
    if account_rows.count(db):
        ctx = logged_in(db, args, "reprint", "reprint")
    else:
        issued = receipts.get(db, args.record)  # its hall and window; the reprint is not its clerk's
        ctx = _context(db, args, settings, receipt={**issued, "operator_id": CLI_OPERATOR} if issued else None)
    return ctx, reprint.reprint_document(ctx, args.record, args.kind, paper=paper)


def _verify(args: argparse.Namespace) -> int:
    from desktop.records import db as records_db
    from desktop.records import paths
    from desktop.services import verification

    path = paths.db_path(args.db)
    if not path.exists():
        result = verification.Verification(None, False, False, None, None, f"数据库文件不存在：{path}")
    else:
        try:
            db = records_db.open_db(path)
        except Refusal as r:
            return refuse(r)
        try:
            result = verification.verify(db, args.text)
        finally:
            db.close()
    print(json.dumps(result.as_dict(), ensure_ascii=False))
    return 0 if result.valid else 1


def register(sub: argparse._SubParsersAction) -> None:
    p = add_user(sub.add_parser("render", help="打印单据为 PDF（并存入档案目录）：告知单、测算单或某笔业务的回执、通知单、处理单、日结；"
                                "某笔业务的单据和日结须以经办人或复核人账户执行（--user）"), "经办人或复核人账户")
    p.add_argument("kind", choices=KINDS, help="单据类型")
    p.add_argument("--input", help="checklist / estimate 的计算请求 JSON 文件（默认读标准输入）")
    p.add_argument("--record", help="收据号或业务记录编号（receipt、payment_notice、offsite_receipt、processing_slip；"
                   "estimate 为零星报销的测算单，checklist 为该笔业务的一次性告知单）")
    p.add_argument("--out", help="输出 PDF 文件（档案目录中总会另存一份）")
    p.add_argument("--paper", choices=["A4", "A5", "80mm"], help="纸张（默认 A4）")
    p.add_argument("--large-print", action="store_true", help="适老化大字版（一次性告知单）")
    p.add_argument("--setting", action="append", metavar="KEY=VALUE", help="大厅参数，如 resident_disposable_income_last_year=50000")
    p.add_argument("--day", help="日结日期 YYYY-MM-DD（默认今天）")
    p.add_argument("--operator", help="日结的经办人编号（默认全厅）")
    p.add_argument("--hall", help="大厅代码（默认取大厅配置）")
    p.add_argument("--reprint", action="store_true",
                   help="补打（与 --record 收据号同用）：单据标明“补打”和原办理时间，记入审计日志")
    p.add_argument("--sample", action="store_true", help="打印样张（每页印“样张”字样；不读数据库、不存档），用于检查打印机和字体")
    p.set_defaults(func=_render)
    p = sub.add_parser("verify", help="核验收据二维码：收据号|校验码")
    p.add_argument("text", help="二维码内容，如 320402-03-2025-000001|ABCDEFGH2345")
    p.set_defaults(func=_verify)
