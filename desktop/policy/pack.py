"""The policy pack: one region group's rules for one year and scheme, as validated data.

The pack's `sources` table names its documents (id -> title, 文号, date, address, local file);
every block carries `source` ("<source id> §<section>", checked against that table) and may
carry `note` (how an unclear clause was read). A figure the sources do not give is a `Setting`
reference: the hall enters it and the calculators refuse while it is unset. A pack may take
blocks from an earlier pack of its group and scheme (`inherits`, resolved by the loader).
"""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal
from typing import Annotated, Literal

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    PrivateAttr,
    field_validator,
    model_validator,
)

from desktop.policy.citation import CITATION_RE, SOURCE_ID_RE, Cite, document_text

Scheme = Literal["resident", "employee"]


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, defer_build=True)


class Cited(Strict):
    source: str
    note: str | None = None

    @field_validator("source")
    @classmethod
    def _cites_a_source(cls, v: str) -> str:
        if not CITATION_RE.match(v):
            hint = "（请写 sources 表中的来源编号，不写文件名）" if ".txt" in v else ""
            raise ValueError(f"source 必须形如 '<来源编号> §<条款>'，而不是 {v!r}{hint}")
        return v


def _source_date(v: object) -> object:
    if v is not None and not re.fullmatch(r"\d{4}(-\d{2}(-\d{2})?)?", str(v)):
        raise ValueError(f"日期须写成 YYYY、YYYY-MM 或 YYYY-MM-DD，而不是 {v!r}")
    return v


class Source(Strict):
    """One document a pack cites: what people read (title, 文号) and where it is found."""

    title: str
    number: str | None = None  # 文号, e.g. 津医保局发〔2023〕72号; None where the document has none
    date: Annotated[str | None, BeforeValidator(_source_date)] = None  # 印发/发布日期 as far as known
    issuer: str | None = None
    address: str | None = None  # where the public finds it (web address or 发布渠道)
    file: str | None = None  # the maintainers' text of it (shared/policy-sources), never shown

    def shown(self) -> str:
        return document_text(self.title, self.number)


def _no_float(v: object) -> object:
    if isinstance(v, float):
        raise ValueError("金额和比例须写成字符串或整数，不能是浮点数")
    return v


def _number(v: object) -> Decimal:
    """Pack text to Decimal; anything else (35万, nan, 1e5) is a ValueError naming the text."""
    text = str(v).strip()
    try:
        d = Decimal(text)
    except ArithmeticError:
        raise ValueError(f"不是数字：{v!r}") from None
    if not d.is_finite() or "e" in text.lower():
        raise ValueError(f"不是普通写法的数字：{v!r}")
    return d


# Bounds of a pack's amounts (13.5), from the sources: their largest amount is 50万元 (常州 2026
# 大病保险 cap), so nothing may exceed ten times that; their largest personal contribution is
# 1010元 (天津 高档), so a contribution may not exceed 10 000元.
MAX_AMOUNT = Decimal(5_000_000)
MAX_CONTRIBUTION = Decimal(10_000)


def _money(v: object) -> Decimal:
    v = _no_float(v)
    d = _number(v)
    if d < 0:
        raise ValueError("金额不能为负")
    if d > MAX_AMOUNT:
        raise ValueError(f"金额 {v} 元超出合理范围（不超过 {MAX_AMOUNT:,} 元；政策文件中最大的金额为 50万元）")
    return d


def _fee(v: object) -> Decimal:
    d = _money(v)
    if d > MAX_CONTRIBUTION:
        raise ValueError(f"个人缴费 {v} 元超出合理范围（不超过 {MAX_CONTRIBUTION:,} 元）")
    return d


def _ratio(v: object) -> Decimal:
    v = _no_float(v)
    text = str(v).strip()
    if isinstance(v, str) and not text.endswith("%") and "." in text:
        # a ratio written as a float (0.9): the packs write percentages, 0.9 could mean 0.9 %
        raise ValueError(f"比例须写成百分数（如 80%），不能写成小数 {v!r}")
    d = _number(text[:-1]) / 100 if text.endswith("%") else _number(text)
    if not (0 <= d <= 1):
        raise ValueError(f"比例须在 0..1 之间（或 0%..100%），而不是 {v!r}")
    return d


