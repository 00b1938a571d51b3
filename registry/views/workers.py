"""Placeholder: the worker pages are being written (issue 3)."""
from django.http import HttpResponse

from ..permissions import ledger_reader_required


def _todo(request, *args, **kwargs):
    return HttpResponse("todo")


worker_list = worker_create = worker_detail = worker_edit = worker_archive = ledger_reader_required(_todo)
