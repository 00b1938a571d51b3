"""The cleaning rules one by one: names, mobiles, ID numbers, headers and categories."""

import datetime

import pytest

from registry.choices import NeedKind, Scheme
from registry.ledger_import.cleaning import (
    CellError,
    category_messages,
    clean_id_number,
    clean_mobile,
    clean_person_name,
    clean_unit_name,
)
from registry.ledger_import.table import field_of_header, header_key
from tests.factories import make_id_number

OPERATION, EQUIPMENT = Scheme.SPECIAL_OPERATION, Scheme.SPECIAL_EQUIPMENT


@pytest.mark.parametrize("raw", ["李 娜", " 李娜 ", "李\u3000娜", "李\t娜"])
def test_person_names_lose_all_white_space(raw):
    assert clean_person_name(raw) == "李娜"


def test_person_names_are_nfkc_normalised():
    assert clean_person_name("ＬＩ　Ｎａ") == "LINa"


@pytest.mark.parametrize("raw, message", [("", "姓名为空"), ("  ", "姓名为空"), ("13850123459", "一串数字")])
def test_a_blank_name_or_a_number_for_a_name_is_an_error(raw, message):
    with pytest.raises(CellError, match=message):
        clean_person_name(raw)


def test_unit_names_keep_their_words_and_fold_brackets():
    assert clean_unit_name(" 晋江市（安海）鞋业  有限公司 ") == "晋江市(安海)鞋业 有限公司"


@pytest.mark.parametrize(
    "raw",
    [
        "13850123459",
        "138 5012 3459",
        "138-5012-3459",
        "+86 138 5012 3459",
        "+8613850123459",
        "8613850123459",
        "0086-13850123459",
        "１３８５０１２３４５９",
        13850123459.0,
        13850123459,
        "13850123459.0",
    ],
)
def test_mobiles_accept_the_ways_clerks_write_them(raw):
    assert clean_mobile(raw) == "13850123459"


@pytest.mark.parametrize("raw", ["12850123459", "1385012345", "138501234590", "0595-85695195", "无", "13850123459/13950123459"])
def test_a_mobile_that_is_not_1_3_to_9_and_nine_digits_is_an_error(raw):
    with pytest.raises(CellError, match="11位"):
        clean_mobile(raw)


def test_a_blank_mobile_is_empty_not_an_error():
    assert clean_mobile("") == "" and clean_mobile(None) == ""


@pytest.mark.parametrize("raw", ["35058219900101001X", "35058219900101001x", "３５０５８２１９９００１０１００１Ｘ", " 350582199001010 01X "])
def test_valid_id_numbers_are_normalised(raw):
    assert clean_id_number(raw) == ("35058219900101001X", "")


@pytest.mark.parametrize("region", ["350522", "352422", "350582", "810000", "830000"])
def test_id_numbers_are_never_judged_by_their_address_code(region):
    number = make_id_number(7, datetime.date(1975, 6, 1), region=region)
    assert clean_id_number(number) == (number, "")


def test_an_id_number_with_a_wrong_check_character_is_an_error():
    with pytest.raises(CellError, match="校验位"):
        clean_id_number("350582199001010010")


def test_an_id_number_with_an_impossible_birth_date_is_an_error():
    with pytest.raises(CellError, match="出生日期"):
        clean_id_number("350582199002300016")


def test_an_id_number_stored_as_a_number_has_lost_digits_and_says_so():
    with pytest.raises(CellError, match="设为文本"):
        clean_id_number(350582199001010010.0)


def test_a_15_digit_legacy_id_number_is_upgraded_with_a_warning():
    number, warning = clean_id_number("350582900101001")
    assert number == "350582199001010010"[:17] + number[17] and len(number) == 18
    assert number.startswith("35058219900101001")
    assert "15位" in warning


@pytest.mark.parametrize(
    "raw, expected",
    [
        ("手机号码（必填）", "mobile"),
        ("手机号码(必填)", "mobile"),
        ("从业人员 姓名", "name"),
        ("从业人员\n姓名", "name"),
        ("*姓名", "name"),
        ("生产经营单位名称", "unit"),
        ("单位名称（全称）", "unit"),
        ("培训类别", "category"),
        ("作业类别", "category"),
        ("身份证号码", "id_number"),
        ("公民身份号码", "id_number"),
        ("证书编号", "cert_number"),
        ("备注", "note"),
        ("性别", "gender"),
        ("序号", "seq"),
        ("籍贯", None),
    ],
)
def test_header_variants_are_recognised_by_their_words(raw, expected):
    assert field_of_header(raw)[0] == expected


def test_header_keys_drop_white_space_and_bracketed_remarks():
    assert header_key("手机号码（必填）") == "手机号码"
    assert header_key(" 从业人员 姓名 ") == "从业人员姓名"


