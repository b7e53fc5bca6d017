"""`yibao-desk calc` as a hall's script would run it: a real process, JSON in, JSON out, exit status."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PACK_2026 = ROOT / "desktop" / "data" / "policies" / "changzhou-resident-2026.yaml"

CONTRIBUTION = {"calc": "contribution", "region": "钟楼区", "year": 2026, "category": "非从业居民"}
INPATIENT = {"calc": "inpatient", "region": "天宁区", "year": 2026, "scheme": "resident", "category": "老年居民",
             "hospital_level": 2, "admission": 1, "compliant_cost": "10000"}


def calc(stdin: str, *args: str, prefix: list[str] | None = None) -> tuple[int, str, str]:
    cmd = prefix or [sys.executable, "-m", "desktop.cli"]
    done = subprocess.run([*cmd, "calc", *args], input=stdin.encode("utf-8"), capture_output=True, cwd=ROOT,
                          timeout=60)
    return done.returncode, done.stdout.decode("utf-8"), done.stderr.decode("utf-8")


def test_single_request():
    code, out, err = calc(json.dumps(CONTRIBUTION))
    assert code == 0 and "Traceback" not in err
    body = json.loads(out)
    # 002 §一(三): 钟楼区 非从业居民 800 + 长护险 30 = 830
    assert (body["standard"], body["ltc"], body["assisted"], body["personal"]) == ("830.00", "30.00", "0.00", "830.00")


def test_chinese_is_not_escaped():
    code, out, _ = calc(json.dumps(INPATIENT))
    assert code == 0
    assert "老年居民" in out and "起付标准" in out and "\\u" not in out
    body = json.loads(out)
    # 起付 600, 80%: (10000-600)*0.8 = 7520
    assert (body["deductible"], body["basic"], body["personal"]) == ("600.00", "7520.00", "2480.00")


def test_console_script_entry_point():
    script = Path(sys.executable).parent / "yibao-desk"
    if not script.exists():
        pytest.skip("console script not installed in this environment")
    code, out, _ = calc(json.dumps(CONTRIBUTION), prefix=[str(script)])
    assert code == 0 and json.loads(out)["personal"] == "830.00"


def test_input_file(tmp_path):
    request = tmp_path / "request.json"
    request.write_text(json.dumps(CONTRIBUTION, ensure_ascii=False), encoding="utf-8")
    code, out, _ = calc("", "--input", str(request))
    assert code == 0 and json.loads(out)["personal"] == "830.00"


def test_batch_with_a_refusal_in_the_middle():
    batch = [CONTRIBUTION, {**CONTRIBUTION, "category": "退休人员"}, INPATIENT]
    code, out, err = calc(json.dumps(batch, ensure_ascii=False))
    assert code == 2 and "Traceback" not in err
    answers = json.loads(out)
    assert len(answers) == 3
    assert answers[0]["personal"] == "830.00"
    assert answers[1]["error"]["code"] == "unknown_category" and answers[1]["error"]["field"] == "category"
    assert "退休人员" in answers[1]["error"]["message"]
    assert answers[2]["basic"] == "7520.00"


def test_batch_all_answered_exits_zero():
    code, out, _ = calc(json.dumps([CONTRIBUTION, INPATIENT]))
    assert code == 0 and [a.get("personal") for a in json.loads(out)] == ["830.00", "2480.00"]


@pytest.mark.parametrize("text", ["{not json", '[{"calc": "contribution"},'])
def test_invalid_json(text):
    code, out, err = calc(text)
    assert code == 2 and "Traceback" not in err
    error = json.loads(out)["error"]
    assert error["code"] == "invalid_json" and "JSON" in error["message"]


def test_bad_requests_are_refused_without_traceback():
    # one batch (one process) of malformed items: each answered in its place by its refusal
    batch = [
        ({"calc": "fee"}, "unknown_calc"),
        ({"calc": ["contribution"]}, "unknown_calc"),
        ("contribution", "invalid_json"),
        ({**INPATIENT, "compliant_cost": "NaN"}, "invalid_amount"),
        ({**INPATIENT, "compliant_cost": 1e300}, "invalid_amount"),
        ({"calc": "benefit_start", "region": "新北区", "year": 2026, "paid_on": "2026-02-30"}, "invalid_date"),
    ]
    code, out, err = calc(json.dumps([r for r, _ in batch], ensure_ascii=False))
    assert code == 2 and "Traceback" not in err
    assert [a["error"]["code"] for a in json.loads(out)] == [c for _, c in batch]


def test_setting_is_accepted():
    # a hall setting the 2026 pack does not use (天津's income) leaves the answer unchanged
    code, out, _ = calc(json.dumps(CONTRIBUTION), "--setting", "resident_disposable_income_last_year=50000")
    assert code == 0 and json.loads(out)["personal"] == "830.00"


def test_a_setting_no_pack_reads_is_refused():
    # issue 15.11: critical_illness_threshold was taken and silently ignored (天津's 大病保险 起付线 is 50 %
    # of the income, 004 §九(二)); a key no pack reads is now refused, naming the keys that exist
    code, out, err = calc(json.dumps(CONTRIBUTION), "--setting", "critical_illness_threshold=27500")
    assert code == 2 and "Traceback" not in err
    error = json.loads(out)["error"]
    assert (error["code"], error["field"]) == ("unknown_setting", "setting")
    assert "critical_illness_threshold" in error["message"] and "resident_disposable_income_last_year" in error["message"]


def test_help_names_a_setting_that_exists():
    code, out, _ = calc("", "--help")
    assert code == 0 and "critical_illness_threshold" not in out and "resident_disposable_income_last_year" in out


@pytest.mark.parametrize("setting", ["resident_disposable_income_last_year=abc", "=5"])
def test_malformed_setting_is_refused(setting):
    code, out, err = calc(json.dumps(CONTRIBUTION), "--setting", setting)
    assert code == 2 and "Traceback" not in err
    error = json.loads(out)["error"]
    assert (error["code"], error["field"]) == ("invalid_amount", "setting") and setting in error["message"]


def test_setting_reaches_the_calculator(tmp_path):
    # the real CLI over a pack whose 大病保险 threshold is a hall setting (packs read from a bundle dir)
    policies = tmp_path / "desktop" / "data" / "policies"
    policies.mkdir(parents=True)
    text = PACK_2026.read_text(encoding="utf-8")
    # 2026 takes its threshold from 2024 (inherits.same): give it its own, as a setting
    anchor = "  # threshold, bands, assisted: as 2024 (inherits.same)\n"
    assert text.count(anchor) == 1
    text = text.replace(anchor, "  threshold: {setting: critical_illness_threshold, label: 大病保险起付标准}\n")
    text = text.replace("critical_illness.threshold, ", "")
    (policies / "changzhou-resident-2026.yaml").write_text(text, encoding="utf-8")
    shutil.copy(PACK_2026.with_name("changzhou-resident-2024.yaml"), policies)  # the pack 2026 inherits from
    runner = [sys.executable, "-c",
              "import sys; sys._MEIPASS = sys.argv.pop(1); from desktop.cli import main; sys.exit(main())",
              str(tmp_path)]
    request = json.dumps({**INPATIENT, "hospital_level": 3, "compliant_cost": "300000"})
    code, out, _ = calc(request, prefix=runner)
    error = json.loads(out)["error"]
    assert code == 2 and (error["code"], error["field"]) == ("missing_setting", "critical_illness_threshold")
    # L3 300000: basic 299000*0.7 = 209300, burden 90700; threshold 30000: (90700-30000)*0.6 = 36420
    code, out, _ = calc(request, "--setting", "critical_illness_threshold=30000", prefix=runner)
    assert code == 0 and json.loads(out)["critical_illness"] == "36420.00"


def test_long_batch_is_exactly_the_json_of_the_answers(tmp_path):
    """A batch is written as it is answered, in chunks; the text is still one json.dumps of the list."""
    from desktop.commands.calc import CHUNK
    from desktop.policy.api import answer_or_error

    kinds = [
        CONTRIBUTION, INPATIENT, {**CONTRIBUTION, "year": 2031},  # the last refused (no pack)
        {"calc": "benefit_start", "region": "新北区", "year": 2026, "paid_on": "2025-12-01"},
        {"calc": "materials", "region": "武进区", "year": 2026, "item": "参保登记"},
    ]
    batch = []
    for i in range(2 * CHUNK + 7):
        request = dict(kinds[i % len(kinds)])
        if "compliant_cost" in request:
            request["compliant_cost"] = f"{100 + i * 37}.{i % 100:02d}"
        batch.append(request)
    path = tmp_path / "batch.json"
    path.write_text(json.dumps(batch, ensure_ascii=False), encoding="utf-8")
    code, out, err = calc("", "--input", str(path))
    assert code == 2 and "Traceback" not in err  # refusals inside: status 2, every item answered
    assert out == json.dumps([answer_or_error(r) for r in batch], ensure_ascii=False) + "\n"


def test_batch_shared_among_worker_processes_is_the_same_text(tmp_path):
    """`--jobs 2` answers slices in two worker processes; the text is byte for byte that of one
    process, in the batch's order, with the same exit status and hall settings applied."""
    from desktop.commands.calc import WORKER_CHUNK, jobs_for

    batch = []
    for i in range(2 * WORKER_CHUNK + 11):  # three slices, the last a short one
        request = dict([CONTRIBUTION, INPATIENT, {**CONTRIBUTION, "year": 2031}][i % 3])
        if "compliant_cost" in request:
            request["compliant_cost"] = f"{100 + i * 37}.{i % 100:02d}"
        batch.append(request)
    path = tmp_path / "batch.json"
    path.write_text(json.dumps(batch, ensure_ascii=False), encoding="utf-8")
    one = calc("", "--input", str(path), "--jobs", "1", "--setting", "elderly_from_age=60")
    two = calc("", "--input", str(path), "--jobs", "2", "--setting", "elderly_from_age=60")
    assert one[0] == two[0] == 2 and "Traceback" not in two[2]
    assert one[1] == two[1] and len(json.loads(two[1])) == len(batch)
    assert jobs_for(100, None) == 1 and jobs_for(100, 3) == 3 and jobs_for(10**6, None) >= 1


def test_empty_batch():
    code, out, _ = calc("[]")
    assert (code, out) == (0, "[]\n")
