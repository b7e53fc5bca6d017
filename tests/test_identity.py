"""desktop.identity: ID numbers, names, phones, dates."""

from __future__ import annotations

import sqlite3
import unicodedata
from datetime import date, datetime, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from desktop.errors import Refusal
from desktop.identity import (
    INVALID_DATE,
    INVALID_ID_NUMBER,
    INVALID_NAME,
    INVALID_PHONE,
    MAX_NAME_LENGTH,
    PROVINCE_CODES,
    PUA_TO_STANDARD,
    IdNumber,
    looks_like_id_fragment,
    mask_id,
    normalize_name,
    normalize_phone,
    parse_date,
    parse_id_number,
)

TODAY = date(2025, 6, 1)
WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)


def check_digit(first17: str) -> str:
    """GB 11643-1999 MOD 11-2, written out independently of stdnum."""
    total = sum(int(d) * w for d, w in zip(first17, WEIGHTS, strict=True))
    return "10X98765432"[total % 11]


def refusal(func, *args, **kwargs) -> Refusal:
    with pytest.raises(Refusal) as caught:
        func(*args, **kwargs)
    return caught.value


# ---------------------------------------------------------------- ID numbers: accepted


def test_classic_example_number():
    # 11010519491231002X (北京市朝阳区, 1949-12-31, sequence 002):
    #   digits  1 1  0 1 0 5 1 9 4 9 1 2  3 1 0 0 2
    #   weights 7 9 10 5 8 4 2 1 6 3 7 9 10 5 8 4 2
    #   products 7+9+0+5+0+20+2+9+24+27+7+18+30+5+0+0+4 = 167; 167 mod 11 = 2 -> "X"
    #   (remainder -> check digit: 0:1 1:0 2:X 3:9 4:8 5:7 6:6 7:5 8:4 9:3 10:2)
    #   17th digit 2 is even -> 女
    person = parse_id_number("11010519491231002X", today=TODAY)
    assert person == IdNumber("11010519491231002X", date(1949, 12, 31), "女", "110105")
    assert person.kind == "resident"
    assert person.province == "北京市"
    assert check_digit("11010519491231002") == "X"


def test_changzhou_number():
    # 320402 天宁区, 1985-06-15, sequence 123:
    #   3*7+2*9+0*10+4*5+0*8+2*4+1*2+9*1+8*6+5*3+0*7+6*9+1*10+5*5+1*8+2*4+3*2
    #   = 21+18+0+20+0+8+2+9+48+15+0+54+10+25+8+8+6 = 252; 252 mod 11 = 10 -> "2"
    #   17th digit 3 is odd -> 男
    person = parse_id_number("320402198506151232", today=TODAY)
    assert (person.birth_date, person.sex, person.region_code) == (
        date(1985, 6, 15),
        "男",
        "320402",
    )
    assert person.province == "江苏省"


def test_tianjin_number_born_on_29_february():
    # 120101 和平区, 2000-02-29, sequence 004:
    #   1*7+2*9+0*10+1*5+0*8+1*4+2*2+0*1+0*6+0*3+0*7+2*9+2*10+9*5+0*8+0*4+4*2
    #   = 7+18+0+5+0+4+4+0+0+0+0+18+20+45+0+0+8 = 129; 129 mod 11 = 8 -> "4"
    person = parse_id_number("120101200002290044", today=TODAY)
    assert (person.birth_date, person.sex) == (date(2000, 2, 29), "女")
    # Full years; in a common year the birthday falls on 1 March.
    assert person.age_on(date(2018, 2, 28)) == 17
    assert person.age_on(date(2018, 3, 1)) == 18
    assert person.age_on(date(2020, 2, 29)) == 20
    assert person.age_on(date(2000, 2, 29)) == 0
    with pytest.raises(ValueError):
        person.age_on(date(2000, 2, 28))


def test_age_on_birthday_boundaries():
    person = parse_id_number("320402198506151232", today=TODAY)
    assert person.age_on(date(2045, 6, 14)) == 59
    assert person.age_on(date(2045, 6, 15)) == 60


@pytest.mark.parametrize(
    "typed",
    ["11010519491231002x", " 110105 19491231 002X ", "１１０１０５１９４９１２３１００２ｘ"],
)
def test_lowercase_x_spaces_and_fullwidth_digits_are_normalised(typed):
    assert parse_id_number(typed, today=TODAY).number == "11010519491231002X"


