"""The volunteer's phone pages: activities to join, sign-up, check-in by code, my hours,
points and star, teams, the leader's roster and approvals, the gift catalogue. Each action
calls a workflow module and reports its message; the page redirects back."""

import secrets

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, Q
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from django_ratelimit.decorators import ratelimit

from governance.downloads import private_file
from governance.forms import flash_form_errors
from governance.masking import mask_mobile
from governance.permissions import Perm
from governance.qr import qr_svg
from services.stations.circle import week_hours
from volunteers import (
    activities,
    attendance,
    history,
    hours,
    rewards,
    signups,
    stars,
    teams,
)
from volunteers.forms import (
    ActivityForm,
    CheckCodeForm,
    DecisionForm,
    MarkForm,
    PickupCodeForm,
    RedeemForm,
    SkillsForm,
)
from volunteers.models import (
    ACTIVE_SIGNUPS,
    Activity,
    HoursStatus,
    Membership,
    MembershipStatus,
    Redemption,
    RedemptionStatus,
    Reward,
    ServiceHours,
    SignUp,
    SignUpStatus,
    Team,
)
from volunteers.profiles import open_to, profile_for, shown_name, shown_profile

REGISTERED = Count("signups", filter=Q(signups__status=SignUpStatus.REGISTERED))
WAITING = Count("signups", filter=Q(signups__status=SignUpStatus.WAITLISTED))


def _act(request, action, success):
    """Run a workflow action; its refusal becomes the page's message, never an error page."""
    try:
        result = action()
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
        return None
    except PermissionDenied as error:
        messages.error(request, str(error) or _("You may not take this action here."))
        return None
    messages.success(request, success(result) if callable(success) else success)
    return result


def _activities(user):
    return open_to(Activity.objects.all(), user).select_related("team", "node")


def _my_signups(user):
    return SignUp.objects.filter(volunteer__user=user)


@login_required
def home(request):
    now = timezone.now()
    upcoming = (
        _activities(request.user)
        .upcoming(now)
        .annotate(registered=REGISTERED, waiting=WAITING)
        .order_by("starts_at", "pk")[:30]
    )
    mine = {
        s.activity_id: s
        for s in _my_signups(request.user).filter(
            status__in=ACTIVE_SIGNUPS, activity__ends_at__gt=now
        )
    }
    return render(
        request,
        "volunteers/home.html",
        {
            "profile": shown_profile(request.user),
            "rows": [{"activity": a, "signup": mine.get(a.pk)} for a in upcoming],
            "can_plan": activities.plannable_teams(request.user).exists(),
        },
    )


@login_required
def activity(request, pk):
    now = timezone.now()
    item = get_object_or_404(
        _activities(request.user).annotate(registered=REGISTERED, waiting=WAITING), pk=pk
    )
    signup = _my_signups(request.user).filter(activity=item).select_related("activity").first()
    active = signup is not None and signup.status in ACTIVE_SIGNUPS
    registered = (
        active and signup.status == SignUpStatus.REGISTERED and signup.checked_out_at is None
    )
    leader = teams.leads(request.user, item.team_id)
    leading = leader or teams.cadre_over(request.user, item.team)
    roster = None
    if leading:
        roster = [
            {
                "signup": s,
                "name": shown_name(request.user, s.volunteer, leader=leader),
                "mobile": mask_mobile(s.volunteer.user.mobile),
            }
            for s in item.signups.filter(status__in=ACTIVE_SIGNUPS).select_related(
                "volunteer__user"
            )
        ]
    return render(
        request,
        "volunteers/activity.html",
        {
            "activity": item,
            "signup": signup,
            "active": active,
            "can_check": registered and attendance.window_open(item, now),
            # Why there is no box yet, or no button any more.
            "check_opens_at": (
                attendance.opens_at(item)
                if registered and now < attendance.opens_at(item)
                else None
            ),
            "can_cancel": active and signup.checked_in_at is None,
            "leading": leading,
            "roster": roster,
            # A scanned QR opens this page with the code filled in.
            "code_form": CheckCodeForm(initial={"code": request.GET.get("code", "")[:6]}),
            "signup_open": signups.open_for_sign_up(item, now),
            "can_confirm": signup is not None and signups.may_confirm(signup, now),
        },
    )


