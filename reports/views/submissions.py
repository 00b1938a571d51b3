"""Submitting Attachment 1/2 (报送) and the safety office's answer.

- a town clerk's page for a campaign: each form's state, versions, a submit button;
- submitting: a preview of the rows to be frozen, then a confirmation;
- the safety office's grid town × form (a bureau sees its own form's column); a submission's
  detail with its frozen rows and file, and accept / return-with-reason for the safety office.

Which submissions a user sees is `Submission.objects.for_user` (out of scope → 404); the
checks here answer whether a role may use a page or act (403).
"""

from collections import Counter
from itertools import islice

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from campaigns.models import Campaign
from registry.choices import Role
from registry.models import mask_mobile
from registry.permissions import ledger_reader_required
from registry.templatetags.registry_tags import sees_personal_data

from .. import attachments
from ..models import IllegalTransition, Submission, SubmissionState, visible_forms
from ..services import StaleSubmission, accept_submission, return_submission, submit_attachment, survey_due_on
from .attachments import download_response

ROWS_PER_PAGE = 100
STATE_COLOURS = {
    SubmissionState.NOT_SUBMITTED: "grey",
    SubmissionState.ON_TIME: "blue",
    SubmissionState.LATE: "amber",
    SubmissionState.RETURNED: "red",
    SubmissionState.ACCEPTED: "green",
}
STATUS_COLOURS = {
    Submission.Status.SUBMITTED: "blue",
    Submission.Status.ACCEPTED: "green",
    Submission.Status.RETURNED: "red",
    Submission.Status.SUPERSEDED: "grey",
}


class SubmitForm(forms.Form):
    """Confirming a submission; `previous` is the newest version the clerk saw, so a second click does not resubmit."""

    report_date = forms.DateField(
        label=gettext_lazy("报送时间"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        help_text=gettext_lazy("填在表上“报送时间”处；是否逾期按实际报送时间判断。"),
        error_messages={"required": gettext_lazy("请填写报送时间。"),
                        "invalid": gettext_lazy("请输入正确的日期，例如 2019-07-01。")},
    )
    previous = forms.IntegerField(widget=forms.HiddenInput, required=False, min_value=0)


class ReturnForm(forms.Form):
    reason = forms.CharField(
        label=gettext_lazy("退回原因"), max_length=1000, widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": gettext_lazy("退回时必须填写原因。"),
                        "max_length": gettext_lazy("退回原因不能超过 %(limit_value)d 个字。")},
    )


# clerks, the safety office and the bureaus; departments get 403
submission_reader_required = ledger_reader_required


def _campaign(request):
    """?campaign= (or the form's hidden field), else the current campaign; None if there is none."""
    pk = request.POST.get("campaign") or request.GET.get("campaign")
    if pk:
        if not str(pk).isdigit():
            raise Http404
        return get_object_or_404(Campaign, pk=pk)
    return Campaign.objects.current()


def _form_def(form):
    if form not in attachments.FORMS:
        raise Http404
    return attachments.FORMS[form]


def _submissions(user):
    return Submission.objects.for_user(user).without_file()


def _campaign_context(campaign):
    return {"campaign": campaign, "campaigns": Campaign.objects.only("pk", "name", "starts_on"),
            "due_on": survey_due_on(campaign) if campaign else None}


# --- the clerk's pages ------------------------------------------------------------------------------


