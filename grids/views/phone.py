"""The grid worker's phone pages: household search, the household card with its residents,
care records and visits, the visit form, and the contact card PDF."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.core.exceptions import PermissionDenied
from django.db.models import Prefetch
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from governance.downloads import PDF, download
from governance.permissions import Perm
from grids import care
from grids.cards import contact_card_pdf
from grids.forms import HouseholdSearchForm, VisitForm
from grids.models import CareRecord, Household, Resident
from grids.privacy import sees_resident_contact, shown_mobile, shown_name
from grids.search import find_households
from grids.sizes import difference_note, size_check


def _residents_shown(user, household):
    return [
        {
            "resident": r,
            "name": shown_name(user, r, household.building),
            "mobile": shown_mobile(user, r, household.building),
        }
        for r in household.residents.all()
    ]


@login_required
@permission_required(Perm.VIEW_HOUSEHOLD, raise_exception=True)
def household_search(request):
    """By building and room as people write them, a resident's name or its pinyin initials
    (grids/search.py)."""
    form = HouseholdSearchForm(request.GET or None)
    query = form.cleaned_data["q"] if form.is_valid() else ""
    results = [
        {
            "household": h,
            "residents": (shown := _residents_shown(request.user, h)),
            "size": size_check(h, len(shown)),
        }
        for h in find_households(request.user, query)
    ]
    return render(
        request,
        "grids/household_search.html",
        {"query": query, "results": results, "errors": form.errors.get("q")},
    )


@login_required
@permission_required(Perm.VIEW_HOUSEHOLD, raise_exception=True)
def household(request, pk):
    home = get_object_or_404(
        Household.objects.visible_to(request.user)
        .select_related("building")
        .prefetch_related(
            Prefetch("residents", queryset=Resident.objects.prefetch_related("tags"))
        ),
        pk=pk,
    )
    residents = _residents_shown(request.user, home)
    size = size_check(home, len(residents))
    return render(
        request,
        "grids/household.html",
        {
            "household": home,
            "residents": residents,
            "size": size,
            "size_note": difference_note(size),
            "care_records": [
                {"record": record, "name": shown_name(request.user, record.resident, home.building)}
                for record in CareRecord.objects.filter(
                    resident__household=home, active=True
                ).select_related("resident", "helper")
            ],
            "visits": home.visits.select_related("worker", "whistle")[:10],
            "contact": sees_resident_contact(request.user, home.building),
        },
    )


@login_required
@permission_required(Perm.VIEW_HOUSEHOLD, raise_exception=True)
def visit(request, pk):
    home = get_object_or_404(
        Household.objects.visible_to(request.user).select_related("building__parent__parent"), pk=pk
    )
    form = VisitForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        recorded = care.record_visit(
            household=home,
            worker=request.user,
            seen=data["seen"],
            needs=data["needs"],
            photo=data["photo"],
            problem_category=data["problem_category"],
            problem=data["problem"],
        )
        messages.success(
            request,
            _("Visit recorded.")
            if recorded.whistle is None
            else _("Visit recorded; whistle %(code)s sent to the community.")
            % {"code": recorded.whistle.tracking_code},
        )
        return redirect("grids-household", pk=home.pk)
    return render(
        request,
        "grids/visit_form.html",
        {"household": home, "form": form},
        status=400 if form.errors else 200,
    )


@login_required
@permission_required(Perm.VIEW_HOUSEHOLD, raise_exception=True)
def contact_card(request, pk):
    record = get_object_or_404(
        CareRecord.objects.visible_to(request.user).select_related(
            "resident__household__building__parent__parent", "helper"
        ),
        pk=pk,
    )
    # The card names the resident in full: only for those who read the ledger unmasked.
    if not sees_resident_contact(request.user, record.resident.household.building):
        raise PermissionDenied
    pdf = contact_card_pdf(record)
    return download(request, f"contact-card-{record.pk}.pdf", PDF, pdf, inline=True, personal=True)
