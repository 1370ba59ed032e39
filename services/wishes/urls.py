from django.urls import path

from services.wishes import views as wishes

urlpatterns = [
    # The wall and form (public), claimers' and moderators' pages
    path("wishes/", wishes.wall, name="wish-wall"),
    path("wishes/new/", wishes.post, name="wish-post"),
    path("wishes/posted/<str:code>/", wishes.posted, name="wish-posted"),
    path("wishes/track/", wishes.track, name="wish-track"),
    path("wishes/track/<str:code>/", wishes.status, name="wish-status"),
    path("wishes/track/<str:code>/confirm/", wishes.confirm, name="wish-confirm"),
    path("wishes/track/<str:code>/not-fulfilled/", wishes.not_fulfilled, name="wish-not-fulfilled"),
    path("wishes/mine/", wishes.mine, name="wish-mine"),
    path("wishes/<int:pk>/", wishes.detail, name="wish-detail"),
    path("wishes/<int:pk>/claim/", wishes.claim, name="wish-claim"),
    path("wishes/<int:pk>/withdraw/", wishes.withdraw, name="wish-withdraw"),
    path("wishes/<int:pk>/fulfil/", wishes.fulfil, name="wish-fulfil"),
    path("wishes/<int:pk>/photo/<slug:which>/", wishes.photo, name="wish-photo"),
    path("wishes/manage/", wishes.manage_list, name="wish-manage"),
    path("wishes/manage/<int:pk>/", wishes.manage_detail, name="wish-manage-detail"),
    path("wishes/manage/<int:pk>/<slug:step_name>/", wishes.manage_step, name="wish-manage-step"),
]
