"""Policy packs as rows of text for the 政策查询 page, and what changed between two years.

Qt-free: it only reads the validated pack models and formats their values; every row carries
the source the pack cites. No figure is computed here beyond standard + 长护险 (the pack's own
split of one published standard).
"""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal

from desktop.policy import levels
from desktop.policy.citation import shown as cite_text
from desktop.policy.money import yuan_text
from desktop.policy.pack import BandSpec, Pack, Setting, settings_of

LEVELS = {**levels.NAMES, "*": "各级"}
GROUP_NAMES = {
    "in_service": "在职职工", "retired": "退休人员", "veteran_worker": "建国前老工人", "flexible": "灵活就业人员",
}


def money(value: object) -> str:
    if value is None:
        return "不设"
    if isinstance(value, Setting):
        return f"由大厅设置（{value.label}）"
    text = yuan_text(Decimal(value), grouped=True)
    return text[:-3] if text.endswith(".00") else text


def percent(ratio: Decimal) -> str:
    return f"{(ratio * 100).normalize():f}%"


def band_text(bands: Iterable[BandSpec]) -> str:
    parts = []
    for b in bands:
        if b.lower == 0 and b.upper is None:
            parts.append(percent(b.ratio) + (f"（{b.label}）" if b.label else ""))
            continue
        upper = "以上" if b.upper is None else f"–{money(b.upper)}"
        label = f"（{b.label}）" if b.label else ""
        parts.append(f"{money(b.lower)}{upper}：{percent(b.ratio)}{label}")
    return "；".join(parts)


def group_names(pack: Pack) -> dict[str, str]:
    """Benefit-group code -> the categories that use it, in the pack's words."""
    out: dict[str, list[str]] = {}
    for c in pack.categories.items:
        groups = [c.benefit_group] if c.benefit_group else list((c.benefit_group_by_tier or {}).values())
        for g in groups:
            out.setdefault(g, []).append(c.label)
    names = {g: "、".join(labels) for g, labels in out.items()}
    for code, label in GROUP_NAMES.items():
        names.setdefault(code, label)
    names["*"] = "全体参保人员"
    return names


def category_label(pack: Pack, code: str) -> str:
    for c in pack.categories.items:
        if c.code == code:
            return c.label
    return code


def tier_label(pack: Pack, code: str | None) -> str:
    if not code:
        return "—"
    for label, c in pack.categories.tiers.items():
        if c == code:
            return label
    return code


# ---------------------------------------------------------------- tables: (headers, rows)

Table = tuple[list[str], list[list[str]]]


def fees(pack: Pack) -> Table:
    headers = ["参保类别", "缴费档次", "适用区县", "基本医保", "长护险", "个人缴费标准", "说明", "依据"]
    rows = []
    for r in pack.contribution:
        ltc = "免缴" if r.ltc == 0 else money(r.ltc)
        rows.append([category_label(pack, r.category), tier_label(pack, r.tier),
                     "、".join(r.regions) if r.regions else "全部区县", money(r.medical), ltc,
                     money(r.medical + r.ltc), r.note or "", cite_text(r.source)])
    e = pack.employee_contribution
    if e is not None:
        rows += [
            ["单位缴费比例", "—", "全部区县", percent(e.employer_rate), "", "", e.note or "", cite_text(e.source)],
            ["个人缴费比例", "—", "全部区县", percent(e.personal_rate), "", "", "", cite_text(e.source)],
            ["灵活就业人员缴费比例", "—", "全部区县", percent(e.flexible_rate), "", "",
             f"缴费基数：{money(e.flexible_base)}", cite_text(e.source)],
        ]
    t = pack.employee_top_up
    if t is not None:
        years = "、".join(f"{sex}满{n}年" for sex, n in t.minimum_years.items())
        rows.append(["一次性补足最低缴费年限", "—", "全部区县", percent(t.rate), "", "",
                     f"最低缴费年限：{years}；补缴基数：{money(t.base)}。{t.note or ''}", t.source])
    if pack.assistance:
        for g in pack.assistance.groups:
            if g.subsidy is not None:
                tiers = "、".join(tier_label(pack, t) for t in g.subsidy.tiers) if g.subsidy.tiers else "—"
                rows.append([f"{g.label}（资助参保）", tiers, "全部区县", "", "",
                             f"财政资助标准的 {percent(g.subsidy.share)}", g.note or "", cite_text(g.source)])
    return headers, rows


