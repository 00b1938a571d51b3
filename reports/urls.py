"""The reports app's URLs: dashboard, attachments and submissions, monthly work summaries."""

from .attachment_urls import urlpatterns as attachment_urlpatterns
from .dashboard_urls import urlpatterns as dashboard_urlpatterns
from .monthly_urls import urlpatterns as monthly_urlpatterns

app_name = "reports"

urlpatterns = dashboard_urlpatterns + attachment_urlpatterns + monthly_urlpatterns
