"""Placeholder: the unit pages are being written (issue 3)."""
from django.http import HttpResponse

from ..permissions import ledger_reader_required


def _todo(request, *args, **kwargs):
    return HttpResponse("todo")


unit_list = unit_create = unit_detail = unit_edit = unit_archive = ledger_reader_required(_todo)