Yuan = Annotated[Decimal, BeforeValidator(_money)]
Fee = Annotated[Decimal, BeforeValidator(_fee)]
Ratio = Annotated[Decimal, BeforeValidator(_ratio)]


class Setting(Strict):
    """A value the sources lack: the hall enters it (设置), the calculators refuse until then."""

    setting: str
    label: str
    factor: Ratio = Decimal(1)



Amount = Decimal | Setting


def _amount_or_setting(v: object) -> object:
    if isinstance(v, dict):
        return v
    return _money(v)


def _optional_amount_or_setting(v: object) -> object:
    return None if v is None else _amount_or_setting(v)


class BandSpec(Strict):
    """A stretch of a yearly cumulative amount and the ratio paid on it."""

    lower: Yuan = Field(default=Decimal(0), alias="from")
    upper: Decimal | None = Field(default=None, alias="to")
    ratio: Ratio
    label: str = ""

    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True, defer_build=True)

    @field_validator("upper", mode="before")
    @classmethod
    def _upper(cls, v: object) -> object:
        return None if v in (None, "", "null", "~") else _money(v)

    @model_validator(mode="after")
    def _ordered(self) -> BandSpec:
        if self.upper is not None and self.upper <= self.lower:
            raise ValueError(f"区间上限 {self.upper} 必须大于下限 {self.lower}")
        return self


def _ascending(bands: list[BandSpec]) -> list[BandSpec]:
    for a, b in zip(bands, bands[1:], strict=False):
        if a.upper is None or b.lower < a.upper:
            raise ValueError("分段必须按金额升序排列且互不重叠")
    return bands


Bands = Annotated[list[BandSpec], AfterValidator(_ascending)]


# ---------------------------------------------------------------- header, categories, groups


class PackMeta(Cited):
    id: str
    region_group: str
    regions: list[str]
    year: int
    scheme: Scheme
    document: str  # the source id of the pack's own document
    title: str

    @field_validator("id")
    @classmethod
    def _plain_id(cls, v: str) -> str:
        if not SOURCE_ID_RE.match(v):
            raise ValueError(f"政策包编号只能由小写字母、数字和连字符组成，而不是 {v!r}")
        return v


# Blocks a pack may take from an earlier one: the top-level blocks and outpatient's parts.
INHERITABLE = {
    "assistance": "资助参保", "enrollment": "参保缴费期与待遇起始", "employee_contribution": "职工医保缴费",
    "inpatient": "住院", "offsite": "异地就医", "critical_illness": "大病保险", "medical_assistance": "医疗救助",
    "outpatient.general": "普通门诊", "outpatient.chronic": "门诊慢性病", "outpatient.special": "门诊特殊病",
    "outpatient.dual_channel": "双通道", "outpatient.pku": "苯丙酮尿症", "offices": "经办机构",
    "payment_channels": "缴费渠道",
}


class Inherits(Strict):
    """What a pack takes from an earlier pack of its region group and scheme (the loader copies it).

    `adopted` (沿用): blocks this pack's source does not give; they keep the earlier source's
    citations, shown as 沿用《…》, and a hall may switch adoption off. `materials`: adopted
    checklist items, by item name. `same`: values inside this pack's own blocks that its source
    states exactly as the earlier one did ("<block>.<field>", no citations inside); they are
    cited by this pack's enclosing block.
    """

    pack: str
    adopted: list[str] = []
    materials: list[str] = []
    same: list[str] = []
    note: str

    @field_validator("adopted")
    @classmethod
    def _blocks(cls, v: list[str]) -> list[str]:
        for block in v:
            if block not in INHERITABLE:
                raise ValueError(f"不能沿用的部分 {block!r}（可沿用：{'、'.join(INHERITABLE)}）")
        return v


class Category(Strict):
    code: str
    label: str
    aliases: list[str] = []
    # Which column of the benefit tables applies; where it follows the tier (天津), by tier.
    benefit_group: str | None = None
    benefit_group_by_tier: dict[str, str] | None = None
    tiers: list[str] = []  # tiers the category may choose (天津 成年居民: 高档/低档)
    fixed_tier: str | None = None  # the tier a category pays without choosing (天津 学生儿童: low)

    @model_validator(mode="after")
    def _one_group_rule(self) -> Category:
        if (self.benefit_group is None) == (self.benefit_group_by_tier is None):
            raise ValueError(f"类别 {self.label} 须且只须给出 benefit_group 或 benefit_group_by_tier")
        return self