def inpatient(pack: Pack) -> Table:
    headers = ["项目", "适用人员", "医院级别", "标准", "依据"]
    ip = pack.inpatient
    if ip is None:
        return headers, [["住院待遇", "—", "—", "政策来源未给出住院待遇标准", cite_text(pack.pack.source)]]
    names = group_names(pack)
    rows = []
    for d in ip.deductible:
        again = "" if d.subsequent is None else f"；再次住院 {money(d.subsequent)}"
        rows.append(["起付标准", names.get(d.group, d.group), LEVELS.get(d.level, str(d.level)),
                     f"首次住院 {money(d.first)}{again}", cite_text(ip.source)])
    for r in ip.ratio:
        rows.append(["支付比例", names.get(r.group, r.group), LEVELS.get(r.level, str(r.level)), band_text(r.bands), cite_text(ip.source)])
    rows.append(["最高支付限额", "全体参保人员", "—", money(ip.cap) + (f"（{ip.cap_note}）" if ip.cap_note else ""), cite_text(ip.source)])
    if pack.offsite:
        for t in pack.offsite.types:
            names_cn = {"inpatient": "住院", "general": "普通门诊", "chronic": "门诊慢性病", "special": "门诊特殊病",
                        "dual_channel": "双通道药品"}
            cuts = [f"{names_cn.get(k, k)}降低 {percent(v)}" for k, v in t.reductions.items() if v]
            cut = "支付比例" + ("：" + "；".join(cuts) if cuts else "与参保地相应医疗机构一致")
            rows.append(["异地就医", t.label, "—", cut, cite_text(t.source)])
    return headers, rows


def outpatient(pack: Pack) -> Table:
    headers = ["待遇", "适用人员", "就医机构 / 病种", "标准", "依据"]
    names = group_names(pack)
    rows = []
    g = pack.outpatient.general
    if g is not None:
        columns: dict[str, list[str]] = {}
        for label, col in g.facilities.items():
            columns.setdefault(col, []).append(label)
        for row in g.rows:
            for col, bands in row.columns.items():
                rows.append(["普通门诊", names.get(row.group, row.group), "、".join(columns.get(col, [col])),
                             band_text(bands) + (f"；年度支付限额 {money(row.payment_cap)}" if row.payment_cap else ""),
                             cite_text(g.source)])
    c = pack.outpatient.chronic
    if c is not None:
        cols: dict[str, list[str]] = {}
        for label, col in c.facilities.items():
            cols.setdefault(col, []).append(label)
        for group, ratios in c.ratios.items():
            text = "；".join(f"{'、'.join(cols.get(col, [col]))}：{percent(v)}" for col, v in ratios.items())
            rows.append(["门诊慢性病", names.get(group, group), "、".join(c.diseases[:6]) + ("等" if len(c.diseases) > 6 else ""),
                         text, cite_text(c.source)])
        for lim in c.limits:
            amounts = "；".join(f"{names.get(k, k)} {money(v)}" for k, v in lim.amounts.items())
            case = {"single": "单病种", "multiple": "多病种", "cancer": "恶性肿瘤", "cancer_plus": "恶性肿瘤合并其他"}[lim.case]
            rows.append(["门诊慢性病限额", case, "—", amounts, cite_text(c.source)])
    s = pack.outpatient.special
    if s is not None:
        for d in s.diseases:
            parts = []
            if d.ratio is not None:
                parts.append(f"支付比例 {percent(d.ratio)}")
            else:
                parts.append("按住院支付比例")
            if d.limit is not None:
                parts.append(f"年度限额 {money(d.limit)}")
            if d.limit_note:
                parts.append(d.limit_note)
            rows.append(["门诊特殊病", "全体参保人员", d.name, "；".join(parts), cite_text(s.source)])
    if not rows:
        rows.append(["门诊待遇", "—", "—", "政策来源未给出门诊待遇标准", cite_text(pack.pack.source)])
    return headers, rows


def critical(pack: Pack) -> Table:
    headers = ["项目", "标准", "说明", "依据"]
    ci = pack.critical_illness
    if ci is None:
        return headers, [["大病保险", "政策来源未给出", "", cite_text(pack.pack.source)]]
    rows = [
        ["起付标准", money(ci.threshold), ci.note or "", cite_text(ci.source)],
        ["分段支付比例", band_text(ci.bands), "", cite_text(ci.source)],
        ["最高支付限额", money(ci.cap), "", cite_text(ci.source)],
    ]
    a = ci.assisted
    text = band_text(a.bands) if a.bands else (
        (f"起付标准按 {percent(a.threshold_factor)}" if a.threshold_factor is not None else "起付标准不变")
        + (f"，比例提高 {percent(a.ratio_bonus)}" if a.ratio_bonus else "")
        + ("，取消封顶" if a.open_ended else ""))
    rows.append(["困难群众倾斜", text, "", cite_text(ci.source)])
    if ci.continuity_step:
        rows.append(["连续参保激励", f"连续参保满 {ci.continuity_after_years} 年后每年提高 {money(ci.continuity_step)}", "", cite_text(ci.source)])
    if ci.zero_claim_step:
        rows.append(["零报销激励", f"上年度未报销提高 {money(ci.zero_claim_step)}", "", cite_text(ci.source)])
    return headers, rows


