"""Per-field cleaning of a ledger row and the mapping of free-text categories to the catalogue.

Messages are kept free of the offending value so the preview can group errors by message
and count them; the row itself shows the value.
"""

import re
import unicodedata
from dataclasses import dataclass, field

from django.utils.translation import gettext as _

from registry import validators
from registry.choices import NeedKind, Scheme

# 、，,/；; + and white space separate several categories in one cell (full-width forms fold under NFKC):
# a token is a run of anything else
_TOKEN = re.compile(r"[^、,/;+\s]+")
_BRACKETS = str.maketrans({"【": "(", "】": ")", "[": "(", "]": ")", "〔": "(", "〕": ")", "{": "(", "}": ")"})
_REVIEW_SUFFIX = re.compile(r"\(?(?:到期复审|复审换证|复审培训|复审|复训)\)?$")
_REVIEW_PREFIX = re.compile(r"^(?:复审|复训)[:\-]?")
_INITIAL_SUFFIX = re.compile(r"\(?(?:初次取证|新取证|初次|初训|初领|取证|新办)\)?$")
_INNER = re.compile(r"^(.+)\(([^()]+)\)$")
# words clerks add to a category that the catalogue does not carry: 叉车证, 电梯操作员 …
_NOISE_SUFFIXES = ("操作证", "上岗证", "作业证", "资格证", "证书", "证", "作业人员", "人员", "操作员", "工")
_MAX_TOKENS = 12
_MOBILE = re.compile(r"1[3-9]\d{9}")

# the order in which the notice's notes list the labels
NOTICE_LABELS = (
    "电工", "焊工", "高处作业", "制冷与空调作业",
    "锅炉", "压力容器（含气瓶）", "压力管道", "电梯", "起重机械", "大型游乐设施", "场（厂）内专用机动车辆",
)
CATALOGUE_TITLES = {
    Scheme.SPECIAL_OPERATION: "《特种作业目录》",
    Scheme.SPECIAL_EQUIPMENT: "《特种设备作业人员资格认定分类与项目》",
}


class CellError(Exception):
    """A cell that cannot be imported; the message is shown to the clerk."""


def form_scheme(form):
    return Scheme.SPECIAL_OPERATION if int(form) == 1 else Scheme.SPECIAL_EQUIPMENT


def compact(value):
    """NFKC with every white space removed: how header words and categories are compared."""
    return re.sub(r"\s+", "", validators.nfkc(value))


def category_key(value):
    """Catalogue comparison key: compact, case folded, every bracket style turned into ()."""
    return compact(value).translate(_BRACKETS).casefold().rstrip("。.")


def cell_text(value):
    """A cell as text: NFKC, stripped; a number cell without its .0 (13850123459.0 → 13850123459)."""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return str(value)
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return validators.nfkc(value)


def is_blank(value):
    return value is None or (isinstance(value, str) and not value.strip())


# --- people, units, identifiers ---------------------------------------------------------


def clean_person_name(value):
    text = value if value.__class__ is str else cell_text(value)
    if not unicodedata.is_normalized("NFKC", text):
        text = unicodedata.normalize("NFKC", text)
    # as validators.normalize_person_name, without its regex: this runs for every row
    name = "".join(text.split())
    if not name:
        raise CellError(_("从业人员姓名为空。"))
    if name.isdigit():
        raise CellError(_("从业人员姓名是一串数字，请核对是否填错列。"))
    if len(name) > 50:
        raise CellError(_("从业人员姓名超过50个字。"))
    return name


def clean_unit_name(value):
    name = validators.normalize_unit_name(cell_text(value))
    if not name:
        raise CellError(_("生产经营单位名称为空。"))
    if len(name) > 200:
        raise CellError(_("生产经营单位名称超过200个字。"))
    return name


def clean_mobile(value):
    """'' for a blank cell; the 11-digit number for 138 5012 3459, +86-138…, 13850123459.0 …"""
    if value.__class__ is str and len(value) == 11 and _MOBILE.match(value):
        return value  # the usual cell, already clean
    if is_blank(value):
        return ""
    mobile = validators.normalize_mobile(value)
    if not validators.is_valid_mobile(mobile):
        raise CellError(_("手机号码应为11位数字，以13–19开头。"))
    return mobile


def clean_id_number(value):
    """('' or the 18-character number, a warning or ''). Checked by checksum, never by address code."""
    if is_blank(value):
        return "", ""
    if isinstance(value, float) and value >= 1e15:
        # Excel keeps 15 significant digits: an ID typed into a number cell has lost its tail
        raise CellError(_("身份证号码被保存成了数字，后几位已丢失，请把该列设为文本格式后重新填写。"))
    number = validators.normalize_id_number(value)
    warning = ""
    if re.fullmatch(r"\d{15}", number):
        number = validators.upgrade_legacy_id(number)
        warning = _("15位旧身份证号码已按国家标准转换为18位。")
    error = validators.id_number_error(number)
    if error:
        raise CellError(str(error))
    return number, warning


def clean_note(value):
    return validators.normalize_unit_name(cell_text(value))[:200]


# --- categories ------------------------------------------------------------------------


@dataclass
class ParsedCategories:
    entries: list = field(default_factory=list)  # (CertificateCategory, NeedKind, text as written)
    unknown: list = field(default_factory=list)  # texts that map to nothing
    ambiguous: list = field(default_factory=list)  # texts that map to several unrelated items


def _strip_markers(text):
    """(text without a 复审/取证 marker, kind or None)."""
    kind = None
    for _round in range(2):
        stripped = _REVIEW_SUFFIX.sub("", text)
        if stripped != text:
            text, kind = stripped, NeedKind.REVIEW
            continue
        stripped = _REVIEW_PREFIX.sub("", text)
        if stripped != text:
            text, kind = stripped, NeedKind.REVIEW
            continue
        stripped = _INITIAL_SUFFIX.sub("", text)
        if stripped != text and stripped:
            text, kind = stripped, kind or NeedKind.INITIAL
            continue
        break
    return text, kind