class SchoolStudents(Cited):
    """Pupils still at school past `minor_below_age` (大学生除外): the category they keep and the
    proof the year's source names."""

    category: str
    proof: str


class Categories(Cited):
    items: list[Category]
    tiers: dict[str, str] = {}  # label -> code, e.g. 高档: high
    # Proposal rules for the enrollment page; ages the sources do not give are settings.
    minor_below_age: int | None = None
    elderly_from_age: int | Setting | None = None
    # 常州: where the year's source says so (None: it does not, and nothing is proposed for them)
    school_students_over_age: SchoolStudents | None = None
    universities_enroll_students: Cited | None = None  # 高等院校 students enrolled by their school


class ContributionRow(Cited):
    category: str
    tier: str | None = None
    regions: list[str] | None = None  # None: every region of the group
    medical: Fee
    ltc: Fee = Decimal(0)



class Subsidy(Strict):
    """What public funds take over of an assisted person's contribution."""

    share: Ratio  # of the base standard
    tiers: list[str] | None = None  # tiers on which the subsidy applies (None: all)



class AssistanceGroup(Cited):
    label: str
    aliases: list[str] = []
    subsidy: Subsidy | None = None
    assistance_class: str | None = None  # row of the 医疗救助 table; None: no 医疗救助
    critical_illness_assisted: bool = True  # 大病保险 on the assisted schedule


class Assistance(Cited):
    groups: list[AssistanceGroup]


# ---------------------------------------------------------------- enrollment and benefit start


class Window(Cited):
    start: date
    end: date


class BenefitRule(Cited):
    """One way benefits begin; the first rule whose conditions all hold applies."""

    name: str
    # conditions (all that are given must hold)
    special_groups: list[str] | None = None  # request's special_group must be one of these
    paid_in_window: bool | None = None
    newborn_within_days: int | None = None  # paid within N days of birth (inclusive)
    newborn_within_months: int | None = None  # paid within N months of birth (inclusive)
    newborn: bool | None = None  # a birth_date is given
    min_continuous_years: int | None = None
    max_gap_months: int | None = None
    # outcome
    start: Literal[
        "period_start",
        "birth_date",
        "payment_date",
        "day_after_payment",
        "month_after_payment",
    ]
    waiting_months: int | Setting = 0
    # "month": waiting counted in calendar months from the payment month's first day
    # (常州: 自缴费到账当月起计算满2个月); "day": from the start date itself.
    waiting_from: Literal["month", "day"] = "day"


class Enrollment(Cited):
    window: Window
    benefit_period: Window
    deadline: date  # last day to pay for coverage from the period's start
    rules: list[BenefitRule]
    special_groups: list[str] = []  # labels the clerk may tick for benefit_start

    @model_validator(mode="after")
    def _has_fallback(self) -> Enrollment:
        last = self.rules[-1] if self.rules else None
        conds = ("special_groups", "paid_in_window", "newborn_within_days", "newborn_within_months",
                 "newborn", "min_continuous_years", "max_gap_months")
        if last is None or any(getattr(last, c) is not None for c in conds):
            raise ValueError("待遇起始规则的最后一条必须无条件（兜底规则）")
        return self


# ---------------------------------------------------------------- inpatient


class Keyed(Strict):
    group: str = "*"  # benefit group, "*" for all
    level: Literal["*"] | int = "*"  # hospital level 1/2/3, or "*"


class DeductibleRow(Keyed):
    first: Yuan
    subsequent: Yuan | None = None  # from the second admission of the year; None: as first



class RatioRow(Keyed):
    bands: Bands



class OffsiteType(Cited):
    label: str
    aliases: list[str] = []
    # ratio reduction (percentage points as a ratio) by benefit; a benefit not listed is not paid
    reductions: dict[Literal["inpatient", "general", "chronic", "special", "dual_channel"], Ratio]
    general_cost_limit: Yuan | None = None


