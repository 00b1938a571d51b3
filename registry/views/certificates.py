"""Placeholder: the certificate pages are being written (issue 3)."""
from django.http import HttpResponse

from ..permissions import ledger_reader_required


def _todo(request, *args, **kwargs):
    return HttpResponse("todo")


certificate_list = certificate_create = certificate_edit = certificate_review = ledger_reader_required(_todo)
