import subprocess
import sys
from pathlib import Path

from reportlab.pdfbase import pdfmetrics

from desktop import shipped
from desktop.documents import fonts
from desktop.documents.fonts import CHAIN, font_for, runs, string_width

LICENCES = ["LICENSE-DejaVu.txt", "LICENSE-Apache-2.0.txt", "LICENSE-Hanazono.txt",
            "ARPHICPL.TXT", "COPYRIGHT-BabelStoneHan.txt", "README.md"]


def test_every_font_and_licence_ships_and_the_fonts_stay_under_40_mb():
    folder = shipped.fonts_dir()
    for face in CHAIN:
        assert (folder / face.file).is_file(), face.file
    for name in LICENCES:
        assert (folder / name).is_file(), name
    assert sum((folder / face.file).stat().st_size for face in CHAIN) < 40 * 2**20


def test_shipped_files_follow_a_pyinstaller_bundle(monkeypatch, tmp_path):
    assert (shipped.resources_dir() / "fonts").is_dir()
    assert (shipped.policies_dir() / "changzhou-resident-2026.yaml").is_file()
    monkeypatch.setattr(sys, "_MEIPASS", str(tmp_path), raising=False)
    assert shipped.resources_dir() == tmp_path / "desktop" / "resources"
    assert shipped.policies_dir() == tmp_path / "desktop" / "data" / "policies"


def test_characters_go_to_the_first_font_that_has_them():
    assert font_for("A") == fonts.LATIN.name
    assert font_for("8") == fonts.LATIN.name
    assert font_for("王") == fonts.CJK.name
    assert font_for("䶮") == fonts.CJK.name  # Extension A
    assert font_for("𠇹") == "YB-CJK-ExtB-F"  # Extension B
    assert font_for("𰻝") == "YB-CJK-ExtG"  # Extension G
    assert font_for("·") == fonts.LATIN.name  # the middle dot of minority names


def test_runs_join_neighbours_of_one_font():
    assert runs("王𠇹 830.00 元") == [(fonts.CJK.name, "王"), ("YB-CJK-ExtB-F", "𠇹"),
                                     (fonts.LATIN.name, " 830.00 "), (fonts.CJK.name, "元")]
    assert "".join(chunk for _, chunk in runs("阿依古丽·买买提 𰻝")) == "阿依古丽·买买提 𰻝"


def test_width_adds_up_the_runs():
    width = string_width("王A", 10)
    assert width == pdfmetrics.stringWidth("王", fonts.CJK.name, 10) + pdfmetrics.stringWidth(
        "A", fonts.LATIN.name, 10)


def test_importing_the_documents_touches_no_font_and_no_qt():
    code = ("import sys, desktop.documents\n"
            "from reportlab.pdfbase import pdfmetrics\n"
            "assert not [n for n in pdfmetrics.getRegisteredFontNames() if n.startswith('YB-')]\n"
            "assert 'PySide6' not in sys.modules\n")
    root = Path(__file__).resolve().parents[2]
    subprocess.run([sys.executable, "-c", code], check=True, cwd=root)