class Offsite(Cited):
    types: list[OffsiteType]


class Inpatient(Cited):
    deductible: list[DeductibleRow]
    ratio: list[RatioRow]
    cap: Yuan | None = None  # the basic fund's yearly maximum; None: none
    cap_note: str | None = None
    deductible_shared_with_special: bool = False


# ---------------------------------------------------------------- 大病保险, 医疗救助


class AssistedSchedule(Strict):
    """大病保险 for assisted persons: explicit bands, or derived from the ordinary schedule."""

    bands: Bands | None = None
    threshold_factor: Ratio | None = None
    ratio_bonus: Ratio = Decimal(0)
    open_ended: bool = False
    cap: Yuan | None = None



class CriticalIllness(Cited):
    threshold: Annotated[Decimal | Setting, BeforeValidator(_amount_or_setting)]
    bands: Bands  # the first band's lower bound is replaced by the threshold
    cap: Yuan | None = None
    assisted: AssistedSchedule
    # 2026 常州: +5000 on the cap per year of continuity beyond 4, +5000 after a zero-claim year
    continuity_after_years: int | None = None
    continuity_step: Yuan | None = None
    zero_claim_step: Yuan | None = None



class AssistanceRule(Strict):
    ratio: Ratio
    deductible: Annotated[Decimal | Setting, BeforeValidator(_amount_or_setting)] = Decimal(0)
    cap: Yuan | None = None


class AssistanceClass(Strict):
    name: str
    inpatient: AssistanceRule | None = None  # 住院、门诊慢特病、双通道 …
    outpatient: AssistanceRule | None = None  # 普通门诊


class TopUp(Strict):
    """倾斜救助 / 重特大疾病医疗救助: a share of what is still left after the three layers."""

    name: str
    bands: Bands
    cap: Yuan | None = None
    # which 医疗救助 kinds it follows (天津 重特大: 住院 incl. 门特 only); None: every kind
    applies_to: list[Literal["inpatient", "outpatient"]] | None = None


class MedicalAssistance(Cited):
    classes: list[AssistanceClass]
    top_up: TopUp | None = None


# ---------------------------------------------------------------- outpatient


class GeneralRow(Strict):
    group: str = "*"
    columns: dict[str, Bands]
    payment_cap: Yuan | None = None
    payment_cap_continuous: Yuan | None = None  # 天津: higher cap after 2 continuous years
    continuous_years: int | None = None


class GeneralOutpatient(Cited):
    facilities: dict[str, str]  # facility label -> column name
    rows: list[GeneralRow]


class ChronicLimit(Strict):
    case: Literal["single", "multiple", "cancer", "cancer_plus"]
    amounts: dict[str, Yuan]  # group (or "*") -> limit


class ChronicOutpatient(Cited):
    diseases: list[str]
    facilities: dict[str, str]
    ratios: dict[str, dict[str, Ratio]]  # group or "*" -> column -> ratio
    limit_on: Literal["cost", "payment"]
    limits: list[ChronicLimit]
    cancer: str | None = None  # the disease name that selects the cancer limits


class SpecialDisease(Strict):
    name: str
    treatments: list[str] = []
    # compliant cost counted per year (or the fund's payment, see SpecialOutpatient.limit_on);
    # a Setting where the source lost the figure (常州 2024 器官移植)
    limit: Annotated[Decimal | Setting | None, BeforeValidator(_optional_amount_or_setting)] = None
    limit_note: str | None = None
    ratio: Ratio | None = None  # a fixed ratio; None: the inpatient ratio by group and level
    hospitals: str | None = None
    review: str | None = None  # 认定时限



class SpecialOutpatient(Cited):
    diseases: list[SpecialDisease]
    facilities: dict[str, int]  # facility label -> hospital level used for ratios
    ratio: list[RatioRow] | None = None  # None: the inpatient ratio table
    deductible: Literal["none", "shared_inpatient"] = "none"
    cap: Yuan | None = None  # its own yearly cap (天津 18万, 与住院合并计算); None: the inpatient cap
    cap_shared_with_inpatient: bool = True
    # 常州 2024 双通道 / 苯丙酮尿症 reuse this block: who may claim (category codes; None: all),
    # whether `limit` bounds the counted cost or the fund's payment, and whether 大病保险 follows
    categories: list[str] | None = None
    limit_on: Literal["cost", "payment"] = "cost"
    critical_illness: bool = True


