"""Validate and normalise a person's identity inputs: ID number, name, phone, dates.

Pure (no I/O, no Qt). Services, the roster import and the window's in-place validation all
call these functions, so a value is accepted or refused the same way everywhere. Every refusal
is a `desktop.errors.Refusal` whose message is a Chinese sentence naming the field.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from datetime import date, datetime

from desktop.errors import Refusal

__all__ = [
    "INVALID_DATE",
    "INVALID_ID_NUMBER",
    "INVALID_NAME",
    "INVALID_PHONE",
    "KIND_LABELS",
    "MAX_NAME_LENGTH",
    "MIN_BIRTH_YEAR",
    "PROVINCE_CODES",
    "PUA_TO_STANDARD",
    "IdNumber",
    "check_digit",
    "looks_like_id_fragment",
    "mask_id",
    "normalize_name",
    "normalize_phone",
    "parse_date",
    "parse_id_number",
]

INVALID_ID_NUMBER = "invalid_id_number"
INVALID_NAME = "invalid_name"
INVALID_PHONE = "invalid_phone"
INVALID_DATE = "invalid_date"

MIN_BIRTH_YEAR = 1890
MAX_NAME_LENGTH = 100

# Fullwidth ASCII (U+FF01..U+FF5E) and the ideographic space: what an IME in fullwidth mode types.
_HALFWIDTH = {cp: cp - 0xFEE0 for cp in range(0xFF01, 0xFF5F)} | {0x3000: 0x20}


def _halfwidth(text: str) -> str:
    return text.translate(_HALFWIDTH)


def _clip(text: str, limit: int = 24) -> str:
    """Keep echoed input short so a pasted paragraph does not become the message."""
    return text if len(text) <= limit else text[:limit] + "…"


# --------------------------------------------------------------------------------------------
# Invisible characters in free text
# --------------------------------------------------------------------------------------------

# Control (Cc), format (Cf: bidi overrides such as U+202E, zero-width characters, the BOM) and
# lone surrogates (Cs) are never typed on purpose: they hide or reorder what a paper, a list or
# a reviewer's screen shows, and xlsx cannot hold most controls. Private-use (Co) and characters
# this Python's Unicode tables do not know yet (Cn: Extensions H-J ideographs) are not invisible.
_INVISIBLE = ("Cc", "Cf", "Cs")


def invisible_character(text: str, *, allowed: str = "") -> tuple[int, str] | None:
    """The first control or format character in `text` (not in `allowed`): (1-based position,
    the character), or None. `str.isprintable` is the fast path: it is False for every one."""
    if text.isprintable():
        return None
    for position, char in enumerate(text, start=1):
        if char not in allowed and unicodedata.category(char) in _INVISIBLE:
            return position, char
    return None


def invisible_message(label: str, found: tuple[int, str]) -> str:
    position, char = found
    return f"{label}第{position}个字符（U+{ord(char):04X}）是不可见的控制字符或格式字符，请删除后重新输入"


def refuse_invisible(text: str, field: str, label: str) -> str:
    """`text`, or Refusal(`invalid_field`) naming the field and the first invisible character."""
    found = invisible_character(text)
    if found is not None:
        raise Refusal("invalid_field", invisible_message(label, found), field)
    return text


def visible(text: str) -> str:
    """`text` with each control or format character (other than tab and line breaks) spelled
    as [U+XXXX]: how a list shows a value stored before these were refused."""
    if text.isprintable():
        return text
    return "".join(
        f"[U+{ord(c):04X}]" if c not in "\t\n\r" and unicodedata.category(c) in _INVISIBLE else c
        for c in text
    )


# --------------------------------------------------------------------------------------------
# ID numbers (GB 11643-1999)
# --------------------------------------------------------------------------------------------

# First two digits: GB/T 2260 provincial codes, plus the address codes that the 港澳台居民居住证
# (2018) put in the same place: 810000 香港, 820000 澳门, 830000 台湾. Only the province is
# checked: county codes change every year (e.g. 320413 金坛区 since 2015) and a person keeps the
# number issued under the old code, so a county table would refuse real people.
PROVINCE_CODES: dict[str, str] = {
    "11": "北京市",
    "12": "天津市",
    "13": "河北省",
    "14": "山西省",
    "15": "内蒙古自治区",
    "21": "辽宁省",
    "22": "吉林省",
    "23": "黑龙江省",
    "31": "上海市",
    "32": "江苏省",
    "33": "浙江省",
    "34": "安徽省",
    "35": "福建省",
    "36": "江西省",
    "37": "山东省",
    "41": "河南省",
    "42": "湖北省",
    "43": "湖南省",
    "44": "广东省",
    "45": "广西壮族自治区",
    "46": "海南省",
    "50": "重庆市",
    "51": "四川省",
    "52": "贵州省",
    "53": "云南省",
    "54": "西藏自治区",
    "61": "陕西省",
    "62": "甘肃省",
    "63": "青海省",
    "64": "宁夏回族自治区",
    "65": "新疆维吾尔自治区",
    "71": "台湾省",
    "81": "香港特别行政区",
    "82": "澳门特别行政区",
    "83": "台湾地区",
}
# Provinces whose immigration offices issue the 2023 外国人永久居留身份证 (number "9" + province).
_MAINLAND_PROVINCES = frozenset(code for code in PROVINCE_CODES if code < "70")

KIND_LABELS: dict[str, str] = {
    "resident": "居民身份证",
    "hmt_residence_permit": "港澳台居民居住证",
    "foreign_permanent": "外国人永久居留身份证",
}

_ID_CHARS = frozenset("0123456789X")
_PLAIN_ID = re.compile("[0-9]{17}[0-9X]")


@dataclass(frozen=True, slots=True, repr=False)
class IdNumber:
    """A validated 18-digit number; `sex` is "男"/"女" (odd/even 17th digit)."""

    number: str
    birth_date: date
    sex: str
    region_code: str  # first 6 digits; for a 9-number: 9 + province + nationality code

    @property
    def kind(self) -> str:
        """Key of KIND_LABELS: which document carries this number."""
        if self.number[0] == "9":
            return "foreign_permanent"
        if self.number[:2] in ("81", "82", "83"):
            return "hmt_residence_permit"
        return "resident"

    @property
    def province(self) -> str:
        """Province of registration (for a 9-number: of the issuing immigration office)."""
        code = self.number[1:3] if self.number[0] == "9" else self.number[:2]
        return PROVINCE_CODES[code]

    def age_on(self, day: date) -> int:
        """Full years (周岁) on `day`. Someone born on 29 February turns a year older on
        1 March in common years."""
        if day < self.birth_date:
            raise ValueError(f"{day} is before the birth date")
        born = self.birth_date
        return day.year - born.year - ((day.month, day.day) < (born.month, born.day))

    def masked(self) -> str:
        """First 6 and last 4 digits shown (design.md: documents and lists mask the number)."""
        return mask_id(self.number)

    def __str__(self) -> str:
        return self.number

    def __repr__(self) -> str:
        # Never the whole number in a log or a traceback.
        return f"IdNumber({self.masked()!r}, birth_date={self.birth_date!r}, sex={self.sex!r})"


def _date_problem(year: int, month: int, day: int) -> str:
    """Why (year, month, day) is not a calendar date, as a clause for a message."""
    if year < 1:
        return "年份不正确"
    if not 1 <= month <= 12:
        return f"月份“{month}”应在1到12之间"
    if month == 2:
        leap = year % 4 == 0 and (year % 100 != 0 or year % 400 == 0)
        last = 29 if leap else 28
    else:
        last = 30 if month in (4, 6, 9, 11) else 31
    return f"{year}年{month}月只有{last}天，没有{day}日"


def _cn_date(day: date) -> str:
    return f"{day.year}年{day.month}月{day.day}日"


def check_digit(number: str) -> str:
    """The GB 11643-1999 check digit of the first 17 digits of `number` (ISO 7064 MOD 11-2):
    the weights 2^(17-i) mod 11 make the weighted sum the value of the 17 digits read in base 2
    mod 11; read in base 13 (13 ≡ 2 mod 11) Python's int() does it in C. The same formula as
    python-stdnum's `cn.ric.calc_check_digit`, without its re-cleaning of the number."""
    checksum = (1 - 2 * int(number[:17], 13)) % 11
    return "X" if checksum == 10 else str(checksum)


