from django.urls import path

from services.stations import views as stations

urlpatterns = [
    path("stations/", stations.finder, name="station-finder"),
    path("stations/<int:pk>/", stations.station_page, name="station-page"),
    path("stations/manage/", stations.manage_list, name="station-manage-list"),
    path("stations/manage/<int:pk>/", stations.manage_station, name="station-manage"),
    path(
        "stations/manage/<int:pk>/amenity/<int:amenity_id>/",
        stations.toggle_amenity,
        name="station-amenity",
    ),
    path("stations/manage/<int:pk>/log/", stations.log_service, name="station-log"),
    path("stations/manage/<int:pk>/poster.pdf", stations.poster, name="station-poster"),
    path("stations/coverage/", stations.coverage, name="station-coverage"),
]
