"""受理回执: handed over when a request is accepted, saying what happens next and when."""

from __future__ import annotations

from reportlab.platypus import Flowable

from desktop.documents import furniture as f
from desktop.documents.format import cn_date
from desktop.documents.layout import Styles, build_pdf
from desktop.documents.model import AcceptanceReceipt

TITLE = "受理回执"


def render(receipt: AcceptanceReceipt) -> bytes:
    def story(s: Styles) -> list[Flowable]:
        rows = [("业务名称", receipt.business),
                *f.person_fields(receipt.person, full_id=receipt.full_id, agent=receipt.agent)]
        if receipt.expected_by is not None:
            rows.append(("预计办结", cn_date(receipt.expected_by)))
        parts: list[Flowable] = [*f.header_block(receipt.header, TITLE, s), f.fields(rows, s),
                                 f.section("受理内容", s), *f.numbered(receipt.accepted, s),
                                 f.section("后续办理", s), *f.numbered(receipt.next_steps, s)]
        caption = ["请妥善保管本回执，凭回执编号查询办理进度。"]
        if receipt.phone:
            caption.append(f"咨询电话：{receipt.phone}")
        return [*parts, *f.qr_block(receipt.qr_text, caption, s),
                f.sign_and_seal(["申请人/代办人签字", "经办人签字"], s)]

    return build_pdf(receipt.paper, story, title=f"{TITLE} {receipt.business}",
                     serial=receipt.header.serial,
                     running=f.running_head(TITLE, receipt.person, full_id=receipt.full_id))
