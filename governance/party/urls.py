from django.urls import path

from governance.party import list_views, views

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
    path("lists/", list_views.three_lists, name="party-lists"),
    path("lists/needs/", list_views.add_need, name="party-need-add"),
    path("lists/resources/", list_views.add_resource, name="party-resource-add"),
    path("lists/match/", list_views.match, name="party-match"),
    path("projects/<int:pk>/", list_views.project, name="party-project"),
    path(
        "projects/<int:pk>/photos/<int:update_pk>/",
        list_views.project_photo,
        name="party-project-photo",
    ),
    path("alliances/", list_views.alliances, name="party-alliances"),
    path("alliances/<int:pk>/", list_views.alliance, name="party-alliance"),
    path("members/<int:pk>/card/", views.member_card, name="party-member-card"),
    path("my-card/", views.my_card, name="party-my-card"),
    path("letters/", views.letters, name="party-letters"),
    path("letters/<int:pk>/letter.pdf", views.letter_pdf, name="party-letter-pdf"),
    path("letters/<int:pk>/services.xlsx", views.letter_workbook, name="party-letter-xlsx"),
    path("members/<int:pk>/appraise/", views.appraise_member, name="party-member-appraise"),
    path("unit-reports/<int:pk>/appraise/", views.appraise_unit, name="party-unit-appraise"),
]