@login_required
def new_activity(request):
    """A team's leader puts an activity on from the phone; only for teams they may plan for
    (403 for anyone with none)."""
    choices = activities.plannable_teams(request.user)
    if not choices.exists():
        raise PermissionDenied
    now = timezone.now()
    form = ActivityForm(
        request.POST or None, teams=choices, now=now, initial={"team": request.GET.get("team")}
    )
    if request.method == "POST":
        if form.is_valid():
            item = _act(
                request,
                lambda: activities.plan_activity(activity=form.instance, actor=request.user),
                _("The activity is on: volunteers can sign up now."),
            )
            if item is not None:
                return redirect("volunteer-activity", pk=item.pk)
        else:
            flash_form_errors(request, form)
    return render(request, "volunteers/activity_form.html", {"form": form})


@login_required
def checkin_qr(request, pk):
    """The leader's QR: the activity page with the code filled in, for phones to scan."""
    item = get_object_or_404(_activities(request.user), pk=pk)
    if not teams.manages(request.user, item.team):
        raise Http404
    url = request.build_absolute_uri(reverse("volunteer-activity", args=[pk]))
    svg = qr_svg(f"{url}?code={item.checkin_code}")
    return HttpResponse(svg, content_type="image/svg+xml", headers={"Cache-Control": "private"})


@login_required
@require_POST
def sign_up(request, pk):
    item = get_object_or_404(_activities(request.user), pk=pk)
    _act(
        request,
        lambda: signups.sign_up(activity=item, user=request.user),
        lambda s: (
            _("You are signed up.")
            if s.status == SignUpStatus.REGISTERED
            else _("The activity is full: you are on the waiting list.")
        ),
    )
    return redirect("volunteer-activity", pk=pk)


def _own_signup(request, pk):
    return get_object_or_404(_my_signups(request.user).select_related("activity"), pk=pk)


@login_required
@require_POST
def cancel(request, pk):
    signup = _own_signup(request, pk)
    _act(request, lambda: signups.cancel(signup=signup), _("Your sign-up is cancelled."))
    return redirect("volunteer-activity", pk=signup.activity_id)


@login_required
@require_POST
def confirm(request, pk):
    signup = _own_signup(request, pk)
    _act(request, lambda: signups.confirm_attendance(signup=signup), _("Thank you: see you there."))
    return redirect("volunteer-activity", pk=signup.activity_id)


@login_required
@require_POST
@ratelimit(key="user", rate="10/m", method="POST", block=False)
def check_by_code(request, pk):
    """The volunteer types the leader's code: it checks them in, or out when they are in."""
    signup = _my_signups(request.user).filter(activity_id=pk).first()
    if signup is None:
        raise Http404
    form = CheckCodeForm(request.POST)
    if getattr(request, "limited", False):
        messages.error(request, _("Too many tries. Wait a minute and ask the leader again."))
    elif not form.is_valid():
        flash_form_errors(request, form)
    elif signup.checked_in_at is None:
        _act(
            request,
            lambda: attendance.check_in(signup=signup, code=form.cleaned_data["code"]),
            _("Checked in. Thank you for coming!"),
        )
    else:
        _act(
            request,
            lambda: attendance.check_out(signup=signup, code=form.cleaned_data["code"]),
            lambda s: (
                _("Checked out: %(hours)s hours, waiting for approval.")
                % {"hours": s.credit_hours.hours}
            ),
        )
    return redirect("volunteer-activity", pk=pk)


@login_required
@require_POST
def leader_mark(request, pk):
    signup = get_object_or_404(SignUp.objects.select_related("activity__team"), pk=pk)
    if not teams.manages(request.user, signup.activity.team):
        raise Http404
    form = MarkForm(request.POST)
    if not form.is_valid():
        flash_form_errors(request, form)
    else:
        mark = (
            attendance.check_in if form.cleaned_data["direction"] == "in" else attendance.check_out
        )
        _act(request, lambda: mark(signup=signup, actor=request.user), _("Saved."))
    return redirect("volunteer-activity", pk=signup.activity_id)


