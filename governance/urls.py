from django.urls import include, path

from governance import account_views, views

urlpatterns = [
    path("org/", views.org_tree, name="org-tree"),
    path("org/<int:node_id>/", views.org_tree, name="org-node"),
    path("org/export.xlsx", views.org_export, name="org-export"),
    path("org/<int:node_id>/export.xlsx", views.org_export, name="org-node-export"),
    path("inbox/", views.inbox, name="inbox"),
    path("inbox/<int:pk>/", views.open_notification, name="notification-open"),
    path("accounts/password/", account_views.password_change, name="password-change"),
    path("accounts/two-factor/", account_views.two_factor_setup, name="two-factor-setup"),
    path("accounts/two-factor/verify/", account_views.two_factor_verify, name="two-factor-verify"),
    path("party/", include("governance.party.urls")),
    path("", include("governance.composite.urls")),
]