class CategoryCatalogue:
    """Both catalogues in memory, loaded once per import: free text → category.

    A text matches a category's name, official code, synonyms (priority) or form label, all
    compared by `category_key`. When a text matches a class and its items the class wins;
    matches in both schemes are kept so the caller can say which attachment a text belongs to.
    """

    def __init__(self, categories):
        self.categories = list(categories)
        by_id = {category.pk: category for category in self.categories}
        self._ancestors = {}
        for category in self.categories:
            chain, parent_id = set(), category.parent_id
            while parent_id:
                chain.add(parent_id)
                parent_id = by_id[parent_id].parent_id if parent_id in by_id else None
            self._ancestors[category.pk] = chain
        self._exact, self._labels = {}, {}
        for category in self.categories:
            words = [category.name, *category.synonyms]
            # a bare class number (1, 2 …) is more often a stray 序号 than a category
            if category.code and not category.code.isdigit():
                words.append(category.code)
            for word in words:
                self._exact.setdefault(category_key(word), []).append(category)
            self._labels.setdefault(category_key(category.form_label), []).append(category)
        self._cache = {}

    @classmethod
    def load(cls):
        from registry.models import CertificateCategory

        return cls(CertificateCategory.objects.order_by("scheme", "order"))

    def form_labels(self, scheme):
        labels = []
        for category in self.categories:
            if category.scheme == scheme and category.form_label not in labels and category.form_label != "其他":
                labels.append(category.form_label)
        return sorted(labels, key=lambda label: NOTICE_LABELS.index(label) if label in NOTICE_LABELS else 99)

    def _reduce(self, candidates):
        """Per scheme, the one candidate that contains all others; None for a scheme that is ambiguous."""
        chosen = {}
        for scheme in dict.fromkeys(category.scheme for category in candidates):
            group = list({category.pk: category for category in candidates if category.scheme == scheme}.values())
            root = [c for c in group if all(o.pk == c.pk or c.pk in self._ancestors[o.pk] for o in group)]
            chosen[scheme] = root[0] if root else None
        return chosen

    def lookup(self, text):
        """{scheme: category or None (ambiguous)} for one category text without markers; {} if unknown."""
        key = category_key(text)
        if not key:
            return {}
        for table in (self._exact, self._labels):
            if key in table:
                return self._reduce(table[key])
        inner = _INNER.match(key)
        if inner:
            # 电工(低压电工作业) as the export writes it: the item in brackets says more
            for part in (inner.group(2), inner.group(1)):
                found = self.lookup(part)
                if found:
                    return found
        for suffix in _NOISE_SUFFIXES:
            if key.endswith(suffix) and len(key) > len(suffix):
                found = self.lookup(key[: -len(suffix)])
                if found:
                    return found
        return {}

    def parse(self, value):
        """Every (category, kind) a 培训类别 cell names; memoised, the same texts recur by thousands."""
        text = cell_text(value)
        if text not in self._cache:
            self._cache[text] = self._parse(text)
        return self._cache[text]

    def _parse(self, text):
        result = ParsedCategories()
        tokens = list(_TOKEN.finditer(text))
        if len(tokens) > _MAX_TOKENS:
            result.unknown.append(text)
            return result
        index = 0
        while index < len(tokens):
            for end in range(len(tokens), index, -1):
                span = text[tokens[index].start() : tokens[end - 1].end()]
                core, kind = _strip_markers(compact(span).translate(_BRACKETS))
                found = self.lookup(core) if core else {}
                if found:
                    result.entries.append((found, kind or NeedKind.INITIAL, span))
                    index = end
                    break
                if not core and kind == NeedKind.REVIEW and result.entries and end == index + 1:
                    # 电工 复审: a marker standing alone belongs to the category before it
                    found, _kind, written = result.entries[-1]
                    result.entries[-1] = (found, NeedKind.REVIEW, f"{written} {span}")
                    index = end
                    break
            else:
                result.unknown.append(tokens[index].group())
                index += 1
        return result


def category_messages(catalogue, parsed, scheme):
    """The entries of this scheme and the messages for everything else in the cell."""
    entries, messages = [], []
    for found, kind, written in parsed.entries:
        if scheme in found:
            if found[scheme] is None:
                messages.append(_("培训类别“%(text)s”对应多个作业项目，请写明具体项目。") % {"text": written})
            else:
                entries.append((found[scheme], kind))
            continue
        other = next(iter(found))
        if found[other] is None:
            messages.append(_("培训类别“%(text)s”对应多个作业项目，请写明具体项目。") % {"text": written})
            continue
        other_scheme = Scheme(other)
        messages.append(
            _("%(text)s属于附件%(other)s（%(other_label)s），不能填入附件%(this)s（%(this_label)s）。")
            % {
                "text": written,
                "other": other_scheme.attachment,
                "other_label": other_scheme.label,
                "this": Scheme(scheme).attachment,
                "this_label": Scheme(scheme).label,
            }
        )
    for text in parsed.unknown:
        messages.append(unknown_category_message(catalogue, text, scheme))
    return entries, messages


def unknown_category_message(catalogue, text, scheme):
    scheme = Scheme(scheme)
    return _("培训类别“%(text)s”无法识别。附件%(number)s可填：%(labels)s，或%(catalogue)s中的其他项目。") % {
        "text": text,
        "number": scheme.attachment,
        "labels": "、".join(catalogue.form_labels(scheme)),
        "catalogue": CATALOGUE_TITLES[scheme],
    }
