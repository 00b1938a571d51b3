"""Template helpers shared by the ledger pages: status chips, personal data for the reader, sortable
column headers and an object's history."""

from django import template
from django.db import models
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from ..choices import CERTIFICATE_STATUS_COLOURS, CertificateStatus, Role
from ..models import Worker

register = template.Library()

PERSONAL_DATA_READERS = (Role.TOWN_CLERK, Role.SAFETY_OFFICE)
HISTORY_TYPES = {"+": gettext_lazy("创建"), "~": gettext_lazy("修改"), "-": gettext_lazy("删除")}


def sees_personal_data(user):
    """The town's clerk and the safety office see mobiles and ID numbers in full; the bureaus masked."""
    return getattr(user, "role", None) in PERSONAL_DATA_READERS


@register.inclusion_tag("includes/status_chip.html")
def status_chip(code):
    """A certificate status as a coloured chip; no status means the worker holds no certificate."""
    if not code:
        return {"label": _("无证书"), "colour": "red"}
    status = CertificateStatus(code)
    return {"label": status.label, "colour": CERTIFICATE_STATUS_COLOURS[status]}


@register.filter
def mobile_for(worker, user):
    return worker.mobile if sees_personal_data(user) else worker.masked_mobile


@register.filter
def id_number_for(worker, user):
    return worker.id_number if sees_personal_data(user) else worker.masked_id_number


@register.filter
def number_for(certificate, user):
    """A certificate number; a special-operation number ("T" + ID number) hides the ID part from the bureaus."""
    number, id_number = certificate.number, certificate.worker.id_number
    if sees_personal_data(user) or not id_number or id_number not in number:
        return number
    return number.replace(id_number, certificate.worker.masked_id_number)


@register.simple_tag(takes_context=True)
def sort_link(context, param, label):
    """A column header that sorts by `param` (an OrderingFilter parameter), and reverses on a second click."""
    query = context["request"].GET.copy()
    query.pop("page", None)
    current = query.get("o", "")
    arrow = {param: " ▲", f"-{param}": " ▼"}.get(current, "")
    query["o"] = f"-{param}" if current == param else param
    return format_html('<a href="?{}" class="sort">{}{}</a>', query.urlencode(), label, arrow)


@register.inclusion_tag("includes/history.html", takes_context=True)
def history(context, obj, limit=20):
    """The latest `limit` changes of `obj` (django-simple-history): who, when, and what changed."""
    return {"entries": history_entries(obj, context["user"], limit), "limit": limit}


def history_entries(obj, user, limit=20):
    """Each record with its changes against the one before, in a fixed number of queries.

    One extra record is fetched so the oldest shown can still be diffed; foreign keys are shown
    by name (one query per related model), choices by label, personal data masked for the bureaus.
    """
    records = list(obj.history.select_related("history_user").order_by("-history_date", "-history_id")[: limit + 1])
    deltas = [
        newer.diff_against(older).changes if older is not None and newer.history_type == "~" else []
        for newer, older in zip(records[:limit], [*records[1:], None])
    ]
    display = _Display(obj._meta, [change for changes in deltas for change in changes], user)
    return [
        {"record": record, "action": HISTORY_TYPES[record.history_type], "changes": [display(c) for c in changes]}
        for record, changes in zip(records, deltas)
    ]


class _Display:
    """Readable label, old and new value of a history change."""

    def __init__(self, opts, changes, user):
        self.opts, self.user = opts, user
        pks = {}
        for change in changes:
            field = opts.get_field(change.field)
            if isinstance(field, models.ForeignKey):
                pks.setdefault(field.related_model, set()).update(v for v in (change.old, change.new) if v)
        self.names = {model: model._base_manager.in_bulk(ids) for model, ids in pks.items()}

    def __call__(self, change):
        field = self.opts.get_field(change.field)
        return {"label": field.verbose_name, "old": self.value(field, change.old), "new": self.value(field, change.new)}

    def value(self, field, value):
        if value in (None, ""):
            return _("（空）")
        if isinstance(field, models.ForeignKey):
            return str(self.names[field.related_model].get(value, value))
        if field.choices:
            return dict(field.flatchoices).get(value, value)
        if isinstance(field, models.BooleanField):
            return _("是") if value else _("否")
        if field.name in ("mobile", "id_number") and not sees_personal_data(self.user):
            return getattr(Worker(**{field.name: value}), f"masked_{field.name}")
        return value
