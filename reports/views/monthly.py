"""Monthly work summary pages: the reporter's list, edit and submit; detail with versions and answers;
the recipients' inbox with receive and return; the completeness grid.

Which summaries a user sees is `MonthlySummary.objects.for_user`; out of scope → 404. The role
checks here answer only whether a user may act (403 when in scope but not allowed).
"""

import datetime
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db import IntegrityError, transaction
from django.db.models import Case, Prefetch, Value, When
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from registry.permissions import roles_required
from registry.choices import Role

from .. import monthly_services as services
from ..forms.monthly import MonthlyGridForm, MonthlyInboxFilter, MonthlyReturnForm, MonthlySummaryForm
from ..monthly import campaign_months, completeness_grid, last_months, prefilled_figures, reporter_of
from ..monthly_models import (
    IllegalMonthlyTransition,
    MonthlyAnswer,
    MonthlyGridState,
    MonthlyRecipient,
    MonthlySummary,
    MonthlySummaryVersion,
    due_passed_at,
    first_of_month,
    local_today,
    monthly_grid_state,
)

REPORTER_ROLES = (Role.TOWN_CLERK, Role.DEPARTMENT)
READER_ROLES = (Role.SAFETY_OFFICE, Role.MARKET_BUREAU, Role.EMERGENCY_BUREAU)
PAGE_SIZE = 50


def _summaries(user):
    return MonthlySummary.objects.for_user(user).select_related("town", "department")


def _summary(request, pk):
    return get_object_or_404(_summaries(request.user), pk=pk)


def _require_reporter_of(user, summary):
    if reporter_of(user) != summary.reporter:
        raise PermissionDenied


def _require_recipient(user):
    recipient = MonthlyRecipient.for_user(user)
    if recipient is None:
        raise PermissionDenied
    return recipient


def _answer_pairs(summary):
    """(recipient, answer status) of the newest version, from the `with_answers` annotation."""
    pairs = []
    for recipient in MonthlyRecipient:
        value = getattr(summary, f"{recipient.value}_answer")
        pairs.append((recipient, MonthlyAnswer.Status(value) if value else None))
    return pairs


def _back(request, summary):
    """Where to go after an action: a safe `next` (the inbox page it came from) or the detail."""
    target = request.POST.get("next") or request.GET.get("next")
    if target and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        return redirect(target)
    return redirect("reports:monthly_detail", pk=summary.pk)


# The reporter's pages ---------------------------------------------------------------------


@roles_required(*REPORTER_ROLES)
def monthly_list(request):
    """The reporter's months: the last twelve and every older summary, newest first."""
    user, now = request.user, timezone.now()
    summaries = {s.month: s for s in _summaries(user).with_answers()}
    months = sorted(set(last_months(12)) | set(summaries), reverse=True)
    rows = []
    for month in months:
        summary = summaries.get(month)
        state = monthly_grid_state(summary.status if summary else None, summary.is_late if summary else False,
                                   month, now)
        rows.append({"month": month, "summary": summary, "state": state,
                     "answers": _answer_pairs(summary) if summary and summary.version else []})
    context = {"rows": rows, "reporter": reporter_of(user), "current_month": first_of_month(local_today())}
    return render(request, "reports/monthly_list.html", context)


@roles_required(*REPORTER_ROLES)
def monthly_start(request, year, month):
    """This month's (or an earlier month's) summary: continue it if it exists, else a blank form."""
    try:
        month = datetime.date(year, month, 1)
    except ValueError:
        raise Http404 from None
    if month > first_of_month(local_today()):
        raise Http404
    reporter = reporter_of(request.user)
    existing = _summaries(request.user).filter(month=month).first()
    if existing is not None:
        return redirect("reports:monthly_edit" if existing.is_editable else "reports:monthly_detail", pk=existing.pk)
    summary = MonthlySummary(month=month, created_by=request.user, **{_reporter_field(request.user): reporter})
    return _edit(request, summary)


