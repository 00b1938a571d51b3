"""django-import-export resources behind the admin's CSV/XLSX import and export of the ledger.

Rows are matched on natural keys, never on database ids, so a clerk can edit an exported
file and import it back: a unit by its credit code (else its name within its town), a worker
by ID number (else name within the unit), a certificate by holder, category and number. Every
value goes through the same normalisers the models apply on save, so the match works on the
text people actually type (full-width digits, stray spaces, lower-case x).
"""

import datetime

from django.db.models import Q
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from import_export import fields, resources, widgets

from . import validators
from .choices import Verification
from .models import Certificate, CertificateCategory, Town, Unit, Worker

# A spreadsheet runs a text cell beginning with one of these as a formula (CSV injection).
FORMULA_PREFIXES = ("=", "+", "-", "@")


def escape_formula(value):
    """Text that a spreadsheet would run as a formula, made inert by a leading apostrophe.

    import-export's own IMPORT_EXPORT_ESCAPE_FORMULAE_ON_EXPORT only drops a leading "=" (the
    value changes and + - @ pass through), so the resources escape every text cell themselves
    and `unescape_formula` undoes it on import, which keeps the round trip lossless.
    """
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
        return "'" + value
    return value


def unescape_formula(value):
    if isinstance(value, str) and value.startswith("'") and value[1:].startswith(FORMULA_PREFIXES):
        return value[1:]
    return value


def normalize_certificate_number(value):
    # the same rule as Certificate.save()
    return validators.nfkc(value).upper()


def label(model, field_name):
    """The column header: the model field's Chinese verbose name."""
    return str(model._meta.get_field(field_name).verbose_name)


class TextWidget(widgets.CharWidget):
    """Text normalised as the model normalises it; optionally a blank cell leaves the value alone."""

    def __init__(self, normalize=validators.nfkc, blank_keeps_value=False):
        super().__init__(coerce_to_string=True, allow_blank=True)
        self.normalize = normalize
        self.blank_keeps_value = blank_keeps_value

    def clean(self, value, row=None, **kwargs):
        text = self.normalize(unescape_formula(value))
        if not text and self.blank_keeps_value:
            return None
        return text


class DateWidget(widgets.DateWidget):
    """Dates as clerks write them: 2019-07-01, 2019/7/1, 2019.07.01, 2019年7月1日, 20190701."""

    INPUT_FORMATS = ("%Y-%m-%d", "%Y/%m/%d", "%Y.%m.%d", "%Y年%m月%d日", "%Y%m%d")

    def __init__(self):
        super().__init__()
        self.formats = self.INPUT_FORMATS

    def clean(self, value, row=None, **kwargs):
        if isinstance(value, datetime.datetime):  # an XLSX date cell reads back as a datetime
            return value.date()
        if not isinstance(value, datetime.date):
            value = validators.nfkc(value)
        try:
            return super().clean(value, row, **kwargs)
        except ValueError:
            raise ValueError(_("日期“%(value)s”无法识别，请写成 2019-07-01 的格式。") % {"value": value}) from None


class YesNoWidget(widgets.Widget):
    """是/否 in the file; a blank cell returns None so the field keeps its current value."""

    YES = ("是", "1", "true", "yes", "y", "在册", "有效")
    NO = ("否", "0", "false", "no", "n", "归档", "无效")

    def clean(self, value, row=None, **kwargs):
        if isinstance(value, bool):
            return value
        text = validators.nfkc(value).lower()
        if not text:
            return None
        if text in self.YES:
            return True
        if text in self.NO:
            return False
        raise ValueError(_("“%(value)s”应填“是”或“否”。") % {"value": value})

    def render(self, value, obj=None, **kwargs):
        if value is None:
            return ""
        return _("是") if value else _("否")


