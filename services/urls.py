from django.urls import include, path

urlpatterns = [
    path("", include("services.whistles.urls")),
    path("", include("services.wishes.urls")),
    path("", include("services.stations.urls")),
]
