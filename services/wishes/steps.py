"""Micro-wishes (微心愿): a resident posts, the community reviews, a party member, volunteer or
partner unit claims and fulfils ("点亮微心愿"), the resident confirms. One function per step;
each locks the wish, checks its state, and records the event in the same transaction."""

from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from governance import people
from governance.beat import act_once
from governance.notifications import notify
from governance.permissions import Perm
from governance.public import new_tracking_code
from governance.rewards import award_points
from governance.scope import in_scope
from governance.workflow import TransitionError, record, step
from services.wishes.models import REVIEW_STATES, Wish, WishEventKind, WishStatus

# What a claim sets, and a release or withdrawal clears.
CLAIM_FIELDS = [
    "status",
    "claimer",
    "claimer_unit",
    "show_claimer",
    "claimed_at",
    "claim_due",
    "claim_reminded_at",
    "open_since",
    "stale_flagged_at",
]


def manage_url(wish):
    return reverse("wish-manage-detail", args=[wish.pk])


def may_moderate(user, wish):
    return user.has_perm(Perm.MODERATE_WISH) and in_scope(user, wish.community)


def claim_refusal(user, wish, unit=None):
    """Why `user` may not claim `wish` (on behalf of `unit`), or None when they may."""
    if not user.is_authenticated or not user.is_active:
        return _("Log in to claim a wish.")
    if unit is not None and not unit.contacts.filter(pk=user.pk).exists():
        return _("You are not a contact of that partner unit.")
    if wish.party_members_only and not user.is_party_member and unit is None:
        return _("This wish is kept for party members to claim.")
    if (
        wish.claim_within_id
        and unit is None
        and not (
            user.node_id
            and user.node.tree_id == wish.claim_within.tree_id
            and wish.claim_within.lft <= user.node.lft <= wish.claim_within.rght
        )
    ):
        return _("This wish is kept for people of %(place)s.") % {"place": wish.claim_within.place}
    return None


def post_wish(
    *,
    wish_for,
    category,
    text,
    community,
    building=None,
    photo=None,
    poster_name,
    poster_mobile,
    sms_consent=False,
    source="",
):
    if building is not None and building.parent.parent_id != community.pk:
        raise ValueError("the building is not in the community")
    with transaction.atomic():
        wish = Wish.objects.create(
            tracking_code=new_tracking_code(Wish),
            wish_for=wish_for,
            category=category,
            text=text,
            community=community,
            building=building,
            node=building or community,
            photo=photo or "",
            poster_name=poster_name,
            poster_mobile=poster_mobile,
            sms_consent=sms_consent,
            source=source,
        )
        record(wish, WishEventKind.POSTED, public=True)
        notify(
            people.cadres_of(community),
            title=_("New micro-wish %(code)s waiting for review") % {"code": wish.tracking_code},
            body=text[:200],
            url=manage_url(wish),
        )
    return wish


def approve_wish(*, wish, actor, party_members_only=False, claim_within=None, note=""):
    with step(
        wish, REVIEW_STATES, pgettext("step", "approved"), actor=actor, check=may_moderate
    ) as w:
        if claim_within is not None and claim_within.pk not in claim_places(w):
            raise TransitionError(_("Choose the wish's community or its street."))
        w.status, w.approved_at = WishStatus.APPROVED, timezone.now()
        w.open_since = w.approved_at
        w.party_members_only, w.claim_within = party_members_only, claim_within
        w.not_fulfilled_count = 0  # back on the wall: the next claimer starts afresh
        w.save(
            update_fields=[
                "status",
                "approved_at",
                "open_since",
                "party_members_only",
                "claim_within",
                "not_fulfilled_count",
            ]
        )
        record(w, WishEventKind.APPROVED, actor=actor, note=note, public=True)
    return w


def claim_places(wish):
    """Where a claim may be kept to: the wish's community or its whole street. A community
    cadre offers the street too: it names who may claim, it shows them nothing of it."""
    return (wish.community_id, wish.community.parent_id)


def edit_wish_text(*, wish, actor, text, note=""):
    """Before the wish goes on the wall a moderator may edit what the wall shows (a name, an
    address taken out). The resident's own words are kept, for staff only."""
    text = text.strip()
    if not 4 <= len(text) <= 500:  # what the resident's form allows
        raise TransitionError(_("Keep the wish between 4 and 500 characters."))
    with step(
        wish, REVIEW_STATES, pgettext("step", "edited"), actor=actor, check=may_moderate
    ) as w:
        if text == w.text:
            raise TransitionError(_("The text is unchanged."))
        if not w.original_text:  # the first edit keeps what the resident wrote
            w.original_text = w.text
        w.text = text
        w.save(update_fields=["text", "original_text"])
        # The resident sees that it was edited; the note is for staff.
        record(w, WishEventKind.EDITED, actor=actor, note=note, public=True)
    return w