def parse_id_number(
    raw: str,
    *,
    today: date | None = None,
    field: str = "id_number",
    label: str = "身份证号码",
) -> IdNumber:
    """Validate an 18-digit 公民身份号码 (also 港澳台居民居住证 and the 2023 外国人永久居留身份证,
    which use the same layout and check digit). Spaces are ignored, a lowercase x is accepted.

    Refuses with code `invalid_id_number`. `today` (default date.today()) bounds the birth date.
    """
    if isinstance(raw, int | float) and not isinstance(raw, bool):
        # An 18-digit number read from a spreadsheet cell has already lost its last digits.
        raise Refusal(
            INVALID_ID_NUMBER,
            f"{label}必须按文本录入：表格软件会把18位数字的末几位变成0，请把该列设为文本后重新录入",
            field,
        )
    if not isinstance(raw, str):
        raise Refusal(INVALID_ID_NUMBER, f"请填写{label}", field)
    # The usual case (18 ASCII digits, or 17 and an X) skips the character checks below.
    number = raw if _PLAIN_ID.fullmatch(raw) else "".join(_halfwidth(raw).split()).replace("x", "X")
    if not number:
        raise Refusal(INVALID_ID_NUMBER, f"请填写{label}", field)
    for position, char in enumerate("" if number is raw else number, start=1):
        if char not in _ID_CHARS:
            raise Refusal(
                INVALID_ID_NUMBER,
                f"{label}第{position}位“{char}”不正确：{label}只能由数字和末位的X组成",
                field,
            )
    if "X" in number[:-1]:
        position = number.index("X") + 1
        raise Refusal(
            INVALID_ID_NUMBER, f"{label}第{position}位是X：X只能出现在第18位（校验位）", field
        )
    if len(number) == 15:
        raise Refusal(
            INVALID_ID_NUMBER,
            f"{label}是15位的旧号码，已停止使用：请改用18位的公民身份号码（见第二代居民身份证或户口簿）",
            field,
        )
    if len(number) != 18:
        raise Refusal(INVALID_ID_NUMBER, f"{label}应为18位，现在是{len(number)}位", field)

    if number[0] == "9":
        if number[1:3] not in _MAINLAND_PROVINCES:
            raise Refusal(
                INVALID_ID_NUMBER,
                f"{label}以9开头（外国人永久居留身份证），第2、3位“{number[1:3]}”"
                "应为受理地的省级行政区划代码",
                field,
            )
    elif number[:2] not in PROVINCE_CODES:
        raise Refusal(
            INVALID_ID_NUMBER,
            f"{label}前两位“{number[:2]}”不是有效的省级行政区划代码",
            field,
        )

    year, month, day = int(number[6:10]), int(number[10:12]), int(number[12:14])
    try:
        birth_date = date(year, month, day)
    except ValueError:
        raise Refusal(
            INVALID_ID_NUMBER,
            f"{label}第7至14位的出生日期“{number[6:14]}”不存在：{_date_problem(year, month, day)}",
            field,
        ) from None
    if birth_date.year < MIN_BIRTH_YEAR:
        raise Refusal(
            INVALID_ID_NUMBER,
            f"{label}中的出生日期{_cn_date(birth_date)}早于{MIN_BIRTH_YEAR}年，请核对号码",
            field,
        )
    today = today or date.today()
    if birth_date > today:
        raise Refusal(
            INVALID_ID_NUMBER,
            f"{label}中的出生日期{_cn_date(birth_date)}晚于今天（{_cn_date(today)}），请核对号码",
            field,
        )

    expected = check_digit(number)
    if number[17] != expected:
        # The error may be in any digit: say so, so the clerk does not just "fix" the last one.
        raise Refusal(
            INVALID_ID_NUMBER,
            f"{label}校验位不正确：第18位应为{expected}（按前17位计算），请逐位核对整个号码",
            field,
        )
    sex = "男" if int(number[16]) % 2 else "女"
    return IdNumber(number=number, birth_date=birth_date, sex=sex, region_code=number[:6])


