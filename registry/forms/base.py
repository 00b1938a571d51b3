"""Optimistic locking for the ledger's edit forms.

Two people may open the same worker; the second save must not silently overwrite the first.
Each edit form carries the row's `version` as it was when the form was opened. On save the row
is locked and its version compared: if someone saved in between, the save is refused, the form
is shown again with what this person typed, and a message says who changed what. The hidden
version then moves on to the current one, so saving again — after reading the message — is a
deliberate choice and goes through.
"""

from django import forms
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _


class ConcurrentEditError(Exception):
    """Somebody else saved the row after this form was opened."""


def describe_changes_since(instance, version):
    """Who changed what on `instance` after `version`, as lines of text, from its history."""
    history = getattr(instance, "history", None)
    if history is None:
        return []
    records = list(history.filter(version__gte=version).order_by("history_date", "history_id"))
    if len(records) < 2:
        return []
    lines = []
    for older, newer in zip(records, records[1:]):
        delta = newer.diff_against(older)
        who = newer.history_user.get_username() if newer.history_user else _("（系统）")
        when = timezone.localtime(newer.history_date).strftime("%Y-%m-%d %H:%M")
        for change in delta.changes:
            if change.field == "version":
                continue
            label = instance._meta.get_field(change.field).verbose_name
            lines.append(
                _("%(who)s 于 %(when)s 把“%(field)s”从“%(old)s”改为“%(new)s”")
                % {"who": who, "when": when, "field": label, "old": change.old or "", "new": change.new or ""}
            )
    return lines


class VersionedModelForm(forms.ModelForm):
    """A ModelForm whose save is refused when the row changed since the form was opened."""

    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk and not self.is_bound:
            self.initial["version"] = self.instance.version
        self.conflict_lines = []

    def _refuse_stale_version(self, opened_version, current_version):
        self.conflict_lines = describe_changes_since(self.instance, opened_version)
        # Move the hidden version on so that a deliberate second save is accepted.
        data = self.data.copy()
        data[self.add_prefix("version")] = current_version
        self.data = data
        message = _("保存被拒绝：在您打开本页之后，其他人已修改了这条记录。您填写的内容仍保留在下方，请核对后再次保存。")
        if self.conflict_lines:
            message += " " + _("对方的修改：") + "；".join(self.conflict_lines)
        self.add_error(None, ValidationError(message, code="concurrent_edit"))

    def save(self, commit=True):
        """Save with the row locked; raises ConcurrentEditError if it moved on meanwhile."""
        if not self.instance.pk or not commit:
            return super().save(commit=commit)
        model = type(self.instance)
        with transaction.atomic():
            current = model._base_manager.select_for_update().filter(pk=self.instance.pk).values_list(
                "version", flat=True
            ).first()
            opened = self.cleaned_data.get("version")
            if opened is None or current != opened:
                self._refuse_stale_version(opened or 0, current)
                raise ConcurrentEditError
            self.instance.version = current + 1
            return super().save(commit=True)

    def save_or_refuse(self):
        """The view's one call: the saved object, or None when refused (errors are on the form)."""
        try:
            return self.save()
        except ConcurrentEditError:
            return None