def entries(catalogue, text, scheme=OPERATION):
    found, messages = category_messages(catalogue, catalogue.parse(text), scheme)
    return [(category.key, kind) for category, kind in found], messages


@pytest.mark.parametrize(
    "text, key",
    [
        ("电工", "op-1"),
        ("电工作业", "op-1"),
        ("低压电工", "op-1-2"),
        ("高压电工", "op-1-1"),
        ("电焊工", "op-2-1"),
        ("焊工", "op-2"),
        ("焊接与热切割", "op-2"),
        ("登高架设", "op-3-1"),
        ("高处作业", "op-3"),
        ("高处安装、维护、拆除作业", "op-3-2"),
        ("制冷", "op-4"),
        ("制冷与空调作业", "op-4"),
        ("ＤＩＡＮ", None),
        ("电工(低压)", "op-1-2"),
        ("电工（低压电工作业）", "op-1-2"),
        ("电工证", "op-1"),
    ],
)
def test_special_operation_categories_map_through_synonyms(catalogue, text, key):
    found, messages = entries(catalogue, text)
    if key is None:
        assert found == [] and messages
    else:
        assert found == [(key, NeedKind.INITIAL)] and messages == []


@pytest.mark.parametrize(
    "text, key",
    [
        ("锅炉", "se-2"),
        ("司炉", "se-2-g1"),
        ("G1", "se-2-g1"),
        ("压力容器（含气瓶）", "se-3"),
        ("压力容器(含气瓶)", "se-3"),
        ("压力管道", "se-pipe"),
        ("电梯", "se-5"),
        ("起重机械", "se-6"),
        ("行车", "se-6-q2"),
        ("天车工", "se-6-q2"),
        ("大型游乐设施", "se-8"),
        ("场（厂）内专用机动车辆", "se-9"),
        ("场(厂)内专用机动车辆", "se-9"),
        ("叉车", "se-9-n1"),
        ("n1", "se-9-n1"),
        ("Ｎ１", "se-9-n1"),
        ("叉车证", "se-9-n1"),
        ("场（厂）内专用机动车辆（叉车司机）", "se-9-n1"),
    ],
)
def test_special_equipment_categories_map_through_synonyms(catalogue, text, key):
    assert entries(catalogue, text, EQUIPMENT) == ([(key, NeedKind.INITIAL)], [])


@pytest.mark.parametrize("text", ["电工（复审）", "电工(复审)", "电工复审", "电工 复审", "电工【复审】", "复审：电工"])
def test_a_review_marker_makes_a_review_entry(catalogue, text):
    assert entries(catalogue, text) == ([("op-1", NeedKind.REVIEW)], [])


def test_the_exported_form_of_a_review_entry_imports_back(catalogue):
    assert entries(catalogue, "电工（低压电工作业）（复审）") == ([("op-1-2", NeedKind.REVIEW)], [])
    assert entries(catalogue, "压力容器（含气瓶）（复审）", EQUIPMENT) == ([("se-3", NeedKind.REVIEW)], [])


@pytest.mark.parametrize("text", ["电工、焊工", "电工，焊工", "电工,焊工", "电工/焊工", "电工；焊工", "电工;焊工", "电工+焊工", "电工 焊工", "电工＋焊工"])
def test_several_categories_in_one_cell_become_several_entries(catalogue, text):
    assert entries(catalogue, text) == ([("op-1", NeedKind.INITIAL), ("op-2", NeedKind.INITIAL)], [])


def test_each_category_of_a_cell_carries_its_own_review_marker(catalogue):
    assert entries(catalogue, "电工（复审）、焊工") == ([("op-1", NeedKind.REVIEW), ("op-2", NeedKind.INITIAL)], [])


def test_a_category_of_the_other_scheme_says_which_attachment_it_belongs_to(catalogue):
    assert entries(catalogue, "叉车") == ([], ["叉车属于附件2（特种设备），不能填入附件1（特种作业）。"])
    assert entries(catalogue, "电工", EQUIPMENT) == ([], ["电工属于附件1（特种作业），不能填入附件2（特种设备）。"])


def test_an_unknown_category_lists_what_the_form_accepts(catalogue):
    found, [message] = entries(catalogue, "架子工")
    assert found == []
    assert "架子工" in message and "电工、焊工、高处作业、制冷与空调作业" in message
    found, [message] = entries(catalogue, "架子工", EQUIPMENT)
    assert "锅炉、压力容器（含气瓶）、压力管道、电梯、起重机械、大型游乐设施、场（厂）内专用机动车辆" in message


def test_other_alone_is_too_vague(catalogue):
    found, [message] = entries(catalogue, "其他")
    assert found == [] and "具体项目" in message


def test_one_bad_part_of_a_cell_is_reported_and_the_good_part_kept(catalogue):
    found, [message] = entries(catalogue, "电工、架子工")
    assert found == [("op-1", NeedKind.INITIAL)] and "架子工" in message
