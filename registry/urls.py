from django.urls import path

from .import_urls import urlpatterns as import_urlpatterns
from .views import certificates, needs, units, workers

app_name = "registry"

urlpatterns = [
    path("units/", units.unit_list, name="unit_list"),
    path("units/new/", units.unit_create, name="unit_create"),
    path("units/<int:pk>/", units.unit_detail, name="unit_detail"),
    path("units/<int:pk>/edit/", units.unit_edit, name="unit_edit"),
    path("units/<int:pk>/archive/", units.unit_archive, name="unit_archive"),
    path("workers/", workers.worker_list, name="worker_list"),
    path("workers/new/", workers.worker_create, name="worker_create"),
    path("workers/<int:pk>/", workers.worker_detail, name="worker_detail"),
    path("workers/<int:pk>/edit/", workers.worker_edit, name="worker_edit"),
    path("workers/<int:pk>/archive/", workers.worker_archive, name="worker_archive"),
    path("certificates/", certificates.certificate_list, name="certificate_list"),
    path("workers/<int:worker_pk>/certificates/new/", certificates.certificate_create, name="certificate_create"),
    path("certificates/<int:pk>/edit/", certificates.certificate_edit, name="certificate_edit"),
    path("certificates/<int:pk>/review/", certificates.certificate_review, name="certificate_review"),
    path("needs/", needs.need_list, name="need_list"),
    path("needs/due-reviews/", needs.need_create_due_reviews, name="need_create_due_reviews"),
    path("workers/<int:worker_pk>/needs/new/", needs.need_create, name="need_create"),
    path("needs/<int:pk>/", needs.need_detail, name="need_detail"),
    path("needs/<int:pk>/register/", needs.need_register, name="need_register"),
    path("needs/<int:pk>/result/", needs.need_result, name="need_result"),
    path("needs/<int:pk>/cancel/", needs.need_cancel, name="need_cancel"),
]

# The ledger import pages (upload → preview → confirm → result).
urlpatterns += import_urlpatterns
