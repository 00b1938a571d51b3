import datetime

import pytest

from registry import validators as v


@pytest.mark.parametrize("number", ["35058219900101001X", "350582198512310028", "35058219900101001x", "810000199001010019"])
def test_valid_id_numbers_pass_their_checksum(number):
    normalised = v.normalize_id_number(number)
    assert v.id_number_error(normalised) == "", number


def test_an_old_jinjiang_address_code_is_not_rejected():
    # 350522 and 352422 were Jinjiang's codes before 1992: only the checksum counts
    first17 = "35052219600101001"
    assert v.is_valid_id_number(first17 + v.id_check_char(first17))
    first17 = "35242219700101003"
    assert v.is_valid_id_number(first17 + v.id_check_char(first17))


@pytest.mark.parametrize(
    "number, message",
    [
        ("350582199001010010", "校验位"),
        ("35058219901301001X", "出生日期"),
        ("3505821990010100", "18位"),
        ("35058299990101001X", "出生日期"),
        ("350582900101001", "15位"),
    ],
)
def test_invalid_id_numbers_say_why(number, message):
    assert message in str(v.id_number_error(number))


def test_a_birth_date_in_the_future_is_impossible():
    first17 = "35058220300101001"
    number = first17 + v.id_check_char(first17)
    assert "不可能" in str(v.id_number_error(number, today=datetime.date(2026, 1, 1)))


def test_full_width_id_numbers_are_normalised():
    assert v.normalize_id_number("３５０５８２１９９００１０１００１ｘ") == "35058219900101001X"


def test_legacy_fifteen_digit_ids_upgrade_to_eighteen():
    upgraded = v.upgrade_legacy_id("350582900101001")
    assert upgraded[:17] == "35058219900101001"
    assert v.is_valid_id_number(upgraded)


@pytest.mark.parametrize("code", ["91110000600037341L", "91350582MA2000000E", "350582000012345"])
def test_valid_credit_codes(code):
    assert v.credit_code_error(code) == ""


@pytest.mark.parametrize(
    "code, message", [("91350582MA2000000F", "校验位"), ("91350582MA20000O0E", "字符"), ("9135058", "18位")]
)
def test_invalid_credit_codes_say_why(code, message):
    assert message in str(v.credit_code_error(code))


def test_a_credit_code_may_start_with_a_letter():
    first17 = "N2350582MA0000001"
    assert v.credit_code_error(first17 + v.credit_check_char(first17)) == ""


@pytest.mark.parametrize(
    "raw", ["13850123459", "138 5012 3459", "138-5012-3459", "+86 13850123459", "8613850123459",
            "008613850123459", "１３８５０１２３４５９", 13850123459.0, 13850123459, "13850123459.0"],
)
def test_mobile_numbers_normalise_to_eleven_digits(raw):
    assert v.normalize_mobile(raw) == "13850123459"
    assert v.is_valid_mobile(v.normalize_mobile(raw))


@pytest.mark.parametrize("raw", ["12850123459", "1385012345", "138501234590", "0595-85695195"])
def test_invalid_mobiles_are_rejected(raw):
    assert not v.is_valid_mobile(v.normalize_mobile(raw))


def test_person_names_lose_inner_white_space():
    assert v.normalize_person_name(" 李 娜 ") == "李娜"
    assert v.normalize_person_name("李\u3000娜") == "李娜"


def test_unit_names_match_with_either_brackets_and_no_spaces():
    assert v.unit_name_key("晋江市恒安（集团）有限公司") == v.unit_name_key("晋江市恒安 (集团) 有限公司")
