"""The README's document pictures, printed the way the application prints them:
`python docs/documents/make_screenshots.py [--pdf-dir DIR] [--dpi 80]`.

Nothing here is typed into a document. A temporary hall database is configured like a real
hall (首次设置, accounts), the real services record one morning at the counter (a family's
enrollment with a 低保 member, a change, an 异地就医备案, a 零星报销 with a material missing,
a voided receipt, a 补打 in February) and `desktop/services/printing` builds each document from those records
and the bundled policy packs, on each paper the document prints on. The clock is fixed
(2025-11-20 10:32 Beijing time), so a rerun gives the same pictures.

The people and their ID numbers are fictitious (valid check digits); the hall's name, code and
window are the first-start settings a hall would type in. Figures the policy sources lack are
hall settings (set below like the settings page would), never written into a document.

Needs poppler's pdftoppm (apt-get install poppler-utils); the application itself does not.
Page 1 becomes <stem>.png, further pages <stem>-p2.png …; PDFs go to --pdf-dir if given.
"""

from __future__ import annotations

import argparse
import hashlib
import subprocess
import sys
import tempfile
from datetime import date, datetime
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parents[1]))

from desktop.documents import render  # noqa: E402
from desktop.documents.model import Paper  # noqa: E402
from desktop.records.db import open_db  # noqa: E402
from desktop.records.tx import write  # noqa: E402
from desktop.services import (  # noqa: E402
    accounts,
    certificate,
    change,
    chronic_application,
    enrollment,
    hall,
    manual_claim,
    offsite_filing,
    persons,
    printing,
    receipt,
    reprint,
)
from desktop.services.context import CHINA  # noqa: E402

MORNING = datetime(2025, 11, 20, 10, 32, tzinfo=CHINA)  # inside the 2026 集中参保缴费期
EVENING = datetime(2025, 11, 20, 17, 30, tzinfo=CHINA)  # 日结
CLAIM_DAY = datetime(2026, 3, 10, 9, 40, tzinfo=CHINA)
REPRINT_DAY = datetime(2026, 2, 3, 9, 15, tzinfo=CHINA)
PASSWORD = "Hutang2025x"

# Fictitious people (valid check digits).
HEAD = ("32041219820305121" + "0", "王建华")  # head of the household; a 零星报销
GRANDMOTHER = ("32041219570101123" + "4", "王𠇹")  # 老年居民, 最低生活保障家庭成员
MOTHER = ("65010219840315002" + "6", "阿依古丽·买买提")  # 非从业居民
SON = ("32041220150612003" + "8", "王子涵")  # 未成年居民

PAPERS = ((Paper.A4, "a4"), (Paper.A5, "a5"), (Paper.ROLL_80, "80mm"))


class Clock:
    """The Context clock: fixed, moved on by a few minutes between businesses."""

    def __init__(self, moment: datetime) -> None:
        self.moment = moment

    def __call__(self) -> datetime:
        return self.moment

    def at(self, hour: int, minute: int) -> None:
        self.moment = self.moment.replace(hour=hour, minute=minute)


