from django.urls import path

from governance.party import views

urlpatterns = [
    path("members/", views.roster_list, name="party-roster"),
    path("members/export.xlsx", views.roster_export, name="party-roster-export"),
    path("members/import/", views.roster_import_page, name="party-roster-import"),
    path("members/import/template.xlsx", views.roster_template, name="party-roster-template"),
    path("members/import/left-out.xlsx", views.roster_left_out, name="party-roster-left-out"),
    path("report/<int:community_id>/", views.member_report, name="party-member-report"),
    path("report/<int:community_id>/poster/", views.report_poster, name="party-report-poster"),
    path("posts/", views.member_posts, name="party-posts"),
    path("posts/<int:pk>/claim/", views.claim_post, name="party-post-claim"),
    path("posts/manage/", views.manage_posts, name="party-posts-manage"),
    path("reports/<int:pk>/confirm/", views.confirm_report, name="party-report-confirm"),
    path("claims/<int:pk>/confirm/", views.confirm_claim, name="party-claim-confirm"),
    path("units/report/", views.unit_report, name="party-unit-report"),
    path("unit-reports/<int:pk>/sign/", views.sign_unit_report, name="party-unit-report-sign"),
]