def _reporter_field(user):
    return "town" if user.role == Role.TOWN_CLERK else "department"


def _own_summary_while_editable(request, pk, refusal):
    """The reporter's own summary (404 out of scope, 403 for a reader) and whether it may still
    change; if not, `refusal` is shown as a message."""
    summary = _summary(request, pk)
    _require_reporter_of(request.user, summary)
    if not summary.is_editable:
        messages.error(request, refusal % {"status": summary.get_status_display()})
        return summary, False
    return summary, True


@roles_required(*REPORTER_ROLES)
def monthly_edit(request, pk):
    summary, editable = _own_summary_while_editable(request, pk, _("该工作总结当前状态为“%(status)s”，不能修改。"))
    if not editable:
        return redirect("reports:monthly_detail", pk=summary.pk)
    return _edit(request, summary)


def _edit(request, summary):
    """The summary form; "保存草稿" keeps a draft, "保存并报送" saves and submits in one go."""
    submitting = request.POST.get("action") == "submit"
    prefilled = prefilled_figures(summary.reporter, summary.month)
    form = MonthlySummaryForm(request.POST or None, instance=summary, prefilled=prefilled, submitting=submitting)
    if request.method == "POST" and form.is_valid():
        try:
            with transaction.atomic():
                summary = form.save()
        except IntegrityError:
            # Two tabs started the same month: the other one's summary wins, nothing is merged silently.
            messages.error(request, _("该月工作总结已由他人创建，请在此基础上修改。"))
            return redirect("reports:monthly_list")
        if not submitting:
            messages.success(request, _("草稿已保存。"))
            return redirect("reports:monthly_edit", pk=summary.pk)
        return _submit(request, summary)
    context = {"form": form, "summary": summary, "answers": _latest_answers(summary)}
    return render(request, "reports/monthly_form.html", context)


def _latest_answers(summary):
    if not summary.pk or not summary.version:
        return []
    return list(
        MonthlyAnswer.objects.filter(version__summary=summary, version__number=summary.version).select_related(
            "answered_by"
        )
    )


def _submit(request, summary):
    try:
        result = services.submit_monthly_summary(request.user, summary)
    except IllegalMonthlyTransition as error:
        messages.error(request, str(error))
        return redirect("reports:monthly_detail", pk=summary.pk)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect("reports:monthly_edit", pk=summary.pk)
    text = _("已报送第 %(number)s 版，分别送市安办和市市场监督管理局。") % {"number": result.version.number}
    if result.version.is_late:
        messages.warning(request, text + _("（已过报送截止时间，记为逾期报送）"))
    else:
        messages.success(request, text)
    return redirect("reports:monthly_detail", pk=summary.pk)


@roles_required(*REPORTER_ROLES)
def monthly_submit(request, pk):
    """Submit the saved summary as it stands: a confirmation page, then the submission."""
    summary, editable = _own_summary_while_editable(request, pk, _("该工作总结当前状态为“%(status)s”，不能报送。"))
    if not editable:
        return redirect("reports:monthly_detail", pk=summary.pk)
    if request.method == "POST":
        return _submit(request, summary)
    context = {
        "summary": summary,
        "missing": services.missing_for_submit(summary),
        "will_be_late": timezone.now() >= due_passed_at(summary.month),
        "recipients": list(MonthlyRecipient),
    }
    return render(request, "reports/monthly_submit.html", context)


# Reading a summary ------------------------------------------------------------------------


def _answers_in_column_order():
    """Answers in the pages' column order: the safety office, then the market bureau."""
    first = Case(When(recipient=MonthlyRecipient.SAFETY_OFFICE, then=Value(0)), default=Value(1))
    return MonthlyAnswer.objects.select_related("answered_by").order_by(first)


