"""异地就医备案回执: who may be treated where, from when, at what ratio; signed by both sides."""

from __future__ import annotations

from reportlab.platypus import Flowable

from desktop.documents import furniture as f
from desktop.documents.format import cn_date
from desktop.documents.layout import Styles, build_pdf
from desktop.documents.model import OffsiteFilingReceipt

TITLE = "异地就医备案回执"


def render(receipt: OffsiteFilingReceipt) -> bytes:
    def story(s: Styles) -> list[Flowable]:
        until = cn_date(receipt.end) if receipt.end else "长期有效（至本人申请变更或取消备案）"
        rows = [*f.person_fields(receipt.person, full_id=receipt.full_id, agent=receipt.agent),
                ("人员类别", receipt.person_type), ("就医地", receipt.destination),
                ("备案开始", cn_date(receipt.start)), ("有效期至", until)]
        parts: list[Flowable] = [*f.header_block(receipt.header, TITLE, s), f.fields(rows, s),
                                 f.section("待遇标准", s), s.para(receipt.rule)]
        if receipt.materials:
            parts += [f.section("已收材料", s), *f.numbered(receipt.materials, s)]
        if receipt.notes:
            parts += [f.section("温馨提示", s), *f.numbered(receipt.notes, s)]
        caption = [f"咨询电话：{receipt.phone}"] if receipt.phone else []
        return [*parts, *f.qr_block(receipt.qr_text, caption, s),
                f.signatures(["参保人/代办人签字", "经办人签字"], s)]

    return build_pdf(receipt.paper, story, title=TITLE, serial=receipt.header.serial,
                     running=f.running_head(TITLE, receipt.person, full_id=receipt.full_id))