class ChoiceLabelWidget(widgets.Widget):
    """A TextChoices field written as its Chinese label; the stored value is accepted too."""

    def __init__(self, choices):
        super().__init__()
        self.choices = choices

    def clean(self, value, row=None, **kwargs):
        text = validators.nfkc(value)
        if not text:
            return None
        for choice in self.choices:
            if text in (choice.value, str(choice.label)):
                return choice.value
        options = "、".join(str(choice.label) for choice in self.choices)
        raise ValueError(_("“%(value)s”不是可选值（可选：%(options)s）。") % {"value": text, "options": options})

    def render(self, value, obj=None, **kwargs):
        return str(self.choices(value).label) if value else ""


class ReferenceWidget(widgets.ForeignKeyWidget):
    """Fixed reference data looked up by the text people write; each text is looked up once."""

    blank_message = None  # None: a blank cell is allowed and gives None
    unknown_message = ""

    def __init__(self, model):
        super().__init__(model, field="name")
        self._cache = {}

    def clean(self, value, row=None, **kwargs):
        text = validators.nfkc(unescape_formula(value))
        if not text:
            if self.blank_message:
                raise ValueError(str(self.blank_message))
            return None
        if text not in self._cache:
            self._cache[text] = self.lookup(text)
        if self._cache[text] is None:
            raise ValueError(str(self.unknown_message) % {"value": text})
        return self._cache[text]

    def lookup(self, text):
        raise NotImplementedError


class TownWidget(ReferenceWidget):
    """A town by name (青阳街道), short name (青阳) or code, as Town.objects.resolve reads it."""

    unknown_message = gettext_lazy("“%(value)s”不是晋江市的镇（街道）。")

    def __init__(self):
        super().__init__(Town)

    def lookup(self, text):
        return Town.objects.resolve(text)


class UnitWidget(widgets.ForeignKeyWidget):
    """A unit by the row's credit code when given, else by its name within the row's town."""

    def __init__(self, credit_code_column, town_column):
        super().__init__(Unit, field="name")
        self.credit_code_column = credit_code_column
        self.town_column = town_column
        self.town_widget = TownWidget()

    def clean(self, value, row=None, **kwargs):
        row = row or {}
        name = validators.normalize_unit_name(unescape_formula(value))
        credit_code = validators.normalize_credit_code(unescape_formula(row.get(self.credit_code_column)))
        if credit_code:
            unit = Unit.objects.filter(credit_code=credit_code).first()
            if unit is None:
                raise ValueError(
                    _("统一社会信用代码为 %(code)s 的单位不存在，请先导入单位。") % {"code": credit_code}
                )
            return unit
        if not name:
            raise ValueError(_("请填写单位名称。"))
        units = Unit.objects.filter(name_key=validators.unit_name_key(name))
        town = self.town_widget.clean(row.get(self.town_column))
        if town is not None:
            units = units.filter(town=town)
        found = list(units.order_by("pk")[:2])
        if not found:
            raise ValueError(_("单位“%(name)s”不存在，请先导入单位。") % {"name": name})
        if len(found) > 1:
            raise ValueError(
                _("有多个名为“%(name)s”的单位，请填写统一社会信用代码或镇（街道）加以区分。") % {"name": name}
            )
        return found[0]


class WorkerWidget(widgets.ForeignKeyWidget):
    """The holder by ID number; without one, by name within the named unit (if that is unique)."""

    def __init__(self, name_column, unit_column):
        super().__init__(Worker, field="id_number")
        self.name_column = name_column
        self.unit_column = unit_column

    def clean(self, value, row=None, **kwargs):
        row = row or {}
        id_number = validators.normalize_id_number(unescape_formula(value))
        if id_number:
            worker = Worker.objects.filter(id_number=id_number).first()
            if worker is None:
                raise ValueError(
                    _("身份证号码为 %(id)s 的从业人员不存在，请先导入人员。") % {"id": id_number}
                )
            return worker
        name = validators.normalize_person_name(unescape_formula(row.get(self.name_column)))
        unit_name = validators.normalize_unit_name(unescape_formula(row.get(self.unit_column)))
        if not name:
            raise ValueError(_("请填写持证人的身份证号码。"))
        workers = Worker.objects.filter(name=name, id_number="")
        if unit_name:
            workers = workers.filter(unit__name_key=validators.unit_name_key(unit_name))
        found = list(workers.order_by("pk")[:2])
        if len(found) != 1:
            raise ValueError(
                _("无法确定持证人“%(name)s”，请填写其身份证号码。") % {"name": name}
            )
        return found[0]


