"""The pages about enrolled families. Mounted under /programmes/ beside programmes' own pages
(entas/urls.py), so the addresses are those users know; the names are in the `graduation`
namespace."""

from django.urls import path

from entas.graduation import (
    consent_views,
    facilitator_views,
    permanence_views,
    poverty_views,
    programme_views,
    rule_views,
    training_views,
    views,
    warning_views,
    work_views,
)

app_name = "graduation"
urlpatterns = [
    path("<int:pk>/", programme_views.programme_detail, name="programme"),
    path("<int:pk>/enrol/", programme_views.enrol, name="enrol"),
    path("<int:pk>/permanence/", permanence_views.programme_permanence, name="permanence"),
    path("<int:pk>/at-risk/", warning_views.programme_at_risk, name="at_risk"),
    path("<int:pk>/rules/", rule_views.rule_sets, name="rule_sets"),
    path("<int:pk>/rules/new/", rule_views.rule_set_draft, name="rule_set_draft"),
    path("<int:pk>/rules/<int:version>/", rule_views.rule_set, name="rule_set"),
    path("<int:pk>/rules/<int:version>/edit/", rule_views.rule_set_edit, name="rule_set_edit"),
    path("<int:pk>/rules/<int:version>/activate/", rule_views.rule_set_activate, name="rule_set_activate"),
    path("poverty-lines/", poverty_views.poverty_lines, name="poverty_lines"),
    path("poverty-lines/template.xlsx", poverty_views.poverty_template, name="poverty_template"),
    path("my-families/", work_views.my_families, name="my_families"),
    path("overrides/", work_views.override_list, name="overrides"),
    path("overrides/<int:pk>/decide/", work_views.override_decide, name="override_decide"),
    path("facilitators/", programme_views.facilitator_report, name="facilitators"),
    path("facilitators/new/", facilitator_views.facilitator_create, name="facilitator_create"),
    path("facilitators/upload/", facilitator_views.facilitator_upload, name="facilitator_upload"),
    path("facilitators/template.xlsx", facilitator_views.facilitator_template, name="facilitator_template"),
    path("facilitators/sign-in-links.xlsx", facilitator_views.facilitator_links, name="facilitator_links"),
    path("facilitators/<int:pk>/", facilitator_views.facilitator_detail, name="facilitator"),
    path("sessions/", training_views.session_list, name="sessions"),
    path("sessions/new/", training_views.session_create, name="session_create"),
    path("sessions/<int:pk>/", training_views.session_detail, name="session"),
    path("enrolments/<int:pk>/", views.enrolment_detail, name="enrolment"),
    path("enrolments/<int:pk>/consent/", consent_views.consent, name="enrolment_consent"),
    path("enrolments/<int:pk>/<slug:name>/", views.enrolment_action, name="enrolment_action"),
]
