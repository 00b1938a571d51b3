"""The official spreadsheets: each function fetches its rows for a user and lays them out.

`output` is a path or a binary file object; each returns the number of ledger rows written.
"""

from django.core.exceptions import PermissionDenied
from django.utils import timezone

from .. import attachments
from ..models import visible_forms
from .attachment import attachment_workbook, city_workbook


def export_town_attachment(user, town, form, output, report_date=None):
    """A town's Attachment `form` as the notice prints it; `Town.DoesNotExist` when out of the user's scope."""
    rows = attachments.attachment_rows(user, town, form)
    return attachment_workbook(attachments.get_form(form), town, report_date or timezone.localdate(), rows, output)


def export_city_workbook(user, form, output, report_date=None):
    """The summary sheet and one sheet per town the user may see; `PermissionDenied` outside its schemes."""
    if form not in visible_forms(user):
        raise PermissionDenied
    summary = attachments.city_summary(user, form)
    town_rows = attachments.city_rows(user, form)
    return city_workbook(attachments.get_form(form), summary, town_rows, report_date or timezone.localdate(), output)
