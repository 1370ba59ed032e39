from django.urls import path

from services.views import command, public, staff, stations, wishes

urlpatterns = [
    # Residents (no login)
    path("report/", public.report, name="whistle-report"),
    path("report/buildings/", public.community_buildings, name="community-buildings"),
    path("report/submitted/<str:code>/", public.submitted, name="whistle-submitted"),
    path("track/", public.track, name="whistle-track"),
    path("track/<str:code>/", public.status, name="whistle-status"),
    path("track/<str:code>/rate/", public.rate, name="whistle-rate"),
    path("photos/<int:pk>/", public.photo, name="whistle-photo"),
    # Staff
    path("whistles/", staff.whistle_list, name="whistle-list"),
    path("whistles/<int:pk>/", staff.whistle_detail, name="whistle-detail"),
    path("whistles/<int:pk>/<slug:step_name>/", staff.whistle_step, name="whistle-step"),
    path("callbacks/<int:pk>/", staff.callback_record, name="callback-record"),
    path("m/", staff.my_tasks, name="mobile-home"),
    # Micro-wishes: the wall and form (public), claimers' and moderators' pages
    path("wishes/", wishes.wall, name="wish-wall"),
    path("wishes/new/", wishes.post, name="wish-post"),
    path("wishes/posted/<str:code>/", wishes.posted, name="wish-posted"),
    path("wishes/track/", wishes.track, name="wish-track"),
    path("wishes/track/<str:code>/", wishes.status, name="wish-status"),
    path("wishes/track/<str:code>/confirm/", wishes.confirm, name="wish-confirm"),
    path("wishes/mine/", wishes.mine, name="wish-mine"),
    path("wishes/<int:pk>/", wishes.detail, name="wish-detail"),
    path("wishes/<int:pk>/claim/", wishes.claim, name="wish-claim"),
    path("wishes/<int:pk>/withdraw/", wishes.withdraw, name="wish-withdraw"),
    path("wishes/<int:pk>/fulfil/", wishes.fulfil, name="wish-fulfil"),
    path("wishes/<int:pk>/photo/<slug:which>/", wishes.photo, name="wish-photo"),
    path("wishes/manage/", wishes.manage_list, name="wish-manage"),
    path("wishes/manage/<int:pk>/", wishes.manage_detail, name="wish-manage-detail"),
    path("wishes/manage/<int:pk>/<slug:step_name>/", wishes.manage_step, name="wish-manage-step"),
    # Command center
    path("command/", command.page, name="command-center"),
    path("command/<int:node_id>/", command.page, name="command-center-node"),
    path("command/<int:node_id>/export.xlsx", command.export, name="command-center-export"),
    # Service stations
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
