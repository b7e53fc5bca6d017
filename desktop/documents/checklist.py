"""一次性告知单: every material a business needs, ticked where brought, the rest called out."""

from __future__ import annotations

from reportlab.lib.enums import TA_CENTER
from reportlab.lib.styles import ParagraphStyle
from reportlab.platypus import Flowable

from desktop.documents import furniture as f
from desktop.documents.layout import Styles, build_pdf
from desktop.documents.model import ChecklistNotice

TITLE = "一次性告知单"
TICKED, EMPTY = "☑", "☐"


def render(notice: ChecklistNotice) -> bytes:
    def story(s: Styles) -> list[Flowable]:
        rows = [("事项名称", notice.item), ("办理依据", notice.basis)]
        if notice.person is not None:
            rows += f.person_fields(notice.person, full_id=notice.full_id, role="申请人")
        mark = ParagraphStyle("mark", parent=s.cell, fontSize=s.cell.fontSize * 1.5,
                              leading=s.cell.fontSize * 1.6, alignment=TA_CENTER)
        table = [[str(i), m.name, m.note or "", s.para(TICKED if m.provided else EMPTY, mark)]
                 for i, m in enumerate(notice.materials, start=1)]
        notes = {m.name: m.note for m in notice.materials}
        missing = (notice.missing if notice.missing is not None
                   else [m.name for m in notice.materials if not m.provided])
        parts: list[Flowable] = [
            *f.header_block(notice.header, TITLE, s),
            f.fields(rows, s),
            f.section("所需材料", s),
            f.grid(["序号", "材料名称", "要求", "已提供"], table, s, widths=[None, 6, 6, None],
                   align={0: "centre", 3: "centre"}),
            f.section("尚缺材料", s),
        ]
        if missing:
            lines = [name + (f"（{notes[name]}）" if notes.get(name) else "") for name in missing]
            parts.append(f.box([s.para("请补齐以下材料后再来办理：", s.body, bold=True),
                                *f.numbered(lines, s)], s, thickness=1.6))
        else:
            parts.append(f.box([s.para("材料已齐全。", s.body, bold=True)], s))
        if notice.where:
            parts += [f.section("办理地点", s), *f.numbered(notice.where, s)]
        if notice.channels:
            parts += [f.section("办理渠道", s), *f.numbered(notice.channels, s)]
        if notice.time_limit:
            parts += [f.section("办理时限", s), s.para(notice.time_limit)]
        if notice.phone:
            parts += [f.section("咨询电话", s), s.para(notice.phone)]
        sources = sorted({step.source for step in notice.trace if step.source})
        if sources:
            parts.append(s.para("依据条款：" + "；".join(sources), s.small))
        return [*parts, f.sign_and_seal(["告知人（经办人）签字", "被告知人（申请人/代办人）签字"], s,
                                        date_label="告知日期")]

    return build_pdf(notice.paper, story, title=f"{TITLE} {notice.item}",
                     serial=notice.header.serial, large_print=notice.large_print,
                     running=f.running_head(TITLE, notice.person, full_id=notice.full_id))
