"""Placeholder: the training need pages are being written (issue 3)."""
from django.http import HttpResponse

from ..permissions import ledger_reader_required


def _todo(request, *args, **kwargs):
    return HttpResponse("todo")


need_list = need_create_due_reviews = need_create = need_detail = need_register = need_result = need_cancel = ledger_reader_required(_todo)
