"""Moving the dates written in a piece of Chinese text (a phase's 工作要求) by a number of days.

`shift_dates_in_text` is what copying a campaign uses on its phases' descriptions; it only reads
and returns text.

What counts as a date:

- 2019年7月1日 (also 7月1号), 2019年7月 (a month), 2019年 (a year), and the same without the
  year: 7月1日, 6月. A written year has four digits; digits may be half-width or full-width
  (２０１９年７月１日), and the date is written back in the width it was found in, with its
  leading zeros (2019年07月01日) kept.
- A range, 2019年6月20日至7月31日 (or 到, -, －, ~, ～, —, ——): the second date takes the
  components it leaves out from the first (the year, or the year and the month), moving to the
  following year (or month) when it would otherwise fall before the first.

How a date moves:

- A day moves by exactly `days` days (2020年2月29日 + 365 days is 2021年2月28日).
- A month or a year moves as the day it stands for does, and is written again as the month (year)
  whose such day is nearest (the earlier on a tie): the day it stands for is its first (6月,
  2019年, 6月初, 6月上旬), or the 11th / 21st / last day for 6月中旬 / 6月下旬 / 6月底 (6月末),
  and 1 July / 31 December for 2019年下半年 / 2019年底. So 365 days move 2019年3月 to 2020年3月
  although 1 March 2019 + 365 days is 29 February 2020, and 2020年 to 2021年.
- In a range the second date again leaves out the year (and the month) it left out, unless its
  moved year (month) is no longer the first date's: 2019年12月20日至1月10日 moved by 5 days is
  2019年12月25日至2020年1月15日, by 15 days 2020年1月4日至1月25日. (When the first date has no
  year either, the second gets one only when the first has to, see below.)
- A date written without a year is in the year of `period`'s first day, or the year after when
  `period` runs into it and the date would otherwise fall before `period` starts. It is written
  again without a year when, read the same way against the moved period, it means the moved date;
  else its year is written. Without `period`, dates without a year are left as they are.
- With `within`, only dates (day, month or year) that overlap it move: a campaign passes the
  years it runs in, so that e.g. a regulation's "2015年" stays.

Left as written: anything else with digits (the year in a document number 晋安办〔2019〕28号,
2019版, 第3条), a year followed by 第 / 版 / 修订 / 修正 (公告2019年第3号, 2019年修订), a date
that does not exist (2019年2月30日), and ranges sharing a unit (2019年1-3月, 6月20-31日),
which are left whole rather than half moved.
"""

import calendar
import datetime
import re
import unicodedata

__all__ = ["shift_dates_in_text"]

DIGIT = "[0-9０-９]"
SEPARATOR = r"[ \u3000]*(?:至|到|——|[-－~～—–])[ \u3000]*"
ANCHOR = "(?:上半年|下半年|上旬|中旬|下旬|底|末|初)"


def _element(n, first):
    # the first date starts with a year or a month; a range's second may start with a day
    starts = f"(?={DIGIT}{{4}}年|{DIGIT}{{1,2}}月)" if first else f"(?={DIGIT}{{4}}年|{DIGIT}{{1,2}}[月日号])"
    return (
        f"{starts}(?P<e{n}>(?:(?P<y{n}>{DIGIT}{{4}})年)?(?:(?P<m{n}>{DIGIT}{{1,2}})月)?"
        f"(?:(?P<d{n}>{DIGIT}{{1,2}})(?P<s{n}>[日号]))?(?P<a{n}>{ANCHOR})?)"
    )


DATES = re.compile(
    # not the tail of a longer number, nor the second half of a range sharing a unit (1-3月)
    f"(?<!{DIGIT})(?<!{DIGIT}[至到\\-－~～—–])(?<!{DIGIT}——)"
    f"{_element(1, True)}(?:(?P<sep>{SEPARATOR}){_element(2, False)})?"
    f"(?!{DIGIT})"
)

# a year followed by these is a document's year (公告2019年第3号, 2019年版, 2019年修订), not a date
NOT_A_YEAR = ("第", "版", "修订", "修正")

