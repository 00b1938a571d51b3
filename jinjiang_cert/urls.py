from django.contrib import admin
from django.urls import include, path

from registry.views.home import home

urlpatterns = [
    path("", home, name="home"),
    path("accounts/", include("django.contrib.auth.urls")),
    path("", include("registry.urls")),
    path("campaigns/", include("campaigns.urls")),
    path("reports/", include("reports.urls")),
    path("admin/", admin.site.urls),
]
