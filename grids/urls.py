from django.urls import include, path

urlpatterns = [
    path("grids/import/", include("grids.import_urls")),
]
