"""The campaign's programme: campaigns and phases, publicity (phase 1), centralised training (phase 3)."""

from django.urls import path

from .views import (
    attendance,
    programme,
    programme_publicity,
    training_classes,
    training_institutions,
    training_progress,
)

urlpatterns = [
    path("", programme.campaign_list, name="campaign_list"),
    path("<int:pk>/", programme.campaign_detail, name="campaign_detail"),
    path("<int:pk>/copy/", programme.campaign_copy, name="campaign_copy"),
    path("phases/<int:pk>/edit/", programme.phase_edit, name="phase_edit"),
    path("publicity/", programme_publicity.publicity_list, name="publicity_list"),
    path("publicity/new/", programme_publicity.publicity_create, name="publicity_create"),
    path("publicity/<int:pk>/edit/", programme_publicity.publicity_edit, name="publicity_edit"),
    path("training/institutions/", training_institutions.training_institution_list, name="training_institution_list"),
    path("training/institutions/new/", training_institutions.training_institution_create,
         name="training_institution_create"),
    path("training/institutions/<int:pk>/edit/", training_institutions.training_institution_edit,
         name="training_institution_edit"),
    path("training/classes/", training_classes.training_class_list, name="training_class_list"),
    path("training/classes/new/", training_classes.training_class_create, name="training_class_create"),
    path("training/classes/<int:pk>/", training_classes.training_class_detail, name="training_class_detail"),
    path("training/classes/<int:pk>/edit/", training_classes.training_class_edit, name="training_class_edit"),
    path("training/classes/<int:pk>/enrol/", training_classes.enrolment_create, name="enrolment_create"),
    path("training/classes/<int:pk>/results/", training_classes.enrolment_results, name="enrolment_results"),
    path("training/progress/", training_progress.training_progress, name="training_progress"),
    path("training/attendance/", attendance.attendance_list, name="attendance_list"),
]
