"""The reports app's URLs: the monthly work summaries and, once it exists, the dashboard."""

from .monthly_urls import urlpatterns as monthly_urlpatterns

app_name = "reports"

urlpatterns = [*monthly_urlpatterns]

try:
    from .dashboard_urls import urlpatterns as dashboard_urlpatterns
except ModuleNotFoundError as missing:
    if missing.name != f"{__package__}.dashboard_urls":
        raise
    dashboard_urlpatterns = []

urlpatterns += dashboard_urlpatterns