FULL_WIDTH = str.maketrans("0123456789", "０１２３４５６７８９")

YEAR, MONTH, DAY = "year", "month", "day"
UNITS = (YEAR, MONTH, DAY)


def _month_after(day):
    return (day.replace(day=1) + datetime.timedelta(days=32)).replace(day=1)


class _Mention:
    """One written date: its components as written (None when left out) and how they were written."""

    def __init__(self, match, n):
        self.written = {unit: match.group(f"{unit[0]}{n}") for unit in UNITS}
        self.suffix = match.group(f"s{n}") or "日"
        self.anchor = match.group(f"a{n}") or ""
        self.values = {unit: int(unicodedata.normalize("NFKC", text)) if text else None
                       for unit, text in self.written.items()}
        self.precision = DAY if self.written[DAY] else MONTH if self.written[MONTH] else YEAR

    def padded(self, unit):
        text = self.written[unit]
        return bool(text) and len(text) == 2 and text[0] in "0０"

    def day_of(self, year, month=1, day=None):
        """The day this mention stands for in `year` (and `month`; on `day`, else the day written);
        None when there is no such day."""
        try:
            if self.precision == DAY:
                return datetime.date(year, month, day or self.values[DAY])
            if self.precision == MONTH:
                last = calendar.monthrange(year, month)[1]
                return datetime.date(year, month, {"中旬": 11, "下旬": 21, "底": last, "末": last}.get(self.anchor, 1))
            month, day = {"下半年": (7, 1), "底": (12, 31), "末": (12, 31)}.get(self.anchor, (1, 1))
            return datetime.date(year, month, day)
        except (ValueError, TypeError):
            return None

    def span(self, day):
        """The first and last day of the day, month or year this mention means when it stands for `day`."""
        if self.precision == DAY:
            return day, day
        if self.precision == MONTH:
            return day.replace(day=1), day.replace(day=calendar.monthrange(day.year, day.month)[1])
        return datetime.date(day.year, 1, 1), datetime.date(day.year, 12, 31)

    def moved(self, day, shift):
        """The day the mention stands for once moved: `day` + `shift` for a day; for a month (year),
        the day standing for the month (year) nearest to it."""
        target = day + shift
        if self.precision == DAY:
            return target
        if self.precision == MONTH:
            this = target.replace(day=1)
            months = [(this - datetime.timedelta(days=1)).replace(day=1), this, _month_after(this)]
            candidates = [self.day_of(month.year, month.month) for month in months]
        else:
            candidates = [self.day_of(year) for year in (target.year - 1, target.year, target.year + 1)]
        return min(candidates, key=lambda candidate: abs((candidate - target).days))


def _month_valid(month):
    return month is None or 1 <= month <= 12


def _undated(mention, month, day, period):
    """What a date written without a year (`month`, and `day` for a day) means read against
    `period`: in the period's first year, or a later year of the period when it would otherwise
    fall before the period starts."""
    first, last = period
    for year in range(first.year, last.year + 1):
        found = mention.day_of(year, month, day)
        if found is not None and found >= first:
            return found
    return mention.day_of(first.year, month, day)


def _read_first(mention, period):
    """The day the first (or only) date of a match stands for; None when it is not a date."""
    values = mention.values
    if not _month_valid(values[MONTH]):
        return None
    if values[YEAR] is not None:
        return mention.day_of(values[YEAR], values[MONTH] or 1)
    if period is None:
        return None
    return _undated(mention, values[MONTH], None, period)


def _read_second(second, first, start):
    """The day a range's second date stands for, taking what it leaves out from the first date
    (which stands for `start`); None when the two are not a range."""
    values = second.values
    if not _month_valid(values[MONTH]):
        return None
    if values[YEAR] is not None:
        if values[MONTH] is None and values[DAY] is not None:
            return None  # 2019年20日
        return second.day_of(values[YEAR], values[MONTH] or 1)
    if values[MONTH] is not None:
        if first.precision == YEAR:
            return None  # 2019年至7月: not a range
        day = second.day_of(start.year, values[MONTH])
        if day is not None and day < start:
            day = second.day_of(start.year + 1, values[MONTH])
        return day
    if first.precision != DAY:
        return None  # 2019年6月至20日
    day = second.day_of(start.year, start.month)
    if day is not None and day < start:
        following = _month_after(start)
        day = second.day_of(following.year, following.month)
    return day