@login_required
def me(request):
    # Saving one's skills registers; reading the page does not.
    profile = profile_for(request.user) if request.method == "POST" else shown_profile(request.user)
    form = SkillsForm(request.POST or None, instance=profile)
    if request.method == "POST":
        if form.is_valid():
            form.save()
            messages.success(request, _("Saved."))
            return redirect("volunteer-me")
        flash_form_errors(request, form)
    if profile.pk is None:
        return render(request, "volunteers/me.html", {"profile": profile, "skills_form": form})
    now = timezone.now()
    return render(
        request,
        "volunteers/me.html",
        {
            "profile": profile,
            "skills_form": form,
            "approved_hours": stars.approved_hours(profile),
            "awards": profile.star_awards.filter(confirmed_at__isnull=False).select_related(
                "round"
            ),
            # Each history collapsed and paged (?signups=2 opens that one on its page 2).
            "signups": history.section(
                "signups",
                history.signups(profile),
                request,
                row=lambda s: {"signup": s, "outcome": history.outcome(s, now)},
            ),
            "hours": history.section("hours", history.hours(profile), request),
            "ledger": history.section("ledger", history.ledger(profile), request),
            "redemptions": profile.redemptions.select_related("reward")[:20],
            "no_shows": signups.no_shows(profile, timezone.localdate().year),
        },
    )


@login_required
def teams_list(request):
    memberships = {m.team_id: m for m in Membership.objects.filter(volunteer__user=request.user)}
    shown = (
        open_to(Team.objects.all(), request.user)
        .select_related("node")
        .annotate(
            members=Count("memberships", filter=Q(memberships__status=MembershipStatus.APPROVED))
        )
    )
    return render(
        request,
        "volunteers/teams.html",
        {"rows": [{"team": t, "membership": memberships.get(t.pk)} for t in shown]},
    )


@login_required
def team(request, pk):
    item = get_object_or_404(open_to(Team.objects.select_related("node"), request.user), pk=pk)
    leading = teams.manages(request.user, item)
    # A leader calls the members, so reads them in full; a cadre by the register's rule.
    calls_members = teams.leads(request.user, item.pk)
    members = item.memberships.select_related("volunteer__user").order_by("-is_leader", "pk")
    return render(
        request,
        "volunteers/team.html",
        {
            "team": item,
            "leading": leading,
            "membership": members.filter(volunteer__user=request.user).first(),
            "members": [
                {
                    "membership": m,
                    "name": shown_name(request.user, m.volunteer, leader=calls_members),
                }
                for m in members
                if m.status == MembershipStatus.APPROVED
            ],
            "requests": [m for m in members if m.status == MembershipStatus.PENDING]
            if leading
            else [],
            "activities": item.activities.upcoming().order_by("starts_at")[:10],
        },
    )


@login_required
@require_POST
def join(request, pk):
    item = get_object_or_404(open_to(Team.objects.all(), request.user), pk=pk)
    _act(
        request,
        lambda: teams.ask_to_join(team=item, user=request.user),
        _("Asked to join: the team's leader will decide."),
    )
    return redirect("volunteer-team", pk=pk)


@login_required
@require_POST
def decide_membership(request, pk):
    membership = get_object_or_404(Membership.objects.select_related("team__node"), pk=pk)
    if not teams.manages(request.user, membership.team):
        raise Http404
    decision = request.POST.get("decision")
    if decision not in ("approve", "decline"):
        messages.error(request, _("Choose approve or decline."))
    else:
        _act(
            request,
            lambda: teams.decide(
                membership=membership, actor=request.user, approve=decision == "approve"
            ),
            _("Saved."),
        )
    return redirect("volunteer-team", pk=membership.team_id)


@login_required
def approvals(request):
    waiting = (
        ServiceHours.objects.decidable_by(request.user)
        .filter(status=HoursStatus.PENDING)
        .select_related("activity__team", "volunteer__user")
        .order_by("created_at")[:100]
    )
    led = teams.led_team_ids(request.user)
    rows = [
        {
            "entry": entry,
            "name": shown_name(request.user, entry.volunteer, leader=entry.activity.team_id in led),
        }
        for entry in waiting
    ]
    return render(request, "volunteers/approvals.html", {"rows": rows, "form": DecisionForm()})


@login_required
@require_POST
def decide_hours(request, pk):
    entry = get_object_or_404(ServiceHours.objects.decidable_by(request.user), pk=pk)
    form = DecisionForm(request.POST)
    if not form.is_valid():
        flash_form_errors(request, form)
    elif form.cleaned_data["decision"] == "approve":
        _act(request, lambda: hours.approve(entry=entry, actor=request.user), _("Approved."))
    else:
        _act(
            request,
            lambda: hours.decline(
                entry=entry, actor=request.user, reason=form.cleaned_data["reason"]
            ),
            _("Declined."),
        )
    return redirect("volunteer-approvals")


def _rewards(user):
    return open_to(Reward.objects.filter(active=True), user).select_related(
        "node", "pickup_station"
    )


