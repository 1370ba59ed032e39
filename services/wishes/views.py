"""Micro-wish pages: the public wall and form, the resident's status page, the claimer's
pages (claim, withdraw, fulfil) and the community's moderation pages."""

import contextlib
import secrets
import time

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.core.cache import cache
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from governance.choices_cache import CachedChoices, FastSelect
from governance.downloads import private_file
from governance.forms import flash_form_errors
from governance.masking import mask_mobile, mask_name
from governance.models import NodeKind, OrgNode, PartnerUnit, User
from governance.params import parse_id
from governance.permissions import Perm
from governance.public import (
    community_choices,
    known_or_none,
    knows_code,
    lookup_view,
    normalise_code,
    submission_view,
    submitted_page,
)
from governance.scope import subtree_q
from governance.step_pages import PublicReasonForm, Step, allowed_steps, run_step
from governance.workflow import TransitionError
from services.wishes import contacts, figures
from services.wishes import steps as wishes
from services.wishes.forms import (
    ApproveWishForm,
    ClaimWishForm,
    EditWishTextForm,
    FulfilWishForm,
    NotFulfilledForm,
    WishPostForm,
)
from services.wishes.models import LIT_STATUSES, REVIEW_STATES, Wish, WishCategory, WishStatus

# --- Public


def _wall_place(params):
    """The wall is per community (?community=ID) or per street (?street=ID)."""
    for key, kind in (("community", NodeKind.COMMUNITY), ("street", NodeKind.STREET)):
        value = parse_id(params.get(key))
        if value:
            node = OrgNode.objects.filter(pk=value, kind=kind).first()
            if node:
                return node
    return None


# What the wall shows is the same for every visitor: kept in the shared cache per place,
# kind, page, year and language, under a generation dropped whenever a wish, a partner unit,
# a person (claimers' names) or a place changes.
wall_generation = CachedChoices(
    "wish-wall-generation", lambda: secrets.token_hex(8), [Wish, PartnerUnit, User, OrgNode]
)
WALL_SECONDS = 300
_walls = {}


def _wall_content(place, category, page_number):
    in_place = Wish.objects.filter(subtree_q(place, "node")) if place else Wish.objects.all()
    shown = in_place.on_wall().select_related("community", "claimer", "claimer_unit")
    if category:
        shown = shown.filter(category=category)
    page = Paginator(shown.order_by("status", "-approved_at", "-pk"), 24).get_page(page_number)
    year = timezone.localdate().year
    return {
        "page": {
            "number": page.number,
            "has_previous": page.has_previous(),
            "has_next": page.has_next(),
            "previous_page_number": page.number - 1,
            "next_page_number": page.number + 1,
        },
        "year": year,
        "cards": [_card(w) for w in page.object_list],
        "lit_count": figures.lit_this_year(in_place),
        "rankings": figures.rankings(in_place, year=year),
    }


def _kept_wall_content(place, category, page_number):
    key = ":".join(
        [
            "wish-wall",
            wall_generation.get(),
            get_language() or "",
            str(timezone.localdate().year),
            str(place.pk if place else ""),
            category,
            str(page_number or "")[:10],
        ]
    )
    # A generation's wall does not change: this process keeps what it read as long as the
    # shared cache would (a change makes a new generation, seen within LOCAL_SECONDS).
    kept = _walls.get(key)
    if kept is not None and kept[0] > time.monotonic():
        return kept[1]
    try:
        content = cache.get(key)
    except Exception:  # the shared cache is down: the wall is read from the database
        content = _wall_content(place, category, page_number)
    else:
        if content is None:
            content = _wall_content(place, category, page_number)
            with contextlib.suppress(Exception):  # if not kept, read again next time
                cache.set(key, content, WALL_SECONDS)
    # The cards, pager and rankings as HTML too: the same for every visitor of this key.
    content = {
        **content,
        "wall_cards": render_to_string(
            "services/_wish_wall_cards.html", {**content, "place": place, "category": category}
        ),
    }
    if len(_walls) >= 256:
        _walls.clear()
    _walls[key] = (time.monotonic() + WALL_SECONDS, content)
    return content


_selects = {}


def _community_select(chosen):
    """The district's communities from the choice cache, rendered once per process for each
    list, language and choice."""
    choices = (("", _("All")), *map(tuple, community_choices.get()))
    key = (chosen, choices)
    html = _selects.get(key)
    if html is None:
        if len(_selects) >= 256:
            _selects.clear()
        html = _selects[key] = FastSelect(attrs={"id": "wall-community"}, choices=choices).render(
            "community", chosen
        )
    return html


@require_GET
def wall(request):
    place = _wall_place(request.GET)
    category = request.GET.get("category", "")
    if category not in WishCategory.values:
        category = ""
    return render(
        request,
        "services/wish_wall.html",
        {
            **_kept_wall_content(place, category, request.GET.get("page")),
            "place": place,
            "categories": WishCategory.choices,
            "category": category,
            "community_select": _community_select(
                place.pk if place and place.kind == NodeKind.COMMUNITY else ""
            ),
        },
    )


