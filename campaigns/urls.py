"""The campaign's pages: its programme (phases, publicity, training) and its enforcement
(inspections, random draws, cross-inspection, exposure, forgery signals)."""

from .enforcement_urls import urlpatterns as enforcement_urlpatterns
from .programme_urls import urlpatterns as programme_urlpatterns

app_name = "campaigns"

urlpatterns = programme_urlpatterns + enforcement_urlpatterns
