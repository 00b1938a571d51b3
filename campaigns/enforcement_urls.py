"""The enforcement pages (专项执法, 双随机, 交叉互检, 曝光, 证书核验) and the public pages (一公开)."""

from django.urls import path

from .views import draw_pages, enforcement, enforcement_cross, exposure_pages, forgery_pages, public_pages

urlpatterns = [
    path("inspections/", enforcement.inspection_list, name="inspection_list"),
    path("inspections/new/", enforcement.inspection_create, name="inspection_create"),
    path("inspections/<int:pk>/", enforcement.inspection_detail, name="inspection_detail"),
    path("inspections/<int:pk>/edit/", enforcement.inspection_edit, name="inspection_edit"),
    path("inspections/<int:pk>/findings/", enforcement.inspection_findings, name="inspection_findings"),
    path("inspections/<int:pk>/measures/new/", enforcement.inspection_measure_create, name="inspection_measure_create"),
    path("findings/", enforcement.finding_list, name="finding_list"),
    path("measures/<int:pk>/follow-up/", enforcement.inspection_measure_follow_up, name="inspection_measure_follow_up"),
    path("draws/", draw_pages.draw_list, name="draw_list"),
    path("draws/new/", draw_pages.draw_create, name="draw_create"),
    path("draws/<int:pk>/", draw_pages.draw_detail, name="draw_detail"),
    path("draws/<int:pk>/verify/", draw_pages.draw_verify, name="draw_verify"),
    path("draws/<int:pk>/publish/", draw_pages.draw_publish, name="draw_publish"),
    path("cross-inspection/", enforcement_cross.cross_plan, name="cross_plan"),
    path("cross-inspection/new/", enforcement_cross.cross_plan_create, name="cross_plan_create"),
    path("cross-inspection/<int:pk>/", enforcement_cross.cross_plan_detail, name="cross_plan_detail"),
    path("cross-inspection/pairs/<int:pk>/edit/", enforcement_cross.cross_pair_edit, name="cross_pair_edit"),
    path("exposure/", exposure_pages.exposure_list, name="exposure_list"),
    path("exposure/candidates/", exposure_pages.exposure_candidates, name="exposure_candidates"),
    path("exposure/new/<int:inspection_pk>/", exposure_pages.exposure_create, name="exposure_create"),
    path("exposure/<int:pk>/edit/", exposure_pages.exposure_edit, name="exposure_edit"),
    path("forgery/", forgery_pages.forgery_signals, name="forgery_signals"),
    path("forgery/<int:pk>/check/", forgery_pages.forgery_check, name="forgery_check"),
    path("public/draws/", public_pages.public_draw_list, name="public_draw_list"),
    path("public/draws/<int:pk>/", public_pages.public_draw_detail, name="public_draw_detail"),
    path("public/exposure/", public_pages.public_exposure_list, name="public_exposure_list"),
    path("public/exposure.xlsx", public_pages.public_exposure_xlsx, name="public_exposure_xlsx"),
]