def reject_wish(*, wish, actor, reason):
    if not reason.strip():
        raise TransitionError(_("Give the resident a reason."))
    with step(
        wish, REVIEW_STATES, pgettext("step", "rejected"), actor=actor, check=may_moderate
    ) as w:
        w.status = WishStatus.REJECTED
        w.save(update_fields=["status"])
        record(w, WishEventKind.REJECTED, actor=actor, note=reason, note_public=True)
    return w


def claim_wish(*, wish, actor, unit=None, show_name=False):
    """认领: exactly one claimer at a time. The row lock makes the second of two people
    pressing "claim" together wait, then find the wish taken and get a clear message."""
    with step(wish, (WishStatus.APPROVED,), pgettext("step", "claimed")) as w:
        refusal = claim_refusal(actor, w, unit)
        if refusal:
            raise TransitionError(refusal)
        now = timezone.now()
        w.status, w.claimer, w.claimer_unit, w.show_claimer = (
            WishStatus.CLAIMED,
            actor,
            unit,
            show_name,
        )
        w.claimed_at, w.claim_reminded_at = now, None
        w.open_since = w.stale_flagged_at = None
        w.claim_due = now + timedelta(days=settings.WISH_CLAIM_DAYS)
        w.save(update_fields=CLAIM_FIELDS)
        record(w, WishEventKind.CLAIMED, actor=actor, public=True)
    return w


def _is_claimer(user, wish):
    return user.is_authenticated and wish.claimer_id == user.pk


def _release(w, kind, actor=None, note=""):
    """End the claim. Back on the wall, unless the resident already said once that it was
    not fulfilled: then a second try goes through the community, not the next claimer."""
    to_community = w.not_fulfilled_count > 0
    status = WishStatus.RETURNED if to_community else WishStatus.APPROVED
    w.status, w.claimer, w.claimer_unit, w.show_claimer = (status, None, None, False)
    w.claimed_at = w.claim_due = w.claim_reminded_at = w.stale_flagged_at = None
    # Back on the wall: the 14 days start again. With the community: off the wall.
    w.open_since = None if to_community else timezone.now()
    w.save(update_fields=CLAIM_FIELDS)
    record(w, kind, actor=actor, note=note, public=True, note_public=bool(note))
    if to_community:
        record(w, WishEventKind.RETURNED, public=True)
        notify(
            people.cadres_of(w.community),
            title=_("Micro-wish %(code)s is back with the community: it was not fulfilled")
            % {"code": w.tracking_code},
            body=note[:200],
            url=manage_url(w),
        )


def withdraw_claim(*, wish, actor):
    with step(
        wish, (WishStatus.CLAIMED,), pgettext("step", "withdrawn"), actor=actor, check=_is_claimer
    ) as w:
        _release(w, WishEventKind.WITHDRAWN, actor)
    return w


def fulfil_wish(*, wish, actor, note, photo=None):
    if not note.strip():
        raise TransitionError(_("Say how the wish was fulfilled."))
    with step(
        wish, (WishStatus.CLAIMED,), pgettext("step", "fulfilled"), actor=actor, check=_is_claimer
    ) as w:
        w.status, w.fulfilled_at, w.fulfilment_note = WishStatus.FULFILLED, timezone.now(), note
        if photo:
            w.fulfilment_photo = photo
        w.save(update_fields=["status", "fulfilled_at", "fulfilment_note", "fulfilment_photo"])
        record(w, WishEventKind.FULFILLED, actor=actor, note=note, note_public=True)
    return w


def report_not_fulfilled(*, wish, reason):
    """The resident says on the status page that the wish did not come true. The first time
    it goes back to its claimer with a new deadline; the second time (or if the claimer then
    gives up, see `_release`) to the community."""
    if not reason.strip():
        raise TransitionError(_("Say what is still missing."))
    with step(wish, (WishStatus.FULFILLED,), pgettext("step", "reported not fulfilled")) as w:
        claimer, again = w.claimer, w.not_fulfilled_count > 0
        w.not_fulfilled_count += 1
        w.fulfilled_at, w.fulfilment_note, w.fulfilment_photo = None, "", ""
        w.save(
            update_fields=[
                "not_fulfilled_count",
                "fulfilled_at",
                "fulfilment_note",
                "fulfilment_photo",
            ]
        )
        if again:
            _release(w, WishEventKind.NOT_FULFILLED, note=reason)
            title = _("Micro-wish %(code)s is with the community now: still not fulfilled")
        else:
            now = timezone.now()
            w.status, w.claim_reminded_at = WishStatus.CLAIMED, None
            w.claim_due = now + timedelta(days=settings.WISH_CLAIM_DAYS)
            w.save(update_fields=["status", "claim_due", "claim_reminded_at"])
            record(w, WishEventKind.NOT_FULFILLED, note=reason, note_public=True)
            title = _("Micro-wish %(code)s: the resident says it is not fulfilled yet")
        notify(
            [claimer],
            title=title % {"code": w.tracking_code},
            body=reason[:200],
            url=reverse("wish-detail", args=[w.pk]),
        )
    return w


