"""shift_dates_in_text: the dates written in a phase's description move with the phase."""

import datetime

import pytest

from campaigns.dates_text import shift_dates_in_text

D = datetime.date
SURVEY = (D(2019, 5, 10), D(2019, 6, 30))  # the notice's 检查摸底
ENFORCEMENT = (D(2019, 9, 1), D(2020, 2, 28))  # the notice's 专项执法, into the next year
NOTICE_YEARS = (D(2019, 1, 1), D(2020, 12, 31))


def shift(text, days, period=SURVEY, within=None):
    return shift_dates_in_text(text, days, period=period, within=within)


# full dates -----------------------------------------------------------------------------------

@pytest.mark.parametrize(("days", "expected"), [
    (366, "于2020年7月1日前报送市安办"),  # 2019-05-10 → 2020-05-10 crosses 29 February 2020
    (365, "于2020年6月30日前报送市安办"),  # a full date moves by exactly the days
    (10, "于2019年7月11日前报送市安办"),
    (-31, "于2019年5月31日前报送市安办"),
])
def test_a_full_date_moves_by_exactly_the_days(days, expected):
    assert shift("于2019年7月1日前报送市安办", days) == expected


def test_leap_day_plus_365_days_is_28_february():
    assert shift("2020年2月29日", 365) == "2021年2月28日"
    assert shift("2020年2月29日", 366) == "2021年3月1日"


def test_a_date_crosses_the_year_end():
    assert shift("2019年12月20日召开总结会", 15) == "2020年1月4日召开总结会"


def test_leading_zeros_and_号_are_kept():
    assert shift("2019年07月01日", 366) == "2020年07月01日"
    assert shift("2019年7月1号前", 1) == "2019年7月2号前"


def test_several_dates_in_one_text_all_move():
    text = "2019年5月10日印发，2019年7月1日前报送，2020年3月30日前总结。"
    assert shift(text, 366) == "2020年5月10日印发，2020年7月1日前报送，2021年3月31日前总结。"


# months and years ------------------------------------------------------------------------------

@pytest.mark.parametrize(("text", "days", "expected"), [
    ("2019年7月", 366, "2020年7月"),
    ("2019年12月", 31, "2020年1月"),  # 1 December + 31 days is 1 January
    ("2019年3月", 365, "2020年3月"),  # 1 March 2019 + 365 days is 29 February 2020: the nearest month is March
    ("2019年6月", 10, "2019年6月"),  # 11 June is nearer 1 June than 1 July
    ("2019年6月", 20, "2019年7月"),
    ("2019年6月底前", 366, "2020年6月底前"),  # the end of June stands for it
    ("2019年6月底前", 10, "2019年6月底前"),
    ("2019年6月底前", 25, "2019年7月底前"),
    ("2019年6月中旬", 366, "2020年6月中旬"),
    ("2019年", 366, "2020年"),
    ("2020年", 365, "2021年"),  # 1 January 2020 + 365 days is 31 December 2020: the nearest year is 2021
    ("2019年度", 366, "2020年度"),
    ("2019年底前", 300, "2020年底前"),  # 31 December 2019 + 300 days is in October 2020
    ("2019年下半年", 200, "2020年下半年"),
])
def test_a_month_or_a_year_moves_as_the_day_it_stands_for_and_stays_a_month_or_a_year(text, days, expected):
    assert shift(text, days) == expected


def test_a_month_that_does_not_exist_is_left_as_written():
    assert shift("2019年13月", 366) == "2019年13月"


# ranges ---------------------------------------------------------------------------------------

def test_a_range_whose_end_leaves_out_the_year():
    assert shift("2019年6月20日至7月31日", 366) == "2020年6月20日至7月31日"
    assert shift("2019年6月20日至7月31日", 10) == "2019年6月30日至8月10日"


def test_a_range_with_both_years_keeps_both():
    assert shift("2019年6月20日至2019年7月31日", 366) == "2020年6月20日至2020年7月31日"
    assert shift("2019年6月—2020年1月", 366) == "2020年6月—2021年1月"


def test_a_range_whose_end_leaves_out_the_month():
    assert shift("2019年7月1日至31日", 366) == "2020年7月1日至31日"
    assert shift("2019年7月10日至20日", 25) == "2019年8月4日至14日"  # still one month
    assert shift("2019年7月10日至20日", 15) == "2019年7月25日至8月4日"  # now two months: the month is written


def test_a_range_across_the_year_end_writes_the_end_year_when_the_moved_years_differ():
    # the end inherits the start's year, and is in the next year when it would otherwise be earlier
    assert shift("2019年12月20日至1月10日", 5) == "2019年12月25日至2020年1月15日"
    assert shift("2019年12月20日至1月10日", 15) == "2020年1月4日至1月25日"  # both in 2020: the year is left out again
    assert shift("2019年11月20日至12月10日", 31) == "2019年12月21日至2020年1月10日"  # newly across the year end


@pytest.mark.parametrize("separator", ["至", "到", "-", "－", "~", "～", "—", "——", " 至 "])
def test_range_separators_are_kept(separator):
    assert shift(f"2019年6月20日{separator}7月31日", 366) == f"2020年6月20日{separator}7月31日"