def test_residence_permits_and_foreign_permanent_residence():
    for first17, kind in [
        ("81000019900101001", "hmt_residence_permit"),
        ("82000019900101002", "hmt_residence_permit"),
        ("83000019900101003", "hmt_residence_permit"),
        ("71000019900101004", "resident"),
        # 2023 外国人永久居留身份证: 9 + province of the issuing office (32 江苏) + 840 (USA).
        ("93284019900101005", "foreign_permanent"),
    ]:
        person = parse_id_number(first17 + check_digit(first17), today=TODAY)
        assert person.kind == kind
    assert (
        parse_id_number("93284019900101005" + check_digit("93284019900101005")).province == "江苏省"
    )


def test_born_today_is_accepted_and_1890_is_the_earliest_year():
    first17 = "32040220250601001"
    assert parse_id_number(first17 + check_digit(first17), today=TODAY).birth_date == TODAY
    first17 = "32040218900101001"
    assert parse_id_number(first17 + check_digit(first17), today=TODAY).birth_date.year == 1890


def test_default_today_is_the_real_today():
    tomorrow = date.today() + timedelta(days=1)
    first17 = f"320402{tomorrow:%Y%m%d}001"
    assert "晚于今天" in refusal(parse_id_number, first17 + check_digit(first17)).message


def test_masking():
    person = parse_id_number("11010519491231002X")
    assert person.masked() == "110105********002X"
    assert "19491231" not in repr(person)
    assert mask_id("11010519491231002X") == "110105********002X"
    # one rule with the papers (documents.format re-exports it): eight stars whatever the
    # length, so a 15-digit old number does not give its length away
    assert mask_id("110105194912310") == "110105********2310"
    assert mask_id("12345") == "********2345"
    assert mask_id("1234") == "********"
    assert mask_id("11010519491231002X", full=True) == "11010519491231002X"
    assert mask_id("") == ""
    assert mask_id("   ") == ""
    assert mask_id(None) == ""  # type: ignore[arg-type]


def test_looks_like_id_fragment():
    assert looks_like_id_fragment("3204")
    assert looks_like_id_fragment("002x")
    assert looks_like_id_fragment("11010519491231002X")
    assert looks_like_id_fragment(" 3204 02 ")
    assert not looks_like_id_fragment("320")  # too short
    assert not looks_like_id_fragment("1101051949123100212")  # 19
    assert not looks_like_id_fragment("32X4")
    assert not looks_like_id_fragment("张三")
    assert not looks_like_id_fragment("")


# ---------------------------------------------------------------- ID numbers: refused


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("", "请填写身份证号码"),
        ("   ", "请填写身份证号码"),
        ("3204021985061512", "身份证号码应为18位，现在是16位"),
        ("3204021985061512321", "身份证号码应为18位，现在是19位"),
        ("32040219850615123A", "身份证号码第18位“A”不正确"),
        ("3204-02198506151232", "身份证号码第5位“-”不正确"),
        ("3204021985061X1232", "身份证号码第14位是X：X只能出现在第18位"),
        ("320402850615123", "15位的旧号码"),
        ("32040219900230123X", "出生日期“19900230”不存在：1990年2月只有28天，没有30日"),
        ("32040219901301123X", "出生日期“19901301”不存在：月份“13”应在1到12之间"),
        ("32040218891231123X", "出生日期1889年12月31日早于1890年"),
        ("32040220250602123X", "出生日期2025年6月2日晚于今天（2025年6月1日）"),
        ("320402198506151233", "身份证号码校验位不正确：第18位应为2"),
        ("11010519491231002O", "第18位“O”不正确"),
        ("110105194912310021", "身份证号码校验位不正确：第18位应为X"),
        ("00010519491231002X", "身份证号码前两位“00”不是有效的省级行政区划代码"),
        ("16010519491231002X", "前两位“16”不是"),
        ("84010519491231002X", "前两位“84”不是"),
        ("91010519491231002X", "第2、3位“10”应为受理地的省级行政区划代码"),
        ("97110519491231002X", "第2、3位“71”应为受理地"),
    ],
)
def test_refusals_are_precise(typed, expected):
    error = refusal(parse_id_number, typed, today=TODAY)
    assert (error.code, error.field) == (INVALID_ID_NUMBER, "id_number")
    assert expected in error.message


def test_spreadsheet_numbers_and_non_text_are_refused():
    error = refusal(parse_id_number, 320402198506151000)
    assert "文本" in error.message
    assert refusal(parse_id_number, None).message == "请填写身份证号码"


