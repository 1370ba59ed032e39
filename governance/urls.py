from django.urls import include, path

from governance import views

urlpatterns = [
    path("org/", views.org_tree, name="org-tree"),
    path("org/<int:node_id>/", views.org_tree, name="org-node"),
    path("org/export.xlsx", views.org_export, name="org-export"),
    path("org/<int:node_id>/export.xlsx", views.org_export, name="org-node-export"),
    path("inbox/", views.inbox, name="inbox"),
    path("inbox/<int:pk>/", views.open_notification, name="notification-open"),
    path("", include("governance.composite.urls")),
]