_MASK = "********"  # always eight: a masked number does not give its length away


def mask_id(number: str, *, full: bool = False) -> str:
    """An ID number as screens, lists and papers show it (design.md: first 6 and last 4) — the
    one rule, wherever a number is shown. Eight stars between, whatever the length, so a 15-digit
    number or a passport does not show its length; a number too short to keep 6 + 4 and still
    hide something keeps its last 4 (or nothing). `full`: a document that must carry the whole
    number (a 参保证明 asked for with it). Blank or not text: "". Never raises."""
    if not isinstance(number, str):
        return ""
    text = "".join(number.split())
    if full or not text:
        return text
    if len(text) > 10:
        return text[:6] + _MASK + text[-4:]
    if len(text) > 4:
        return _MASK + text[-4:]
    return _MASK


def mask_name(name: str) -> str:
    """A name for a screen others may see: the first character, and the last of three or more,
    the rest as *: 王* , 孙*兰, 欧**娜. Never raises."""
    if not isinstance(name, str) or not name:
        return ""
    if len(name) <= 2:
        return name[0] + "*" * (len(name) - 1)
    return name[0] + "*" * (len(name) - 2) + name[-1]


_FRAGMENT = re.compile(r"[0-9]{3,17}[0-9X]")


def looks_like_id_fragment(text: str) -> bool:
    """Cheap test for the search box: 4-18 digits, an X allowed only at the end."""
    if not isinstance(text, str):
        return False
    compact = "".join(_halfwidth(text).split()).replace("x", "X")
    return _FRAGMENT.fullmatch(compact) is not None