def test_field_and_label_can_be_renamed_for_other_people():
    error = refusal(parse_id_number, "123", field="guardian_id_number", label="监护人身份证号码")
    assert error.field == "guardian_id_number"
    assert error.message.startswith("监护人身份证号码")


def test_message_never_echoes_the_whole_number():
    error = refusal(parse_id_number, "320402198506151233", today=TODAY)
    assert "320402198506151233" not in error.message


# ---------------------------------------------------------------- ID numbers: properties

REAL_PREFIXES = sorted(PROVINCE_CODES) + ["9" + p for p in ("11", "12", "32", "65")]


@st.composite
def valid_ids(draw):
    prefix = draw(st.sampled_from(REAL_PREFIXES))
    rest = draw(st.text("0123456789", min_size=6 - len(prefix), max_size=6 - len(prefix)))
    born = draw(st.dates(min_value=date(1890, 1, 1), max_value=TODAY))
    sequence = draw(st.integers(0, 999))
    first17 = f"{prefix}{rest}{born:%Y%m%d}{sequence:03d}"
    return first17 + check_digit(first17), born, "男" if sequence % 2 else "女"


@settings(max_examples=300)
@given(valid_ids())
def test_any_valid_number_is_accepted(case):
    number, born, sex = case
    person = parse_id_number(number, today=TODAY)
    assert (person.number, person.birth_date, person.sex) == (number, born, sex)
    assert person.region_code == number[:6]
    assert parse_id_number(number.lower(), today=TODAY) == person


@settings(max_examples=300)
@given(valid_ids(), st.integers(0, 17), st.integers(1, 10))
def test_any_single_character_change_is_refused(case, position, shift):
    number = case[0]
    alphabet = "0123456789X" if position == 17 else "0123456789"
    old = alphabet.index(number[position])
    new = alphabet[(old + shift) % len(alphabet)]
    if new == number[position]:
        return  # shift == len(alphabet) on the check digit position: no change
    mutated = number[:position] + new + number[position + 1 :]
    error = refusal(parse_id_number, mutated, today=TODAY)
    assert error.code == INVALID_ID_NUMBER
    # MOD 11-2 catches every single substitution: the checksum alone already refuses it.
    assert check_digit(mutated[:17]) != mutated[17]


@given(st.text(max_size=30))
def test_arbitrary_text_only_ever_raises_refusal_for_ids(text):
    try:
        parse_id_number(text, today=TODAY)
    except Refusal as error:
        assert error.code == INVALID_ID_NUMBER
    assert isinstance(mask_id(text), str)
    assert isinstance(looks_like_id_fragment(text), bool)


@given(st.text(max_size=40))
def test_mask_id_shows_at_most_ten_characters(text):
    masked = mask_id(text)
    assert len(masked) - masked.count("*") <= 10


# ---------------------------------------------------------------- names: accepted


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("张三", "张三"),
        ("  李四\u3000", "李四"),
        ("\ufeff王五\u200b", "王五"),  # BOM / zero-width space pasted from a spreadsheet
        ("买买提·艾力", "买买提·艾力"),
        ("买买提 · 艾力", "买买提·艾力"),
        ("买买提··艾力", "买买提·艾力"),
        ("阿卜杜热依木·买买提·艾力", "阿卜杜热依木·买买提·艾力"),
        ("买买提．艾力", "买买提·艾力"),  # fullwidth full stop between parts
        ("买买提.艾力", "买买提·艾力"),
        ("王〇", "王〇"),
        ("JOHN SMITH", "JOHN SMITH"),
        ("John  Smith", "John Smith"),
        ("ＪＯＨＮ　ＳＭＩＴＨ", "JOHN SMITH"),
        ("O'NEIL", "O'NEIL"),
        ("O\u2019NEIL", "O'NEIL"),
        ("JEAN-PAUL", "JEAN-PAUL"),
        ("JOSE\u0301", "JOSÉ"),  # NFC composes e + combining acute
        ("MÜLLER", "MÜLLER"),
    ],
)
def test_names_are_normalised(typed, expected):
    assert normalize_name(typed) == expected


@pytest.mark.parametrize(
    "dot", ["\u2022", "\u30fb", "\uff65", "\u2027", "\u22c5", "\u2219", "\u0387", "\u00b7"]
)
def test_middle_dot_lookalikes_become_u00b7(dot):
    assert normalize_name(f"买买提{dot}艾力") == "买买提\u00b7艾力"
    assert normalize_name(f"买买提{dot}{dot}艾力") == "买买提\u00b7艾力"


