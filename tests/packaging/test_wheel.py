"""The wheel is the program: built from this tree, installed into a fresh venv, and run from a
folder that is not the checkout, it answers `calc` and renders a paper with the bundled packs
and fonts (a `pip install .` without them answered unknown_region to every request)."""

from __future__ import annotations

import json
import subprocess
import sys
import venv
import zipfile
from pathlib import Path

import pytest
from pypdf import PdfReader

ROOT = Path(__file__).resolve().parents[2]
pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def installed(tmp_path_factory) -> Path:
    """bin/ of a fresh venv holding only the wheel and its dependencies."""
    work = tmp_path_factory.mktemp("wheel")
    subprocess.run([sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps", "-w", str(work),
                    str(ROOT)], check=True, cwd=work)
    wheel = next(work.glob("yibao_desk-*.whl"))
    names = zipfile.ZipFile(wheel).namelist()
    assert "desktop/data/policies/changzhou-resident-2026.yaml" in names
    assert "desktop/resources/fonts/DroidSansFallbackFull.ttf" in names
    env_dir = work / "venv"
    venv.create(env_dir, with_pip=True)
    subprocess.run([str(env_dir / "bin" / "python"), "-m", "pip", "install", "--quiet", str(wheel)],
                   check=True, cwd=work)
    return env_dir / "bin"


def _run(bin_dir: Path, cwd: Path, *args: str, stdin: str = "") -> subprocess.CompletedProcess:
    return subprocess.run([str(bin_dir / "yibao-desk"), *args], input=stdin, capture_output=True,
                          text=True, cwd=cwd, timeout=120,
                          env={"PATH": "/usr/bin:/bin", "HOME": str(cwd),
                               "YIBAO_DESK_CACHE": str(cwd / "cache")})


def test_calc_from_the_installed_wheel_in_another_folder(installed, tmp_path):
    request = {"calc": "inpatient", "region": "天宁区", "year": 2026, "scheme": "resident",
               "category": "老年居民", "hospital_level": 2, "admission": 1, "compliant_cost": "10000"}
    done = _run(installed, tmp_path, "calc", stdin=json.dumps(request))
    assert done.returncode == 0, done.stdout + done.stderr
    answer = json.loads(done.stdout)
    # 002 §三(一): 二级 deductible 600; (10000 − 600) × 80 % = 7520; the person 600 + 1880 = 2480
    assert (answer["deductible"], answer["basic"], answer["personal"]) == ("600.00", "7520.00", "2480.00")


def test_render_from_the_installed_wheel_embeds_the_bundled_fonts(installed, tmp_path):
    request = {"calc": "materials", "region": "天宁区", "year": 2026, "scheme": "resident",
               "item": "异地就医备案", "person_type": "异地长期居住人员"}
    (tmp_path / "req.json").write_text(json.dumps(request, ensure_ascii=False), encoding="utf-8")
    out = tmp_path / "list.pdf"
    done = _run(installed, tmp_path, "render", "checklist", "--input", "req.json", "--out", str(out))
    assert done.returncode == 0, done.stdout + done.stderr
    reader = PdfReader(out)
    assert "一次性告知单" in reader.pages[0].extract_text()
    fonts = {str(f.get("/BaseFont")) for page in reader.pages
             for f in (page["/Resources"].get("/Font") or {}).values()}
    assert any("YB-" in name or "Droid" in name for name in fonts), fonts