def test_a_range_of_months():
    assert shift("2019年6月至8月", 366) == "2020年6月至8月"
    assert shift("2019年11月至2月", 31) == "2019年12月至2020年3月"


def test_ranges_sharing_a_unit_are_left_whole():
    # "1-3月" would otherwise have only its "3月" moved
    assert shift("2019年1-3月", 200) == "2019年1-3月"
    assert shift("6月20-30日", 10) == "6月20-30日"


# dates without a year ---------------------------------------------------------------------------

def test_a_date_without_a_year_is_in_the_year_of_its_phase():
    assert shift("7月1日前报送", 366) == "7月1日前报送"
    assert shift("7月1日前报送", 10) == "7月11日前报送"
    assert shift("6月底前完成", 366) == "6月底前完成"
    assert shift("6月底前完成", 25) == "7月底前完成"
    assert shift("6月20日至7月31日", 10) == "6月30日至8月10日"


def test_a_date_without_a_year_in_a_phase_running_into_the_next_year():
    # 1月底 in a phase from September 2019 to February 2020 is January 2020
    assert shift("1月底前完成交叉互检", 31, period=ENFORCEMENT) == "2月底前完成交叉互检"
    assert shift("12月31日前", 1, period=ENFORCEMENT) == "1月1日前"  # 1 January 2020, inside the moved phase


def test_a_date_without_a_year_gets_one_when_it_would_read_otherwise():
    # phase 10 May – 30 June 2019 moved by 100 days runs 18 August – 8 October 2019: 12月31日 + 100
    # days is 9 April 2020, which "4月9日" would not mean against the moved phase (9 April 2019)
    assert shift("12月31日前报送", 100) == "2020年4月9日前报送"
    # moved by 200 days it runs 26 November 2019 – 16 January 2020, into 2020: 1月 there is 2020's
    assert shift("7月1日前报送", 200) == "1月17日前报送"


def test_dates_without_a_year_are_left_alone_without_a_period():
    assert shift_dates_in_text("7月1日前报送，6月底前", 366) == "7月1日前报送，6月底前"
    assert shift_dates_in_text("2019年7月1日前", 366) == "2020年7月1日前"


def test_invalid_dates_without_a_year_are_left_as_written():
    assert shift("2月29日", 366) == "2月29日"  # 2019 has no 29 February
    assert shift("6月31日", 1) == "6月31日"


# widths ---------------------------------------------------------------------------------------

def test_full_width_digits_are_read_and_written_back_full_width():
    assert shift("于２０１９年７月１日前", 366) == "于２０２０年７月１日前"
    assert shift("２０１９年６月２０日至７月３１日", 10) == "２０１９年６月３０日至８月１０日"
    assert shift("２０１９年１２月", 31) == "２０２０年１月"
    assert shift("７月１日", 10) == "７月１１日"


def test_half_width_and_full_width_dates_keep_their_own_widths():
    assert shift("2019年7月1日、２０１９年８月１日", 366) == "2020年7月1日、２０２０年８月１日"


# left untouched -------------------------------------------------------------------------------

@pytest.mark.parametrize("text", [
    "根据晋安办〔2019〕28号文件要求",
    "晋安办［２０１９］２８号",
    "国家市场监督管理总局公告2019年第3号",
    "《特种设备作业人员资格认定分类与项目》（2019年版）",
    "《特种作业人员安全技术培训考核管理规定》（2015年修正）",
    "2019年修订的条例",
    "执行2019版标准第28条，参训人员不少于30人，培训3个月、学时72学时",
    "每人100元，热线12345",
])
def test_what_is_not_a_date_is_left_as_written(text):
    assert shift(text, 366) == text


def test_a_document_number_next_to_a_date_stays():
    text = "按照晋安办〔2019〕28号要求，于2019年7月1日前报送"
    assert shift(text, 366) == "按照晋安办〔2019〕28号要求，于2020年7月1日前报送"


@pytest.mark.parametrize("text", ["2019年2月30日", "2019年2月29日", "2019年4月31日", "2019年0月1日"])
def test_a_date_that_does_not_exist_is_left_as_written(text):
    assert shift(f"于{text}前", 366) == f"于{text}前"


def test_a_range_with_a_date_that_does_not_exist_is_left_as_written():
    assert shift("2019年2月30日至3月5日", 366) == "2019年2月30日至3月5日"


@pytest.mark.parametrize("text", ["", "各镇（街道）全面检查辖区生产经营单位持证情况。", None])
def test_text_without_dates_is_unchanged(text):
    assert shift(text, 366) == text


def test_no_days_no_change():
    assert shift("于2019年7月1日前", 0) == "于2019年7月1日前"


def test_only_dates_within_move():
    text = "依据2015年修改的规定和2016年5月1日施行的办法，于2019年7月1日前报送"
    expected = "依据2015年修改的规定和2016年5月1日施行的办法，于2020年7月1日前报送"
    assert shift(text, 366, within=NOTICE_YEARS) == expected
    # a range moves when either of its ends is within
    assert shift("2018年12月1日至2019年1月31日", 365, within=NOTICE_YEARS) == "2019年12月1日至2020年1月31日"
    assert shift("2018年11月1日至12月31日", 365, within=NOTICE_YEARS) == "2018年11月1日至12月31日"