# --------------------------------------------------------------------------------------------
# Names
# --------------------------------------------------------------------------------------------

# Private Use Area code points that older systems produce for characters which have a standard
# code point, with the standard code point (GB 18030 two-byte code in the comment).
#
# 1. GB 18030-2022 (信息技术 中文编码字符集, in force 2023-08-01) changed the mapping of these 18
#    two-byte codes from the PUA (GB 18030-2005) to the standard code points.
_GB18030_2022_REMAPPED: dict[int, int] = {
    0xE78D: 0xFE10,  # A6D9 ︐
    0xE78E: 0xFE12,  # A6DA ︒
    0xE78F: 0xFE11,  # A6DB ︑
    0xE790: 0xFE13,  # A6DC ︓
    0xE791: 0xFE14,  # A6DD ︔
    0xE792: 0xFE15,  # A6DE ︕
    0xE793: 0xFE16,  # A6DF ︖
    0xE794: 0xFE17,  # A6EC ︗
    0xE795: 0xFE18,  # A6ED ︘
    0xE796: 0xFE19,  # A6F3 ︙
    0xE81E: 0x9FB4,  # FE59 龴
    0xE826: 0x9FB5,  # FE61 龵
    0xE82B: 0x9FB6,  # FE66 龶
    0xE82C: 0x9FB7,  # FE67 龷
    0xE832: 0x9FB8,  # FE6D 龸
    0xE843: 0x9FB9,  # FE7E 龹
    0xE854: 0x9FBA,  # FE90 龺
    0xE864: 0x9FBB,  # FEA0 龻
}
# 2. The six two-byte codes GB 18030-2022 still maps to the PUA because the standard code point
#    already has its own four-byte code; in a name the PUA form means the standard character.
_GB18030_PUA_TWINS: dict[int, int] = {
    0xE816: 0x20087,  # FE51 𠂇
    0xE817: 0x20089,  # FE52 𠂉
    0xE818: 0x200CC,  # FE53 𠃌
    0xE831: 0x215D7,  # FE6C 𡗗
    0xE83B: 0x2298F,  # FE76 𢦏
    0xE855: 0x241FE,  # FE91 𤇾
}
# 3. GBK 1.0 / CP936 mapped row FE50-FEA0 linearly to U+E815-U+E864. GB 18030-2000 (kept by
#    2005 and 2022) maps these 52 to CJK Extension A instead, e.g. FE9F 䶮 (U+E863 -> U+4DAE).
_GBK_PUA_EXT_A: dict[int, int] = {
    0xE81A: 0x3473,
    0xE81B: 0x3447,
    0xE81F: 0x359E,
    0xE820: 0x361A,
    0xE821: 0x360E,
    0xE824: 0x396E,
    0xE825: 0x3918,
    0xE827: 0x39CF,
    0xE828: 0x39DF,
    0xE829: 0x3A73,
    0xE82A: 0x39D0,
    0xE82D: 0x3B4E,
    0xE82E: 0x3C6E,
    0xE82F: 0x3CE0,
    0xE834: 0x4056,
    0xE835: 0x415F,
    0xE837: 0x4337,
    0xE83C: 0x43B1,
    0xE83D: 0x43AC,
    0xE83F: 0x43DD,
    0xE840: 0x44D6,
    0xE841: 0x4661,
    0xE842: 0x464C,
    0xE844: 0x4723,
    0xE845: 0x4729,
    0xE846: 0x477C,
    0xE847: 0x478D,
    0xE849: 0x4947,
    0xE84A: 0x497A,
    0xE84B: 0x497D,
    0xE84C: 0x4982,
    0xE84D: 0x4983,
    0xE84E: 0x4985,
    0xE84F: 0x4986,
    0xE850: 0x499F,
    0xE851: 0x499B,
    0xE852: 0x49B7,
    0xE853: 0x49B6,
    0xE856: 0x4CA3,
    0xE857: 0x4C9F,
    0xE858: 0x4CA0,
    0xE859: 0x4CA1,
    0xE85A: 0x4C77,
    0xE85B: 0x4CA2,
    0xE85C: 0x4D13,
    0xE85D: 0x4D14,
    0xE85E: 0x4D15,
    0xE85F: 0x4D16,
    0xE860: 0x4D17,
    0xE861: 0x4D18,
    0xE862: 0x4D19,
    0xE863: 0x4DAE,
}
# 4. Two pinyin letters: A8BC ḿ (PUA until GB 18030-2005) and A8BF ǹ (PUA in GBK).
_GB_PUA_PINYIN: dict[int, int] = {0xE7C7: 0x1E3F, 0xE7C8: 0x01F9}