class Outpatient(Strict):
    general: GeneralOutpatient | None = None
    chronic: ChronicOutpatient | None = None
    special: SpecialOutpatient | None = None
    dual_channel: SpecialOutpatient | None = None  # 国谈药“双通道”及单独支付药品、特定病药品
    pku: SpecialOutpatient | None = None  # 苯丙酮尿症


# ---------------------------------------------------------------- employee contributions


class EmployeeContribution(Cited):
    employer_rate: Ratio
    personal_rate: Ratio
    flexible_rate: Ratio
    flexible_base: Setting
    base_floor: Setting | None = None
    base_ceiling: Setting | None = None


class MinimumYearsTopUp(Cited):
    """一次性补足最低缴费年限: years short of the minimum (by sex) × 12 months × base × rate."""

    rate: Ratio
    minimum_years: dict[Literal["男", "女"], int]
    base: Setting  # the published monthly base: the hall's entry until a source gives it



# ---------------------------------------------------------------- materials, offices, channels


class Material(Strict):
    name: str
    note: str | None = None
    original: bool | None = None  # 原件 (True) / 复印件 (False)
    copies: int | None = None
    any_of: str | None = None  # a group name: one of the group suffices
    required: bool = True  # False: needed only in the case its note names (代办时, 非本市户籍人员 …)


class MaterialsVariant(Cited):
    person_type: str | None = None
    channel: str | None = None  # 窗口 / 线上
    materials: list[Material]
    where: list[str] = []
    time_limit: str | None = None


class MaterialsItem(Strict):
    item: str
    aliases: list[str] = []
    variants: list[MaterialsVariant]


class Office(Strict):
    name: str
    address: str
    phone: str | None = None


class Offices(Cited):
    items: list[Office]
    hotline: str | None = None


class Channel(Strict):
    name: str
    how: str


class PaymentChannels(Cited):
    items: list[Channel]


# ---------------------------------------------------------------- category proposals


class CategoryProposal(Cited):
    """One proposal rule; the first whose conditions hold applies (天津 004 §二, §四)."""

    category: str
    under_age: int | None = None  # the person is younger than this on the day of enrollment
    at_school: bool | None = None  # enrolled at a school or 托育机构 (True) / not (False)
    text: str  # shown beside the proposal, with the source


class CategoryProposals(Cited):
    rules: list[CategoryProposal]

    @model_validator(mode="after")
    def _has_fallback(self) -> CategoryProposals:
        last = self.rules[-1] if self.rules else None
        if last is None or last.under_age is not None or last.at_school is not None:
            raise ValueError("category_proposals: 最后一条必须无条件（兜底规则）")
        return self


# ---------------------------------------------------------------- counter procedures
# Which change needs review, the refund cases and where refunds are handled, where 停保/退保 is
# done, what counts as off-site: as each year's source says it. A block a source does not give is
# left out (with a note on the pack) and the service refuses, naming the year's document.


class ChangeField(Cited):
    field: Literal["name", "id_number", "phone", "address", "hukou_nature", "category"]
    level: Literal["basic", "important"]
    review_levels: int = Field(ge=0, le=2)  # 0: effective at once


class ChangeRules(Cited):
    fields: list[ChangeField]
    # the materials item (and its person_type per level) that lists what a change needs
    materials_item: str | None = None
    materials_person_type: dict[Literal["basic", "important"], str] = {}
    # the time a review takes: the sources give none; the hall's entry (shown when set)
    review_time_limit: Setting | None = None

    @model_validator(mode="after")
    def _one_rule_per_field(self) -> ChangeRules:
        names = [f.field for f in self.fields]
        if len(names) != len(set(names)):
            raise ValueError("changes: 每个变更项目只能有一条规则")
        return self


RefundKind = Literal[
    "next_year_in_window",  # 天津 §七(一)1
    "before_benefit_start",  # §七(一)2, first half
    "employee_insurance_whole_year",  # §七(一)2, second half
    "assisted_switch_to_higher_tier",  # §七(一)3
    "duplicate_other_province",  # §七(一)4
]


