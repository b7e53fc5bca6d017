"""综合业务处理单: the record of a completed business, signed by the person and the clerk."""

from __future__ import annotations

from reportlab.platypus import Flowable

from desktop.documents import furniture as f
from desktop.documents.layout import Styles, build_pdf
from desktop.documents.model import ProcessingSlip

TITLE = "综合业务处理单"


def render(slip: ProcessingSlip) -> bytes:
    def story(s: Styles) -> list[Flowable]:
        rows = [("业务类型", slip.business),
                *f.person_fields(slip.person, full_id=slip.full_id, agent=slip.agent)]
        handled = [*slip.details, ("办理结果", slip.result)]
        if slip.reviewer:
            handled.append(("复核人", slip.reviewer))
        parts: list[Flowable] = [*f.header_block(slip.header, TITLE, s), f.fields(rows, s),
                                 f.section("办理内容", s), f.fields(handled, s)]
        if slip.remarks:
            parts += [f.section("备注", s), *f.numbered(slip.remarks, s)]
        statement = "本人确认以上信息真实、准确，办理结果已知悉。"
        return [*parts, f.section("确认", s), s.para(statement),
                f.signatures(["参保人/代办人签字", "经办人签字"], s)]

    return build_pdf(slip.paper, story, title=f"{TITLE} {slip.business}",
                     serial=slip.header.serial,
                     running=f.running_head(TITLE, slip.person, full_id=slip.full_id))
