"""What each printed document is given: plain frozen records of figures already computed.

The documents never read the database nor compute a fee; the services fill these in. Money is
`Decimal` (a float is refused), lists are tuples (a list passed in is frozen into one), and every
field is keyword-only so a call site reads like a form.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from enum import StrEnum
from typing import Any

from desktop.policy.citation import step_cited


class Paper(StrEnum):
    A4 = "A4"
    A5 = "A5"
    ROLL_80 = "80mm"  # receipt printers: 80 mm wide, as long as the content


class EstimateKind(StrEnum):
    INPATIENT = "inpatient"
    OUTPATIENT = "outpatient"


def to_money(value: Decimal | str | int) -> Decimal:
    """A spec answer's money string (or an int) as Decimal; floats are refused."""
    if isinstance(value, float | bool) or not isinstance(value, Decimal | str | int):
        raise TypeError(f"money must be Decimal, str or int, not {type(value).__name__}")
    try:
        return Decimal(value)
    except InvalidOperation as err:
        raise ValueError(f"not an amount: {value!r}") from err


class _Frozen:
    """Shared checks: lists become tuples, money fields must be Decimal, paper must fit."""

    PAPERS: tuple[Paper, ...] = (Paper.A4,)

    def __post_init__(self) -> None:
        for f in dataclasses.fields(self):  # type: ignore[arg-type]
            value = getattr(self, f.name)
            if isinstance(value, list):
                object.__setattr__(self, f.name, tuple(value))
            elif isinstance(value, float):
                raise TypeError(f"{type(self).__name__}.{f.name}: float is not allowed, use Decimal")
        paper = getattr(self, "paper", None)
        if paper is not None and paper not in self.PAPERS:
            raise ValueError(f"{type(self).__name__} prints on {', '.join(self.PAPERS)}, not {paper}")


@dataclass(frozen=True, kw_only=True)
class Header(_Frozen):
    """Who printed a document, where and when; on top of every document."""

    hall: str  # 便民服务中心 / 经办机构 name
    window: str  # e.g. "3号窗口"
    clerk: str  # 经办人
    printed_at: datetime
    serial: str | None = None  # 回执编号 / 业务流水号
    reprint: bool = False  # 补打: marked so, with the original 办理时间 beside the 打印时间
    handled_at: datetime | None = None  # 办理时间 of the business (shown on a reprint)


@dataclass(frozen=True, kw_only=True)
class Person(_Frozen):
    name: str  # may hold GB 18030-2022 rare characters and the middle dot
    id_number: str


@dataclass(frozen=True, kw_only=True)
class TraceStep(_Frozen):
    """One step of a calculator's trace (spec/calc-api.md): description, amount, rule cited."""

    step: str
    amount: Decimal | None
    source: str

    @classmethod
    def from_answer(cls, item: Mapping[str, Any]) -> TraceStep:
        amount = item.get("amount")
        return cls(step=str(item["step"]), amount=None if amount is None else to_money(amount),
                   source=step_cited(item))


def trace_from_answer(items: Iterable[Mapping[str, Any]]) -> tuple[TraceStep, ...]:
    return tuple(TraceStep.from_answer(item) for item in items)


@dataclass(frozen=True, kw_only=True)
class AcceptanceReceipt(_Frozen):
    """受理回执: what was accepted today and what happens next."""

    PAPERS = (Paper.A4, Paper.A5, Paper.ROLL_80)

    header: Header
    business: str  # 业务名称, e.g. "城乡居民医保参保登记"
    person: Person
    accepted: tuple[str, ...]  # 受理内容, one line each
    next_steps: tuple[str, ...]  # 后续事项: what happens next and when, one line each
    expected_by: date | None = None  # 预计办结日期
    agent: Person | None = None  # 代办人
    phone: str | None = None  # 咨询电话
    qr_text: str | None = None  # "serial|check-value" from the services
    paper: Paper = Paper.A4
    full_id: bool = False