class RefundCase(Cited):
    kind: RefundKind
    number: int  # the case's number in the source (§七(一)N)
    text: str


class RefundHandling(Cited):
    """Who takes a refund application in a period: this counter, or another office."""

    start: date | None = None
    end: date | None = None
    at_counter: bool
    where: str  # the office or channel, as the source names it
    material: str | None = None  # what the applicant brings (天津 2023: 《社会保险费退费申请表》)


class RefundRules(Cited):
    cases: list[RefundCase] = []  # empty: the source gives no refund (常州)
    handling: list[RefundHandling] = []
    refused_after_benefit_start: str | None = None  # 天津 §七(一)2: 原则上个人缴费不再退回
    next_step: Literal["停保", "退保"] | None = None  # offered when a refund is refused

    @model_validator(mode="after")
    def _periods_in_order(self) -> RefundRules:
        if self.cases and not self.handling:
            raise ValueError("refunds: 有退费情形时须写明受理机构（handling）")
        return self


class TerminationRules(Cited):
    original_hall_only: bool  # 停保/退保 only at the hall that enrolled the person
    where: str


class OffsiteExemption(Cited):
    provinces: list[str]
    text: str


class OffsiteFilingRules(Cited):
    """What counts as off-site: a destination outside `home` (the province or the city)."""

    home: str
    scope: Literal["province", "city"]
    scope_text: str  # how the source says it, for the refusal
    exemptions: list[OffsiteExemption] = []


# ---------------------------------------------------------------- the pack


