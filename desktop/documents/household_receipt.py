"""家庭受理回执: one slip for a household's visit, each member's line with its own receipt
serial, category, amount and benefit start; the 缴费通知单 stay one per person (each pays
separately). On the 80 mm roll a family of three takes one strip instead of three A4 sheets."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from reportlab.platypus import Flowable

from desktop.documents import furniture as f
from desktop.documents.format import cn_date, mask_id, money
from desktop.documents.layout import Styles, build_pdf
from desktop.documents.model import Header, Paper, _Frozen

TITLE = "受理回执（家庭）"


@dataclass(frozen=True, kw_only=True)
class HouseholdLine(_Frozen):
    """One member's business of the visit, as recorded."""

    name: str
    id_number: str
    relationship: str  # 与户主关系 (户主 for the head)
    business: str  # 参保登记 / 续保
    category: str
    personal: Decimal  # 个人应缴
    benefit_start: date
    serial: str  # the member's own receipt serial (缴费通知单 carries the same)


@dataclass(frozen=True, kw_only=True)
class HouseholdReceipt(_Frozen):
    """受理回执 of a household's 参保登记/续保 visit."""

    PAPERS = (Paper.ROLL_80, Paper.A4, Paper.A5)

    header: Header  # serial: the first member's (the visit's first business)
    policy_year: int
    members: tuple[HouseholdLine, ...]
    total: Decimal  # 个人应缴合计
    next_steps: tuple[str, ...]
    phone: str | None = None
    qr_text: str | None = None  # the first member's check value
    paper: Paper = Paper.ROLL_80


def render(receipt: HouseholdReceipt) -> bytes:
    def story(s: Styles) -> list[Flowable]:
        narrow = receipt.paper == Paper.ROLL_80
        parts: list[Flowable] = [*f.header_block(receipt.header, TITLE, s),
                                 f.fields([("业务名称", f"城乡居民医保参保登记/续保（{receipt.policy_year}年度）"),
                                           ("办理人数", f"{len(receipt.members)}人"),
                                           ("个人应缴合计", money(receipt.total))], s),
                                 f.section("受理内容", s)]
        if narrow:  # one block per member: a table of eight columns does not fit 80 mm
            for m in receipt.members:
                parts.append(f.fields([("姓名", f"{m.name}（{m.relationship}）"), ("证件号码", mask_id(m.id_number)),
                                       ("业务", f"{m.business}：{m.category}"), ("个人应缴", money(m.personal)),
                                       ("待遇开始", cn_date(m.benefit_start)), ("收据号", m.serial)], s))
        else:
            # the masked ID number under the name: eight columns do not fit A4 portrait
            rows = [[[s.para(m.name, s.cell), s.para(mask_id(m.id_number), s.cell)], m.relationship, f"{m.category}（{m.business}）",
                     money(m.personal), m.benefit_start.isoformat(), m.serial] for m in receipt.members]
            parts.append(f.grid(["姓名 / 证件号码", "关系", "参保类别（业务）", "个人应缴", "待遇开始", "收据号"], rows, s,
                                widths=[2.2, None, 1, None, None, None], align={3: "right"}))
        parts += [f.section("后续办理", s), *f.numbered(receipt.next_steps, s)]
        caption = ["请妥善保管本回执，每人凭本人缴费通知单缴费。"]
        if receipt.phone:
            caption.append(f"咨询电话：{receipt.phone}")
        return parts + f.qr_block(receipt.qr_text, caption, s)

    return build_pdf(receipt.paper, story, title=TITLE, serial=receipt.header.serial)
