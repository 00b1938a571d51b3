"""Normalisers and checksum validators for the registry's identifiers.

Pure functions: no models, no database. The rules are those of FACTS.md: GB 11643 for
resident ID numbers, GB 32100 for unified social credit codes, mainland mobile numbers.
"""

import datetime
import re
import unicodedata

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
ID_CHECK_CHARS = "10X98765432"
CREDIT_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
CREDIT_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)

_WHITESPACE = re.compile(r"\s+")
_MOBILE = re.compile(r"^1[3-9]\d{9}$")
_ID18 = re.compile(r"^\d{17}[\dX]$")
_ID15 = re.compile(r"^\d{15}$")
_CREDIT = re.compile(rf"^[{CREDIT_ALPHABET}]{{18}}$")
_LEGACY_REGISTRATION = re.compile(r"^\d{15}$")


def nfkc(value):
    """NFKC-normalise and strip; None becomes ''. Full-width digits and brackets turn half-width."""
    if value is None:
        return ""
    return unicodedata.normalize("NFKC", str(value)).strip()


def normalize_person_name(value):
    """李 娜 → 李娜: person names lose all white space, inner included."""
    return _WHITESPACE.sub("", nfkc(value))


def normalize_unit_name(value):
    """The unit name as shown: NFKC, outer white space stripped, inner runs folded to one space."""
    return _WHITESPACE.sub(" ", nfkc(value))


def unit_name_key(value):
    """The key two unit names are matched on: NFKC (（）≡()), no white space, case folded."""
    return _WHITESPACE.sub("", nfkc(value)).casefold()


def _number_text(value):
    """Text of a spreadsheet cell that may have been read as a number (13850123459.0)."""
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, int):
        return str(value)
    text = nfkc(value)
    if re.fullmatch(r"\d+\.0+", text):
        text = text.split(".")[0]
    return text


def normalize_mobile(value):
    """Spaces, dashes, brackets and a +86 / 0086 / 86 prefix removed; full-width digits folded."""
    text = re.sub(r"[\s\-()（）.]", "", _number_text(value))
    if text.startswith("+"):
        text = text[1:]
    for prefix in ("0086", "86"):
        if text.startswith(prefix) and len(text) - len(prefix) == 11:
            text = text[len(prefix) :]
            break
    return text


def is_valid_mobile(value):
    return bool(_MOBILE.match(value or ""))


def validate_mobile(value):
    if not is_valid_mobile(value):
        raise ValidationError(
            _("手机号码应为11位数字，以13–19开头（当前为“%(value)s”）。"), code="invalid_mobile", params={"value": value}
        )


def id_check_char(first17):
    total = sum(int(digit) * weight for digit, weight in zip(first17, ID_WEIGHTS))
    return ID_CHECK_CHARS[total % 11]


def upgrade_legacy_id(value):
    """A 15-digit first-generation ID number as its 18-character form (19 inserted, check appended)."""
    first17 = value[:6] + "19" + value[6:]
    return first17 + id_check_char(first17)


def normalize_id_number(value):
    """Strip, fold full-width characters and spaces, x → X; a cell read as a number keeps its digits."""
    text = re.sub(r"\s+", "", _number_text(value)).upper()
    return text


def id_number_error(value, today=None):
    """Why an (already normalised) ID number is not valid, or '' when it is.

    The address code is deliberately not checked: natives born before 1992 carry codes
    that no longer exist (350522, 352422), and permits use 810000/820000/830000.
    """
    if not _ID18.match(value):
        if _ID15.match(value):
            return _("15位旧身份证号码，请换成18位号码。")
        return _("身份证号码应为18位（17位数字加1位数字或X）。")
    try:
        born = datetime.date(int(value[6:10]), int(value[10:12]), int(value[12:14]))
    except ValueError:
        return _("身份证号码中的出生日期（第7–14位）不是真实日期。")
    today = today or datetime.date.today()
    if born > today or born.year < 1900:
        return _("身份证号码中的出生日期（第7–14位）不可能。")
    if id_check_char(value[:17]) != value[17]:
        return _("身份证号码校验位错误，请核对是否录错。")
    return ""


def is_valid_id_number(value, today=None):
    return not id_number_error(value, today)


def validate_id_number(value):
    error = id_number_error(value)
    if error:
        raise ValidationError(error, code="invalid_id_number")


def birth_date_from_id(value):
    try:
        return datetime.date(int(value[6:10]), int(value[10:12]), int(value[12:14]))
    except (ValueError, IndexError):
        return None


def credit_check_char(first17):
    total = sum(CREDIT_ALPHABET.index(char) * weight for char, weight in zip(first17, CREDIT_WEIGHTS))
    return CREDIT_ALPHABET[(31 - total % 31) % 31]


def normalize_credit_code(value):
    return re.sub(r"\s+", "", nfkc(value)).upper()


def credit_code_error(value):
    """Why a normalised unified social credit code is not valid, or '' when it is.

    A 15-digit business registration number from old ledgers is accepted as legacy.
    """
    if _LEGACY_REGISTRATION.match(value):
        return ""
    if len(value) != 18:
        return _("统一社会信用代码应为18位。")
    if not _CREDIT.match(value):
        return _("统一社会信用代码含有不允许的字符（不使用 I、O、S、V、Z）。")
    if credit_check_char(value[:17]) != value[17]:
        return _("统一社会信用代码校验位错误，请核对是否录错。")
    return ""


def is_legacy_registration_number(value):
    return bool(_LEGACY_REGISTRATION.match(value or ""))


def validate_credit_code(value):
    error = credit_code_error(value)
    if error:
        raise ValidationError(error, code="invalid_credit_code")
