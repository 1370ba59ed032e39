from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path
from rest_framework.routers import DefaultRouter

from governance import account_views
from governance import api as governance_api
from governance import views as governance_views

router = DefaultRouter()
router.register("nodes", governance_api.OrgNodeViewSet, basename="node")

urlpatterns = [
    path("", governance_views.home, name="home"),
    path("healthz/", governance_views.healthz, name="healthz"),
    path("accounts/login/", account_views.LoginView.as_view(), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
    path("api/", include(router.urls)),
    path("", include("governance.urls")),
    path("", include("services.urls")),
    path("", include("grids.urls")),
    path("", include("volunteers.urls")),
]
