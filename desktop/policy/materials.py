"""The one-time checklist: every material a business needs, for a person type and a channel."""

from __future__ import annotations

from dataclasses import dataclass

from desktop.errors import Refusal
from desktop.policy import memo
from desktop.policy.pack import Material, MaterialsVariant, Pack
from desktop.policy.trace import Trace


# slots, not frozen: one per request, never shared (a frozen __init__ costs ~2 µs here)
@dataclass(slots=True)
class Checklist:
    item: str
    variant: MaterialsVariant
    trace: Trace

    @property
    def materials(self) -> list[Material]:
        return self.variant.materials

    @property
    def where(self) -> list[str]:
        return self.variant.where


def note_of(m: Material) -> str | None:
    """原件/复印件, 份数, 任选其一 and any remark, as one line for the checklist's 要求 column."""
    parts = []
    if m.original is not None:
        parts.append("原件" if m.original else "复印件")
    if m.copies:
        parts.append(f"{m.copies}份")
    if m.any_of:
        parts.append(f"“{m.any_of}”任选其一")
    if m.note:
        parts.append(m.note)
    return "；".join(parts) or None


def materials(pack: Pack, item: str, person_type: str | None = None, channel: str | None = None) -> Checklist:
    table = memo.of(pack)
    entry = table.get(("materials", item))
    if entry is None:
        entry = next((m for m in pack.materials if item in (m.item, *m.aliases)), None)
        if entry is not None:
            table[("materials", item)] = entry
    if entry is None:
        known = "、".join(m.item for m in pack.materials) or "无"
        raise Refusal("unknown_item", f"{pack.shown_document()} 没有事项“{item}”的材料清单（可选：{known}）", "item")
    variants = entry.variants
    types = [v.person_type for v in variants if v.person_type]
    trace = Trace()
    if types and not person_type and len({(tuple(v.materials), tuple(v.where)) for v in variants}) == 1:
        # the source lists one column of materials for every person type (000 §六(四)'s 零星报销)
        trace.add(f"“{entry.item}”各人员类别（{'、'.join(dict.fromkeys(types))}）所需材料相同", None, variants[0].source)
    elif types:
        if not person_type:
            raise Refusal("missing_field", f"“{entry.item}”的材料因人员类别而不同，请选择人员类别（{'、'.join(dict.fromkeys(types))}）", "person_type")
        variants = [v for v in variants if v.person_type in (None, person_type)]
        if not variants:
            raise Refusal("unknown_person_type", f"“{entry.item}”没有人员类别“{person_type}”（可选：{'、'.join(dict.fromkeys(types))}）", "person_type")
    channels = [v.channel for v in variants if v.channel]
    if channels:
        wanted = channel or ("窗口" if "窗口" in channels else channels[0])
        picked = [v for v in variants if v.channel in (None, wanted)]
        if not picked:
            raise Refusal("unknown_channel", f"“{entry.item}”没有办理渠道“{channel}”（可选：{'、'.join(dict.fromkeys(channels))}）", "channel")
        variants = picked
        if not channel:
            trace.add(f"未指定渠道，按“{wanted}”办理列出材料", None, variants[0].source)
    variant = variants[0]
    trace.add(f"{entry.item}{'（' + person_type + '）' if person_type else ''}所需材料 {len(variant.materials)} 项", None, variant.source)
    return Checklist(entry.item, variant, trace)