def test_rare_characters_round_trip_through_sqlite(tmp_path):
    names = [
        "\U000201f9",  # 𠇹 Extension B
        "王\U000201f9",
        "\U00030edd\U00030edd面",  # 𰻝𰻝面 Extension G
        "刘\u4dae",  # 刘䶮 Extension A
        "张\U00031350",  # Extension H (unknown to Python 3.11's Unicode 14 tables)
        "李\U0002ebf0",  # Extension I
        "陈\ufa11",  # 﨑, a compatibility ideograph without a decomposition
    ]
    for name in names:
        assert normalize_name(name) == name
        assert normalize_name(name).encode("gb18030").decode("gb18030") == name
    db = sqlite3.connect(tmp_path / "names.db")
    db.execute("CREATE TABLE person (id INTEGER PRIMARY KEY, name TEXT NOT NULL)")
    db.executemany("INSERT INTO person (name) VALUES (?)", [(normalize_name(n),) for n in names])
    db.commit()
    db.close()
    db = sqlite3.connect(tmp_path / "names.db")
    stored = [row[0] for row in db.execute("SELECT name FROM person ORDER BY id")]
    assert stored == names
    assert db.execute("SELECT length(name) FROM person WHERE id = 1").fetchone() == (1,)
    assert db.execute("SELECT id FROM person WHERE name = ?", ("王\U000201f9",)).fetchone() == (2,)
    db.close()


def test_compatibility_ideographs_with_a_decomposition_become_unified_under_nfc():
    assert normalize_name("\uf900") == "\u8c48"  # 豈 -> 豈


def test_long_names_count_code_points_not_utf16_units():
    transliterated = "·".join(["阿卜杜热依木", "买买提", "艾力", "吐尔逊", "阿不都克力木"] * 3)
    assert len(transliterated) >= 50
    assert normalize_name(transliterated) == transliterated
    latin = "MARIA DEL CARMEN GONZALEZ-FERNANDEZ DE LA SANTISIMA TRINIDAD O'BRIEN"
    assert len(latin) > 50
    assert normalize_name(latin) == latin
    ext_b = "\U000201f9" * MAX_NAME_LENGTH  # 100 code points, 200 UTF-16 units
    assert normalize_name(ext_b) == ext_b
    error = refusal(normalize_name, "\U000201f9" * (MAX_NAME_LENGTH + 1))
    assert error.message == "姓名最长100个字符，现在是101个"


# ---------------------------------------------------------------- names: GB 18030 PUA


def test_gb18030_2022_pua_mapping_round_trip():
    # GB 18030-2005 decoded FE59 to U+E81E; GB 18030-2022 decodes it to U+9FB4 龴.
    assert normalize_name("张\ue81e") == "张\u9fb4"
    assert "\ue81e".encode("gb18030") == b"\xfe\x59"  # Python's codec still follows 2005
    assert normalize_name("张\ue81e").encode("gb18030").decode("gb18030") == "张\u9fb4"
    assert normalize_name("刘\ue863") == "刘\u4dae"  # GBK-era PUA for 䶮
    assert normalize_name("\ue816") == "\U00020087"  # one of the six kept in the PUA by 2022
    assert normalize_name("张\u9fb4") == "张\u9fb4"  # idempotent


def test_pua_table_agrees_with_the_gb18030_codec():
    # Python's gb18030 codec implements the 2000/2005 mappings, which lets us check the table:
    # GBK mapped row FE50-FEA0 linearly onto U+E815-U+E864.
    row_fe = [0xFE00 | lo for lo in [*range(0x50, 0x7F), *range(0x80, 0xA1)]]
    moved_2022 = 0
    for pua, standard in PUA_TO_STANDARD.items():
        assert 0xE000 <= pua <= 0xF8FF
        assert not 0xE000 <= standard <= 0xF8FF
        if 0x3400 <= standard <= 0x4DBF:  # GB 18030-2000 already gives Extension A
            code = int.from_bytes(chr(standard).encode("gb18030"), "big")
            assert pua == 0xE815 + row_fe.index(code)
        elif 0xE815 <= pua <= 0xE864:  # still PUA in 2005: the 8 龴-龻 and the 6 twins
            code = int.from_bytes(chr(pua).encode("gb18030"), "big")
            assert pua == 0xE815 + row_fe.index(code)
        if 0xE78D <= pua <= 0xE796 or 0x9FB4 <= standard <= 0x9FBB:
            moved_2022 += 1
            assert len(chr(pua).encode("gb18030")) == 2  # a two-byte code in the 2005 edition
    assert moved_2022 == 18
    assert len(PUA_TO_STANDARD) == 18 + 6 + 52 + 2


