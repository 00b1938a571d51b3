"""URLs of the city dashboard, the town league table and the review forecast (namespace "reports")."""

from django.urls import path

from .views import dashboard

urlpatterns = [
    path("", dashboard.dashboard, name="dashboard"),
    path("dashboard.xlsx", dashboard.dashboard_xlsx, name="dashboard_xlsx"),
    path("league/", dashboard.league, name="league"),
    path("forecast/", dashboard.forecast, name="forecast"),
    path("forecast.xlsx", dashboard.forecast_xlsx, name="forecast_xlsx"),
]