def _written_units(mention, new_day, moved_period):
    """The components to write for a moved date: those it was written with, and its year when it
    was left out but, read against the moved period, the date would no longer mean the moved day."""
    units = {unit for unit, text in mention.written.items() if text}
    if mention.values[YEAR] is None and _undated(mention, new_day.month, new_day.day, moved_period) != new_day:
        units.add(YEAR)
    return units


def _render(mention, day, units, full_width, like=None):
    """`day` written as `mention` was, with the components in `units` (down to its precision)."""
    like = like or mention
    parts = []
    if YEAR in units:
        parts.append(f"{day.year}年")
    if MONTH in units and mention.precision != YEAR:
        padded = mention.padded(MONTH) or (not mention.written[MONTH] and like.padded(MONTH))
        parts.append(f"{day.month:02d}月" if padded else f"{day.month}月")
    if mention.precision == DAY:
        parts.append(f"{day.day:02d}" if mention.padded(DAY) else str(day.day))
        parts.append(mention.suffix)
    text = "".join(parts)
    return (text.translate(FULL_WIDTH) if full_width else text) + mention.anchor


def _overlaps(mention, day, within):
    if within is None:
        return True
    first, last = mention.span(day)
    return first <= within[1] and last >= within[0]


class _Shifter:
    def __init__(self, days, period, within):
        self.shift = datetime.timedelta(days=days)
        self.period = period
        self.moved_period = (period[0] + self.shift, period[1] + self.shift) if period else None
        self.within = within

    def __call__(self, match):
        shifted = self.rewrite(match)
        return match.group(0) if shifted is None else shifted

    def rewrite(self, match):
        """The rewritten text of one match, None to leave it as written."""
        text = match.group(0)
        full_width = any("０" <= char <= "９" for char in text)
        first = _Mention(match, 1)
        start = _read_first(first, self.period)
        if start is None:
            return None
        second = _Mention(match, 2) if match.group("sep") is not None else None
        end = _read_second(second, first, start) if second else None
        if end is None:
            # a single date (or a date and what follows it, which is no range): what follows as written
            first_end = match.end("e1")
            following = match.string[first_end:]
            if first.precision == YEAR and not first.anchor and following.startswith(NOT_A_YEAR):
                return None
            if not _overlaps(first, start, self.within):
                return None
            single = self.single(first, start, full_width)
            return single + match.string[first_end:match.end()]
        if not (_overlaps(first, start, self.within) or _overlaps(second, end, self.within)):
            return None
        new_start, new_end = first.moved(start, self.shift), second.moved(end, self.shift)
        head_units = _written_units(first, new_start, self.moved_period)
        tail_units = {unit for unit, text in second.written.items() if text}
        if YEAR in head_units and new_end.year != new_start.year:
            tail_units |= {YEAR, MONTH}
        if (new_end.year, new_end.month) != (new_start.year, new_start.month):
            tail_units.add(MONTH)
        head = _render(first, new_start, head_units, full_width)
        tail = _render(second, new_end, tail_units, full_width, like=first)
        return head + match.group("sep") + tail

    def single(self, mention, day, full_width):
        new_day = mention.moved(day, self.shift)
        return _render(mention, new_day, _written_units(mention, new_day, self.moved_period), full_width)


def shift_dates_in_text(text, days, *, period=None, within=None):
    """`text` with the dates written in it moved by `days` days (see the module's docstring).

    `period` is the (first, last) day the text is about, e.g. its phase's dates: dates written
    without a year are read against it (and against it moved, to write them again). `within`, a
    (first, last) pair, limits the dates moved to those overlapping it.
    """
    if not text or not days:
        return text
    return DATES.sub(_Shifter(days, period, within), text)
