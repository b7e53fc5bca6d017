"""One filled-in input per document and paper: for previews, screenshots and tests.

The figures are illustrative (the shape of real answers, e.g. spec/calc-api.md's examples), not
computed here; a clerk never prints these.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime
from decimal import Decimal

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

HEADER = Header(hall="常州市武进区湖塘镇便民服务中心", window="3号窗口", clerk="张敏",
                printed_at=datetime(2025, 11, 20, 10, 32), serial="320412-03-2025-000123")
GRANDMOTHER = Person(name="王𠇹", id_number="320412195701011234")  # a GB 18030 Ext B character
DAUGHTER = Person(name="阿依古丽·买买提", id_number="65010219840315002X")
SOURCE_2026 = "002_791f68398226ecd0.txt"

RECEIPT = AcceptanceReceipt(
    header=HEADER, business="城乡居民医保参保登记（2026年度）", person=GRANDMOTHER,
    accepted=("2026年度城乡居民基本医疗保险参保登记：老年居民",
              "同户成员随同登记 2 人：非从业居民、未成年居民"),
    next_steps=("请于2025年12月31日前按缴费通知单完成缴费（可在税务、银行、微信、支付宝等渠道缴纳）",
                "缴费到账后自2026年1月1日起享受医保待遇",
                "可凭本回执编号在窗口或“江苏医保云”APP查询办理进度"),
    expected_by=date(2025, 11, 22), phone="0519-86981234",
    qr_text="320412-03-2025-000123|7F3A9C")

NOTICE = PaymentNotice(
    header=replace(HEADER, serial="320412-03-2025-000124"), person=DAUGHTER, region="武进区",
    policy_year=2026, category="非从业居民", standard=Decimal("830.00"), ltc=Decimal("30.00"),
    assisted=Decimal("0.00"), personal=Decimal("830.00"),
    channels=("签约银行卡代扣：将个人缴费足额存入代扣协议有效的社会保障卡或签约账户",
              "掌上缴费：微信、支付宝“江苏政务服务”中的“江苏税务社保缴纳”，或“江苏税务”APP“社保缴费”",
              "窗口缴费：各银行网点或税务部门服务大厅 POS 机刷卡"),
    deadline=date(2025, 12, 31), benefit_start=date(2026, 1, 1), benefit_end=date(2026, 12, 31),
    phone="0519-86981234", qr_text="320412-03-2025-000124|2C71D0")

NOTICE_ASSISTED = replace(
    NOTICE, person=Person(name="刘建国", id_number="120105196703154411"), region="天津市",
    category="成年居民", tier="低档", assistance="最低生活保障家庭成员",
    standard=Decimal("380.00"), ltc=Decimal("0.00"), assisted=Decimal("342.00"),
    personal=Decimal("38.00"), waiting_months=0)

CHECKLIST = ChecklistNotice.from_answer(
    {"materials": [
        {"name": "医保电子凭证、有效身份证件或社会保障卡", "note": "原件，任选其一"},
        {"name": "医疗收费票据", "note": "原件 1 份"},
        {"name": "费用明细清单", "note": "原件 1 份，加盖医院印章"},
        {"name": "处方病历资料、诊断证明或出院小结", "note": "复印件 1 份，任选其一"},
        {"name": "本人银行借记卡", "note": "原件"},
        {"name": "代办人身份证", "note": "原件，代办时提供"},
    ],
        "where": ["武进区医疗保障服务中心：常武中路 18 号（0519-86981234）",
                  "湖塘镇便民服务中心：湖塘镇人民路 1 号"],
        "trace": [{"step": "零星报销所需材料", "amount": None,
                   "source": "000_62dcf2fad95857e3.txt §六(四)"}]},
    provided={"医保电子凭证、有效身份证件或社会保障卡", "医疗收费票据", "本人银行借记卡"},
    header=HEADER, item="零星报销（异地未联网刷卡住院费用）",
    basis="2024年度常州市城乡居民基本医疗保险政策问答", person=GRANDMOTHER,
    channels=("“江苏医保云”APP 或“常州医保”微信公众号线上申报，按提示上传材料",),
    time_limit="材料齐全后 20 个工作日内办结", phone="0519-86981234")

ESTIMATE = ReimbursementEstimate.from_answer(
    {"deductible": "1000.00", "basic": "151450.00", "critical_illness": "20170.00",
     "medical_assistance": "0.00", "personal": "28380.00",
     "trace": [
         {"step": "三级医疗机构起付标准（年度第一次住院）", "amount": "1000.00",
          "source": f"{SOURCE_2026} §三(一)"},
         {"step": "起付标准以上部分按 75% 支付", "amount": "149250.00",
          "source": f"{SOURCE_2026} §三(一)"},
         {"step": "老年居民支付比例提高 1.1 个百分点", "amount": "2200.00",
          "source": f"{SOURCE_2026} §三(一)"},
         {"step": "大病保险：个人负担超过起付线部分分段支付", "amount": "20170.00",
          "source": f"{SOURCE_2026} §三(五)"},
         {"step": "非医疗救助对象，不计医疗救助", "amount": None,
          "source": f"{SOURCE_2026} §三(六)"}]},
    compliant_cost="200000", header=replace(HEADER, serial=None), kind=EstimateKind.INPATIENT,
    person=GRANDMOTHER,
    facts=(("参保地区", "武进区"), ("参保年度", "2026年度"), ("参保类别", "老年居民"),
           ("医院等级", "三级"), ("住院次数", "年度第 1 次")))

OFFSITE = OffsiteFilingReceipt(
    header=replace(HEADER, serial="320412-03-2025-000125"), person=GRANDMOTHER,
    agent=Person(name="王建华", id_number="320412198203051219"),
    person_type="异地长期居住人员", destination="江苏省苏州市", start=date(2025, 12, 1), end=None,
    rule="在备案就医地定点医疗机构发生的医疗费用，基本医保基金支付比例与市内相应医疗机构一致。",
    materials=("本人有效身份证件", "个人承诺书（代替居住证明）"),
    notes=("就医时请出示医保电子凭证或社会保障卡，直接结算。",
           "备案后如需回常州就医，可正常使用医保待遇。"),
    phone="0519-86981234", qr_text="320412-03-2025-000125|99E01B")

SLIP = ProcessingSlip(
    header=replace(HEADER, serial="320412-03-2025-000126"), business="变更登记（重要信息）",
    person=DAUGHTER,
    details=(("变更项目", "参保缴费身份"), ("变更前", "非从业居民"), ("变更后", "老年居民"),
             ("生效日期", "2026年1月1日")),
    result="已办结", reviewer="李强", remarks=("已核验户口簿原件。",))

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

