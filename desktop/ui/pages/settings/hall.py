"""设置 › the hall: as configured at first start, and the hall settings (`hall.set_setting`: the
figures the policy packs leave open, the idle-lock minutes, the archive folder, how many daily
backups to keep)."""

from __future__ import annotations

from PySide6.QtWidgets import QFormLayout, QGroupBox, QLabel, QLineEdit, QPushButton

from desktop.errors import Refusal
from desktop.ui.deps import Deps
from desktop.ui.widgets import add_field


class HallSettings:
    """The page's hall boxes and 保存设置 (a part of `SettingsPage`)."""

    def _build_hall(self, deps: Deps) -> tuple[QGroupBox, QGroupBox]:
        # the hall, as configured at first start
        h = deps.hall
        hall_box = QGroupBox("本机所属大厅与窗口（首次设置时确定）")
        hf = QFormLayout(hall_box)
        self.hall_text = QLabel(f"{h.hall_name}　统筹区：{h.region}　大厅编码：{h.hall_code}　窗口：{h.window}")
        self.hall_text.setWordWrap(True)
        hf.addRow(self.hall_text)

        # hall settings (services.hall)
        from desktop.services import hall

        self.setting_edits: dict[str, QLineEdit] = {}
        param_box = QGroupBox("大厅参数与本机设置")
        pf = QFormLayout(param_box)
        current = hall.settings(deps.db) if deps.db is not None else {}
        labels = {**hall.policy_setting_keys(), **{k: v[0] for k, v in hall.OTHER_SETTINGS.items()}}
        for key, label in labels.items():
            value = current.get(key)
            edit = QLineEdit("" if value is None else str(value))
            if key in hall.OTHER_SETTINGS:
                edit.setPlaceholderText(f"默认：{hall.OTHER_SETTINGS[key][2] or '数据库旁的 archive 文件夹'}")
            else:
                edit.setPlaceholderText("未填写：相关测算会提示并拒绝")
            self.setting_edits[key] = edit
            add_field(pf, label, edit, self.errors, key)
        self.save_button = QPushButton("保存设置")
        self.save_button.clicked.connect(self.save)
        self.saved_note = QLabel("")
        self.saved_note.setWordWrap(True)
        pf.addRow("", self.save_button)
        pf.addRow("", self.saved_note)

        if deps.db is None:
            self.save_button.setEnabled(False)
        return hall_box, param_box

    def save(self) -> None:
        """Each changed setting through `hall.set_setting` (administrator only, audited)."""
        from desktop.services import hall

        ctx = self.deps.context()
        if ctx is None:
            return
        self.errors.clear()
        self.saved_note.setText("")
        current = hall.settings(self.deps.db)
        changed = []
        for key, edit in self.setting_edits.items():
            text = edit.text().strip()
            before = current.get(key)
            if text == ("" if before is None else str(before)):
                continue
            try:
                hall.set_setting(ctx, key, text or None)
            except Refusal as refusal:
                if refusal.code == "unchanged":
                    continue
                self.errors.show(refusal)
                edit.setFocus()
                return
            changed.append(key)
        self.deps.settings = hall.policy_settings(self.deps.db)
        self.saved_note.setText(f"✔ 已保存 {len(changed)} 项设置" if changed else "没有需要保存的变化")
        self.hall_changed.emit()
        self.status_message.emit(self.saved_note.text())