@login_required
def rewards_list(request):
    return render(
        request,
        "volunteers/rewards.html",
        {
            "profile": shown_profile(request.user),
            "rewards": _rewards(request.user),
            "reserved": Redemption.objects.filter(
                volunteer__user=request.user, status=RedemptionStatus.RESERVED
            ).select_related("reward"),
        },
    )


def _pickup(reward):
    """Where and when the gift is collected: its station with the week's hours, or (a gift
    with no station yet) its community."""
    station = reward.pickup_station
    if station is None:
        return {"station": None, "place": reward.node.place}
    return {"station": station, "week": week_hours(station)}


@login_required
def redeem(request, pk):
    """GET: the confirm step (what it costs, what is left, where to collect it). POST: the
    reservation, once per confirm page however often it is sent."""
    reward = get_object_or_404(
        _rewards(request.user).prefetch_related("pickup_station__hours"), pk=pk
    )
    if request.method == "POST":
        form = RedeemForm(request.POST)
        if not form.is_valid():
            flash_form_errors(request, form)
            return redirect("volunteer-redeem", pk=pk)
        redemption = _act(
            request,
            lambda: rewards.redeem(
                reward=reward, user=request.user, key=form.cleaned_data["key"] or None
            ),
            _("Reserved: show the pickup code when you collect “%(name)s”.")
            % {"name": reward.name},
        )
        if redemption is None:
            return redirect("volunteer-redeem", pk=pk)
        return redirect("volunteer-redemption", pk=redemption.pk)
    profile = shown_profile(request.user)
    after = rewards.points_after(profile, reward)
    return render(
        request,
        "volunteers/redeem.html",
        {
            "reward": reward,
            "profile": profile,
            "after": after,
            "missing": max(-after, 0),
            "can_redeem": after >= 0 and reward.stock > 0,
            "form": RedeemForm(initial={"key": secrets.token_urlsafe(16)}),
            **_pickup(reward),
        },
    )


def _own_redemption(request, pk):
    return get_object_or_404(
        Redemption.objects.filter(volunteer__user=request.user)
        .select_related("reward__node", "reward__pickup_station", "volunteer")
        .prefetch_related("reward__pickup_station__hours"),
        pk=pk,
    )


@login_required
def redemption(request, pk):
    item = _own_redemption(request, pk)
    return render(
        request,
        "volunteers/redemption.html",
        {
            "redemption": item,
            "can_cancel": item.status == RedemptionStatus.RESERVED,
            **_pickup(item.reward),
        },
    )


@login_required
@require_POST
def cancel_redemption(request, pk):
    item = _own_redemption(request, pk)
    _act(
        request,
        lambda: rewards.cancel(redemption=item, actor=request.user),
        _("Cancelled: %(points)s points are back.") % {"points": item.points},
    )
    return redirect("volunteer-redemption", pk=pk)


@login_required
# Looking a code up is the guess: count GETs too.
@ratelimit(key="user", rate="20/m", method=["GET", "POST"], block=False)
def handover(request):
    """Staff at the counter type the volunteer's pickup code: the page shows the gift and
    whose it is, and a second press hands it over. Codes of other areas are unknown here."""
    if not request.user.has_perm(Perm.MANAGE_VOLUNTEERS):
        raise PermissionDenied
    source = request.POST if request.method == "POST" else request.GET
    form = PickupCodeForm(source if "code" in source else None)
    found = None
    if getattr(request, "limited", False):
        messages.error(request, _("Too many tries. Wait a minute and try again."))
    elif form.is_bound and not form.is_valid():
        flash_form_errors(request, form)
    elif form.is_bound:
        found = rewards.to_hand_over(user=request.user, code=form.cleaned_data["code"])
        if found is None:
            messages.error(request, _("No gift waits for this pickup code here."))
        elif request.method == "POST":
            _act(
                request,
                lambda: rewards.hand_over(redemption=found, actor=request.user),
                _("Handed over: “%(name)s”.") % {"name": found.reward.name},
            )
            return redirect("volunteer-handover")
    return render(
        request,
        "volunteers/handover.html",
        {
            "form": form,
            "found": found,
            "name": shown_name(request.user, found.volunteer) if found else "",
        },
    )


@login_required
def reward_picture(request, pk):
    reward = get_object_or_404(_rewards(request.user).exclude(picture=""), pk=pk)
    return private_file(reward.picture)