@dataclass(frozen=True, kw_only=True)
class PaymentNotice(_Frozen):
    """缴费通知单: one person's contribution for a policy year and how to pay it."""

    PAPERS = (Paper.A4, Paper.A5, Paper.ROLL_80)

    header: Header
    person: Person
    region: str  # 统筹区, e.g. "武进区"
    policy_year: int
    category: str  # 参保缴费身份 label, e.g. "非从业居民"
    standard: Decimal  # 个人缴费标准 (contribution answer `standard`)
    ltc: Decimal | None  # 其中长期护理保险 (`ltc`); None where the region has none (天津)
    assisted: Decimal  # 政府资助 (`assisted`)
    personal: Decimal  # 应缴金额 (`personal`)
    channels: tuple[str, ...]  # 缴费渠道, one line each
    deadline: date | None  # 缴费截止日期; None once it has passed (a reprint): `deadline_note` says so
    benefit_start: date
    benefit_end: date
    tier: str | None = None  # 缴费档次 (天津)
    assistance: str | None = None  # 资助对象类别 label
    waiting_months: int = 0  # 待遇等待期
    benefit_note: str | None = None  # e.g. the newborn clause, printed under the dates
    deadline_note: str | None = None  # e.g. late enrollment: why the deadline is today
    phone: str | None = None
    qr_text: str | None = None
    paper: Paper = Paper.A4
    full_id: bool = False


@dataclass(frozen=True, kw_only=True)
class Material(_Frozen):
    """One line of a `materials` answer, plus whether the person brought it today."""

    name: str
    note: str | None = None  # 原件/复印件, 份数, 任选其一 …
    provided: bool = False


@dataclass(frozen=True, kw_only=True)
class ChecklistNotice(_Frozen):
    """一次性告知单: every material a business needs, what is still missing, where to go."""

    header: Header
    item: str  # 事项名称, e.g. "零星报销"
    basis: str  # 办理依据: the source document's name
    materials: tuple[Material, ...]
    where: tuple[str, ...] = ()  # 办理地点: offices with address (and phone)
    channels: tuple[str, ...] = ()  # 办理渠道: online channels
    time_limit: str = ""  # 办理时限, e.g. "资料齐全后 20 个工作日内"
    phone: str = ""  # 咨询电话
    person: Person | None = None
    trace: tuple[TraceStep, ...] = ()
    large_print: bool = False  # 适老化: every size × 1.4
    full_id: bool = False
    # 尚缺材料 as the services judge them (a 任选其一 alternative brought, items only some
    # people need: services/calc.py); None: every material not ticked
    missing: tuple[str, ...] | None = None
    paper: Paper = field(default=Paper.A4, init=False)

    @classmethod
    def from_answer(cls, answer: Mapping[str, Any], *, provided: Collection[str],
                    **fields: Any) -> ChecklistNotice:
        """Build from a `materials` answer; `provided` names the materials ticked at the window."""
        where = answer.get("where") or ()
        materials = tuple(Material(name=m["name"], note=m.get("note"), provided=m["name"] in provided)
                          for m in answer["materials"])
        return cls(materials=materials, where=(where,) if isinstance(where, str) else tuple(where),
                   trace=trace_from_answer(answer.get("trace", ())), **fields)


