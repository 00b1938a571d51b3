"""The city dashboard, the town league table and the review forecast, each as a page and (the dashboard
and the forecast) as a workbook made from the same rows.

Who sees what is the summaries' business (through `for_user`): the safety office every town and
both schemes, a bureau every town in its scheme, a clerk their own town's row and the city's
totals. A city department may not use these pages (403).
"""

import io
from functools import lru_cache

from django import forms
from django.contrib.staticfiles import finders
from django.http import HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.http import content_disposition_header, urlencode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from campaigns.models import Campaign
from registry.choices import Scheme
from registry.models import Town, today
from registry.permissions import ledger_reader_required

from .. import summaries
from ..xlsx.dashboard import dashboard_workbook, forecast_workbook

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
ECHARTS = "vendor/echarts/echarts.min.js"


@lru_cache(maxsize=1)
def echarts_available():
    """True when ECharts was installed from npm (`npm ci`) and is served with the static files."""
    return finders.find(ECHARTS) is not None


def _date_input():
    return forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class ReportFilterForm(forms.Form):
    """The filters of the report pages; each page keeps the fields it uses, each role those it may change."""

    campaign = forms.ModelChoiceField(label=gettext_lazy("专项行动"), queryset=Campaign.objects.all(), required=False,
                                      empty_label=gettext_lazy("当前专项行动"))
    scheme = forms.ChoiceField(label=gettext_lazy("体系"), required=False,
                               choices=[("", gettext_lazy("全部")), *Scheme.choices])
    town = forms.ModelChoiceField(label=gettext_lazy("镇（街道）"), queryset=Town.objects.all(), required=False,
                                  empty_label=gettext_lazy("全部"))
    date_from = forms.DateField(label=gettext_lazy("日期自"), required=False, widget=_date_input())
    date_to = forms.DateField(label=gettext_lazy("至"), required=False, widget=_date_input())

    def __init__(self, data, user, fields=("campaign", "scheme", "town", "date_from", "date_to")):
        super().__init__(data)
        self.user = user
        for name in list(self.fields):
            if name not in fields or (name == "scheme" and user.scheme) or (name == "town" and user.is_town_clerk):
                del self.fields[name]
        if "town" in self.fields:
            self.fields["town"].queryset = Town.objects.for_user(user)

    def clean(self):
        data = super().clean()
        if data.get("date_from") and data.get("date_to") and data["date_from"] > data["date_to"]:
            self.add_error("date_to", _("结束日期不能早于开始日期。"))
        return data

    def campaign_and_scope(self):
        """The chosen campaign (else the current one) and what to count; an invalid filter falls back to its default."""
        self.is_valid()
        data, day = self.cleaned_data, today()
        campaign = data.get("campaign") or Campaign.objects.current(day)
        date_from, date_to = data.get("date_from"), data.get("date_to")
        default_from = campaign.starts_on if campaign else day.replace(month=1, day=1)
        default_to = campaign.ends_on if campaign else day
        scope = summaries.Scope(
            user=self.user,
            scheme=summaries.scheme_for(self.user, data.get("scheme")),
            town=data.get("town"),
            date_from=date_from or default_from,
            date_to=date_to or max(default_to, date_from or default_to),
            on=day,
        )
        return campaign, scope


def describe(scope, campaign):
    """One line saying what the figures count, for the page and the workbook."""
    parts = [campaign.name if campaign else _("无专项行动")]
    parts.append(Scheme(scope.scheme).label if scope.scheme else _("特种作业和特种设备"))
    parts.append(_("工作量统计期间 %(start)s 至 %(end)s") % {"start": scope.date_from.isoformat(),
                                                         "end": scope.date_to.isoformat()})
    parts.append(_("台账数字截至 %(day)s") % {"day": scope.on.isoformat()})
    return "；".join(str(part) for part in parts)


def _url(name, **params):
    query = urlencode({key: value for key, value in params.items() if value not in (None, "")})
    return reverse(name) + (f"?{query}" if query else "")


