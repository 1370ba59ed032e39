from django.urls import path

from services.whistles.views import public, staff

urlpatterns = [
    # Residents (no login)
    path("report/", public.report, name="whistle-report"),
    path("report/buildings/", public.community_buildings, name="community-buildings"),
    path("report/support/", public.support, name="whistle-support"),
    path("report/submitted/<str:code>/", public.submitted, name="whistle-submitted"),
    path("track/", public.track, name="whistle-track"),
    path("track/<str:code>/", public.status, name="whistle-status"),
    path("track/<str:code>/rate/", public.rate, name="whistle-rate"),
    path("photos/<int:pk>/", public.photo, name="whistle-photo"),
    # Staff
    path("whistles/", staff.whistle_list, name="whistle-list"),
    path("whistles/export.xlsx", staff.whistle_export, name="whistle-export"),
    path("whistles/dispatch/", staff.whistle_bulk_dispatch, name="whistle-bulk-dispatch"),
    path("whistles/<int:pk>/", staff.whistle_detail, name="whistle-detail"),
    path("whistles/<int:pk>/order.pdf", staff.whistle_order, name="whistle-order"),
    path(
        "whistles/<int:pk>/call-members/",
        staff.whistle_call_members,
        name="whistle-call-members",
    ),
    path("whistles/calls/<int:pk>/", staff.whistle_call_answer, name="whistle-call-answer"),
    path("whistles/<int:pk>/<slug:step_name>/", staff.whistle_step, name="whistle-step"),
    path("callbacks/<int:pk>/", staff.callback_record, name="callback-record"),
]
