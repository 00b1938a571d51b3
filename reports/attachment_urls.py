"""Attachment 1/2 downloads and submissions (报送); reports/urls.py adds these to the "reports" namespace."""

from django.urls import path

from .views import attachments, submissions

urlpatterns = [
    path("attachments/", attachments.attachment_list, name="attachment_list"),
    path("attachments/<int:town_pk>/<int:form>/", attachments.attachment_download, name="attachment_download"),
    path("attachments/city/<int:form>/", attachments.attachment_city, name="attachment_city"),
    path("submissions/", submissions.submission_grid, name="submission_grid"),
    path("submissions/town/", submissions.submission_town, name="submission_town"),
    path("submissions/new/<int:form>/", submissions.submission_create, name="submission_create"),
    path("submissions/<int:pk>/", submissions.submission_detail, name="submission_detail"),
    path("submissions/<int:pk>/download/", submissions.submission_download, name="submission_download"),
    path("submissions/<int:pk>/accept/", submissions.submission_accept, name="submission_accept"),
    path("submissions/<int:pk>/return/", submissions.submission_return, name="submission_return"),
]