def test_vertical_forms_are_mapped_then_refused_as_punctuation():
    error = refusal(normalize_name, "张\ue78d三")
    assert error.message == "姓名第2个字符“\ufe10”不是汉字、字母或间隔号·"


def test_remaining_pua_is_refused_with_its_code_point():
    error = refusal(normalize_name, "张\ue000")
    assert error.code == INVALID_NAME
    assert error.message.startswith("姓名第2个字符（U+E000）是私用区的自造字")
    assert "U+F0001" in refusal(normalize_name, "\U000f0001").message


# ---------------------------------------------------------------- names: refused


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("", "请填写姓名"),
        ("\u3000 ", "请填写姓名"),
        ("张三😀", "姓名第3个字符“😀”不是汉字、字母或间隔号·"),
        ("张3", "姓名第2个字符“3”不是汉字、字母或间隔号·"),
        ("张三（先生）", "姓名第3个字符“（”不是汉字、字母或间隔号·"),
        ("张,三", "姓名第2个字符“,”不是汉字、字母或间隔号·"),
        ("张\x07三", "姓名第2个字符（U+0007）是不可见的控制字符"),
        ("张\u202e三", "姓名第2个字符（U+202E）是不可见的控制字符"),
        ("张\ud800", "姓名第2个字符（U+D800）是不可见的控制字符"),
        ("张\u0301", "姓名第2个字符（U+0301）不是汉字、字母或间隔号·"),
        ("Иван", "姓名第1个字符“И”不是汉字"),
        ("⺁", "不是汉字"),  # CJK radical, not a character
        ("·买买提", "姓名不能以间隔号·开头或结尾"),
        ("买买提·", "姓名不能以间隔号·开头或结尾"),
        ("买买提•", "姓名不能以间隔号·开头或结尾"),
        ("张 三", "姓名第2个字符是空格：汉字姓名中不能有空格"),
        ("JOHN 张", "姓名第5个字符是空格"),
        ("-JOHN", "姓名第1个字符“-”只能用在两个外文字母之间"),
        ("张-三", "姓名第2个字符“-”只能用在两个外文字母之间"),
        ("J. SMITH", "姓名第2个字符“.”不是汉字"),
        ("买买提 . 艾力", "姓名第5个字符“.”不是汉字"),
        ("张三.", "姓名第3个字符“.”不是汉字"),
    ],
)
def test_name_refusals_name_the_character_and_position(typed, expected):
    error = refusal(normalize_name, typed)
    assert (error.code, error.field) == (INVALID_NAME, "name")
    assert expected in error.message


def test_name_label_and_field_can_be_renamed():
    error = refusal(normalize_name, "1", field="guardian_name", label="监护人姓名")
    assert error.field == "guardian_name"
    assert error.message.startswith("监护人姓名第1个字符")
    assert refusal(normalize_name, None).message == "请填写姓名"


# ---------------------------------------------------------------- names: properties

HAN = st.sampled_from(
    ["张", "王", "艾", "买", "\u4dae", "\U000201f9", "\U00030edd", "\U00031350", "\u9fb4", "〇"]
)
NAME_PIECES = st.one_of(
    HAN,
    st.sampled_from(["·", "•", "・", "．", ".", " ", "\u3000", "-", "'", "’", "\ue863", "\ue81e"]),
    st.sampled_from(list("ABCxyzÉü")),
    st.characters(),
)


@settings(max_examples=400)
@given(st.lists(NAME_PIECES, max_size=20).map("".join))
def test_normalize_name_is_idempotent_and_only_refuses(text):
    try:
        name = normalize_name(text)
    except Refusal as error:
        assert error.code == INVALID_NAME
        return
    assert normalize_name(name) == name
    assert name == unicodedata.normalize("NFC", name)
    assert 1 <= len(name) <= MAX_NAME_LENGTH
    name.encode("gb18030")


@settings(max_examples=200)
@given(st.lists(st.lists(HAN, min_size=1, max_size=6).map("".join), min_size=1, max_size=6))
def test_han_parts_joined_by_any_dot_are_accepted(parts):
    for dot in ("·", "•", "・", "･", "‧", "⋅", "∙", "．"):
        assert normalize_name(dot.join(parts)) == "·".join(parts)


