"""docs/documents/make_screenshots.py builds the README's pictures from real records: the same
stems as the pictures in docs/documents/, every document rendered, nothing typed in."""

import importlib.util
import io
import re
from pathlib import Path

import pytest
from pypdf import PdfReader

from desktop.documents import render

SCRIPT = Path(__file__).resolve().parents[2] / "docs" / "documents" / "make_screenshots.py"


@pytest.fixture(scope="module")
def documents(tmp_path_factory):
    spec = importlib.util.spec_from_file_location("make_screenshots", SCRIPT)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.documents(tmp_path_factory.mktemp("hall"))


def test_one_document_per_picture(documents):
    pictures = {re.sub(r"-p\d+$", "", p.stem) for p in SCRIPT.parent.glob("*.png")}
    assert set(documents) == pictures


def test_the_pictures_show_records_and_pack_facts(documents):
    for stem, document in documents.items():
        text = "".join("".join(p.extract_text().split())
                       for p in PdfReader(io.BytesIO(render(document))).pages)
        assert "武进区湖塘镇便民服务中心" in text and "张敏" in text, stem
        assert "样张" not in text and "0519-" not in text, stem
        if stem.startswith(("receipt", "payment-notice", "offsite-receipt", "checklist")):
            assert "12393" in text, stem  # the pack's hotline