def _card(wish):
    """What the wall may show of a wish: no phone, no full name, no building or room."""
    return {
        "pk": wish.pk,
        "text": wish.text,
        "category": wish.get_category_display(),
        "who": f"{mask_name(wish.poster_name)} · {wish.get_wish_for_display()}",
        "place": wish.community.place,
        "status": wish.status,
        "status_label": wish.get_status_display(),
        "lit": wish.status in LIT_STATUSES,
        "claimer": wish.claimer_display,
        "claim_due": wish.claim_due if wish.status == WishStatus.CLAIMED else None,
    }


@require_http_methods(["GET", "POST"])
def post(request):
    return submission_view(
        request,
        form_class=WishPostForm,
        submit=wishes.post_wish,
        group="wish-post",
        mobile_field="poster_mobile",
        done_url=lambda w: reverse("wish-posted", args=[w.tracking_code]),
        page={
            "title": gettext_lazy("Post a micro-wish"),
            "intro": gettext_lazy(
                "A small wish for yourself or a neighbour: the community "
                "reviews it, then party members and volunteers can light "
                "it up."
            ),
            "submit_label": gettext_lazy("Post the wish"),
            "track_url": reverse("wish-track"),
        },
    )


@require_GET
def posted(request, code):
    return submitted_page(request, code, status_url_name="wish-status")


@require_http_methods(["GET", "POST"])
def track(request):
    return lookup_view(
        request,
        model=Wish,
        mobile_field="poster_mobile",
        status_url_name="wish-status",
        title=_("Follow my wish"),
        other=(reverse("whistle-track"), _("Following a report (whistle)? Look it up here.")),
    )


@require_GET
def status(request, code):
    wish = known_or_none(request, Wish.objects.select_related("claimer", "claimer_unit"), code)
    if wish is None:
        return redirect(f"{reverse('wish-track')}?code={normalise_code(code)}")
    return render(
        request,
        "services/wish_status.html",
        {
            "wish": wish,
            "events": wish.events.filter(public=True).order_by("at", "pk"),
            "can_confirm": wish.status == WishStatus.FULFILLED,
            "not_fulfilled_form": NotFulfilledForm()
            if wish.status == WishStatus.FULFILLED
            else None,
        },
    )


@require_POST
def confirm(request, code):
    wish = known_or_none(request, Wish.objects.all(), code)
    if wish is None:
        raise Http404
    try:
        wishes.confirm_wish(wish=wish)
        messages.success(request, _("Thank you: the wish is lit."))
    except TransitionError as error:
        messages.error(request, error.message)
    return redirect("wish-status", code=wish.tracking_code)


@require_POST
def not_fulfilled(request, code):
    wish = known_or_none(request, Wish.objects.all(), code)
    if wish is None:
        raise Http404
    form = NotFulfilledForm(request.POST)
    if not form.is_valid():
        flash_form_errors(request, form)
    else:
        try:
            wishes.report_not_fulfilled(wish=wish, **form.cleaned_data)
            messages.success(request, _("Thank you for telling us: we follow it up."))
        except TransitionError as error:
            messages.error(request, error.message)
    return redirect("wish-status", code=wish.tracking_code)


# --- Claimers (logged in)


@require_GET
def detail(request, pk):
    wish = get_object_or_404(
        Wish.objects.on_wall().select_related(
            "community", "building", "claimer", "claimer_unit", "claim_within"
        ),
        pk=pk,
    )
    user = request.user
    mine = user.is_authenticated and wish.claimer_id == user.pk
    claim_form = refusal = None
    if user.is_authenticated and wish.status == WishStatus.APPROVED:
        refusal = wishes.claim_refusal(user, wish)
        if refusal is None or user.partner_units.exists():  # a unit may claim where one may not
            claim_form = ClaimWishForm(user=user, allow_self=refusal is None)
            refusal = None
    return render(
        request,
        "services/wish_detail.html",
        {
            "wish": wish,
            "card": _card(wish),
            "mine": mine,
            "contacts": contacts.for_claimer(user, wish),
            "claim_form": claim_form,
            "refusal": refusal,
            "fulfil_form": FulfilWishForm() if mine and wish.status == WishStatus.CLAIMED else None,
        },
    )


@login_required
@require_POST
def claim(request, pk):
    wish = get_object_or_404(Wish, pk=pk)
    form = ClaimWishForm(request.POST, user=request.user)
    if not form.is_valid():
        messages.error(request, _("Choose whom you claim for."))
    else:
        try:
            wishes.claim_wish(
                wish=wish,
                actor=request.user,
                unit=form.cleaned_data["unit"],
                show_name=form.cleaned_data["show_name"],
            )
            messages.success(request, _("You claimed this wish. Thank you!"))
        except TransitionError as error:
            messages.error(request, error.message)
    return redirect("wish-detail", pk=pk)