class CategoryWidget(ReferenceWidget):
    """A catalogue item written as shown (1.2 熔化焊接与热切割作业), by code, name or internal key."""

    blank_message = gettext_lazy("请填写作业类别（项目）。")
    unknown_message = gettext_lazy("“%(value)s”不是目录中的作业类别（项目）。")

    def __init__(self):
        super().__init__(CertificateCategory)

    def lookup(self, text):
        code, _space, name = text.partition(" ")
        match = Q(key=text) | Q(code__iexact=text) | Q(name=text)
        if name:
            match |= Q(code__iexact=code, name=name.strip())
        # an item and its class may share a name (特种设备安全管理): the certifiable item wins
        return CertificateCategory.objects.filter(match).order_by("-is_leaf", "pk").first()

    def render(self, value, obj=None, **kwargs):
        return str(value) if value else ""


class LedgerResource(resources.ModelResource):
    """What every ledger resource shares: inert formulas on export, model validation on import."""

    def export_field(self, field, instance, **kwargs):
        return escape_formula(super().export_field(field, instance, **kwargs))

    def cleaned(self, row, field_name):
        """A column's cleaned value for matching rows; None when absent or unreadable."""
        field = self.fields[field_name]
        if field.column_name not in row:
            return None
        try:
            return field.clean(row)
        except ValueError:
            # the row is treated as new; import_instance then reports the error on its field
            return None

    class Meta:
        # full_clean() gives the models' own checksum, format and uniqueness messages per row
        clean_model_instances = True
        # re-importing an unchanged row writes nothing, so history shows only real changes
        skip_unchanged = True
        report_skipped = True


class UnitResource(LedgerResource):
    name = fields.Field("name", label(Unit, "name"), TextWidget(validators.normalize_unit_name))
    credit_code = fields.Field(
        "credit_code",
        label(Unit, "credit_code"),
        TextWidget(validators.normalize_credit_code, blank_keeps_value=True),
        saves_null_values=False,
    )
    town = fields.Field("town", label(Unit, "town"), TownWidget())
    address = fields.Field("address", label(Unit, "address"), TextWidget())
    industry = fields.Field("industry", label(Unit, "industry"), TextWidget())
    contact_person = fields.Field("contact_person", label(Unit, "contact_person"), TextWidget())
    contact_phone = fields.Field("contact_phone", label(Unit, "contact_phone"), TextWidget())
    is_active = fields.Field("is_active", label(Unit, "is_active"), YesNoWidget(), saves_null_values=False)

    class Meta:
        model = Unit
        fields = ("name", "credit_code", "town", "address", "industry", "contact_person", "contact_phone", "is_active")
        export_order = fields
        import_id_fields = ("credit_code", "town", "name")

    def get_instance(self, instance_loader, row):
        credit_code = self.cleaned(row, "credit_code")
        units = Unit.objects.all()
        if credit_code:
            unit = units.filter(credit_code=credit_code).first()
            if unit is not None:
                return unit
            # the unit may have been entered without its code: match it by name, then fill the code in
            units = units.filter(credit_code="")
        name = self.cleaned(row, "name")
        if not name:
            return None
        units = units.filter(name_key=validators.unit_name_key(name))
        town = self.cleaned(row, "town")
        if town is not None:
            units = units.filter(town=town)
        return units.order_by("pk").first()

    def import_instance(self, instance, row, **kwargs):
        try:
            super().import_instance(instance, row, **kwargs)
        finally:
            # full_clean() runs before save(), which is where the model derives its match key
            instance.name_key = validators.unit_name_key(instance.name)

    def filter_export(self, queryset, **kwargs):
        return queryset.select_related("town")


