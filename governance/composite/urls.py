from django.urls import path

from governance.composite import views

urlpatterns = [
    path("command/", views.command_page, name="command-center"),
    path("command/<int:node_id>/", views.command_page, name="command-center-node"),
    path("command/<int:node_id>/export.xlsx", views.command_export, name="command-center-export"),
    path("m/", views.my_work_page, name="mobile-home"),
]