PUA_TO_STANDARD: dict[int, int] = (
    _GB18030_2022_REMAPPED | _GB18030_PUA_TWINS | _GBK_PUA_EXT_A | _GB_PUA_PINYIN
)

# Every CJK Unified Ideographs block (URO, Extensions A-J) and both compatibility blocks, by
# block range rather than by unicodedata: Python 3.11 ships Unicode 14 and does not know
# Extensions H and I, which GB 18030-2022 level 3 and real names use.
_HAN_RANGES: tuple[tuple[int, int], ...] = (
    (0x3007, 0x3007),  # 〇, a Han numeral that does occur in names
    (0x3400, 0x4DBF),  # Extension A
    (0x4E00, 0x9FFF),  # URO
    (0xF900, 0xFAFF),  # Compatibility Ideographs (NFC maps most to URO; 12 are unique)
    (0x20000, 0x2A6DF),  # Extension B
    (0x2A700, 0x2B73F),  # Extension C
    (0x2B740, 0x2B81F),  # Extension D
    (0x2B820, 0x2CEAF),  # Extension E
    (0x2CEB0, 0x2EBEF),  # Extension F
    (0x2EBF0, 0x2EE5F),  # Extension I
    (0x2F800, 0x2FA1F),  # Compatibility Ideographs Supplement
    (0x30000, 0x3134F),  # Extension G
    (0x31350, 0x323AF),  # Extension H
    (0x323B0, 0x3347F),  # Extension J (Unicode 17)
)


