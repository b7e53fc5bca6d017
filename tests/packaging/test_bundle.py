"""The PyInstaller build (`make package`) works as a program: calc answers like the source tree,
render embeds the fonts, the policy packs, fonts and Qt plugins are inside.

Skipped when dist/yibao-desk/ has not been built, so `make test` stays fast.
"""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
DIST = ROOT / "dist" / "yibao-desk"
WINDOWS = sys.platform == "win32"
EXE = DIST / ("yibao-desk-cli.exe" if WINDOWS else "yibao-desk")

def _stale() -> str | None:
    """Why the build does not match the tree (then its answers may differ), or None."""
    import importlib.util

    spec = importlib.util.spec_from_file_location("source_hash", ROOT / "packaging" / "source_hash.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    internal = DIST / "_internal" if (DIST / "_internal").is_dir() else DIST
    stamp = internal / module.FILE_NAME
    if not stamp.exists():
        return "the build records no source hash"
    if stamp.read_text(encoding="ascii").strip() != module.source_hash(ROOT):
        return "desktop/ (code, packs, resources) changed since"
    return None


# `make package` sets YIBAO_DESK_BUNDLE_CHECK=1: the bundle it just built is tested even if
# someone edited the tree during the build; elsewhere (`make test`) a stale bundle is skipped.
_why_stale = _stale() if EXE.exists() and os.environ.get("YIBAO_DESK_BUNDLE_CHECK") != "1" else None
pytestmark = [
    pytest.mark.skipif(not EXE.exists(), reason=f"no PyInstaller build at {DIST} (run `make package`)"),
    pytest.mark.skipif(_why_stale is not None,
                       reason=f"the build at {DIST} is stale ({_why_stale}): run `make package`"),
]

REQUESTS = [
    {"calc": "inpatient", "region": "天宁区", "year": 2026, "scheme": "resident", "category": "老年居民",
     "hospital_level": 2, "admission": 1, "compliant_cost": "10000"},
    {"calc": "contribution", "region": "钟楼区", "year": 2026, "category": "非从业居民"},
    {"calc": "benefit_start", "region": "新北区", "year": 2026, "paid_on": "2025-12-01"},
    {"calc": "materials", "region": "武进区", "year": 2026, "item": "参保登记"},
    {"calc": "employee_contribution", "region": "武进区", "year": 2024, "member": "employee",
     "monthly_base": "6000"},
    {"calc": "contribution", "region": "钟楼区", "year": 2031, "category": "非从业居民"},  # refused
]


def _run(args: list[str], stdin: str | None = None, tmp_path: Path | None = None) -> subprocess.CompletedProcess:
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    if tmp_path is not None:  # never touch the user's real data directory
        env["YIBAO_DESK_HOME"] = str(tmp_path)
    return subprocess.run([str(EXE), *args], input=stdin, capture_output=True, env=env, timeout=120,
                          encoding="utf-8")


def _in_process(request: dict) -> dict:
    from desktop.policy.api import answer_or_error

    return json.loads(json.dumps(answer_or_error(request, settings={}), ensure_ascii=False))


def test_bundle_holds_packs_fonts_and_qt_plugins():
    internal = DIST / "_internal" if (DIST / "_internal").is_dir() else DIST
    packs = sorted(p.name for p in (internal / "desktop" / "data" / "policies").glob("*.yaml"))
    assert packs == sorted(p.name for p in (ROOT / "desktop" / "data" / "policies").glob("*.yaml"))
    fonts = {p.name for p in (internal / "desktop" / "resources" / "fonts").glob("*.ttf")}
    assert {p.name for p in (ROOT / "desktop" / "resources" / "fonts").glob("*.ttf")} <= fonts
    plugins = list(internal.rglob("plugins/platforms/*"))
    names = " ".join(p.name for p in plugins)
    assert ("qwindows" if WINDOWS else "qxcb") in names, names
    assert "qoffscreen" in names, names
    # pdfium: the print preview's page images and printing on the chosen printer and paper
    pdfium = [p.name for p in internal.rglob("*pdfium*") if p.suffix in (".dll", ".so", ".dylib")]
    assert pdfium, "no pdfium library in the bundle"


def test_calc_one_request_answers_like_the_source_tree(tmp_path):
    request = REQUESTS[0]
    done = _run(["calc"], json.dumps(request, ensure_ascii=False), tmp_path)
    assert done.returncode == 0, done.stderr
    answer = json.loads(done.stdout)
    assert answer == _in_process(request)
    assert answer["deductible"] == "600.00" and answer["personal"] == "2480.00"


def test_calc_batch_answers_in_order_and_refuses_in_place(tmp_path):
    done = _run(["calc"], json.dumps(REQUESTS, ensure_ascii=False), tmp_path)
    assert done.returncode == 2, done.stderr  # one request asks for a year without a pack
    assert json.loads(done.stdout) == [_in_process(r) for r in REQUESTS]
    assert "Traceback" not in done.stderr


def test_calc_bad_json_is_refused_without_traceback(tmp_path):
    done = _run(["calc"], "{not json", tmp_path)
    assert done.returncode == 2
    assert json.loads(done.stdout)["error"]["code"] == "invalid_json"
    assert "Traceback" not in done.stderr


def test_window_starts_offscreen(tmp_path):
    """The frozen window starts (Qt platform plugin, pages, packs, fonts all load) and keeps
    running until it is closed; a demo hall in a private data and settings folder."""
    exe = DIST / ("yibao-desk.exe" if WINDOWS else "yibao-desk")
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "YIBAO_DESK_HOME": str(tmp_path / "home"),
           "XDG_CONFIG_HOME": str(tmp_path / "config"), "YIBAO_DESK_DEMO": "1"}
    proc = subprocess.Popen([str(exe)], stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env,
                            encoding="utf-8", errors="replace")
    try:
        proc.wait(timeout=8)
    except subprocess.TimeoutExpired:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        err = proc.stderr.read()
        assert "Traceback" not in err, err[-3000:]
        assert "could not load the Qt platform plugin" not in err, err[-3000:]
        return
    err = proc.stderr.read()
    pytest.fail(f"the window exited by itself with status {proc.returncode}:\n{err[-3000:]}")


