"""ID card readers (身份证阅读器), Qt-free.

Vendor SDKs (termb.dll style: InitComm(port) → Authenticate → Read_Content → read the fields
→ CloseComm) sit behind `CardReader`. Most halls' readers can also act as a keyboard wedge,
typing the number and Enter into the focused field: that needs no adapter at all (the ID
field handles it). `SimulatedReader` serves tests and the demo mode.
"""

from __future__ import annotations

import ctypes
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from typing import Protocol

from desktop.errors import Refusal


@dataclass(frozen=True)
class CardData:
    name: str
    sex: str  # 男 / 女
    ethnicity: str  # 民族, e.g. 汉
    birth_date: date
    address: str
    id_number: str
    issuer: str = ""  # 签发机关
    valid_until: str = ""  # 有效期限 (text: "2035.03.02" or "长期")


class CardReader(Protocol):
    def open(self, port: int | None = None) -> None: ...
    def read(self) -> CardData: ...
    def close(self) -> None: ...


class ReaderError(Refusal):
    def __init__(self, message: str) -> None:
        super().__init__("reader_error", message, "id_number")


class SimulatedReader:
    """Hands out the given cards one per `read()`; raises like a real reader when none is on it."""

    def __init__(self, cards: Iterable[CardData] = ()) -> None:
        self.cards = list(cards)
        self.is_open = False

    def put(self, card: CardData) -> None:
        self.cards.append(card)

    def open(self, port: int | None = None) -> None:
        self.is_open = True

    def read(self) -> CardData:
        if not self.is_open:
            raise ReaderError("读卡器未打开，请检查连接后重试")
        if not self.cards:
            raise ReaderError("未检测到身份证，请将证件放在读卡区后重试")
        return self.cards.pop(0)

    def close(self) -> None:
        self.is_open = False


class TermbReader:
    """A termb.dll-style SDK (Windows). Field files follow the common wz.txt layout (UCS-2).

    Only the calls are wrapped here; which DLL and which port a hall uses is a setting.
    """

    def __init__(self, dll_path: str = "termb.dll") -> None:
        self.dll_path = dll_path
        self.lib = None

    def open(self, port: int | None = None) -> None:
        try:
            self.lib = ctypes.WinDLL(self.dll_path)  # type: ignore[attr-defined]
        except (AttributeError, OSError) as exc:
            raise ReaderError(f"无法加载读卡器驱动 {self.dll_path}：{exc}") from None
        ports = [port] if port else [1001, 1002, 1003, 1004, 1, 2, 3, 4]  # USB first, then COM
        for p in ports:
            if self.lib.InitComm(p) == 1:
                return
        raise ReaderError("未找到读卡器，请检查读卡器连接和端口设置")

    def read(self) -> CardData:
        if self.lib is None:
            raise ReaderError("读卡器未打开，请检查连接后重试")
        if self.lib.Authenticate() != 1:
            raise ReaderError("未检测到身份证，请将证件放在读卡区后重试")
        if self.lib.Read_Content(1) != 1:
            raise ReaderError("读卡失败，请重新放置证件")
        return parse_wz(open("wz.txt", "rb").read())

    def close(self) -> None:
        if self.lib is not None:
            self.lib.CloseComm()
            self.lib = None


NATIONS = {"01": "汉", "02": "蒙古", "03": "回", "04": "藏", "05": "维吾尔", "06": "苗", "07": "彝", "08": "壮",
           "09": "布依", "10": "朝鲜", "11": "满", "12": "侗", "13": "瑶", "14": "白", "15": "土家"}


def parse_wz(raw: bytes) -> CardData:
    """The 256-byte UCS-2 text block of a second-generation card: fixed-width fields."""
    text = raw[:256].decode("utf-16-le", errors="replace")
    name, sex, nation = text[0:15].strip(), text[15:16], text[16:18]
    birth, address, number = text[18:26], text[26:61].strip(), text[61:79].strip()
    issuer, _start, end = text[79:94].strip(), text[94:102], text[102:110].strip()
    return CardData(
        name=name, sex={"1": "男", "2": "女"}.get(sex, "未知"), ethnicity=NATIONS.get(nation, nation),
        birth_date=date(int(birth[:4]), int(birth[4:6]), int(birth[6:8])), address=address, id_number=number,
        issuer=issuer, valid_until=end if end == "长期" else f"{end[:4]}.{end[4:6]}.{end[6:8]}",
    )