@submission_reader_required
def submission_town(request):
    """The clerk's town for a campaign: Attachment 1 and 2, each with its state and every version."""
    user = request.user
    if user.role != Role.TOWN_CLERK:
        return redirect("reports:submission_grid")
    campaign = _campaign(request)
    versions = {}
    if campaign is not None:
        submissions = (
            _submissions(user).filter(campaign=campaign).select_related("submitted_by", "reviewed_by")
            .order_by("form", "-version")
        )
        for submission in submissions:
            versions.setdefault(submission.form, []).append(submission)
    cards = []
    for number in (1, 2):
        form_versions = versions.get(number, [])
        latest = form_versions[0] if form_versions else None
        state = latest.grid_state if latest else SubmissionState.NOT_SUBMITTED
        rows_now = attachments.form_needs(user, number).filter(town_id=user.town_id).count()
        for submission in form_versions:
            submission.status_colour = STATUS_COLOURS[submission.status]
        cards.append({
            "form": attachments.FORMS[number], "latest": latest, "versions": form_versions, "state": state,
            "state_label": state.label, "state_colour": STATE_COLOURS[state], "rows_now": rows_now,
            "can_submit": campaign is not None and state != SubmissionState.ACCEPTED,
        })
    context = {"town": user.town, "cards": cards, **_campaign_context(campaign)}
    return render(request, "reports/submission_town.html", context)


class _FrozenPreview:
    """The rows a submission would freeze, for a Paginator: counted in SQL, read page by page from the stream."""

    def __init__(self, user, town, form):
        self.user, self.town, self.form = user, town, form

    def count(self):
        return attachments.form_needs(self.user, self.form).filter(town=self.town).count()

    def __getitem__(self, window):
        rows = attachments.attachment_rows(self.user, self.town, self.form)
        return list(islice(rows, window.start, window.stop))


@submission_reader_required
def submission_create(request, form):
    """GET: the rows that would be frozen; POST: submit them (a new version if there was one)."""
    user, form_def = request.user, _form_def(form)
    if user.role != Role.TOWN_CLERK:
        raise PermissionDenied
    campaign = _campaign(request)
    if campaign is None:
        raise Http404
    latest = _submissions(user).filter(campaign=campaign, form=form).order_by("-version").first()
    if latest is not None and latest.status == Submission.Status.ACCEPTED:
        messages.error(request, _("该附件已审核通过，不能重新报送。"))
        return redirect(_town_url(campaign))
    submit_form = SubmitForm(
        request.POST or None, initial={"report_date": timezone.localdate(), "previous": latest.version if latest else 0}
    )
    if request.method == "POST" and submit_form.is_valid():
        return _submit(request, campaign, form_def, submit_form)
    town = user.town
    context = {
        "form_def": form_def, "submit_form": submit_form, "latest": latest, "town": town,
        "page_obj": Paginator(_FrozenPreview(user, town, form), ROWS_PER_PAGE).get_page(request.GET.get("page")),
        **_campaign_context(campaign),
    }
    return render(request, "reports/submission_create.html", context)


def _town_url(campaign):
    return f"{reverse('reports:submission_town')}?campaign={campaign.pk}"


def _submit(request, campaign, form_def, submit_form):
    user = request.user
    try:
        result = submit_attachment(user, campaign, form_def.number, date=submit_form.cleaned_data["report_date"],
                                   seen_version=submit_form.cleaned_data["previous"] or 0)
    except StaleSubmission as stale:
        messages.warning(request, _("该附件刚刚已经报送过（第%(n)s版），没有重复报送。") % {"n": stale.newest})
        return redirect(_town_url(campaign))
    except IllegalTransition as error:
        messages.error(request, str(error))
        return redirect(_town_url(campaign))
    submission = result.submission
    text = _("已报送%(form)s第%(n)s版（%(rows)s行）。") % {"form": form_def.heading, "n": submission.version,
                                                 "rows": result.row_count}
    if submission.is_late:
        messages.warning(request, text + _("已过截止日期，记为逾期报送。"))
    else:
        messages.success(request, text)
    return redirect("reports:submission_detail", pk=submission.pk)


# --- the city's pages ------------------------------------------------------------------------------