@dataclass(frozen=True, kw_only=True)
class ReimbursementEstimate(_Frozen):
    """报销测算单: the layers of an inpatient or outpatient estimate, with the trace."""

    PAPERS = (Paper.A4, Paper.A5)

    header: Header
    kind: EstimateKind
    facts: tuple[tuple[str, str], ...]  # (label, value): 参保地区, 参保类别, 医院等级, 住院次数 …
    compliant_cost: Decimal  # 合规费用 (the request's)
    basic: Decimal  # 基本医保 (all basic funds)
    personal: Decimal  # 个人负担
    deductible: Decimal | None = None  # 起付标准 (inpatient)
    critical_illness: Decimal | None = None  # 大病保险; None where the layer does not apply
    medical_assistance: Decimal | None = None  # 医疗救助 incl. 倾斜救助
    # a bill as it is (the answer's `bill_total`, `out_of_policy`, `personal_total`): 票据总额,
    # 政策外自费 no fund pays, and 个人合计负担 = `personal` + 政策外自费; None: compliant cost only
    bill_total: Decimal | None = None
    out_of_policy: Decimal | None = None
    personal_total: Decimal | None = None
    trace: tuple[TraceStep, ...] = ()
    person: Person | None = None
    paper: Paper = Paper.A4
    full_id: bool = False

    @classmethod
    def from_answer(cls, answer: Mapping[str, Any], *, compliant_cost: Decimal | str,
                    **fields: Any) -> ReimbursementEstimate:
        """Build from an `inpatient` / `outpatient` answer; the rest comes from the request."""

        def optional(key: str) -> Decimal | None:
            return None if answer.get(key) is None else to_money(answer[key])

        return cls(compliant_cost=to_money(compliant_cost), basic=to_money(answer["basic"]),
                   personal=to_money(answer["personal"]), deductible=optional("deductible"),
                   critical_illness=optional("critical_illness"),
                   medical_assistance=optional("medical_assistance"),
                   bill_total=optional("bill_total"), out_of_policy=optional("out_of_policy"),
                   personal_total=optional("personal_total"),
                   trace=trace_from_answer(answer.get("trace", ())), **fields)


@dataclass(frozen=True, kw_only=True)
class OffsiteFilingReceipt(_Frozen):
    """异地就医备案回执: who may be treated where, from when, at what ratio."""

    PAPERS = (Paper.A4, Paper.A5, Paper.ROLL_80)

    header: Header
    person: Person
    person_type: str  # 异地长期居住人员 / 异地转诊就医人员 …
    destination: str  # 就医地, e.g. "江苏省苏州市"
    start: date
    end: date | None  # None: valid until the filing is cancelled
    rule: str  # 待遇标准, e.g. "基本医保基金支付比例与市内相应医疗机构一致"
    materials: tuple[str, ...] = ()  # 已收材料
    notes: tuple[str, ...] = ()  # 温馨提示
    agent: Person | None = None
    phone: str | None = None
    qr_text: str | None = None
    paper: Paper = Paper.A4
    full_id: bool = False


@dataclass(frozen=True, kw_only=True)
class ProcessingSlip(_Frozen):
    """综合业务处理单: the record of a completed business, signed by the person."""

    PAPERS = (Paper.A4, Paper.A5)

    header: Header
    business: str  # 业务类型
    person: Person
    details: tuple[tuple[str, str], ...]  # (label, value): 办理内容, e.g. ("变更项目", "联系电话")
    result: str  # 办理结果
    agent: Person | None = None
    reviewer: str | None = None  # 复核人 (four-eyes businesses)
    remarks: tuple[str, ...] = ()
    paper: Paper = Paper.A4
    full_id: bool = False


@dataclass(frozen=True, kw_only=True)
class BusinessCount(_Frozen):
    business: str
    count: int  # 笔数
    assessed: Decimal  # 应缴金额合计


@dataclass(frozen=True, kw_only=True)
class ReceiptEntry(_Frozen):
    serial: str
    business: str
    person_name: str
    issued_at: datetime
    voided: bool = False
    void_reason: str | None = None
    amount: Decimal | None = None  # the receipt's amount (what was assessed, refunded, claimed)


@dataclass(frozen=True, kw_only=True)
class DayReport(_Frozen):
    """日结报表: one clerk's (or the whole hall's) day."""

    header: Header
    day: date
    scope: str  # "3号窗口 张三" or "全厅"
    businesses: tuple[BusinessCount, ...]  # businesses only: what the 合计 counts
    receipts: tuple[ReceiptEntry, ...]
    others: tuple[BusinessCount, ...] = ()  # logins, accounts, settings, voids, reprints: apart
    # The audit chain's newest entry when the report was made ("SEQ:HASH"): kept on paper, it is
    # the anchor `yibao-desk audit verify --anchor` later proves nothing before it was removed.
    chain_head: str | None = None
    paper: Paper = field(default=Paper.A4, init=False)