@login_required
def monthly_detail(request, pk):
    """What was sent (or, for a draft, what is being written), its versions and each recipient's answer."""
    summary = _summary(request, pk)
    versions = list(
        MonthlySummaryVersion.objects.filter(summary=summary)
        .select_related("submitted_by")
        .prefetch_related(Prefetch("answers", queryset=_answers_in_column_order()))
    )
    shown = versions[0] if versions else None
    if request.GET.get("version", "").isdigit():
        shown = next((v for v in versions if v.number == int(request.GET["version"])), None)
        if shown is None:
            raise Http404
    recipient = MonthlyRecipient.for_user(request.user)
    my_answer = None
    if recipient and versions and versions[0].number == summary.version:
        my_answer = next((a for a in versions[0].answers.all() if a.recipient == recipient), None)
    is_reporter = reporter_of(request.user) == summary.reporter
    context = {
        "summary": summary,
        "versions": versions,
        "shown": shown,
        "figure_rows": shown.figure_rows() if shown else summary.figure_rows(),
        "narrative": shown or summary,
        "is_reporter": is_reporter,
        "can_edit": is_reporter and summary.is_editable,
        "my_answer": my_answer,
        "can_answer": my_answer is not None and my_answer.status == MonthlyAnswer.Status.PENDING,
        "state": summary.grid_state(),
    }
    return render(request, "reports/monthly_detail.html", context)


# The recipients' pages --------------------------------------------------------------------


@roles_required(*READER_ROLES)
def monthly_inbox(request):
    """Every submitted summary for the two recipients (who answer) and the emergency bureau (who reads)."""
    summaries = _summaries(request.user).with_answers().order_by("-month", "-submitted_at", "pk")
    filterset = MonthlyInboxFilter(request.GET or None, queryset=summaries, request=request)
    page = Paginator(filterset.qs, PAGE_SIZE).get_page(request.GET.get("page"))
    recipient = MonthlyRecipient.for_user(request.user)
    rows = [
        {
            "summary": summary,
            "state": summary.grid_state(),
            "answers": _answer_pairs(summary),
            "can_answer": recipient is not None
            and getattr(summary, f"{recipient.value}_answer") == MonthlyAnswer.Status.PENDING,
        }
        for summary in page
    ]
    context = {"filter": filterset, "page_obj": page, "rows": rows, "recipient": recipient}
    return render(request, "reports/monthly_inbox.html", context)


@login_required
@require_POST
def monthly_receive(request, pk):
    summary = _summary(request, pk)
    _require_recipient(request.user)
    try:
        result = services.receive_monthly_summary(request.user, summary)
    except IllegalMonthlyTransition as error:
        messages.error(request, str(error))
    else:
        messages.success(request, _("已签收%(summary)s。") % {"summary": result.summary})
    return _back(request, summary)


@login_required
def monthly_return(request, pk):
    summary = _summary(request, pk)
    _require_recipient(request.user)
    form = MonthlyReturnForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.return_monthly_summary(request.user, summary, form.cleaned_data["reason"])
        except IllegalMonthlyTransition as error:
            messages.error(request, str(error))
        else:
            messages.success(request, _("已退回%(summary)s，报送单位可修改后重新报送。") % {"summary": summary})
        return _back(request, summary)
    return render(request, "reports/monthly_return.html", {"form": form, "summary": summary,
                                                           "next": request.GET.get("next", "")})


# The completeness grid --------------------------------------------------------------------


@login_required
def monthly_grid(request):
    """Reporters × months; a reporter sees its own row, the city roles every row."""
    form = MonthlyGridForm(request.GET or None)
    campaign, kind = None, None
    if form.is_valid():
        campaign, kind = form.cleaned_data["campaign"], form.cleaned_data["kind"] or None
    months = campaign_months(campaign) if campaign else last_months(12)
    grid = completeness_grid(months, user=request.user, kind=kind)
    context = {"form": form, "grid": grid, "campaign": campaign, "states": list(MonthlyGridState)}
    return render(request, "reports/monthly_grid.html", context)
