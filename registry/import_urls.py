"""The ledger import pages; registry/urls.py includes this list under the "registry" namespace."""

from django.urls import path

from .views import imports

urlpatterns = [
    path("imports/", imports.import_list, name="import_list"),
    path("imports/new/", imports.import_upload, name="import_upload"),
    path("imports/<int:pk>/", imports.import_preview, name="import_preview"),
    path("imports/<int:pk>/confirm/", imports.import_confirm, name="import_confirm"),
    path("imports/<int:pk>/discard/", imports.import_discard, name="import_discard"),
    path("imports/<int:pk>/result/", imports.import_result, name="import_result"),
]