class Pack(Strict):
    pack: PackMeta
    sources: dict[str, Source]
    inherits: Inherits | None = None
    categories: Categories
    contribution: list[ContributionRow] = []
    assistance: Assistance | None = None
    enrollment: Enrollment | None = None
    employee_contribution: EmployeeContribution | None = None
    employee_top_up: MinimumYearsTopUp | None = None
    inpatient: Inpatient | None = None  # None: the source gives no inpatient table (refused)
    offsite: Offsite | None = None
    critical_illness: CriticalIllness | None = None
    medical_assistance: MedicalAssistance | None = None
    outpatient: Outpatient = Outpatient.model_construct()  # no validator built at import (defer_build)
    materials: list[MaterialsItem] = []
    offices: Offices | None = None
    payment_channels: PaymentChannels | None = None
    # the same pack without its adopted blocks (set by the loader; PackSet.without_adoption)
    _bare: Pack | None = PrivateAttr(default=None)

    @model_validator(mode="after")
    def _cited(self) -> Pack:
        """Every citation names a source of the table; each becomes a Cite that knows its words."""
        for sid in self.sources:
            if not SOURCE_ID_RE.match(sid):
                raise ValueError(f"sources: 来源编号 {sid!r} 只能由小写字母、数字和连字符组成")
        if self.pack.document not in self.sources:
            raise ValueError(f"pack.document: 来源编号 {self.pack.document} 不在 sources 中")
        adopted = set(self.inherits.adopted) if self.inherits else set()
        items = set(self.inherits.materials) if self.inherits else set()

        def cite(obj: Cited, where: str, inherited: bool) -> None:
            m = CITATION_RE.match(obj.source)
            src = self.sources.get(m.group("id"))
            if src is None:
                raise ValueError(f"{where}.source: 来源编号 {m.group('id')} 不在 sources 中（{obj.source}）")
            section = m.group("section")
            machine = f"{src.file} {section}" if src.file else str(obj.source)
            document = ("沿用" if inherited else "") + src.shown()
            object.__setattr__(obj, "source", Cite.make(str(obj.source), machine, document + section, document))

        def walk(value: object, where: str, inherited: bool) -> None:
            if isinstance(value, BaseModel):
                if isinstance(value, Cited):
                    cite(value, where, inherited)
                for name in type(value).model_fields:
                    walk(getattr(value, name), f"{where}.{name}", inherited)
            elif isinstance(value, list | tuple):
                for i, v in enumerate(value):
                    walk(v, f"{where}.{i}", inherited)
            elif isinstance(value, dict):
                for k, v in value.items():
                    walk(v, f"{where}.{k}", inherited)

        walk(self.pack, "pack", False)
        for name in type(self).model_fields:
            if name in ("pack", "sources", "inherits"):
                continue
            value = getattr(self, name)
            if name == "outpatient":
                for part in type(value).model_fields:
                    walk(getattr(value, part), f"outpatient.{part}", f"outpatient.{part}" in adopted)
            elif name == "materials":
                for i, item in enumerate(value):
                    walk(item, f"materials.{i}", item.item in items)
            else:
                walk(value, name, name in adopted)
        return self

    def adopted(self) -> list[str]:
        """What this pack adopts from the earlier one, in words (住院, 异地就医 …, 零星报销材料)."""
        if self.inherits is None:
            return []
        return [*(INHERITABLE[b] for b in self.inherits.adopted), *(f"{m}材料" for m in self.inherits.materials)]

    def shown_document(self) -> str:
        """The pack's own document as people read it: 《title》（文号）."""
        return self.sources[self.pack.document].shown()
    category_proposals: CategoryProposals | None = None
    changes: ChangeRules | None = None
    refunds: RefundRules | None = None
    termination: TerminationRules | None = None
    offsite_filing: OffsiteFilingRules | None = None

    @model_validator(mode="after")
    def _sane(self) -> Pack:
        codes = {c.code for c in self.categories.items}
        regions = set(self.pack.regions)
        for row in self.contribution:
            if row.category not in codes:
                raise ValueError(f"contribution: 未知类别 {row.category}")
            if row.regions and not set(row.regions) <= regions:
                raise ValueError(f"contribution: 区域 {set(row.regions) - regions} 不属于本统筹区")
        if self.pack.scheme == "resident":
            # every category must have exactly one standard per region (and tier)
            for cat in self.categories.items:
                tiers = cat.tiers or [cat.fixed_tier]
                for tier in tiers:
                    for region in regions:
                        hits = [
                            r for r in self.contribution
                            if r.category == cat.code and r.tier == tier
                            and (r.regions is None or region in r.regions)
                        ]
                        if len(hits) != 1:
                            raise ValueError(
                                f"contribution: 类别 {cat.label} {tier or ''} 在 {region} 应有且仅有一个标准，实有 {len(hits)} 个"
                            )
            if self.enrollment is None:
                raise ValueError("居民医保政策包必须有 enrollment")
        if self.assistance and self.medical_assistance:
            classes = {c.name for c in self.medical_assistance.classes}
            for g in self.assistance.groups:
                if g.assistance_class and g.assistance_class not in classes:
                    raise ValueError(f"assistance: {g.label} 的救助类别 {g.assistance_class} 未在 medical_assistance 中定义")
        labels = {name for c in self.categories.items for name in (c.label, c.code, *c.aliases)}
        for rule in self.category_proposals.rules if self.category_proposals else []:
            if rule.category not in labels:
                raise ValueError(f"category_proposals: 未知类别 {rule.category}")
        groups = self.benefit_groups()
        for row in [*self.inpatient.deductible, *self.inpatient.ratio] if self.inpatient else []:
            if row.group != "*" and row.group not in groups:
                raise ValueError(f"inpatient: 未知待遇组 {row.group}")
        return self

    def benefit_groups(self) -> set[str]:
        out: set[str] = set()
        for c in self.categories.items:
            if c.benefit_group:
                out.add(c.benefit_group)
            if c.benefit_group_by_tier:
                out.update(c.benefit_group_by_tier.values())
        return out


def settings_of(packs: list[Pack] | tuple[Pack, ...]) -> dict[str, str]:
    """Every figure the packs leave to the hall (设置—大厅参数): setting key -> label."""
    found: dict[str, str] = {}

    def walk(value: object) -> None:
        if isinstance(value, Setting):
            found.setdefault(value.setting, value.label)
        elif isinstance(value, BaseModel):
            for name in type(value).model_fields:
                walk(getattr(value, name))
        elif isinstance(value, list | tuple):
            for v in value:
                walk(v)
        elif isinstance(value, dict):
            for v in value.values():
                walk(v)

    for pack in packs:
        walk(pack)
    return found