def _is_han(char: str) -> bool:
    cp = ord(char)
    return any(lo <= cp <= hi for lo, hi in _HAN_RANGES)


def _is_latin_letter(char: str) -> bool:
    return unicodedata.category(char).startswith("L") and unicodedata.name(char, "").startswith(
        "LATIN "
    )


def _is_pua(cp: int) -> bool:
    return 0xE000 <= cp <= 0xF8FF or 0xF0000 <= cp <= 0xFFFFD or 0x100000 <= cp <= 0x10FFFD


_DOT = "\u00b7"
# Dots clerks type for the 间隔号 (bullet, katakana/halfwidth middle dots, hyphenation point,
# dot/bullet operators, word-separator middle dot). U+0387 becomes U+00B7 under NFC already.
_DOT_LOOKALIKES = frozenset("\u2022\u30fb\uff65\u2027\u22c5\u2219\u2e31")
# Full stops become the 间隔号 only directly between two name characters ("买买提．艾力"); with a
# space after it ("J. SMITH") a full stop marks an initial and is refused, not guessed at.
_FULL_STOPS = frozenset(".\uff0e")
_APOSTROPHES = frozenset("'\u2019\u2018\u02bc\uff07")
_HYPHENS = frozenset("-\u2010\u2011\u2013\u2212\uff0d")
# Invisible characters that pasting from web pages or spreadsheets leaves behind.
_ZERO_WIDTH = dict.fromkeys(map(ord, "\u200b\u200c\u200d\u2060\ufeff"))


def _shown(char: str) -> str:
    """How to show one offending character: itself in quotes when visible, else its code."""
    cp = ord(char)
    if unicodedata.category(char)[0] in "CMZ" or _is_pua(cp):
        return f"（U+{cp:04X}）"
    return f"“{char}”"


# Han characters of the URO and Extension A (no decompositions, no PUA, all in GB 18030).
_PLAIN_HAN = re.compile(f"[\u3400-\u4dbf\u4e00-\u9fff]{{1,{MAX_NAME_LENGTH}}}")


def normalize_name(raw: str, *, field: str = "name", label: str = "姓名") -> str:
    """The canonical form of a person's name, or Refusal(`invalid_name`).

    Accepts Han characters of every CJK block, the 间隔号 U+00B7 between name parts and, for
    foreigners, Latin letters with single spaces, hyphens and apostrophes between them.
    Legacy PUA code points with a standard equivalent (PUA_TO_STANDARD) are replaced, dot
    look-alikes become U+00B7. Positions in messages count characters (code points) of the
    input after outer whitespace is removed.
    """
    if isinstance(raw, str) and _PLAIN_HAN.fullmatch(raw):
        # Most names: basic-block Han characters only, which NFC, the replacements and the
        # structure rules all leave as they are (tests/records: the same as `_normalize_name`).
        return raw
    return _normalize_name(raw, field, label)


