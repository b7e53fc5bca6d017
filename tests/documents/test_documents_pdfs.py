"""Every document read back from its PDF: words, amounts, fonts, paper, masking."""

import io
import re
from dataclasses import replace
from decimal import Decimal

import pytest
from pypdf import PdfReader

from desktop.documents import fonts, render, save
from desktop.documents.format import amounts_in_text
from desktop.documents.model import (
    AcceptanceReceipt,
    ChecklistNotice,
    EstimateKind,
    Paper,
    Person,
    ProcessingSlip,
    ReimbursementEstimate,
)
from desktop.documents.samples import (
    CHECKLIST,
    DAUGHTER,
    DAY,
    ESTIMATE,
    GRANDMOTHER,
    HEADER,
    NOTICE,
    RECEIPT,
    samples,
)

STEMS = list(samples())
MM80 = 80 / 25.4 * 72
MM4 = 4 / 25.4 * 72  # receipt printers leave 4 mm unprinted on each side


def flat(text: str) -> str:
    """Extracted text without the line breaks wrapping put in."""
    return re.sub(r"\s+", "", text)


# --- every document ------------------------------------------------------------------------

@pytest.mark.parametrize("stem", STEMS)
def test_every_font_is_embedded_truetype_subset(pdfs, stem):
    found = pdfs[stem].fonts()
    assert any(name.endswith("+DroidSansFallback") for name in found)
    for name, font in found.items():
        assert re.fullmatch(r"/[A-Z]{6}\+\w+", name), name
        assert font["/Subtype"] == "/TrueType"
        assert "/FontFile2" in font["/FontDescriptor"], name


@pytest.mark.parametrize("stem", STEMS)
def test_paper_size(pdfs, stem):
    sizes = pdfs[stem].sizes
    if stem.endswith("80mm"):
        assert len(sizes) == 1
        assert sizes[0][0] == pytest.approx(226.77, abs=0.01)
        assert sizes[0][1] > 200
    else:
        expected = (595.28, 841.89) if stem.endswith("a4") or "-a4" in stem else (419.53, 595.28)
        assert all(size == pytest.approx(expected, abs=0.5) for size in sizes)


@pytest.mark.parametrize("stem", [s for s in STEMS if not s.startswith(("day-report",
                                                                         "payment-notice-assisted"))])
def test_id_numbers_are_masked(pdfs, stem):
    text = flat(pdfs[stem].text)
    assert "320412195701011234" not in text and "650102198403150026" not in text
    assert "320412********1234" in text or "650102********0026" in text


def test_full_id_number_when_the_document_requires_it(render_pdf):
    text = flat(render_pdf(replace(RECEIPT, full_id=True)).text)
    assert "320412195701011234" in text
    assert "********" not in text


@pytest.mark.parametrize("stem", [s for s in STEMS if s.endswith("80mm")])
def test_80mm_slips_keep_their_text_inside_the_printable_72_mm(pdfs, stem):
    spans = pdfs[stem].text_spans()
    assert spans
    for text, x, size in spans:
        assert x >= MM4 - 0.01, text
        assert x + fonts.string_width(text.strip(), size) <= MM80 - MM4 + 0.01, text


@pytest.mark.parametrize("stem", [s for s in STEMS if s.endswith("80mm")])
def test_80mm_type_is_not_tiny(pdfs, stem):
    assert min(pdfs[stem].font_sizes()) >= 8


def test_the_roll_grows_with_its_content(render_pdf):
    short = render_pdf(replace(RECEIPT, paper=Paper.ROLL_80)).sizes[0][1]
    long = render_pdf(replace(RECEIPT, paper=Paper.ROLL_80,
                              next_steps=RECEIPT.next_steps * 5)).sizes[0][1]
    assert long > short + 100


def test_sheets_are_numbered_and_carry_the_serial(pdfs):
    text = pdfs["checklist-large-a4"].text
    assert "第 1 页 / 共 2 页" in text and "第 2 页 / 共 2 页" in text
    assert text.count(f"编号 {HEADER.serial}") == 2


# --- rare characters -----------------------------------------------------------------------

def test_rare_character_name_is_embedded_and_extractable(pdfs):
    pdf = pdfs["receipt-a4"]
    assert "王𠇹" in pdf.text
    assert any(name.endswith("+HanaMinB") for name in pdf.fonts())


def test_extension_g_and_a_names_print(render_pdf):
    person = Person(name="𰻝䶮·明", id_number="320412195701011234")
    pdf = render_pdf(replace(RECEIPT, person=person))
    assert "𰻝䶮·明" in pdf.text
    assert any(name.endswith("+BabelStoneHan") for name in pdf.fonts())


