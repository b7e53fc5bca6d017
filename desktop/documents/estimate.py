"""报销测算单: the layers of an estimate and how each figure was reached; never a settlement."""

from __future__ import annotations

from decimal import Decimal

from reportlab.platypus import Flowable, Spacer

from desktop.documents import fonts
from desktop.documents import furniture as f
from desktop.documents.format import amounts_in_text, money, money_or_dash
from desktop.documents.layout import Styles, build_pdf
from desktop.documents.model import EstimateKind, ReimbursementEstimate

TITLE = "报销测算单"
DISCLAIMER = "本单为测算结果，仅供参考，不作为结算依据"
SETTLED_BY = "实际报销金额以医保经办机构审核结算为准。"
KIND = {EstimateKind.INPATIENT: "住院", EstimateKind.OUTPATIENT: "门诊"}


def render(estimate: ReimbursementEstimate) -> bytes:
    def story(s: Styles) -> list[Flowable]:
        rows = [("测算类型", f"{KIND[estimate.kind]}费用"), *estimate.facts]
        if estimate.person is not None:
            rows = f.person_fields(estimate.person, full_id=estimate.full_id) + rows
        whole = estimate.bill_total is not None and estimate.personal_total is not None
        layers = [["票据总额", money(estimate.bill_total)]] if whole else []
        layers.append(["合规费用", money(estimate.compliant_cost)])
        if estimate.deductible is not None:
            layers.append(["其中：起付标准", money(estimate.deductible)])
        layers.append(["基本医保", money(estimate.basic)])
        for label, amount in (("大病保险", estimate.critical_illness),
                              ("医疗救助", estimate.medical_assistance)):
            if amount is not None:
                layers.append([label, money(amount)])
        if whole:
            layers += [["合规费用中个人负担", money(estimate.personal)],
                       ["政策外自费", money(estimate.out_of_policy or Decimal(0))],
                       ["个人合计负担", money(estimate.personal_total)]]
        else:
            layers.append(["个人负担", money(estimate.personal)])
        pays = ("个人合计负担", estimate.personal_total) if whole else ("个人负担", estimate.personal)
        trace = [[str(i), amounts_in_text(t.step), money_or_dash(t.amount), s.para(_cited_lines(t.source), s.small)]
                 for i, t in enumerate(estimate.trace, start=1)]
        # said once, at the top where it is read (no sheet of its own after the steps)
        warning = f.box([s.para(DISCLAIMER, s.heading, bold=True, align="centre"),
                         s.para(SETTLED_BY, s.small, align="centre")], s, thickness=1.6, shade=f.SHADE)
        parts: list[Flowable] = [
            *f.header_block(estimate.header, TITLE, s),
            warning,
            Spacer(1, s.body.fontSize * 0.5),
            f.fields(rows, s, columns=2),
            f.section("测算结果", s),
            f.grid(["项目", "金额"], layers, s, widths=[1, None], align={1: "right"},
                   bold_last_row=True),
            f.in_words(*pays, s),
        ]
        if trace:
            # The 依据 column as wide as its 文号 and section lines (those must not break; a
            # document's title wraps).
            source = max(fonts.string_width(line, s.small.fontSize)
                         for t in estimate.trace for line in _cited_lines(t.source).split("\n")[1:] or [""])
            table = f.grid(["序号", "计算步骤", "金额", "依据"], trace, s, widths=[None, 6, None, 3.4],
                           align={0: "centre", 2: "right"}, min_widths={3: source + 14})
            parts += f.table_section("计算过程", table, s)
        return parts

    return build_pdf(estimate.paper, story, title=TITLE, serial=estimate.header.serial,
                     running=f.running_head(TITLE, estimate.person, full_id=estimate.full_id))


def _cited_lines(cited: str) -> str:
    """《title》, （文号） and §section of a citation on lines of their own."""
    return cited.replace("》（", "》\n（").replace("》§", "》\n§").replace("）§", "）\n§")