def _normalize_name(raw: str, field: str, label: str) -> str:
    if not isinstance(raw, str):
        raise Refusal(INVALID_NAME, f"请填写{label}", field)
    text = unicodedata.normalize("NFC", raw).translate(_ZERO_WIDTH).strip()
    if not text:
        raise Refusal(INVALID_NAME, f"请填写{label}", field)

    # One pass of one-for-one replacements, so positions still match what the clerk typed.
    chars: list[str] = []
    for char in text:
        cp = ord(char)
        if cp in PUA_TO_STANDARD:
            char = chr(PUA_TO_STANDARD[cp])
        elif 0xFF21 <= cp <= 0xFF3A or 0xFF41 <= cp <= 0xFF5A:
            char = chr(cp - 0xFEE0)  # fullwidth Latin letter
        elif char.isspace():
            char = " "
        elif char in _DOT_LOOKALIKES:
            char = _DOT
        elif char in _APOSTROPHES:
            char = "'"
        elif char in _HYPHENS:
            char = "-"
        chars.append(char)
    for index, char in enumerate(chars):
        if char in _FULL_STOPS and _between_letters(chars, index):
            chars[index] = _DOT

    for position, char in enumerate(chars, start=1):
        if _is_han(char) or char in (_DOT, " ", "-", "'") or _is_latin_letter(char):
            continue
        cp = ord(char)
        if _is_pua(cp):
            message = (
                f"{label}第{position}个字符（U+{cp:04X}）是私用区的自造字，其他系统无法识别，"
                "请改用标准汉字录入"
            )
        elif unicodedata.category(char) in _INVISIBLE:
            message = invisible_message(label, (position, char))
        else:
            message = f"{label}第{position}个字符{_shown(char)}不是汉字、字母或间隔号·"
        raise Refusal(INVALID_NAME, message, field)

    # Structure, on (char, position) pairs so that messages keep the typed positions.
    items = [(char, position) for position, char in enumerate(chars, start=1)]
    items = _collapse(items, " ")
    items = [
        item
        for index, item in enumerate(items)
        if not (item[0] == " " and _DOT in (_at(items, index - 1), _at(items, index + 1)))
    ]
    items = _collapse(items, _DOT)
    if items[0][0] == _DOT or items[-1][0] == _DOT:
        raise Refusal(INVALID_NAME, f"{label}不能以间隔号·开头或结尾", field)
    for index, (char, position) in enumerate(items):
        if char not in (" ", "-", "'"):
            continue
        if _is_latin_letter(_at(items, index - 1) or "_") and _is_latin_letter(
            _at(items, index + 1) or "_"
        ):
            continue
        if char == " ":
            message = (
                f"{label}第{position}个字符是空格：汉字姓名中不能有空格，"
                "少数民族或外国人的译名请用间隔号·分隔"
            )
        else:
            message = f"{label}第{position}个字符“{char}”只能用在两个外文字母之间"
        raise Refusal(INVALID_NAME, message, field)

    name = "".join(char for char, _ in items)
    if len(name) > MAX_NAME_LENGTH:
        raise Refusal(
            INVALID_NAME, f"{label}最长{MAX_NAME_LENGTH}个字符，现在是{len(name)}个", field
        )
    try:
        name.encode("gb18030")
    except UnicodeEncodeError:  # pragma: no cover - every checked character encodes
        raise Refusal(INVALID_NAME, f"{label}含有无法按GB 18030保存的字符", field) from None
    return name


def _at(items: list[tuple[str, int]], index: int) -> str | None:
    return items[index][0] if 0 <= index < len(items) else None


def _collapse(items: list[tuple[str, int]], char: str) -> list[tuple[str, int]]:
    """Drop repeats of `char` that follow the same `char`."""
    return [
        item
        for index, item in enumerate(items)
        if not (item[0] == char and _at(items, index - 1) == char)
    ]


def _between_letters(chars: list[str], index: int) -> bool:
    """Is chars[index] directly between two name characters (Han or Latin)?"""
    if not 0 < index < len(chars) - 1:
        return False
    return all(_is_han(c) or _is_latin_letter(c) for c in (chars[index - 1], chars[index + 1]))


# --------------------------------------------------------------------------------------------
# Phone numbers
# --------------------------------------------------------------------------------------------