# --- line breaking -------------------------------------------------------------------------

def test_a_figure_is_not_cut_at_the_end_of_a_line(render_pdf):
    # 作废原因 on A4: (493.2 − 139.3 serial column) × 3.4 / 8.6 = 139.9 pt, 127.9 pt inside the
    # padding. "票据金额录错，应为" is 90 pt at 10 pt and "23,456.00" 50.9 pt: 140.9 pt, too wide,
    # so the figure starts the second line whole (reportlab looked back only half a line and
    # printed "…应为23,456." over "00 元").
    voided = replace(DAY.receipts[-1], void_reason="票据金额录错，应为23,456.00 元")
    text = render_pdf(replace(DAY, receipts=(*DAY.receipts[:-1], voided))).text
    assert any(line.startswith("23,456.00 元") for line in text.split("\n"))


def test_a_chinese_comma_never_starts_a_line(render_pdf):
    # The roll's list line: 72 mm − 9 pt hang − 14.4 pt indent = 180.7 pt. At 9 pt
    # "2026年度零星报销申请：医疗收费票据1张" is 172.6 pt; its "，" (9 pt) ends at 181.6 pt and
    # hangs in the 9 pt kept free for it instead of opening the next line (GB/T 15834).
    receipt = replace(RECEIPT, paper=Paper.ROLL_80,
                      accepted=("2026年度零星报销申请：医疗收费票据1张，金额合计23,456.00 元",))
    lines = render_pdf(receipt).text.split("\n")
    assert not [line for line in lines if line.startswith(("，", "；", "："))]
    assert any(line.endswith("1张，") for line in lines)


def test_a_chinese_comma_never_starts_a_line_of_hanzi_only(render_pdf):
    # One run in one face (no digit, no Latin: reportlab's single-run path). The roll's list line
    # is 180.7 pt (above); at 9 pt each hanzi and the "，" are 9 pt, so 20 hanzi fill 180 pt and
    # the "，" after them (189 pt) hangs at the line's end instead of opening the next line.
    hanzi = "参保人因病住院治疗期间所发生的全部医疗费"  # 20
    assert len(hanzi) == 20
    receipt = replace(RECEIPT, paper=Paper.ROLL_80, accepted=(hanzi + "，请持票据前来办理报销手续",))
    lines = render_pdf(receipt).text.split("\n")
    assert not [line for line in lines if line.startswith(("，", "；", "："))]
    assert any(line.endswith(hanzi + "，") for line in lines), lines


def test_an_opening_bracket_never_ends_a_line(render_pdf):
    # 19 hanzi (171 pt) and "（" (9 pt) fill the roll's 180.7 pt list line; the bracket goes down
    # with what it opens instead of ending the line
    hanzi = "参保人因病住院治疗期间所发生的全部医疗"  # 19
    assert len(hanzi) == 19
    receipt = replace(RECEIPT, paper=Paper.ROLL_80, accepted=(hanzi + "（含门诊特定疾病）费用",))
    lines = render_pdf(receipt).text.split("\n")
    assert not [line for line in lines if line.endswith("（")], lines
    assert any(line.startswith("（含门诊特定疾病）") for line in lines), lines


# --- each document -------------------------------------------------------------------------

@pytest.mark.parametrize("paper", ["a4", "a5", "80mm"])
def test_receipt(pdfs, paper):
    text = flat(pdfs[f"receipt-{paper}"].text)
    for expected in ["受理回执", "常州市武进区湖塘镇便民服务中心", "3号窗口", "张敏", "2025-11-2010:32",
                     "320412-03-2025-000123", "城乡居民医保参保登记（2026年度）", "王𠇹",
                     "2025年12月31日", *RECEIPT.accepted, *RECEIPT.next_steps, "12393"]:
        assert flat(expected) in text, expected


@pytest.mark.parametrize("paper", ["a4", "a5", "80mm"])
def test_payment_notice(pdfs, paper):
    text = flat(pdfs[f"payment-notice-{paper}"].text)
    for expected in ["缴费通知单", "阿依古丽·买买提", "2026年度", "非从业居民", "武进区",
                     "830.00元", "长期护理保险", "30.00元", "政府资助", "0.00元", "应缴金额",
                     "缴费截止日期：2025年12月31日", "2026年1月1日至2026年12月31日",
                     "签约银行卡缴费", "线上缴费", "窗口缴费", "职工医保个人账户代缴", "12393",
                     "320412-03-2025-000124"]:
        assert expected in text, expected


def test_payment_notice_shows_what_public_funds_pay(pdfs):
    text = flat(pdfs["payment-notice-assisted-a5"].text)
    for expected in ["资助类别最低生活保障家庭成员", "政府资助−342.00元", "380.00元", "38.00元",
                     "低档", "天津市", "成年居民"]:
        assert expected in text, expected


