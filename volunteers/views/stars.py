"""Star rating pages: the cadres' list of rounds (and running the job by hand), and the
public notice (公示) of a round's proposed stars."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.core.exceptions import PermissionDenied
from django.db.models import Prefetch
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from governance.masking import mask_name
from governance.permissions import Perm
from volunteers import stars
from volunteers.models import StarAward, StarRound
from volunteers.profiles import may_see, shown_name


def _status(star_round, today):
    if star_round.confirmed_at:
        return _("Confirmed on %(date)s") % {
            "date": f"{timezone.localdate(star_round.confirmed_at):%Y-%m-%d}"
        }
    if today <= star_round.notice_ends_on:
        return _("In public notice until %(date)s") % {
            "date": f"{star_round.notice_ends_on:%Y-%m-%d}"
        }
    return _("Notice over: confirmed at the next run of the star job")


def _already_proposed(star_round, today):
    return _("Nothing new: the round of %(date)s is proposed already (%(status)s).") % {
        "date": f"{star_round.rating_date:%Y-%m-%d}",
        "status": _status(star_round, today),
    }


@login_required
@permission_required(Perm.VIEW_VOLUNTEERS, raise_exception=True)
@require_http_methods(["GET", "POST"])
def rounds(request):
    user = request.user
    may_run = user.has_perm(Perm.RUN_STAR_RATING)
    if request.method == "POST":
        if not may_run:
            raise PermissionDenied
        result = stars.run()
        pending = StarRound.objects.filter(confirmed_at__isnull=True).order_by("-rating_date")
        waiting = None if any(result.values()) else pending.first()
        if waiting is not None:  # beat proposed it already: say which, and when it confirms
            messages.info(request, _already_proposed(waiting, timezone.localdate()))
        else:
            messages.success(
                request,
                _("The star job proposed %(proposed)d awards and confirmed %(confirmed)d.")
                % result,
            )
        return redirect("volunteer-star-rounds")
    visible = StarAward.objects.visible_to(user).select_related("volunteer__user")
    star_rounds = list(
        StarRound.objects.prefetch_related(
            Prefetch("awards", queryset=visible, to_attr="visible_awards")
        )
    )
    today = timezone.localdate()
    for star_round in star_rounds:
        star_round.status = _status(star_round, today)
        for award in star_round.visible_awards:
            award.shown_name = shown_name(user, award.volunteer)
            award.may_open = may_see(user, award.volunteer)
    return render(
        request,
        "volunteers/star_rounds.html",
        {"rounds": star_rounds, "may_run": may_run},
    )


def notice(request, pk):
    """Public: names masked, no contact details."""
    star_round = get_object_or_404(StarRound, pk=pk)
    awards = star_round.awards.select_related("volunteer__user", "volunteer__community")
    rows = [
        {
            "name": mask_name(str(award.volunteer.user)),
            "community": award.volunteer.community.place if award.volunteer.community else "",
            "stars": "★" * award.stars,
            "hours": award.hours,
        }
        for award in awards
    ]
    return render(
        request,
        "volunteers/star_notice.html",
        {
            "round": star_round,
            "status": _status(star_round, timezone.localdate()),
            "rows": rows,
        },
    )
