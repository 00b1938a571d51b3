"""The rows of Attachment 1 and 2, the city summary and the submission grid, from the ledger.

Data only, no layout: reports/xlsx/attachment.py lays these rows out as the notice's printed
forms. Every function takes the user it works for and reaches the ledger through `for_user`;
a town outside the user's scope raises `Town.DoesNotExist`, which a view turns into a 404.
"""

import itertools
from dataclasses import dataclass, field
from operator import itemgetter
from typing import NamedTuple

from django.db.models import Count

from registry.choices import NeedKind, Role, Scheme
from registry.models import CertificateCategory, Town, TrainingNeed, User

from .models import Submission, SubmissionState, visible_forms

HEADER = ("序号", "生产经营单位名称", "从业人员姓名", "培训类别", "手机号码")
OTHER_LABEL = "其他"


@dataclass(frozen=True)
class AttachmentForm:
    """One of the notice's two forms, as printed at the end of 晋安办〔2019〕28号."""

    number: int
    scheme: str
    title: str
    note: str
    labels: tuple

    @property
    def heading(self):
        return f"附件{self.number}"


FORMS = {
    1: AttachmentForm(
        number=1,
        scheme=Scheme.SPECIAL_OPERATION,
        title="特种作业人员情况汇总表",
        note="注：培训类别为电工、焊工、高处作业、制冷与空调作业，已持证的每三年要复审一次。",
        labels=("电工", "焊工", "高处作业", "制冷与空调作业"),
    ),
    2: AttachmentForm(
        number=2,
        scheme=Scheme.SPECIAL_EQUIPMENT,
        title="特种设备作业人员情况汇总表",
        note="注：培训类别为锅炉、压力容器（含气瓶）、压力管道、电梯、起重机械、大型游乐设施、场（厂）内专用机动车辆。",
        labels=("锅炉", "压力容器（含气瓶）", "压力管道", "电梯", "起重机械", "大型游乐设施", "场（厂）内专用机动车辆"),
    ),
}


def get_form(number):
    try:
        return FORMS[int(number)]
    except (KeyError, TypeError, ValueError):
        raise ValueError(f"attachment must be 1 or 2, not {number!r}") from None


def town_line(town):
    """The form's “_____镇（街道）” line with the blank filled by the town's short name."""
    return f"{town.short_name}镇（街道）"


def report_date_text(day):
    """报送时间：2019年7月1日 — the form's date line, without leading zeros."""
    return f"报送时间：{day.year}年{day.month}月{day.day}日"


def command_line_user():
    """Who the command line acts as when no --user is given: the safety office, which sees every town."""
    return User(username="manage.py", role=Role.SAFETY_OFFICE)


class AttachmentRow(NamedTuple):
    number: int
    unit_name: str
    worker_name: str
    category_text: str
    mobile: str


def can_export(user, town, form):
    if form not in visible_forms(user):
        return False
    return user.role != Role.TOWN_CLERK or town.pk == user.town_id


def exportable_towns(user, form):
    if form not in visible_forms(user):
        return Town.objects.none()
    return Town.objects.for_user(user)


def resolve_town(user, form, text):
    """The town a user means (name, short name or code) among those whose form it may export."""
    town = exportable_towns(user, form).resolve(text)
    if town is None:
        raise Town.DoesNotExist(f"no town {text!r} in scope")
    return town


def _check_scope(user, town, form):
    if not can_export(user, town, form):
        raise Town.DoesNotExist(f"town {town.pk} is out of scope")


def form_needs(user, form):
    """The open training needs on a form: those of active workers of active units."""
    return (
        TrainingNeed.objects.for_user(user)
        .open()
        .for_attachment(form)
        .filter(worker__is_active=True, worker__unit__is_active=True)
    )


def category_texts(form):
    """The 培训类别 cell for every (category, kind) of the form's scheme, in one query.

    The text comes from `TrainingNeed.form_category_text`, so the form and the ledger pages
    always say the same thing.
    """
    texts = {}
    for category in CertificateCategory.objects.filter(scheme=get_form(form).scheme):
        for kind in NeedKind:
            texts[category.pk, kind.value] = TrainingNeed(category=category, kind=kind).form_category_text
    return texts


