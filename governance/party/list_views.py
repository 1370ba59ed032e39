"""The pages of pairing: the three lists and their matching, a project's progress, party
alliances. Cadres reach their area; a partner unit's contacts reach their units."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from governance.downloads import private_file
from governance.forms import flash_form_errors
from governance.models import PartnerUnit
from governance.party import lists
from governance.party.forms import (
    AllianceForm,
    MatchForm,
    MeetingForm,
    NeedForm,
    ProjectUpdateForm,
    ResourceForm,
)
from governance.party.models import Project, ProjectUpdate
from governance.permissions import Perm


def _units_kept(user):
    if user.has_perm(Perm.CHANGE_PARTNER_UNIT):
        return PartnerUnit.objects.visible_to(user).order_by("name")
    return PartnerUnit.objects.filter(contacts=user).order_by("name")


def _may_enter(user):
    if not (user.has_perm(Perm.VIEW_PARTNER_UNIT) or _units_kept(user).exists()):
        raise PermissionDenied


def _forms(user, data=None, files=None):
    kept = lists.lists_for(user)
    is_cadre = user.has_perm(Perm.CHANGE_PARTNER_UNIT)
    return kept, {
        "need_form": NeedForm(data, user=user) if is_cadre else None,
        "resource_form": ResourceForm(data, units=_units_kept(user)),
        "match_form": MatchForm(
            data,
            needs=kept["needs"],
            resources=kept["resources"],
            alliances=lists.alliances_for(user),
        ),
    }


@login_required
@require_GET
def three_lists(request):
    _may_enter(request.user)
    kept, forms = _forms(request.user)
    return render(
        request,
        "governance/party/lists.html",
        {
            "needs": kept["needs"].select_related("community"),
            "resources": kept["resources"].select_related("unit"),
            "projects": kept["projects"].select_related("unit", "need"),
            **forms,
        },
    )


def _step(request, form_name, do):
    """Post one of the lists' forms: the step, or its errors as messages; back to the lists."""
    _may_enter(request.user)
    _kept, forms = _forms(request.user, request.POST)
    form = forms[form_name]
    if form is None:
        raise PermissionDenied
    if form.is_valid():
        try:
            do(form.cleaned_data)
        except ValidationError as error:
            messages.error(request, error.messages[0])
        else:
            messages.success(request, _("Saved."))
    else:
        flash_form_errors(request, form)
    return redirect("party-lists")


@login_required
@require_POST
def add_need(request):
    return _step(
        request,
        "need_form",
        lambda data: lists.add_need(
            request.user,
            data["community"],
            title=data["title"],
            detail=data["detail"],
            source=data["source"],
        ),
    )


@login_required
@require_POST
def add_resource(request):
    return _step(
        request,
        "resource_form",
        lambda data: lists.add_resource(
            request.user,
            data["unit"],
            kind=data["kind"],
            title=data["title"],
            detail=data["detail"],
        ),
    )


@login_required
@require_POST
def match(request):
    return _step(
        request,
        "match_form",
        lambda data: lists.match(
            request.user, data["need"].pk, data["resource"].pk, alliance=data["alliance"]
        ),
    )


def _project(request, pk):
    project = get_object_or_404(Project.objects.select_related("unit__node", "need"), pk=pk)
    if not lists.may_see_project(request.user, project):
        raise PermissionDenied
    return project


@login_required
def project(request, pk):
    found = _project(request, pk)
    may_update = lists.may_keep_unit(request.user, found.unit)
    form = ProjectUpdateForm(request.POST or None, request.FILES or None)
    if request.method == "POST":
        if not may_update:
            raise PermissionDenied
        if form.is_valid():
            data = form.cleaned_data
            try:
                lists.update_project(
                    request.user,
                    found,
                    progress=data["progress"],
                    note=data["note"],
                    photo=(data["photo"] or [None])[0],
                )
            except ValidationError as error:
                messages.error(request, error.messages[0])
            else:
                messages.success(request, _("Progress recorded."))
                return redirect("party-project", pk=pk)
    return render(
        request,
        "governance/party/project.html",
        {
            "project": found,
            "updates": found.updates.select_related("by"),
            "form": form if may_update else None,
        },
    )


@login_required
@require_GET
def project_photo(request, pk, update_pk):
    found = _project(request, pk)
    update = get_object_or_404(ProjectUpdate, pk=update_pk, project=found)
    if not update.photo:
        raise PermissionDenied
    return private_file(update.photo)


@login_required
def alliances(request):
    _may_enter(request.user)
    is_cadre = request.user.has_perm(Perm.CHANGE_PARTNER_UNIT)
    form = (
        AllianceForm(
            request.POST or None, user=request.user, units=lists.units_pairable(request.user)
        )
        if is_cadre
        else None
    )
    if request.method == "POST":
        if form is None:
            raise PermissionDenied
        if form.is_valid():
            data = form.cleaned_data
            try:
                founded = lists.found_alliance(
                    request.user,
                    name=data["name"],
                    node=data["node"],
                    units=list(data["units"]),
                    founded_on=data["founded_on"],
                )
            except ValidationError as error:
                messages.error(request, error.messages[0])
            else:
                return redirect("party-alliance", pk=founded.pk)
    return render(
        request,
        "governance/party/alliances.html",
        {
            "alliances": lists.alliances_for(request.user)
            .select_related("node")
            .prefetch_related("units"),
            "form": form,
        },
    )


@login_required
def alliance(request, pk):
    found = get_object_or_404(lists.alliances_for(request.user).select_related("node"), pk=pk)
    may_keep = lists.may_keep_alliance(request.user, found)
    form = MeetingForm(request.POST or None) if may_keep else None
    if request.method == "POST":
        if form is None:
            raise PermissionDenied
        if form.is_valid():
            data = form.cleaned_data
            try:
                lists.record_meeting(request.user, found, **data)
            except ValidationError as error:
                messages.error(request, error.messages[0])
            else:
                messages.success(request, _("Meeting recorded."))
                return redirect("party-alliance", pk=pk)
    return render(
        request,
        "governance/party/alliance.html",
        {
            "alliance": found,
            "units": found.units.order_by("name"),
            "meetings": found.meetings.all(),
            "projects": found.projects.select_related("unit"),
            "form": form,
        },
    )