def assistance(pack: Pack) -> Table:
    headers = ["救助对象", "资助参保", "医疗救助", "依据"]
    rows = []
    ma = pack.medical_assistance
    classes = {c.name: c for c in ma.classes} if ma else {}
    for g in pack.assistance.groups if pack.assistance else []:
        sub = f"资助 {percent(g.subsidy.share)}" if g.subsidy else "不资助"
        cls = classes.get(g.assistance_class or "")
        if cls is None:
            aid = "不享受医疗救助"
        else:
            parts = []
            if cls.inpatient:
                parts.append(f"住院 {percent(cls.inpatient.ratio)}，年度限额 {money(cls.inpatient.cap)}")
            if cls.outpatient:
                parts.append(f"普通门诊 {percent(cls.outpatient.ratio)}，年度限额 {money(cls.outpatient.cap)}")
            aid = "；".join(parts)
        rows.append([g.label, sub, aid, cite_text(g.source)])
    if ma and ma.top_up:
        rows.append([ma.top_up.name, "—", band_text(ma.top_up.bands) + f"；限额 {money(ma.top_up.cap)}", cite_text(ma.source)])
    return headers, rows


def materials(pack: Pack) -> Table:
    headers = ["事项", "人员类别 / 渠道", "所需材料", "办理地点", "办理时限", "依据"]
    rows = []
    for item in pack.materials:
        for v in item.variants:
            who = " / ".join(x for x in (v.person_type, v.channel) if x) or "—"
            mats = []
            for m in v.materials:
                extra = [x for x in (m.note, f"“{m.any_of}”任选其一" if m.any_of else None,
                                     None if m.original is None else ("原件" if m.original else "复印件"),
                                     f"{m.copies}份" if m.copies else None) if x]
                mats.append(m.name + (f"（{'，'.join(extra)}）" if extra else ""))
            rows.append([item.item, who, "；".join(mats), "；".join(v.where), v.time_limit or "", cite_text(v.source)])
    return headers, rows


def offices(pack: Pack) -> Table:
    headers = ["名称", "地址 / 办理方式", "电话", "依据"]
    rows = []
    if pack.offices:
        for o in pack.offices.items:
            rows.append([o.name, o.address, o.phone or "", cite_text(pack.offices.source)])
        if pack.offices.hotline:
            rows.append(["咨询电话", "", pack.offices.hotline, cite_text(pack.offices.source)])
    if pack.payment_channels:
        for c in pack.payment_channels.items:
            rows.append([f"缴费渠道：{c.name}", c.how, "", cite_text(pack.payment_channels.source)])
    return headers, rows


TABLES = (
    ("缴费标准", fees), ("住院待遇", inpatient), ("门诊待遇", outpatient), ("大病保险", critical),
    ("医疗救助", assistance), ("经办材料", materials), ("经办机构", offices),
)


# ---------------------------------------------------------------- what changed