@pytest.mark.parametrize("paper", [Paper.A4, Paper.A5, Paper.ROLL_80])
def test_a_fully_funded_notice_asks_for_no_payment(render_pdf, paper):
    # 常州 2026 低保 老年居民: standard 730.00, public funds pay it all (730.00), personal 0.00:
    # no deadline and no channels sending them to a bank for 0.00 元
    notice = replace(NOTICE, paper=paper, category="老年居民", assistance="最低生活保障家庭成员",
                     standard=Decimal("730.00"), assisted=Decimal("730.00"), personal=Decimal("0.00"))
    text = flat(render_pdf(notice).text)
    for expected in ["应缴金额", "0.00元", "−730.00元", "个人无需缴费：政府资助全额", "凭本通知单编号可查询参保情况"]:
        assert expected in text, expected
    for absent in ["缴费截止日期", "缴费渠道", *[flat(c)[:8] for c in NOTICE.channels]]:
        assert absent not in text, absent
    # one fen to pay: the deadline and the channels are back
    text = flat(render_pdf(replace(notice, assisted=Decimal("729.99"), personal=Decimal("0.01"))).text)
    assert "缴费截止日期" in text and "缴费渠道" in text and "个人无需缴费" not in text


def test_checklist_ticks_what_was_brought_and_boxes_what_is_missing(pdfs):
    text = pdfs["checklist-a4"].text
    provided = [m for m in CHECKLIST.materials if m.provided]
    assert text.count("☑") == len(provided) == 3
    assert text.count("☐") == len(CHECKLIST.materials) - len(provided)
    missing_part = flat(text.split("尚缺材料", 1)[1].split("办理地点", 1)[0])
    for material in CHECKLIST.materials:
        assert (flat(material.name) in missing_part) != material.provided, material.name
    flat_text = flat(text)
    for expected in ["一次性告知单", "序号", "材料名称", "要求", "已提供", CHECKLIST.item,
                     CHECKLIST.basis, "三者任选其一", *CHECKLIST.where, *CHECKLIST.channels,
                     "常州市武进区外环府路51号", "12393", "《2026年度常州市城乡居民医疗保障政策宣传提纲》§六(四)2"]:
        assert flat(expected) in flat_text, expected
    assert ".txt" not in flat_text  # citations by the document's title, never its file name (15.1)


def test_large_print_checklist_is_at_least_1_4_times_larger(pdfs):
    normal = pdfs["checklist-a4"].font_sizes()
    large = pdfs["checklist-large-a4"].font_sizes()
    assert min(large) >= 1.4 * min(normal) - 0.01
    assert normal.most_common(1)[0][0] * 1.4 == pytest.approx(large.most_common(1)[0][0])


def test_checklist_with_everything_brought(render_pdf):
    complete = ChecklistNotice.from_answer(
        {"materials": [{"name": "身份证", "note": None}], "where": "湖塘镇便民服务中心"},
        provided={"身份证"}, header=HEADER, item="参保登记", basis="政策问答")
    text = flat(render_pdf(complete).text)
    assert "材料已齐全" in text and "湖塘镇便民服务中心" in text


@pytest.mark.parametrize("paper", ["a4", "a5"])
def test_estimate(pdfs, paper):
    text = flat(pdfs[f"estimate-{paper}"].text)
    assert "本单为测算结果，仅供参考，不作为结算依据" in text and "实际报销金额以医保经办机构审核结算为准" in text
    for expected in ["报销测算单", "合规费用", "200,000.00元", "起付标准", "1,000.00元",
                     "基本医保", "139,300.00元", "大病保险", "24,420.00元", "医疗救助",
                     "个人负担", "36,280.00元", "老年居民", "三级",
                     # the steps' amounts written as the amount column writes them (1,000.00)
                     *(flat(amounts_in_text(step.step)) for step in ESTIMATE.trace),
                     "《2026年度常州市城乡居民医疗保障政策宣传提纲》§四"]:
        assert expected in text, expected
    assert ".txt" not in text


def test_outpatient_estimate_leaves_out_layers_that_do_not_apply(render_pdf):
    estimate = ReimbursementEstimate.from_answer(
        {"basic": "120.00", "personal": "80.00", "trace": []}, compliant_cost=Decimal("200"),
        header=HEADER, kind=EstimateKind.OUTPATIENT, facts=(("待遇类别", "普通门诊"),))
    text = flat(render_pdf(estimate).text)
    assert "门诊费用" in text and "120.00元" in text and "80.00元" in text
    assert "大病保险" not in text and "医疗救助" not in text and "计算过程" not in text


