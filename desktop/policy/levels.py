"""Hospital levels (医疗机构级别) as the sources and the window name them."""

from __future__ import annotations

NAMES: dict[int, str] = {1: "一级", 2: "二级", 3: "三级"}
