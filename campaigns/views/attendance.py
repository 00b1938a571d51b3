"""Phase 3 (集中培训): every trainee enrolled in a class, one row each (参训记录).

The list behind the dashboard's 本期培训人次: the trainees who attended a class that ended within
the date range, under their need's town. A clerk sees their town's trainees, a bureau those of its
scheme, the safety office all (`Enrolment.for_user`); a city department may not use the page.
"""

from django.core.paginator import Paginator
from django.shortcuts import render

from registry.permissions import ledger_reader_required

from ..filters import AttendanceFilter
from ..models import Enrolment

PAGE_SIZE = 50


@ledger_reader_required
def attendance_list(request):
    enrolments = Enrolment.objects.for_user(request.user).select_related(
        "need__worker__unit", "need__town", "need__category", "training_class__institution"
    ).order_by("-training_class__ends_on", "-training_class_id", "need__town__order", "need__worker__unit__name",
               "need__worker__name", "pk")
    filterset = AttendanceFilter(request.GET or None, queryset=enrolments, request=request)
    page = Paginator(filterset.qs, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "campaigns/attendance_list.html", {"filterset": filterset, "page_obj": page})