class WorkerResource(LedgerResource):
    name = fields.Field("name", label(Worker, "name"), TextWidget(validators.normalize_person_name))
    id_number = fields.Field(
        "id_number",
        label(Worker, "id_number"),
        TextWidget(validators.normalize_id_number, blank_keeps_value=True),
        saves_null_values=False,
    )
    mobile = fields.Field("mobile", label(Worker, "mobile"), TextWidget(validators.normalize_mobile))
    unit = fields.Field(
        "unit", label(Unit, "name"), UnitWidget(label(Unit, "credit_code"), label(Unit, "town"))
    )
    unit_credit_code = fields.Field("unit__credit_code", label(Unit, "credit_code"), readonly=True)
    unit_town = fields.Field("unit__town__name", label(Unit, "town"), readonly=True)
    is_active = fields.Field("is_active", label(Worker, "is_active"), YesNoWidget(), saves_null_values=False)

    class Meta:
        model = Worker
        fields = ("name", "id_number", "mobile", "unit", "unit_credit_code", "unit_town", "is_active")
        export_order = fields
        import_id_fields = ("id_number", "name", "unit")

    def get_instance(self, instance_loader, row):
        id_number = self.cleaned(row, "id_number")
        if id_number:
            return Worker.objects.filter(id_number=id_number).first()
        unit = self.cleaned(row, "unit")
        name = self.cleaned(row, "name")
        if unit is None or not name:
            return None
        # without an ID number, the same name in the same unit is the same person
        return Worker.objects.filter(unit=unit, name=name, id_number="").order_by("pk").first()

    def filter_export(self, queryset, **kwargs):
        return queryset.select_related("unit__town")


class CertificateResource(LedgerResource):
    worker_name = fields.Field("worker__name", label(Certificate, "worker"), readonly=True)
    worker = fields.Field(
        "worker", label(Worker, "id_number"), WorkerWidget(label(Certificate, "worker"), label(Unit, "name"))
    )
    unit_name = fields.Field("worker__unit__name", label(Unit, "name"), readonly=True)
    category = fields.Field("category", label(Certificate, "category"), CategoryWidget())
    number = fields.Field("number", label(Certificate, "number"), TextWidget(normalize_certificate_number))
    issued_on = fields.Field("issued_on", label(Certificate, "issued_on"), DateWidget())
    valid_until = fields.Field("valid_until", label(Certificate, "valid_until"), DateWidget())
    last_reviewed_on = fields.Field("last_reviewed_on", label(Certificate, "last_reviewed_on"), DateWidget())
    next_review_on = fields.Field("next_review_on", label(Certificate, "next_review_on"), DateWidget(), readonly=True)
    status = fields.Field(column_name=_("状态"), readonly=True)
    issuing_authority = fields.Field("issuing_authority", label(Certificate, "issuing_authority"), TextWidget())
    verification = fields.Field(
        "verification",
        label(Certificate, "verification"),
        ChoiceLabelWidget(Verification),
        saves_null_values=False,
    )
    note = fields.Field("note", label(Certificate, "note"), TextWidget())

    class Meta:
        model = Certificate
        fields = (
            "worker_name",
            "worker",
            "unit_name",
            "category",
            "number",
            "issued_on",
            "valid_until",
            "last_reviewed_on",
            "next_review_on",
            "status",
            "issuing_authority",
            "verification",
            "note",
        )
        export_order = fields
        import_id_fields = ("worker", "category", "number")

    def dehydrate_status(self, certificate):
        return str(certificate.status_on().label)

    def get_instance(self, instance_loader, row):
        worker = self.cleaned(row, "worker")
        category = self.cleaned(row, "category")
        if worker is None or category is None:
            return None
        number = self.cleaned(row, "number") or ""
        return (
            Certificate.objects.filter(worker=worker, category=category, number=number).order_by("pk").first()
        )

    def import_instance(self, instance, row, **kwargs):
        try:
            super().import_instance(instance, row, **kwargs)
        finally:
            # full_clean() runs before save(): derive the rule dates (and a missing expiry) first
            if instance.category_id and instance.issued_on:
                instance.compute_dates()

    def filter_export(self, queryset, **kwargs):
        return queryset.select_related("worker__unit", "category")
