"""URLs of the monthly work summaries, included by `reports/urls.py` (namespace "reports")."""

from django.urls import path

from .views import monthly

urlpatterns = [
    path("monthly/", monthly.monthly_list, name="monthly_list"),
    path("monthly/new/<int:year>/<int:month>/", monthly.monthly_start, name="monthly_start"),
    path("monthly/inbox/", monthly.monthly_inbox, name="monthly_inbox"),
    path("monthly/grid/", monthly.monthly_grid, name="monthly_grid"),
    path("monthly/<int:pk>/", monthly.monthly_detail, name="monthly_detail"),
    path("monthly/<int:pk>/edit/", monthly.monthly_edit, name="monthly_edit"),
    path("monthly/<int:pk>/submit/", monthly.monthly_submit, name="monthly_submit"),
    path("monthly/<int:pk>/receive/", monthly.monthly_receive, name="monthly_receive"),
    path("monthly/<int:pk>/return/", monthly.monthly_return, name="monthly_return"),
]