_MOBILE = re.compile(r"(?:\+?86|0086)?(1[3-9][0-9]{9})")
# Area code: 010 and 02x have three digits and 8-digit local numbers; all others have four
# digits and 7- or 8-digit local numbers. An extension follows 转/分机/ext/x/#/a second hyphen.
_FIXED = re.compile(
    r"\(?(010|02[0-9]|0[3-9][0-9]{2})\)?-?([1-9][0-9]{6,7})"
    r"(?:(?:-|转|分机|ext\.?|x|#)([0-9]{1,6}))?",
    re.IGNORECASE,
)
_LOCAL_ONLY = re.compile(r"[2-9][0-9]{6,7}")


def normalize_phone(raw: str, *, field: str = "phone", label: str = "联系电话") -> str:
    """A mainland mobile as 11 digits ("13812345678") or a fixed line as "0519-87186108"
    (with "-123" for an extension), or Refusal(`invalid_phone`)."""
    if not isinstance(raw, str):
        raise Refusal(INVALID_PHONE, f"请填写{label}", field)
    text = _halfwidth(raw).replace("（", "(").replace("）", ")")
    text = "".join(text.split())
    if not text:
        raise Refusal(INVALID_PHONE, f"请填写{label}", field)
    mobile = _MOBILE.fullmatch(text.replace("-", ""))
    if mobile:
        return mobile.group(1)
    fixed = _FIXED.fullmatch(text)
    if fixed:
        area, local, extension = fixed.groups()
        if len(area) == 3 and len(local) != 8:
            raise Refusal(
                INVALID_PHONE,
                f"{label}：区号{area}的固定电话号码应为8位，现在是{len(local)}位",
                field,
            )
        return f"{area}-{local}" + (f"-{extension}" if extension else "")
    if _LOCAL_ONLY.fullmatch(text.replace("-", "")):
        raise Refusal(
            INVALID_PHONE, f"{label}是固定电话时请加区号，例如0519-87186108、022-12345678", field
        )
    raise Refusal(
        INVALID_PHONE,
        f"{label}“{_clip(raw.strip())}”不是有效的手机号码（11位，1开头）或带区号的固定电话",
        field,
    )


# --------------------------------------------------------------------------------------------
# Dates
# --------------------------------------------------------------------------------------------

_DATE_FORMS = (
    re.compile(r"([0-9]{4})-([0-9]{1,2})-([0-9]{1,2})"),
    re.compile(r"([0-9]{4})/([0-9]{1,2})/([0-9]{1,2})"),
    re.compile(r"([0-9]{4})\.([0-9]{1,2})\.([0-9]{1,2})"),
    re.compile(r"([0-9]{4})年([0-9]{1,2})月([0-9]{1,2})日?"),
    re.compile(r"([0-9]{4})([0-9]{2})([0-9]{2})"),
)


def parse_date(raw: str | date, field: str = "date", label: str = "日期") -> date:
    """Parse YYYY-MM-DD (also YYYYMMDD, YYYY/MM/DD, YYYY.MM.DD, YYYY年MM月DD日; month and day
    may have one digit with a separator). A date or datetime passes through as a date.
    Refuses with code `invalid_date`, naming `label`."""
    if isinstance(raw, date):
        return raw.date() if isinstance(raw, datetime) else raw
    if not isinstance(raw, str) or not raw.strip():
        raise Refusal(INVALID_DATE, f"请填写{label}", field)
    text = _halfwidth(raw).strip()
    for form in _DATE_FORMS:
        match = form.fullmatch(text)
        if match:
            year, month, day = (int(part) for part in match.groups())
            try:
                return date(year, month, day)
            except ValueError:
                raise Refusal(
                    INVALID_DATE,
                    f"{label}“{_clip(raw.strip())}”不存在：{_date_problem(year, month, day)}",
                    field,
                ) from None
    raise Refusal(
        INVALID_DATE,
        f"{label}“{_clip(raw.strip())}”不是有效的日期，请按“年-月-日”填写，例如2024-03-05",
        field,
    )
