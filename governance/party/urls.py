from django.urls import path

from governance.party import views

urlpatterns = [
    path("members/", views.roster_list, name="party-roster"),
    path("members/export.xlsx", views.roster_export, name="party-roster-export"),
    path("members/import/", views.roster_import_page, name="party-roster-import"),
    path("members/import/template.xlsx", views.roster_template, name="party-roster-template"),
    path("members/import/left-out.xlsx", views.roster_left_out, name="party-roster-left-out"),
]