def _render_parser():
    """The `render` subcommand's parser in desktop/cli.py, or None while it does not exist."""
    import argparse

    from desktop.cli import build_parser

    for action in build_parser()._actions:
        if isinstance(action, argparse._SubParsersAction) and "render" in action.choices:
            return action.choices["render"]
    return None


def _render_args(parser, out: Path) -> list[str] | None:
    """Arguments that render a sample receipt to `out`, found from render's own options."""
    options = {s for a in parser._actions for s in a.option_strings}
    positionals = [a for a in parser._actions if not a.option_strings]
    args = ["render"]
    for action in positionals:
        choices = list(action.choices or [])
        pick = next((c for c in choices if "receipt" in str(c)), choices[0] if choices else None)
        if pick is None:
            return None
        args.append(str(pick))
    if "--sample" in options:
        args.append("--sample")
    for flag in ("--output", "-o", "--out"):
        if flag in options:
            return [*args, flag, str(out)]
    return None


def _embedded_fonts(pdf: bytes) -> list[str]:
    from pypdf import PdfReader

    names = []
    for page in PdfReader(io.BytesIO(pdf)).pages:
        for font in (page["/Resources"].get("/Font") or {}).values():
            font = font.get_object()
            for desc in [font, *[d.get_object() for d in font.get("/DescendantFonts", [])]]:
                descriptor = desc.get("/FontDescriptor")
                if descriptor is not None and "/FontFile2" in descriptor.get_object():
                    names.append(str(desc["/BaseFont"]))
    return names


def test_render_embeds_the_font(tmp_path):
    parser = _render_parser()
    if parser is None:
        pytest.skip("desktop/cli.py has no `render` subcommand yet")
    out = tmp_path / "receipt.pdf"
    args = _render_args(parser, out)
    if args is None:
        pytest.skip(f"render's arguments not recognised by this test: {parser.format_usage().strip()}")
    done = _run(args, None, tmp_path)
    assert done.returncode == 0, done.stderr
    fonts = _embedded_fonts(out.read_bytes())
    assert fonts, "no embedded TrueType font in the PDF"
    assert any("Droid" in f or "DejaVu" in f for f in fonts), fonts