_ROW_FIELDS = ("worker__unit__name", "worker__name", "category_id", "kind", "worker__mobile")
_ROW_ORDER = ("worker__unit__name", "worker__name", "worker_id", "category__order", "kind", "pk")


def _numbered(values, texts):
    for number, (unit_name, worker_name, category_id, kind, mobile) in enumerate(values, 1):
        yield AttachmentRow(number, unit_name, worker_name, texts[category_id, kind], mobile)


def attachment_rows(user, town, form):
    """The rows of a town's form, ordered by unit name then worker name, numbered from 1.

    Two queries (the catalogue, then the rows streamed in chunks), whatever the number of rows.
    """
    _check_scope(user, town, form)
    texts = category_texts(form)
    values = (
        form_needs(user, form).filter(town=town).order_by(*_ROW_ORDER).values_list(*_ROW_FIELDS)
    )
    return _numbered(values.iterator(chunk_size=5000), texts)


def city_rows(user, form):
    """Every in-scope town with its form's rows: (town, rows) pairs, rows numbered per town.

    Three queries: the towns, the catalogue and all rows in one stream ordered by town. Consume
    the pairs in order, as a workbook writes one sheet after another.
    """
    towns = list(exportable_towns(user, form))
    texts = category_texts(form)
    values = (
        form_needs(user, form)
        .filter(town__in=[town.pk for town in towns])
        .order_by("town__order", "town__code", *_ROW_ORDER)
        .values_list("town_id", *_ROW_FIELDS)
    )
    groups = itertools.groupby(values.iterator(chunk_size=5000), key=itemgetter(0))
    group = next(groups, None)
    for town in towns:
        if group is not None and group[0] == town.pk:
            yield town, _numbered((value[1:] for value in group[1]), texts)
            group = next(groups, None)
        else:
            yield town, iter(())


@dataclass
class SummaryLine:
    """One town's counts: {label: [initial, review]} and the town's totals."""

    town: Town
    counts: dict = field(default_factory=dict)

    def initial(self, label):
        return self.counts.get(label, (0, 0))[0]

    def review(self, label):
        return self.counts.get(label, (0, 0))[1]

    @property
    def initial_total(self):
        return sum(pair[0] for pair in self.counts.values())

    @property
    def review_total(self):
        return sum(pair[1] for pair in self.counts.values())

    @property
    def total(self):
        return self.initial_total + self.review_total


@dataclass
class CitySummary:
    form: AttachmentForm
    labels: list
    lines: list
    totals: SummaryLine


def city_summary(user, form):
    """Town × form label, initial (取证) and review (复审) counts, with a totals line.

    Two queries: the towns and one aggregate.
    """
    form_def = get_form(form)
    towns = list(exportable_towns(user, form))
    lines = {town.pk: SummaryLine(town) for town in towns}
    totals = SummaryLine(town=None)
    labels = [*form_def.labels, OTHER_LABEL]
    counts = (
        form_needs(user, form)
        .filter(town__in=list(lines))
        .values_list("town_id", "category__form_label", "kind")
        .annotate(n=Count("pk"))
        .order_by()
    )
    for town_id, label, kind, n in counts:
        if label not in labels:
            labels.append(label)
        index = 1 if kind == NeedKind.REVIEW else 0
        for line in (lines[town_id], totals):
            pair = line.counts.setdefault(label, [0, 0])
            pair[index] += n
    return CitySummary(form=form_def, labels=labels, lines=list(lines.values()), totals=totals)


@dataclass
class GridCell:
    form: int
    state: SubmissionState
    submission: Submission | None


@dataclass
class GridRow:
    town: Town
    cells: list


def submission_grid(user, campaign):
    """Town × attachment with each form's state for a campaign; two queries for any number of towns."""
    forms = sorted(visible_forms(user))
    if not forms:
        return []
    latest = {
        (submission.town_id, submission.form): submission
        for submission in Submission.objects.for_user(user)
        .filter(campaign=campaign)
        .latest_versions()
        .without_file()
        .select_related("submitted_by", "reviewed_by")
    }
    rows = []
    for town in Town.objects.for_user(user):
        cells = []
        for form in forms:
            submission = latest.get((town.pk, form))
            state = submission.grid_state if submission else SubmissionState.NOT_SUBMITTED
            cells.append(GridCell(form=form, state=state, submission=submission))
        rows.append(GridRow(town=town, cells=cells))
    return rows