def _values(pack: Pack, region: str, same: dict[str, str] | None = None) -> dict[str, tuple[str, str, str]]:
    """Comparable items of one pack for one region: key -> (shown name, shown value, source).

    Keys use the categories' codes, so a category renamed between years (高校大学生 → 大学生)
    is compared with itself; an assistance group is keyed by the other year's label when any of
    its names is one of that group's (`same`: name -> label), so 精减/精简 are one group."""
    out: dict[str, tuple[str, str, str]] = {}
    same = same or {}
    for r in pack.contribution:
        if r.regions and region not in r.regions:
            continue
        name = category_label(pack, r.category) + (f"（{tier_label(pack, r.tier)}）" if r.tier else "")
        key = f"{r.category}/{r.tier}"
        out[f"fee/{key}"] = (f"个人缴费标准·{name}", money(r.medical + r.ltc), cite_text(r.source))
        out[f"ltc/{key}"] = (f"长护险·{name}", "免缴" if r.ltc == 0 else money(r.ltc), cite_text(r.source))
    if pack.assistance:
        for g in pack.assistance.groups:
            if g.subsidy:
                key = next((same[n] for n in (g.label, *g.aliases) if n in same), g.label)
                out[f"subsidy/{key}"] = (f"资助参保·{g.label}", percent(g.subsidy.share), cite_text(g.source))
    names = group_names(pack)
    if pack.inpatient:
        ip = pack.inpatient
        for d in ip.deductible:
            who = f"{names.get(d.group, d.group)}·{LEVELS.get(d.level, d.level)}"
            shown = money(d.first) + ("" if d.subsequent is None else f" / 再次 {money(d.subsequent)}")
            out[f"deductible/{d.group}/{d.level}"] = (f"住院起付标准·{who}", shown, cite_text(ip.source))
        for r in ip.ratio:
            who = f"{names.get(r.group, r.group)}·{LEVELS.get(r.level, r.level)}"
            out[f"ratio/{r.group}/{r.level}"] = (f"住院支付比例·{who}", band_text(r.bands), cite_text(ip.source))
        out["cap"] = ("住院最高支付限额", money(ip.cap), cite_text(ip.source))
    if pack.critical_illness:
        ci = pack.critical_illness
        out["ci/threshold"] = ("大病保险起付标准", money(ci.threshold), cite_text(ci.source))
        out["ci/bands"] = ("大病保险分段比例", band_text(ci.bands), cite_text(ci.source))
        out["ci/cap"] = ("大病保险最高支付限额", money(ci.cap), cite_text(ci.source))
    if pack.outpatient.general:
        g = pack.outpatient.general
        facilities: dict[str, list[str]] = {}
        for label, col in g.facilities.items():
            facilities.setdefault(col, []).append(label)
        for row in g.rows:
            for col, bands in row.columns.items():
                where = "、".join(facilities.get(col, [col]))
                out[f"general/{row.group}/{col}"] = (f"普通门诊·{names.get(row.group, row.group)}·{where}",
                                                    band_text(bands), cite_text(g.source))
    return out


INPATIENT = "住院待遇（起付标准、支付比例、最高支付限额）"
BLOCKS = (("deductible/", INPATIENT), ("ratio/", INPATIENT), ("cap", INPATIENT),
          ("ci/", "大病保险"), ("general/", "普通门诊"))


def _names(pack: Pack) -> dict[str, str]:
    """Every name of each assistance group (label and aliases) -> its label."""
    groups = pack.assistance.groups if pack.assistance else []
    return {n: g.label for g in groups for n in (g.label, *g.aliases)}


def what_changed(old: Pack, new: Pack, region: str, earlier: Iterable[Pack] = ()) -> list[list[str]]:
    """Rows of 项目 / 原标准 / 新标准 / 依据 for everything that differs in meaning.

    Items are matched by what they are, not by the words of two sources (an assistance group by
    any of its names). A block the older pack's source does not give (2025's notice has no
    inpatient table) is compared with the latest of `earlier` (older packs, newest first) that
    gives it; with none, one row says the older source gave no such table."""
    b = _values(new, region)
    a = _values(old, region, _names(new))
    earlier = list(earlier)
    rows: list[list[str]] = []
    missing_blocks: set[str] = set()
    for title in dict.fromkeys(t for _, t in BLOCKS):
        prefixes = tuple(p for p, t in BLOCKS if t == title)
        in_a = any(k.startswith(prefixes) for k in a)
        in_b = any(k.startswith(prefixes) for k in b)
        if in_b and not in_a:
            for before in earlier:
                found = {k: v for k, v in _values(before, region, _names(new)).items() if k.startswith(prefixes)}
                if found:
                    a.update(found)
                    in_a = True
                    break
        if in_a != in_b and title not in missing_blocks:
            missing_blocks.add(title)
            rows.append([title, f"（{old.pack.year}年度源文件未规定）" if not in_a else "已规定",
                         "已规定" if not in_a else f"（{new.pack.year}年度源文件未规定）",
                         (new if in_b else old).shown_document()])
    skip = tuple(p for p, t in BLOCKS if t in missing_blocks)
    for key in [*b, *[k for k in a if k not in b]]:
        if skip and key.startswith(skip):
            continue
        name = (b.get(key) or a[key])[0]
        before = a[key][1] if key in a else "（无）"
        after = b[key][1] if key in b else "（取消）"
        source = b[key][2] if key in b else a[key][2]
        if before != after:
            rows.append([name, before, after, source])
    return rows


def hall_settings(packs: Iterable[Pack]) -> dict[str, str]:
    """Every figure the packs leave to the hall (设置—大厅参数): setting key -> label."""
    return settings_of(list(packs))