@pytest.mark.parametrize("paper", ["a4", "a5", "80mm"])
def test_offsite_receipt(pdfs, paper):
    text = flat(pdfs[f"offsite-receipt-{paper}"].text)
    for expected in ["异地就医备案回执", "异地长期居住人员", "江苏省苏州市", "2025年12月1日",
                     "长期有效", "支付比例与参保地相应医疗机构一致", "个人承诺书", "王建华",
                     "320412********1210", "12393", "参保人/代办人签字", "经办人签字", "日期"]:
        assert expected in text, expected


@pytest.mark.parametrize("paper", ["a4", "a5"])
def test_processing_slip(pdfs, paper):
    text = flat(pdfs[f"processing-slip-{paper}"].text)
    for expected in ["综合业务处理单", "变更登记（重要信息）", "参保缴费身份", "非从业居民", "老年居民",
                     "已办结", "复核人", "李强", "参保人/代办人签字", "经办人签字", "日期", "年月日"]:
        assert expected in text, expected


def test_day_report(pdfs):
    text = flat(pdfs["day-report-a4"].text)
    for expected in ["日结报表", "2025年11月20日", "3号窗口张敏", "参保登记", "18", "11,950.00元",
                     "合计", "35", "已开回执（3张）", "320412-03-2025-000123",
                     "320412-03-2025-000125", "作废回执（1张）", "320412-03-2025-000127",
                     "类别选错，已重开000128", "阿依古丽·买买提", "经办人签字", "负责人签字"]:
        assert expected in text, expected
    # the bar chart's labels are text too, one per business
    assert text.count("异地就医备案") >= 3


def test_a_long_receipt_list_starts_under_the_chart(render_pdf):
    # 40 rows of about 19 pt (a 13 pt line, 6 pt padding) are 760 pt, more than the A4 frame
    # (841.9 − 15 mm − 16 mm = 754 pt): the heading and the first rows (some 16) fit under the
    # chart on page 1; the heading kept with the whole table would leave that space blank.
    entry = DAY.receipts[0]
    receipts = tuple(replace(entry, serial=f"320412-03-2025-{n:06d}") for n in range(1, 41))
    pdf = render_pdf(replace(DAY, receipts=receipts))
    first, *rest = [page.extract_text() for page in pdf.reader.pages]
    assert "已开回执（40 张）" in first and "320412-03-2025-000001" in first
    assert "320412-03-2025-000040" in rest[-1]


# --- the inputs ----------------------------------------------------------------------------

def test_money_as_float_is_refused():
    with pytest.raises(TypeError):
        replace(ESTIMATE, basic=151450.0)


def test_a_document_refuses_paper_it_does_not_print_on():
    with pytest.raises(ValueError):
        ProcessingSlip(header=HEADER, business="变更登记", person=DAUGHTER, details=(),
                       result="已办结", paper=Paper.ROLL_80)


def test_lists_are_frozen_into_tuples():
    receipt = AcceptanceReceipt(header=HEADER, business="参保登记", person=GRANDMOTHER,
                                accepted=["a"], next_steps=["b"])
    assert receipt.accepted == ("a",) and hash(receipt)


def test_render_refuses_other_objects_and_save_writes(tmp_path):
    with pytest.raises(TypeError):
        render("not a document")
    target = save(RECEIPT, tmp_path / "archive" / "receipt.pdf")
    assert target.read_bytes().startswith(b"%PDF")


@pytest.mark.parametrize("stem", ["receipt-a4", "payment-notice-a4", "offsite-receipt-a4"])
def test_pdf_metadata_names_the_document_not_the_person(pdfs, stem):
    metadata = pdfs[stem].reader.metadata
    assert metadata.title and metadata.subject == pdfs[stem].text.split("编号：")[1].split()[0]
    assert "王" not in metadata.title and "阿依古丽" not in metadata.title


# --- samples and marks ---------------------------------------------------------------------

@pytest.mark.parametrize("stem", STEMS)
def test_samples_print_no_fact_the_policy_packs_lack(pdfs, stem):
    text = flat(pdfs[stem].text)
    for invented in ("0519-", "工作日", "常武中路", "预计办结"):
        assert invented not in text, invented


def test_a_marked_document_says_so_on_every_page_and_in_its_title(pdfs):
    assert "样张" not in pdfs["checklist-large-a4"].text  # unmarked: no mark anywhere
    marked = PdfReader(io.BytesIO(render(replace(CHECKLIST, large_print=True), mark="样张")))
    assert len(marked.pages) == 2
    assert all("样张" in page.extract_text() for page in marked.pages)
    assert marked.metadata.title.endswith("（样张）")
