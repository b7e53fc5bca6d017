"""缴费通知单: what one person pays for a policy year, by when, where, and from when it covers."""

from __future__ import annotations

from reportlab.platypus import Flowable, Spacer

from desktop.documents import furniture as f
from desktop.documents.format import cn_date, money
from desktop.documents.layout import Styles, build_pdf
from desktop.documents.model import PaymentNotice

TITLE = "缴费通知单"


def render(notice: PaymentNotice) -> bytes:
    def story(s: Styles) -> list[Flowable]:
        rows = [*f.person_fields(notice.person, full_id=notice.full_id),
                ("参保年度", f"{notice.policy_year}年度"), ("统筹区", notice.region),
                ("参保缴费身份", notice.category)]
        if notice.tier:
            rows.append(("缴费档次", notice.tier))
        if notice.assistance:
            rows.append(("资助类别", notice.assistance))
        assisted = f"政府资助（{notice.assistance}）" if notice.assistance else "政府资助"
        amounts = [["个人缴费标准", money(notice.standard)],
                   # only where the region's contribution includes 长期护理保险 (天津's has none)
                   *([["其中：长期护理保险", money(notice.ltc)]] if notice.ltc is not None else []),
                   [assisted, ("− " if notice.assisted else "") + money(notice.assisted)],
                   ["应缴金额", money(notice.personal)]]
        benefit = f"{cn_date(notice.benefit_start)} 至 {cn_date(notice.benefit_end)}"
        if notice.waiting_months:
            benefit += f"（含待遇等待期 {notice.waiting_months} 个月）"
        # A5 holds the whole notice, seal and signatures included, on one sheet (the 常州 pack
        # has four long channels) only when the amounts stand among the fields and the one to
        # pay nowhere but in its frame, the benefit period takes one line and the channels are
        # set small. On sheets the QR code stands beside the frame and the caption beside the
        # seal, so A4 keeps the seal and signatures on its one sheet too.
        compact = not s.roll and s.page.width < 500
        long_list = len(notice.channels) > 4  # 天津's eight channels (004 §五(二)) set small too
        if compact:  # short labels, so the two columns of fields keep their width
            standard = money(notice.standard)
            if notice.ltc is not None:
                standard += f"（含长期护理保险 {money(notice.ltc)}）"
            rows += [("个人缴费标准", standard), ("政府资助", amounts[-2][1])]
        benefit_part = ([Spacer(1, s.body.fontSize * 0.6), s.para(f"待遇享受期：{benefit}", bold=True)]
                        if compact
                        else [f.section("待遇享受期", s), s.para(benefit)])
        # fully funded (a 常州 低保 or 特困 person): nothing to pay, so no deadline and no
        # channels that would send them to a bank for 0.00 元
        free = notice.personal == 0
        caption = ["凭本通知单编号可查询参保情况。" if free else "缴费后可凭本通知单编号查询到账情况。"]
        if notice.qr_text:  # not the tax bureau's payment code some channels speak of
            caption.append("本通知单二维码仅用于核验真伪，不能用于缴费。")
        if notice.phone:
            caption.append(f"咨询电话：{notice.phone}")
        return [
            *f.header_block(notice.header, TITLE, s),
            s.para(f"{notice.policy_year}年度城乡居民基本医疗保险", s.body, align="centre"),
            f.fields(rows, s, columns=2),
            *([] if compact else [f.section("缴费金额", s),
                                  f.grid(["项目", "金额"], amounts, s, widths=[1, None],
                                         align={1: "right"}, bold_last_row=True)]),
            *f.amount_box("应缴金额", notice.personal, s,
                          note="个人无需缴费：政府资助全额" if free else
                          notice.deadline_note if notice.deadline is None else
                          f"缴费截止日期：{cn_date(notice.deadline)}"
                          + (f"（{notice.deadline_note}）" if notice.deadline_note else ""),
                          qr_text=None if s.roll else notice.qr_text),
            *benefit_part,
            *([s.para(notice.benefit_note, s.small)] if notice.benefit_note else []),
            *([] if free else [f.section("缴费渠道", s),
                               *f.numbered(notice.channels, s, style=s.small if compact or long_list else None)]),
            *(f.qr_block(notice.qr_text, caption, s) if s.roll else []),
            f.sign_and_seal(["申请人/代办人签字", "经办人签字"], s,
                            beside=() if s.roll else f.qr_block(None, caption, s)),
        ]

    return build_pdf(notice.paper, story, title=TITLE, serial=notice.header.serial,
                     running=f.running_head(TITLE, notice.person, full_id=notice.full_id))