def figure_links(scope, town):
    """{column key: the list behind the figure}, for a town's row or (town None) the city's totals.

    Each list shows as many rows as the figure counts (tests/reports/test_dashboard_scoping.py holds
    them to it). The parameters are the lists' own filter names. A clerk's lists are their town
    already, and a bureau's its scheme, so neither is passed where the list has no such filter for
    that role. A clerk's lists cannot show the city, so the city's totals link nowhere for a clerk.
    """
    user = scope.user
    if town is None and user.is_town_clerk:
        return dict.fromkeys((column.key for column in summaries.DASHBOARD_COLUMNS), None)
    town_id = town.pk if town is not None and not user.is_town_clerk else None
    scheme = scope.scheme if not user.scheme else None
    form = Scheme(scheme).attachment if scheme else None
    dates = {"date_from": scope.date_from.isoformat(), "date_to": scope.date_to.isoformat()}
    # a clerk's enforcement lists also hold the inspections their town made elsewhere (交叉互检); the
    # figures count those of the town's own units
    enforcement = {"town": town_id, "inspected": "own" if user.is_town_clerk else None}
    certified = _url("registry:worker_list", town=town_id, scheme=scheme, standing="certified")
    certificates = {"town": town_id, "scheme": scheme}
    return {
        "units": _url("registry:unit_list", town=town_id),
        "workers": _url("registry:worker_list", town=town_id, scheme=scheme),
        "certified": certified,
        "certified_share": certified,
        "needs_initial": _url("registry:need_list", kind="initial", town=town_id, form=form),
        "needs_review": _url("registry:need_list", kind="review", town=town_id, form=form),
        "reviews_due": _url("registry:certificate_list", due_within=scope.horizon_days, **certificates),
        "reviews_overdue": _url("registry:certificate_list", status="review_overdue", **certificates),
        "certificates_expired": _url("registry:certificate_list", status="expired", **certificates),
        # the trainees who attended a class that ended within the date range (参训记录)
        "trained": _url("campaigns:attendance_list", town=town_id, scheme=scheme, attended="yes", **dates),
        "newly_certified": _url("registry:need_list", status="certified", town=town_id, form=form,
                                closed_from=scope.date_from.isoformat(), closed_to=scope.date_to.isoformat()),
        "inspections": _url("campaigns:inspection_list", **enforcement, **dates),
        "violations": _url("campaigns:finding_list", result="violations", scheme=scheme, **enforcement, **dates),
        "cases": _url("campaigns:inspection_list", outcome="cases", **enforcement, **dates),
    }


def figure_text(value, share=False):
    if value is None:
        return "—"
    return f"{value:.1%}" if share else str(value)


def _cells(row, columns, links):
    return [{"key": column.key, "value": row.figures[column.key], "text": figure_text(row.figures[column.key],
                                                                                     column.share),
             "url": links[column.key]} for column in columns]


def _chart_labels():
    labels = {column.key: str(column.label) for column in summaries.DASHBOARD_COLUMNS}
    return {**labels, "created": _("新登记培训需求"), "certified_needs": _("办结发证")}


@ledger_reader_required
def dashboard(request):
    filters = ReportFilterForm(request.GET, request.user)
    campaign, scope = filters.campaign_and_scope()
    cells = summaries.ledger_cells(scope)  # one pass over certificates and needs feeds the table and the categories
    table = summaries.dashboard_table(scope, sort=request.GET.get("o"), cells=cells)
    categories = summaries.category_breakdown(scope, cells=cells)
    trend = summaries.monthly_trend(scope)
    rows = [{"town": row.town, "cells": _cells(row, table.columns, figure_links(scope, row.town))}
            for row in table.rows]
    context = {
        "filters": filters,
        "campaign": campaign,
        "scope": scope,
        "description": describe(scope, campaign),
        "columns": table.columns,
        "rows": rows,
        "totals": _cells(table.totals, table.columns, figure_links(scope, None)),
        "categories": [{**row, "values": [row[key] for key in summaries.CATEGORY_KEYS]} for row in categories],
        "category_labels": [column.label for column in summaries.CATEGORY_COLUMNS],
        "trend": trend,
        "charts": {**summaries.chart_data(table, categories, trend), "labels": _chart_labels()},
        "echarts": ECHARTS if echarts_available() else None,
        "xlsx_query": request.GET.urlencode(),
    }
    return render(request, "reports/dashboard.html", context)


