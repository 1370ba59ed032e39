from django.urls import path

from volunteers.views import certificates, exports, phone, stars

urlpatterns = [
    # The volunteer's phone pages
    path("v/", phone.home, name="volunteer-home"),
    path("v/activities/new/", phone.new_activity, name="volunteer-activity-new"),
    path("v/activities/<int:pk>/", phone.activity, name="volunteer-activity"),
    path("v/activities/<int:pk>/qr.svg", phone.checkin_qr, name="volunteer-checkin-qr"),
    path("v/activities/<int:pk>/sign-up/", phone.sign_up, name="volunteer-sign-up"),
    path("v/activities/<int:pk>/check/", phone.check_by_code, name="volunteer-check"),
    path("v/signups/<int:pk>/cancel/", phone.cancel, name="volunteer-cancel"),
    path("v/signups/<int:pk>/confirm/", phone.confirm, name="volunteer-confirm"),
    path("v/signups/<int:pk>/mark/", phone.leader_mark, name="volunteer-mark"),
    path("v/me/", phone.me, name="volunteer-me"),
    path("v/teams/", phone.teams_list, name="volunteer-teams"),
    path("v/teams/<int:pk>/", phone.team, name="volunteer-team"),
    path("v/teams/<int:pk>/join/", phone.join, name="volunteer-join"),
    path("v/memberships/<int:pk>/decide/", phone.decide_membership, name="volunteer-decide"),
    path("v/approvals/", phone.approvals, name="volunteer-approvals"),
    path("v/hours/<int:pk>/decide/", phone.decide_hours, name="volunteer-decide-hours"),
    path("v/rewards/", phone.rewards_list, name="volunteer-rewards"),
    path("v/rewards/<int:pk>/redeem/", phone.redeem, name="volunteer-redeem"),
    path("v/redemptions/<int:pk>/", phone.redemption, name="volunteer-redemption"),
    path(
        "v/redemptions/<int:pk>/cancel/",
        phone.cancel_redemption,
        name="volunteer-redemption-cancel",
    ),
    path("v/handover/", phone.handover, name="volunteer-handover"),
    path("v/rewards/<int:pk>/picture/", phone.reward_picture, name="volunteer-reward-picture"),
    # Certificates (the volunteer, or cadres of their community)
    path(
        "v/certificates/star/<int:pk>.pdf",
        certificates.star_certificate,
        name="volunteer-star-certificate",
    ),
    path(
        "v/certificates/service/<int:pk>.pdf",
        certificates.service_proof,
        name="volunteer-service-proof",
    ),
    # Cadres
    path("volunteers/export/hours.xlsx", exports.hours_workbook, name="volunteer-hours-export"),
    path("volunteers/stars/", stars.rounds, name="volunteer-star-rounds"),
    path("volunteers/stars/<int:pk>/", stars.notice, name="volunteer-star-notice"),
]