def documents(folder: Path) -> dict[str, object]:
    """File stem -> document built by services/printing from a morning recorded in `folder`."""
    db = open_db(folder / "hall.sqlite3")
    clock = Clock(MORNING.replace(hour=8, minute=30))
    admin = hall.configure_hall(db, "武进区", "武进区湖塘镇便民服务中心", "320412", "03",
                                "admin01", PASSWORD, "周静", now=clock())
    boss = hall.context_for(db, admin, clock)
    # A real hall draws its receipt-check secret at random (services/verification.py); this
    # throwaway hall gets a fixed one so that a rerun draws the same QR codes.
    with write(db):
        db.execute("INSERT INTO hall_secrets (hall_code, secret, created_at) VALUES (?, ?, ?)",
                   ["320412", hashlib.sha256(b"yibao-desk screenshots").hexdigest(), clock().isoformat()])
    # The one figure the 2026 pack leaves to the hall for these businesses (settings page).
    hall.set_setting(boss, "elderly_from_age", "60")
    accounts.create_account(boss, "zhangmin", PASSWORD, "张敏", ["clerk"])
    accounts.create_account(boss, "liqiang", PASSWORD, "李强", ["reviewer"])
    ctx = hall.context_for(db, accounts.login(db, "zhangmin", PASSWORD, clock()), clock)

    clock.at(9, 5)
    for number, name in (HEAD, GRANDMOTHER, MOTHER, SON):
        persons.register_person(ctx, number, name, address="武进区湖塘镇花园街 12 号")
    for number, relation in ((GRANDMOTHER[0], "母亲"), (MOTHER[0], "配偶"), (SON[0], "子")):
        persons.add_household_member(ctx, HEAD[0], number, relation)

    clock.at(9, 14)
    enrollment.enroll(ctx, SON[0], 2026)

    clock.at(10, 20)
    grandmother = enrollment.enroll(ctx, GRANDMOTHER[0], 2026, assistance="最低生活保障家庭成员")
    clock.at(10, 32)
    mother = enrollment.enroll(ctx, MOTHER[0], 2026)

    clock.at(10, 41)
    moved = change.change(ctx, MOTHER[0], "address", "武进区湖塘镇长虹路 88 号", reason="搬迁")

    clock.at(10, 45)  # a number typed wrongly: the receipt voided, the change made again
    typo = change.change(ctx, MOTHER[0], "phone", "13961120457", reason="更换手机号")
    receipt.void_receipt(ctx, typo.receipt_serial, "号码录错，已重新办理")
    change.change(ctx, MOTHER[0], "phone", "13961120475", reason="更换手机号")

    clock.at(11, 2)
    filing = offsite_filing.file_offsite(
        ctx, GRANDMOTHER[0], "异地长期居住人员", "江苏省", "苏州市", "2026-01-01",
        materials_received=["居民身份证"])

    clock.at(11, 10)
    enrollment.enroll(ctx, HEAD[0], 2026)

    clock.at(11, 20)  # the son's school asks for a 参保证明 (visits.md #15)
    proof = certificate.issue(ctx, SON[0], "2026", "2026", purpose="子女入学")
    clock.at(11, 26)  # the grandmother applies for the 门诊特殊病 待遇 (the pack's disease and hospital)
    special = chronic_application.accept(ctx, GRANDMOTHER[0], 2026, "门诊特殊病", "系统性红斑狼疮", "武进人民医院",
                                         ["病史资料", "社保卡"])

    # The 2025 document (003) lists no materials for 零星报销, so in November 2025 the hall
    # cannot accept one; the claim is from the next spring, under the 2026 pack.
    clock.moment = CLAIM_DAY
    bills = [{"kind": "住院", "start_on": "2026-02-09", "end_on": "2026-02-16", "amount": "23456.00",
              "compliant_amount": "21000.00", "hospital": "苏州大学附属第一医院", "hospital_level": "三级"}]
    claim = manual_claim.accept_claim(
        ctx, HEAD[0], bills,
        ["医保电子凭证或有效身份证件或社保卡", "医疗收费票据", "费用明细清单", "本人银行借记卡"],
        offsite="其他临时外出就医人员")

    clock.moment = MORNING  # the pictures of the enrollment are printed while the family waits
    found: dict[str, object] = {}
    for paper, suffix in PAPERS:
        notice, slip = printing.visit_documents(ctx, mother.receipt_serial, paper=paper)
        found[f"receipt-{suffix}"] = slip
        found[f"payment-notice-{suffix}"] = notice
    found["payment-notice-assisted-a5"] = printing.payment_notice(ctx, grandmother.receipt_serial,
                                                                  paper=Paper.A5)
    clock.moment = MORNING.replace(minute=41)
    for paper, suffix in PAPERS[:2]:
        found[f"processing-slip-{suffix}"] = printing.processing_slip(ctx, moved.receipt_serial,
                                                                      paper=paper)
    clock.moment = MORNING.replace(hour=11, minute=2)
    for paper, suffix in PAPERS:
        found[f"offsite-receipt-{suffix}"] = printing.visit_documents(ctx, filing.receipt_serial,
                                                                      paper=paper)[0]
    clock.moment = MORNING.replace(hour=11, minute=20)
    found["certificate-a4"] = certificate.document(ctx, proof.receipt_serial)
    clock.moment = MORNING.replace(hour=11, minute=26)
    for paper, suffix in PAPERS[::2]:
        found[f"chronic-receipt-{suffix}"] = printing.visit_documents(ctx, special.receipt_serial, paper=paper)[0]
    clock.moment = CLAIM_DAY
    found["checklist-a4"] = printing.checklist_for(ctx, claim.receipt_serial)
    found["checklist-large-a4"] = printing.checklist_for(ctx, claim.receipt_serial, large_print=True)
    for paper, suffix in PAPERS[:2]:
        found[f"estimate-{suffix}"] = printing.reimbursement_estimate(ctx, claim.receipt_serial,
                                                                      paper=paper)
    clock.moment = EVENING
    found["day-report-a4"] = printing.day_report(ctx, date(2025, 11, 20), operator_id="zhangmin")
    # 补打: the mother's notice asked for again in February, after the 缴费截止日期 (audited)
    clock.moment = REPRINT_DAY
    found["payment-notice-reprint-a4"] = reprint.reprint_document(ctx, mother.receipt_serial, "payment_notice")
    db.close()
    return found


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--pdf-dir", type=Path)
    parser.add_argument("--dpi", type=int, default=80)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        pdf_dir = args.pdf_dir or work
        pdf_dir.mkdir(parents=True, exist_ok=True)
        for stem, document in documents(work).items():
            pdf = pdf_dir / f"{stem}.pdf"
            pdf.write_bytes(render(document))
            prefix = work / "png" / stem
            prefix.parent.mkdir(exist_ok=True)
            subprocess.run(["pdftoppm", "-png", "-r", str(args.dpi), str(pdf), str(prefix)],
                           check=True)
            for stale in [HERE / f"{stem}.png", *HERE.glob(f"{stem}-p[0-9]*.png")]:
                stale.unlink(missing_ok=True)
            pages = sorted(prefix.parent.glob(f"{stem}-*.png"))
            for number, page in enumerate(pages, start=1):
                target = HERE / (f"{stem}.png" if number == 1 else f"{stem}-p{number}.png")
                page.replace(target)
                print(target.name, target.stat().st_size)


if __name__ == "__main__":
    main()