def _xlsx_response(write, file_name):
    buffer = io.BytesIO()
    write(buffer)
    response = HttpResponse(buffer.getvalue(), content_type=XLSX_TYPE)
    response["Content-Disposition"] = content_disposition_header(True, file_name)
    return response


@ledger_reader_required
def dashboard_xlsx(request):
    filters = ReportFilterForm(request.GET, request.user)
    campaign, scope = filters.campaign_and_scope()
    table = summaries.dashboard_table(scope, sort=request.GET.get("o"))
    title = _("特种作业和特种设备作业人员持证情况汇总")
    return _xlsx_response(lambda output: dashboard_workbook(table, title, describe(scope, campaign), output),
                          f"{title}_{scope.on:%Y%m%d}.xlsx")


def _change(value, scale):
    """A change as signed text and its direction, e.g. ("+1.5", "up"); None when unknown."""
    if value is None:
        return None
    value *= scale
    return {"text": f"{value:+.1f}", "direction": "up" if value > 0.05 else "down" if value < -0.05 else ""}


def _league_line(row, columns):
    change = row.change
    cells = [{"key": column.key, "text": figure_text(row.now[column.key], share=True),
              "last": figure_text(row.last[column.key], share=True), "change": _change(change[column.key], 100)}
             for column in columns]
    cells.append({"key": "score", "text": figure_text(row.now["score"] and round(row.now["score"], 1)),
                  "last": figure_text(row.last["score"] and round(row.last["score"], 1)),
                  "change": _change(change["score"], 1)})
    moved = row.rank_change
    rank_move = None if moved is None else {
        "text": f"↑{moved}" if moved > 0 else f"↓{-moved}" if moved < 0 else "—",
        "direction": "up" if moved > 0 else "down" if moved < 0 else "",
    }
    return {"town": row.town, "rank": row.rank, "rank_move": rank_move, "cells": cells}


@ledger_reader_required
def league(request):
    filters = ReportFilterForm(request.GET, request.user, fields=("campaign", "scheme"))
    campaign, scope = filters.campaign_and_scope()
    table = summaries.league_table(scope, campaign)
    context = {
        "filters": filters,
        "campaign": campaign,
        "scope": scope,
        "league": table,
        "rows": [_league_line(row, table.columns) for row in table.rows],
        "totals": _league_line(table.totals, table.columns),
        "ranked": not request.user.is_town_clerk,
    }
    return render(request, "reports/league.html", context)


def _forecast(request):
    filters = ReportFilterForm(request.GET, request.user, fields=("scheme", "town"))
    _campaign, scope = filters.campaign_and_scope()
    return filters, scope, summaries.review_forecast(scope)


def _forecast_note(scope, forecast):
    last = forecast.months[-1]
    return _("%(scheme)s；%(start)s 起 12 个月内（至 %(year)d 年 %(month)d 月）到期的复审或换证；台账数字截至 %(start)s") % {
        "scheme": Scheme(scope.scheme).label if scope.scheme else _("特种作业和特种设备"),
        "start": scope.on.isoformat(), "year": last.year, "month": last.month,
    }


@ledger_reader_required
def forecast(request):
    filters, scope, table = _forecast(request)
    context = {"filters": filters, "scope": scope, "forecast": table, "note": _forecast_note(scope, table),
               "xlsx_query": request.GET.urlencode()}
    return render(request, "reports/forecast.html", context)


@ledger_reader_required
def forecast_xlsx(request):
    filters, scope, table = _forecast(request)
    title = _("复审（换证）到期预测")
    return _xlsx_response(lambda output: forecast_workbook(table, title, _forecast_note(scope, table), output),
                          f"{title}_{scope.on:%Y%m%d}.xlsx")