@login_required
@require_POST
def withdraw(request, pk):
    wish = get_object_or_404(Wish, pk=pk, claimer=request.user)
    try:
        wishes.withdraw_claim(wish=wish, actor=request.user)
        messages.success(request, _("Your claim is withdrawn; the wish is back on the wall."))
    except TransitionError as error:
        messages.error(request, error.message)
    return redirect("wish-detail", pk=pk)


@login_required
@require_POST
def fulfil(request, pk):
    wish = get_object_or_404(Wish, pk=pk, claimer=request.user)
    form = FulfilWishForm(request.POST, request.FILES)
    if not form.is_valid():
        flash_form_errors(request, form)
    else:
        try:
            wishes.fulfil_wish(wish=wish, actor=request.user, **form.cleaned_data)
            messages.success(request, _("Marked fulfilled; the resident is asked to confirm."))
        except TransitionError as error:
            messages.error(request, error.message)
    return redirect("wish-detail", pk=pk)


@login_required
def mine(request):
    claimed = (
        Wish.objects.filter(claimer=request.user)
        .select_related("community", "claimer", "claimer_unit")
        .order_by("-claimed_at", "-pk")[:100]
    )
    return render(request, "services/wish_mine.html", {"cards": [_card(w) for w in claimed]})


@require_GET
def photo(request, pk, which):
    """A wish's photo goes to staff who see the wish, the claimer and the poster's browser;
    the wall never shows photos (they may show people or homes)."""
    wish = get_object_or_404(Wish, pk=pk)
    field = {"posted": wish.photo, "fulfilled": wish.fulfilment_photo}.get(which)
    user = request.user
    staff = (
        user.has_perm(Perm.VIEW_WISH) and Wish.objects.visible_to(user).filter(pk=wish.pk).exists()
    )
    claimer = user.is_authenticated and wish.claimer_id == user.pk
    allowed = knows_code(request, wish.tracking_code) or claimer or staff
    if not field or not allowed:
        raise Http404
    return private_file(field)


# --- The community's pages

STEPS = {
    "approve": Step(
        gettext_lazy("Approve for the wish wall"),
        ApproveWishForm,
        wishes.approve_wish,
        states=REVIEW_STATES,
        check=wishes.may_moderate,
        subject="wish",
    ),
    "edit": Step(
        gettext_lazy("Edit the text for the wall"),
        EditWishTextForm,
        wishes.edit_wish_text,
        states=REVIEW_STATES,
        check=wishes.may_moderate,
        subject="wish",
    ),
    "reject": Step(
        gettext_lazy("Do not publish"),
        PublicReasonForm,
        wishes.reject_wish,
        states=REVIEW_STATES,
        check=wishes.may_moderate,
        subject="wish",
    ),
}


@login_required
@permission_required(Perm.VIEW_WISH, raise_exception=True)
def manage_list(request):
    visible = Wish.objects.visible_to(request.user)
    listed = visible.select_related("community")
    stale = bool(request.GET.get("stale"))
    status = "" if stale else request.GET.get("status", WishStatus.POSTED)
    if stale:
        listed = listed.filter(status=WishStatus.APPROVED, stale_flagged_at__isnull=False)
    elif status in WishStatus.values:
        listed = listed.filter(status=status)
    page = Paginator(listed.order_by("created_at", "pk"), 30).get_page(request.GET.get("page"))
    return render(
        request,
        "services/wish_manage_list.html",
        {
            "page": page,
            "status": status,
            "statuses": WishStatus.choices,
            "figures": figures.community_figures(visible),
            "stale_count": visible.filter(
                status=WishStatus.APPROVED, stale_flagged_at__isnull=False
            ).count(),
        },
    )


@login_required
@permission_required(Perm.VIEW_WISH, raise_exception=True)
def manage_detail(request, pk):
    wish = get_object_or_404(
        Wish.objects.visible_to(request.user).select_related(
            "community", "building", "claimer", "claimer_unit", "claim_within"
        ),
        pk=pk,
    )
    moderator = wishes.may_moderate(request.user, wish)
    return render(
        request,
        "services/wish_manage_detail.html",
        {
            "wish": wish,
            "poster_name": wish.poster_name if moderator else mask_name(wish.poster_name),
            "poster_mobile": wish.poster_mobile if moderator else mask_mobile(wish.poster_mobile),
            # What the resident wrote before an edit: for whoever reads their name unmasked.
            "original_text": wish.original_text if moderator else "",
            "events": wish.events.select_related("actor"),
            "steps": allowed_steps(STEPS, request.user, wish),
        },
    )


@login_required
@require_POST
def manage_step(request, pk, step_name):
    wish = get_object_or_404(Wish.objects.visible_to(request.user), pk=pk)
    run_step(request, STEPS, step_name, wish)
    return redirect("wish-manage-detail", pk=pk)