@submission_reader_required
def submission_grid(request):
    """Town × attachment for a campaign; a bureau sees its own attachment only; a clerk goes to their town's page."""
    user = request.user
    if user.role == Role.TOWN_CLERK:
        return redirect("reports:submission_town")
    campaign = _campaign(request)
    rows = attachments.submission_grid(user, campaign) if campaign else []
    totals = {form: Counter() for form in sorted(visible_forms(user))}
    for row in rows:
        for cell in row.cells:
            cell.colour, cell.label = STATE_COLOURS[cell.state], cell.state.label
            totals[cell.form][cell.state] += 1
    context = {
        "rows": rows,
        "forms": [attachments.FORMS[form] for form in sorted(visible_forms(user))],
        "totals": [
            {
                "form": attachments.FORMS[form],
                "states": [(state.label, STATE_COLOURS[state], counts[state]) for state in SubmissionState],
            }
            for form, counts in totals.items()
        ],
        **_campaign_context(campaign),
    }
    return render(request, "reports/submission_grid.html", context)


def _detail_context(request, submission, return_form=None):
    user = request.user
    versions = list(
        _submissions(user)
        .filter(town_id=submission.town_id, campaign_id=submission.campaign_id, form=submission.form)
        .select_related("submitted_by")
        .order_by("-version")
    )
    for version in versions:
        version.status_colour = STATUS_COLOURS[version.status]
    rows = Paginator(submission.rows.all(), ROWS_PER_PAGE).get_page(request.GET.get("page"))
    if not sees_personal_data(user):
        for row in rows:
            row.mobile = mask_mobile(row.mobile)
    can_review = user.role == Role.SAFETY_OFFICE and submission.status == Submission.Status.SUBMITTED
    return {
        "submission": submission,
        "form_def": attachments.FORMS[submission.form],
        "status_colour": STATUS_COLOURS[submission.status],
        "versions": versions,
        "page_obj": rows,
        "can_review": can_review,
        "return_form": return_form or ReturnForm(),
        "can_resubmit": user.role == Role.TOWN_CLERK and bool(versions) and versions[0].pk == submission.pk
        and submission.status != Submission.Status.ACCEPTED,
    }


def _submission(request, pk):
    related = ("town", "campaign", "submitted_by", "reviewed_by")
    return get_object_or_404(_submissions(request.user).select_related(*related), pk=pk)


@submission_reader_required
def submission_detail(request, pk):
    submission = _submission(request, pk)
    return render(request, "reports/submission_detail.html", _detail_context(request, submission))


@submission_reader_required
def submission_download(request, pk):
    """The workbook exactly as it was submitted."""
    submission = get_object_or_404(Submission.objects.for_user(request.user), pk=pk)
    return download_response(bytes(submission.content), submission.file_name,
                             f"submission_{submission.town_id}_form{submission.form}_v{submission.version}.xlsx")


def _naming(submission):
    return {"town": submission.town.name, "form": attachments.FORMS[submission.form].heading, "n": submission.version}


def _reviewable(request, pk):
    """The submission to answer: 404 out of scope, 403 for anyone but the safety office."""
    submission = _submission(request, pk)
    if request.user.role != Role.SAFETY_OFFICE:
        raise PermissionDenied
    return submission


@submission_reader_required
@require_POST
def submission_accept(request, pk):
    submission = _reviewable(request, pk)
    try:
        accept_submission(request.user, submission)
    except IllegalTransition as error:
        messages.error(request, str(error))
    else:
        messages.success(request, _("已通过%(town)s的%(form)s（第%(n)s版）。") % _naming(submission))
    return redirect("reports:submission_detail", pk=submission.pk)


@submission_reader_required
@require_POST
def submission_return(request, pk):
    submission = _reviewable(request, pk)
    form = ReturnForm(request.POST)
    if form.is_valid():
        try:
            return_submission(request.user, submission, form.cleaned_data["reason"])
        except IllegalTransition as error:
            messages.error(request, str(error))
            return redirect("reports:submission_detail", pk=submission.pk)
        except ValidationError as error:
            form.add_error("reason", error.message_dict.get("reason", error.messages))
        else:
            messages.success(
                request, _("已退回%(town)s的%(form)s（第%(n)s版），镇（街道）将看到退回原因。") % _naming(submission)
            )
            return redirect("reports:submission_detail", pk=submission.pk)
    return render(request, "reports/submission_detail.html", _detail_context(request, submission, return_form=form))
