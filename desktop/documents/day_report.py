"""日结报表: a clerk's (or the hall's) day: businesses by type, receipts issued and voided, with
their amounts; logins, accounts, settings, voids and reprints apart from the businesses."""

from __future__ import annotations

from decimal import Decimal

from reportlab.platypus import Flowable, KeepTogether, Spacer

from desktop.documents import furniture as f
from desktop.documents.charts import count_bars
from desktop.documents.format import cn_date, money
from desktop.documents.layout import Styles, build_pdf
from desktop.documents.model import DayReport, ReceiptEntry

TITLE = "日结报表"


def _amount(entry: ReceiptEntry) -> str:
    return "—" if entry.amount is None else money(entry.amount)


def serial_range(report: DayReport) -> str:
    serials = sorted(r.serial for r in report.receipts)
    return f"{serials[0]} 至 {serials[-1]}" if serials else "无回执"
def _chain_head(report: DayReport, s: Styles) -> list[Flowable]:
    """The audit chain's head, to be checked later with `yibao-desk audit verify --anchor`."""
    if not report.chain_head:
        return []
    seq, _, digest = report.chain_head.partition(":")
    grouped = " ".join(digest[i : i + 8] for i in range(0, len(digest), 8))  # copied by hand
    return [Spacer(1, s.small.fontSize), s.para(f"审计链末条：第 {seq} 条，校验值 {grouped}", s.small)]


def render(report: DayReport) -> bytes:
    def story(s: Styles) -> list[Flowable]:
        rows = [("日期", cn_date(report.day)), ("范围", report.scope), ("回执号", serial_range(report))]
        businesses = [[b.business, str(b.count), money(b.assessed)] for b in report.businesses]
        # A column sum of figures the services gave us; nothing is assessed here.
        total = sum((b.assessed for b in report.businesses), start=Decimal(0))
        businesses.append(["业务合计", str(sum(b.count for b in report.businesses)), money(total)])
        issued = [r for r in report.receipts if not r.voided]
        voided = [r for r in report.receipts if r.voided]
        parts: list[Flowable] = [
            *f.header_block(report.header, TITLE, s), f.fields(rows, s, columns=2),
            f.section("业务汇总", s),
            f.grid(["业务类型", "笔数", "应缴金额合计"], businesses, s, widths=[1, None, None],
                   align={1: "right", 2: "right"}, bold_last_row=True),
            f.in_words("应缴金额合计", total, s),
        ]
        if report.businesses:
            parts += [f.section("各业务笔数", s),
                      count_bars([(b.business, b.count) for b in report.businesses], s.width,
                                 s.cell.fontSize)]
        issued_title = f"已开回执（{len(issued)} 张）"
        if issued:
            valid = sum((r.amount or Decimal(0) for r in issued), start=Decimal(0))
            rows_issued = [[r.serial, r.business, r.person_name, r.issued_at.strftime("%H:%M"), _amount(r)]
                           for r in issued]
            rows_issued.append(["有效回执金额合计", "", "", "", money(valid)])
            # a busy day's list runs on from under the chart instead of leaving the page blank
            parts += f.table_section(issued_title, f.grid(
                ["回执编号", "业务", "姓名", "时间", "金额"], rows_issued,
                s, widths=[None, 3.4, 2.4, None, None], align={4: "right"}, bold_last_row=True), s)
            parts.append(f.in_words("有效回执金额合计", valid, s))
        else:
            parts += [f.section(issued_title, s), s.para("无")]
        last = [f.section(f"作废回执（{len(voided)} 张）", s),
                f.grid(["回执编号", "业务", "姓名", "金额", "作废原因"],
                       [[r.serial, r.business, r.person_name, _amount(r), r.void_reason or ""]
                        for r in voided], s, widths=[None, 3, 2.2, None, 3.4], align={3: "right"})
                if voided else s.para("无")]
        if report.others:
            parts += [f.section("其他操作（不计入业务笔数）", s),
                      f.grid(["操作", "次数"], [[o.business, str(o.count)] for o in report.others], s,
                             widths=[1, None], align={1: "right"})]
        # The signatures never stand alone on a page: they sign what is printed above them.
        return [*parts, KeepTogether([*last, f.signatures(["经办人签字", "负责人签字"], s)]),
                *_chain_head(report, s)]

    running = f"{TITLE}（续）　{cn_date(report.day)}　{report.scope}　回执号 {serial_range(report)}"
    return build_pdf(report.paper, story, title=f"{TITLE} {report.day.isoformat()}",
                     serial=report.header.serial, running=running)
