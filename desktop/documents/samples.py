"""One filled-in input per document and paper: test fixtures and `yibao-desk render --sample`.

Not what the README shows (docs/documents/make_screenshots.py prints real records). The people
and their ID numbers are fictitious (valid check digits); every policy fact (offices, hotline,
payment channels, deadline, materials) is read from the bundled 2026 常州 pack, none is typed
here; a fact the pack lacks (a time limit, an expected completion date) is left out. The
estimate is the calculator's answer; the other amounts are illustrative. A clerk never
prints these: `render --sample` marks them 样张.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime
from decimal import Decimal

from desktop.documents.format import cn_date
from desktop.documents.model import (
    AcceptanceReceipt,
    BusinessCount,
    ChecklistNotice,
    DayReport,
    EstimateKind,
    Header,
    OffsiteFilingReceipt,
    Paper,
    PaymentNotice,
    Person,
    ProcessingSlip,
    ReceiptEntry,
    ReimbursementEstimate,
)
from desktop.policy import api, loader
from desktop.policy.citation import shown

PACK = loader.bundled().find("武进区", 2026, "resident")
HOTLINE = PACK.offices.hotline  # 12393
CHANNELS = tuple(f"{c.name}：{c.how}" for c in PACK.payment_channels.items)
DEADLINE = PACK.enrollment.deadline
BENEFIT = PACK.enrollment.benefit_period
CLAIM = next(m for m in PACK.materials if m.item == "零星报销").variants[0]
LONG_STAY = next(t for t in PACK.offsite.types if t.label == "异地长期居住人员")
TIANJIN = loader.bundled().find("天津市", 2024, "resident")
OFFICE = next(o for o in PACK.offices.items if o.name.startswith("武进区"))

HEADER = Header(hall="常州市武进区湖塘镇便民服务中心", window="3号窗口", clerk="张敏",
                printed_at=datetime(2025, 11, 20, 10, 32), serial="320412-03-2025-000123")
GRANDMOTHER = Person(name="王𠇹", id_number="320412195701011234")  # a GB 18030 Ext B character
DAUGHTER = Person(name="阿依古丽·买买提", id_number="650102198403150026")

RECEIPT = AcceptanceReceipt(
    header=HEADER, business="城乡居民医保参保登记（2026年度）", person=GRANDMOTHER,
    accepted=("2026年度城乡居民基本医疗保险参保登记：老年居民",
              "同户成员随同登记 2 人：非从业居民、未成年居民"),
    next_steps=(f"请于{cn_date(DEADLINE)}前按缴费通知单缴费",
                f"待遇享受期：{cn_date(BENEFIT.start)}至{cn_date(BENEFIT.end)}，自缴费到账后按上述日期享受待遇",
                "扫描本回执二维码可核验回执真伪"),
    phone=HOTLINE,
    qr_text="320412-03-2025-000123|7F3A9C")

NOTICE = PaymentNotice(
    header=replace(HEADER, serial="320412-03-2025-000124"), person=DAUGHTER, region="武进区",
    policy_year=2026, category="非从业居民", standard=Decimal("830.00"), ltc=Decimal("30.00"),
    assisted=Decimal("0.00"), personal=Decimal("830.00"),
    channels=CHANNELS, deadline=DEADLINE, benefit_start=BENEFIT.start, benefit_end=BENEFIT.end,
    phone=HOTLINE, qr_text="320412-03-2025-000124|2C71D0")

NOTICE_ASSISTED = replace(
    NOTICE, person=Person(name="刘建国", id_number="120105196703154412"), region="天津市",
    category="成年居民", tier="低档", phone=None, policy_year=TIANJIN.pack.year,
    deadline=TIANJIN.enrollment.deadline, benefit_start=TIANJIN.enrollment.benefit_period.start,
    benefit_end=TIANJIN.enrollment.benefit_period.end,
    channels=tuple(f"{c.name}：{c.how}" for c in TIANJIN.payment_channels.items[:3]), assistance="最低生活保障家庭成员",
    standard=Decimal("380.00"), ltc=None, assisted=Decimal("342.00"),
    personal=Decimal("38.00"), waiting_months=0)

CHECKLIST = ChecklistNotice.from_answer(
    {"materials": [{"name": m.name, "note": m.note} for m in CLAIM.materials],
     "where": [*CLAIM.where, f"{OFFICE.name}：{OFFICE.address}"],
     "trace": [{"step": "零星报销所需材料", "amount": None, "source": CLAIM.source}]},
    provided={"医保电子凭证或有效身份证件或社保卡", "医疗收费票据", "本人银行借记卡"},
    header=HEADER, item="零星报销", basis=CLAIM.source.document, person=GRANDMOTHER, phone=HOTLINE)

ESTIMATE_REQUEST = {"calc": "inpatient", "region": "武进区", "year": 2026, "category": "老年居民",
                    "hospital_level": 3, "admission": 1, "compliant_cost": "200000"}
ESTIMATE = ReimbursementEstimate.from_answer(
    api.answer(ESTIMATE_REQUEST),  # the calculator's own answer, trace and sources
    compliant_cost="200000", header=replace(HEADER, serial=None), kind=EstimateKind.INPATIENT,
    person=GRANDMOTHER,
    facts=(("参保地区", "武进区"), ("参保年度", "2026年度"), ("参保类别", "老年居民"),
           ("医院等级", "三级"), ("住院次数", "年度第 1 次")))

OFFSITE = OffsiteFilingReceipt(
    header=replace(HEADER, serial="320412-03-2025-000125"), person=GRANDMOTHER,
    agent=Person(name="王建华", id_number="320412198203051210"),
    person_type="异地长期居住人员", destination="江苏省苏州市", start=date(2025, 12, 1), end=None,
    rule=f"基本医保支付比例与参保地相应医疗机构一致（{shown(LONG_STAY.source)}）",
    materials=("有效身份证件", "个人承诺书"),
    notes=("就医时请出示医保电子凭证或社会保障卡，在就医地定点医疗机构直接结算",
           "扫描二维码可核验回执真伪"),
    phone=HOTLINE, qr_text="320412-03-2025-000125|99E01B")

SLIP = ProcessingSlip(
    header=replace(HEADER, serial="320412-03-2025-000126"), business="变更登记（重要信息）",
    person=DAUGHTER,
    details=(("变更项目", "参保缴费身份"), ("变更前", "非从业居民"), ("变更后", "老年居民"),
             ("生效日期", "2026年1月1日")),
    result="已办结", reviewer="李强")

DAY = DayReport(
    header=replace(HEADER, serial=None, printed_at=datetime(2025, 11, 20, 17, 30)),
    day=date(2025, 11, 20), scope="3号窗口 张敏",
    businesses=(BusinessCount(business="参保登记", count=18, assessed=Decimal("11950.00")),
                BusinessCount(business="变更登记", count=5, assessed=Decimal("0.00")),
                BusinessCount(business="停保退保", count=2, assessed=Decimal("0.00")),
                BusinessCount(business="异地就医备案", count=7, assessed=Decimal("0.00")),
                BusinessCount(business="零星报销", count=3, assessed=Decimal("0.00"))),
    receipts=(ReceiptEntry(serial="320412-03-2025-000123", business="参保登记",
                           person_name="王𠇹", issued_at=datetime(2025, 11, 20, 10, 32)),
              ReceiptEntry(serial="320412-03-2025-000124", business="参保登记",
                           person_name="阿依古丽·买买提", issued_at=datetime(2025, 11, 20, 10, 35)),
              ReceiptEntry(serial="320412-03-2025-000125", business="异地就医备案",
                           person_name="王𠇹", issued_at=datetime(2025, 11, 20, 11, 2)),
              ReceiptEntry(serial="320412-03-2025-000127", business="参保登记",
                           person_name="陈小明", issued_at=datetime(2025, 11, 20, 14, 10),
                           voided=True, void_reason="类别选错，已重开 000128")))


def samples() -> dict[str, object]:
    """File stem -> document input, one per document and paper it prints on."""
    result: dict[str, object] = {}
    for stem, doc in (("receipt", RECEIPT), ("payment-notice", NOTICE), ("offsite-receipt", OFFSITE)):
        for paper, suffix in ((Paper.A4, "a4"), (Paper.A5, "a5"), (Paper.ROLL_80, "80mm")):
            result[f"{stem}-{suffix}"] = replace(doc, paper=paper)
    result["payment-notice-assisted-a5"] = replace(NOTICE_ASSISTED, paper=Paper.A5)
    result["checklist-a4"] = CHECKLIST
    result["checklist-large-a4"] = replace(CHECKLIST, large_print=True)
    result["estimate-a4"] = ESTIMATE
    result["estimate-a5"] = replace(ESTIMATE, paper=Paper.A5)
    result["processing-slip-a4"] = SLIP
    result["processing-slip-a5"] = replace(SLIP, paper=Paper.A5)
    result["day-report-a4"] = DAY
    return result