@given(st.text(max_size=30))
def test_arbitrary_text_only_ever_raises_refusal_for_names(text):
    try:
        normalize_name(text)
    except Refusal as error:
        assert error.code == INVALID_NAME


# ---------------------------------------------------------------- phones


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("13812345678", "13812345678"),
        ("138 1234 5678", "13812345678"),
        ("138-1234-5678", "13812345678"),
        ("+86 138 1234 5678", "13812345678"),
        ("008613812345678", "13812345678"),
        ("１９９１２３４５６７８", "19912345678"),
        ("0519-87186108", "0519-87186108"),
        ("051987186108", "0519-87186108"),
        ("(0519)87186108", "0519-87186108"),
        ("（0519）8718610", "0519-8718610"),
        ("022-12345678", "022-12345678"),
        ("02212345678", "022-12345678"),
        ("010 6512 3456", "010-65123456"),
        ("0519-87186108-8001", "0519-87186108-8001"),
        ("0519-87186108转8001", "0519-87186108-8001"),
        ("022-12345678 ext 12", "022-12345678-12"),
    ],
)
def test_phones_are_normalised(typed, expected):
    assert normalize_phone(typed) == expected
    assert normalize_phone(expected) == expected


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("", "请填写联系电话"),
        ("87186108", "固定电话时请加区号"),
        ("1381234567", "不是有效的手机号码"),
        ("138123456789", "不是有效的手机号码"),
        ("12812345678", "不是有效的手机号码"),
        ("022-1234567", "区号022的固定电话号码应为8位，现在是7位"),
        ("0519-0718610", "不是有效的手机号码"),
        ("0519-87186108-1234567", "不是有效的手机号码"),
        ("400-123-4567", "不是有效的手机号码"),
        ("电话", "联系电话“电话”不是有效的手机号码（11位，1开头）或带区号的固定电话"),
    ],
)
def test_phone_refusals(typed, expected):
    error = refusal(normalize_phone, typed)
    assert (error.code, error.field) == (INVALID_PHONE, "phone")
    assert expected in error.message


@given(st.text(max_size=30))
def test_arbitrary_text_only_ever_raises_refusal_for_phones(text):
    try:
        phone = normalize_phone(text)
    except Refusal as error:
        assert error.code == INVALID_PHONE
    else:
        assert normalize_phone(phone) == phone


# ---------------------------------------------------------------- dates


@pytest.mark.parametrize(
    "typed",
    [
        "2024-03-05",
        "20240305",
        "2024/03/05",
        "2024/3/5",
        "2024-3-5",
        "2024.03.05",
        "2024年3月5日",
        " ２０２４－０３－０５ ",
    ],
)
def test_dates_in_the_usual_forms(typed):
    assert parse_date(typed, "start_date", "开始日期") == date(2024, 3, 5)


def test_date_objects_pass_through():
    assert parse_date(date(2024, 3, 5), "d", "日期") == date(2024, 3, 5)
    assert parse_date(datetime(2024, 3, 5, 10, 30), "d", "日期") == date(2024, 3, 5)


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("2023-02-29", "参保日期“2023-02-29”不存在：2023年2月只有28天，没有29日"),
        ("20240431", "参保日期“20240431”不存在：2024年4月只有30天，没有31日"),
        ("2024-13-01", "参保日期“2024-13-01”不存在：月份“13”应在1到12之间"),
        ("0000-01-01", "参保日期“0000-01-01”不存在：年份不正确"),
        ("2024-03", "参保日期“2024-03”不是有效的日期"),
        ("2024-03/05", "不是有效的日期"),
        ("明天", "参保日期“明天”不是有效的日期"),
        ("", "请填写参保日期"),
    ],
)
def test_date_refusals_carry_the_label(typed, expected):
    error = refusal(parse_date, typed, "enroll_date", "参保日期")
    assert (error.code, error.field) == (INVALID_DATE, "enroll_date")
    assert error.message == expected or expected in error.message


@given(st.text(max_size=20))
def test_arbitrary_text_only_ever_raises_refusal_for_dates(text):
    try:
        parse_date(text, "d", "日期")
    except Refusal as error:
        assert error.code == INVALID_DATE


@given(st.dates())
def test_every_date_round_trips_through_its_iso_form(day):
    assert parse_date(day.isoformat(), "d", "日期") == day
