"""Tick boxes for the materials a business needs (the pack's `materials` answer).

What is still missing is the services' judgement (任选其一 groups, conditional items); this box
only lists the items with their notes and reports which are ticked."""

from __future__ import annotations

from PySide6.QtWidgets import QCheckBox, QLabel, QVBoxLayout, QWidget

from desktop.errors import Refusal
from desktop.policy.citation import step_cited
from desktop.ui.deps import Deps


class MaterialsBox(QWidget):
    def __init__(self, deps: Deps, item: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.deps = deps
        self.item = item
        self.answer: dict | None = None
        self.boxes: list[QCheckBox] = []
        self.notes: list[QLabel] = []
        self.lay = QVBoxLayout(self)
        self.lay.setContentsMargins(0, 0, 0, 0)
        self.lay.setSpacing(2)
        self.note = QLabel("")
        self.note.setWordWrap(True)
        self.lay.addWidget(self.note)

    def load(self, person_type: str | None = None, year: int | None = None, scheme: str = "resident") -> None:
        for widget in [*self.boxes, *self.notes]:
            self.lay.removeWidget(widget)
            widget.setParent(None)
            widget.deleteLater()
        self.boxes = []
        self.notes: list[QLabel] = []
        request = {"calc": "materials", "region": self.deps.hall.region, "year": year or self.deps.default_year(),
                   "item": self.item, "channel": "窗口", "scheme": scheme}
        if person_type:
            request["person_type"] = person_type
        try:
            try:
                self.answer = self.deps.answer(request)
            except Refusal as refusal:
                if refusal.code != "unknown_channel":
                    raise
                del request["channel"]  # the source lists this item for another channel only
                self.answer = self.deps.answer(request)
        except Refusal as refusal:
            self.answer = None
            self.note.setText("ℹ " + refusal.message)
            return
        self.note.setText(f"依据：{step_cited(self.answer)}")
        for m in self.answer["materials"]:
            # the name on the box, the note wrapped below it (long notes must not widen the page)
            box = QCheckBox(m["name"])
            box.setProperty("material", m["name"])
            self.lay.addWidget(box)
            self.boxes.append(box)
            if m.get("note"):
                note = QLabel(m["note"])
                note.setWordWrap(True)
                note.setContentsMargins(24, 0, 0, 0)
                note.setObjectName("note")
                self.lay.addWidget(note)
                self.notes.append(note)

    def received(self) -> list[str]:
        return [b.property("material") for b in self.boxes if b.isChecked()]

    def tick(self, *names: str) -> None:
        for b in self.boxes:
            if b.property("material") in names:
                b.setChecked(True)

    def clear_ticks(self) -> None:
        for b in self.boxes:
            b.setChecked(False)
