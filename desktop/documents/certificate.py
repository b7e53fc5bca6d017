"""参保缴费证明 (certificate of enrollment): the years a person was insured, with the category,
the contributions and the benefit period of each, worded as the 经办机构 issue it (兹证明…，
特此证明), with the QR check value of its serial and the 经办机构 and date to stamp."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from reportlab.lib.styles import ParagraphStyle
from reportlab.platypus import Flowable, Spacer

from desktop.documents import furniture as f
from desktop.documents.format import cn_date, mask_id, money
from desktop.documents.layout import Styles, build_pdf
from desktop.documents.model import Header, Paper, Person, _Frozen
from desktop.policy.money import yuan_text

TITLE = "城乡居民基本医疗保险参保缴费证明"
HEAD = ("参保年度", "参保地", "参保类别", "个人缴费（元）", "政府资助（元）", "待遇享受期", "参保状态")


@dataclass(frozen=True, kw_only=True)
class CertificateLine(_Frozen):
    """One year's enrollment as recorded."""

    year: int
    region: str
    category: str
    personal: Decimal
    assisted: Decimal
    benefit_start: date
    benefit_end: date
    status: str  # 正常参保 / 已停保 / 已退保


@dataclass(frozen=True, kw_only=True)
class EnrollmentCertificate(_Frozen):
    header: Header
    person: Person
    period_from: date
    period_to: date
    lines: tuple[CertificateLine, ...]
    total_personal: Decimal
    issuer: str  # 经办机构, named where the seal goes
    issued_on: date
    purpose: str | None = None
    phone: str | None = None
    qr_text: str | None = None  # "serial|check-value"
    paper: Paper = Paper.A4
    full_id: bool = False


def period_text(start: date, end: date) -> str:
    """2024年1月至2025年12月: the period as the certificate names it (months, not days)."""
    return f"{start.year}年{start.month}月至{end.year}年{end.month}月"


def render(c: EnrollmentCertificate) -> bytes:
    def story(s: Styles) -> list[Flowable]:
        opening = (f"兹证明{c.person.name}（公民身份号码：{mask_id(c.person.id_number, full=c.full_id)}）"
                   f"于{period_text(c.period_from, c.period_to)}期间参加城乡居民基本医疗保险，参保缴费情况如下：")
        rows = [(str(line.year), line.region, line.category, yuan_text(line.personal, grouped=True), yuan_text(line.assisted, grouped=True),
                 f"{cn_date(line.benefit_start)}至{cn_date(line.benefit_end)}", line.status) for line in c.lines]
        rows.append(("合计", "", "", yuan_text(c.total_personal, grouped=True), "", "", ""))
        table = f.grid(HEAD, rows, s, widths=[None, None, None, None, None, 1, None],
                       align={3: "right", 4: "right"}, bold_last_row=True)
        # official letters indent each paragraph by two characters
        indented = ParagraphStyle("certificate-body", parent=s.body, firstLineIndent=s.body.fontSize * 2)
        closing = f"上述期间个人缴费合计{money(c.total_personal)}。"
        if c.purpose:
            closing += f"本证明用于{c.purpose}。"
        parts: list[Flowable] = [*f.header_block(c.header, TITLE, s), s.para(opening, indented), table,
                                 Spacer(1, s.body.fontSize * 0.6), s.para(closing, indented),
                                 s.para("特此证明。", indented)]
        parts += [Spacer(1, s.body.fontSize * 2),
                  s.para(f"经办机构（盖章）：{c.issuer}", align="right"),
                  s.para(cn_date(c.issued_on), align="right"),
                  Spacer(1, s.body.fontSize)]
        notes = ["本证明依据医保经办机构的参保缴费记录出具，涂改无效。",
                 "扫描二维码或凭证明编号向医保经办机构核验真伪。"]
        if c.phone:
            notes.append(f"咨询电话：{c.phone}")
        return [*parts, *f.qr_block(c.qr_text, notes, s)]

    return build_pdf(c.paper, story, title=TITLE, serial=c.header.serial)