def confirm_wish(*, wish):
    """The resident confirms on the status page (no account)."""
    with step(wish, (WishStatus.FULFILLED,), pgettext("step", "confirmed")) as w:
        _confirm(w, WishEventKind.CONFIRMED)
    return w


def _confirm(w, kind):
    w.status, w.confirmed_at = WishStatus.CONFIRMED, timezone.now()
    w.save(update_fields=["status", "confirmed_at"])
    record(w, kind, public=True)
    if w.claimer_unit_id is None:  # people earn volunteer points; units do not
        award_points(
            user=w.claimer,
            points=settings.WISH_POINTS,
            reason=_("Micro-wish %(code)s lit") % {"code": w.tracking_code},
            key=f"wish:{w.pk}",
        )


# --- Beat: reminders, releases and auto-confirmation; each idempotent by its own state.
WISH_RELATED = ("community", "claimer")


def scan(now=None):
    now = now or timezone.now()
    return {
        "review_reminders": _remind_pending_reviews(now),
        "stale_flagged": _flag_unclaimed(now),
        "claim_reminders": _remind_expiring_claims(now),
        "released": _release_expired_claims(now),
        "auto_confirmed": _auto_confirm(now),
    }


def _remind_pending_reviews(now):
    def remind(wish):
        record(wish, WishEventKind.REMINDED, note=_("Waiting for review."))
        notify(
            people.cadres_of(wish.community),
            title=_("Micro-wish %(code)s still waiting for review") % {"code": wish.tracking_code},
            url=manage_url(wish),
        )

    waiting = Wish.objects.filter(
        status=WishStatus.POSTED,
        created_at__lte=now - timedelta(days=settings.WISH_REVIEW_REMIND_DAYS),
    )
    return act_once(waiting, "review_reminded_at", now, remind, related=WISH_RELATED)


def _flag_unclaimed(now):
    def flag(wish):
        notify(
            people.cadres_of(wish.community),
            title=_("Micro-wish %(code)s has had no claimer for %(days)d days")
            % {"code": wish.tracking_code, "days": settings.WISH_STALE_DAYS},
            url=manage_url(wish),
        )

    stale = Wish.objects.filter(
        status=WishStatus.APPROVED, open_since__lte=now - timedelta(days=settings.WISH_STALE_DAYS)
    )
    return act_once(stale, "stale_flagged_at", now, flag, related=WISH_RELATED)


def _remind_expiring_claims(now):
    def remind(wish):
        due = timezone.localtime(wish.claim_due).strftime("%Y-%m-%d")
        record(wish, WishEventKind.REMINDED, note=_("Fulfil by %(due)s.") % {"due": due})
        notify(
            [wish.claimer],
            title=_("Please fulfil micro-wish %(code)s by %(due)s")
            % {"code": wish.tracking_code, "due": due},
            body=_("Otherwise the claim is released for someone else."),
            url=reverse("wish-detail", args=[wish.pk]),
        )

    # A claim already run out is released instead: no reminder after the deadline.
    expiring = Wish.objects.filter(
        status=WishStatus.CLAIMED,
        claim_due__gt=now,
        claim_due__lte=now + timedelta(days=settings.WISH_CLAIM_REMIND_DAYS),
    )
    return act_once(expiring, "claim_reminded_at", now, remind, related=WISH_RELATED)


def _release_expired_claims(now):
    released = 0
    for wish in Wish.objects.filter(status=WishStatus.CLAIMED, claim_due__lte=now)[:500]:
        try:
            with step(wish, (WishStatus.CLAIMED,), pgettext("step", "released")) as w:
                if w.claim_due > now:
                    continue
                claimer = w.claimer
                _release(w, WishEventKind.RELEASED)
                notify(
                    [claimer],
                    title=_("Your claim on micro-wish %(code)s was released")
                    % {"code": w.tracking_code},
                    url=reverse("wish-detail", args=[w.pk]),
                )
                released += 1
        except TransitionError:  # fulfilled or withdrawn meanwhile
            continue
    return released


def _auto_confirm(now):
    confirmed = 0
    due = Wish.objects.filter(
        status=WishStatus.FULFILLED,
        fulfilled_at__lte=now - timedelta(days=settings.WISH_AUTO_CONFIRM_DAYS),
    )
    for wish in due[:500]:
        try:
            with step(wish, (WishStatus.FULFILLED,), pgettext("step", "confirmed")) as w:
                _confirm(w, WishEventKind.AUTO_CONFIRMED)
                confirmed += 1
        except TransitionError:
            continue
    return confirmed
