"""Counter procedures as each year's pack states them: change review, refunds, 停保/退保, off-site
filing, the payment deadline and time limits. Pure: a pack in, its rule (or a refusal naming the
document that is silent) out. The services, the pages and the papers all ask here.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from desktop.errors import Refusal
from desktop.policy import lookup
from desktop.policy.citation import shown
from desktop.policy.pack import (
    ChangeRules,
    OffsiteFilingRules,
    Pack,
    RefundHandling,
    RefundRules,
    TerminationRules,
)

_WHAT = {
    "changes": "变更登记的办理规则",
    "refunds": "居民医保退费的规定",
    "termination": "停保、退保的办理规定",
    "offsite_filing": "异地就医备案的就医地范围",
}


def _block(pack: Pack, name: str, field: str | None):
    block = getattr(pack, name)
    if block is None:
        raise Refusal(
            "not_applicable",
            f"《{pack.pack.title}》（{pack.pack.document}）未规定{_WHAT[name]}，{pack.pack.year}年度不能据此办理，"
            "请联系经办机构或导入载明该规定的政策包",
            field,
        )
    return block


def change_rules(pack: Pack) -> ChangeRules:
    return _block(pack, "changes", "field")


def refund_rules(pack: Pack) -> RefundRules:
    return _block(pack, "refunds", "reason")


def termination_rules(pack: Pack) -> TerminationRules:
    return _block(pack, "termination", "year")


def offsite_filing_rules(pack: Pack) -> OffsiteFilingRules:
    return _block(pack, "offsite_filing", "destination_province")


def refund_handling(rules: RefundRules, on: date) -> RefundHandling | None:
    """Who takes a refund application on `on` (None: the source names no one for that day)."""
    for h in rules.handling:
        if (h.start is None or h.start <= on) and (h.end is None or on <= h.end):
            return h
    return None


def review_time_limit(rules: ChangeRules, settings: lookup.Settings) -> str | None:
    """The hall's time limit for a review, in words (None while unset: the sources give none)."""
    if rules.review_time_limit is None or rules.review_time_limit.setting not in settings:
        return None
    days = Decimal(settings[rules.review_time_limit.setting]).normalize()
    return f"{days:f}个工作日"


def offsite_rule_text(pack: Pack, person_type: str) -> str:
    """The year's ratio rule for an off-site person type, in words, with its source."""
    if pack.offsite is None:
        return f"{pack.pack.year}年度政策文件（{pack.pack.document}）未规定异地就医支付比例，待遇标准按参保地政策执行"
    try:
        t = lookup.offsite(pack, person_type)
    except Refusal:
        return f"政策文件未列出“{person_type}”的支付比例，待遇标准按参保地政策执行"
    names = {"inpatient": "住院", "general": "普通门诊", "chronic": "门诊慢性病", "special": "门诊特殊病",
             "dual_channel": "双通道药品"}
    cuts = [f"{names.get(k, k)}降低{(v * 100).normalize():f}个百分点" for k, v in t.reductions.items() if v]
    text = "基本医保支付比例" + ("：" + "；".join(cuts) if cuts else "与参保地相应医疗机构一致")
    return f"{text}（{shown(t.source)}）"


def payment_deadline(pack: Pack, issued: date) -> tuple[date, str | None]:
    """(缴费截止日期, note) of a notice issued on `issued`: the year's deadline while it lies ahead;
    after the collection period, the day of issue (a late enrollment pays at once)."""
    e = pack.enrollment
    if e is None:
        return issued, "政策包未规定集中参保缴费期，按开单当日缴费"
    if issued <= e.deadline:
        return e.deadline, None
    return issued, f"集中参保缴费期已于{e.window.end.year}年{e.window.end.month}月{e.window.end.day}日结束，请于开单当日缴费"


def time_limit(pack: Pack, item: str) -> str | None:
    """The 办理时限 the year's source gives for a materials item (None: it gives none)."""
    for m in pack.materials:
        if item in (m.item, *m.aliases):
            return next((v.time_limit for v in m.variants if v.time_limit), None)
    return None
