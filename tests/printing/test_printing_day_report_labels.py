"""The printed 日结报表 names every audited action in Chinese, account entries included."""

from __future__ import annotations

from desktop.services import printing


def test_account_and_hall_actions_have_chinese_labels():
    for key in [("account", "login"), ("account", "login_failed"), ("account", "change_password"),
                ("hall", "configure_hall"), ("setting", "set_setting"), ("pack", "import_pack")]:
        label = printing.DAY_LABELS[key]
        assert label and all(not ch.isascii() for ch in label), (key, label)
