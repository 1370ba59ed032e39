"""The three lists of pairing (结对共建三张清单): each community's needs, each unit's resources,
and the projects a unit took on for a need, matched from either side, followed to done.
Cadres keep their area's lists; a unit's contacts keep its resources and projects and see
the needs of the street the unit is paired with."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from governance.models import NodeKind, PartnerUnit
from governance.party.models import (
    Alliance,
    AllianceMeeting,
    Need,
    NeedStatus,
    Project,
    ProjectStatus,
    ProjectUpdate,
    Resource,
)
from governance.permissions import Perm
from governance.scope import in_scope


def _cadre(user):
    return user.has_perm(Perm.CHANGE_PARTNER_UNIT)


def _contact_units(user):
    return PartnerUnit.objects.filter(contacts=user)


def lists_for(user):
    """The needs, resources and projects the user keeps or may match against."""
    if _cadre(user):
        return {
            "needs": Need.objects.visible_to(user),
            "resources": Resource.objects.visible_to(user),
            "projects": Project.objects.visible_to(user),
        }
    units = _contact_units(user)
    return {
        "needs": Need.objects.filter(
            community__tree_id__in=units.values("node__tree_id"), status=NeedStatus.OPEN
        ),
        "resources": Resource.objects.filter(unit__in=units),
        "projects": Project.objects.filter(unit__in=units),
    }


def may_keep_unit(user, unit):
    """A unit's resources and projects are kept by its contacts and the cadres of its area."""
    if _cadre(user) and in_scope(user, unit.node):
        return True
    return unit.contacts.filter(pk=user.pk).exists()


def add_need(user, community, *, title, detail, source):
    if not (_cadre(user) and in_scope(user, community)):
        raise PermissionDenied
    if community.kind != NodeKind.COMMUNITY:
        raise ValidationError(_("A need belongs to a community."))
    return Need.objects.create(
        community=community, title=title, detail=detail, source=source, created_by=user
    )


def add_resource(user, unit, *, kind, title, detail):
    if not may_keep_unit(user, unit):
        raise PermissionDenied
    return Resource.objects.create(unit=unit, kind=kind, title=title, detail=detail)


def match(user, need_id, resource_id, alliance=None):
    """The unit of the resource takes the need on: a project (an alliance's joint project when
    one is named, of which the unit must be a member), and the need is matched. From either
    side: the need's cadres or the resource's unit. Once per need."""
    with transaction.atomic():
        need = Need.objects.select_for_update().select_related("community").get(pk=need_id)
        resource = Resource.objects.select_related("unit__node").get(pk=resource_id)
        by_need_side = _cadre(user) and in_scope(user, need.community)
        if not (by_need_side or may_keep_unit(user, resource.unit)):
            raise PermissionDenied
        if need.community.tree_id != resource.unit.node.tree_id:
            raise ValidationError(_("The unit is paired with another street than the need's."))
        if need.status != NeedStatus.OPEN:
            raise ValidationError(_("This need has already been matched."))
        if not resource.available:
            raise ValidationError(_("This resource is no longer available."))
        if alliance is not None and not alliance.units.filter(pk=resource.unit_id).exists():
            raise ValidationError(_("The unit is not a member of this alliance."))
        need.status = NeedStatus.MATCHED
        need.save(update_fields=["status"])
        return Project.objects.create(
            unit=resource.unit,
            need=need,
            resource=resource,
            alliance=alliance,
            title=need.title,
            started_on=timezone.localdate(),
        )


def may_see_project(user, project):
    return (
        Project.objects.visible_to(user).filter(pk=project.pk).exists()
        or project.unit.contacts.filter(pk=user.pk).exists()
    )


def update_project(user, project, *, progress, note, photo=None):
    """A step of a project: its progress (100 % is done, and so is its need), a note, a photo."""
    if not may_keep_unit(user, project.unit):
        raise PermissionDenied
    if project.status == ProjectStatus.DONE:
        raise ValidationError(_("This project is done."))
    with transaction.atomic():
        update = ProjectUpdate(project=project, by=user, progress=progress, note=note)
        if photo:
            update.photo.save(photo.name, photo, save=False)
        update.save()
        project.progress = progress
        fields = ["progress"]
        if progress == 100:
            project.status, project.done_on = ProjectStatus.DONE, timezone.localdate()
            fields += ["status", "done_on"]
            if project.need_id:
                Need.objects.filter(pk=project.need_id).update(status=NeedStatus.DONE)
        project.save(update_fields=fields)
    return update


# --- Party alliances (党建联盟)


def alliances_for(user):
    """The alliances led in the user's area, or those a unit of theirs belongs to."""
    if _cadre(user):
        return Alliance.objects.visible_to(user)
    return Alliance.objects.filter(units__in=_contact_units(user)).distinct()


def may_keep_alliance(user, alliance):
    return _cadre(user) and in_scope(user, alliance.node)


def found_alliance(user, *, name, node, units, founded_on):
    if not (_cadre(user) and in_scope(user, node)):
        raise PermissionDenied
    if node.kind not in (NodeKind.STREET, NodeKind.COMMUNITY):
        raise ValidationError(_("A party alliance is led by a street or a community."))
    outside = [unit.name for unit in units if unit.node.tree_id != node.tree_id]
    if outside:
        raise ValidationError(
            _("Not paired with this street: %(units)s.") % {"units": "、".join(outside)}
        )
    with transaction.atomic():
        alliance = Alliance.objects.create(name=name, node=node, founded_on=founded_on)
        alliance.units.set(units)
    return alliance


def record_meeting(user, alliance, *, held_on, place, notes):
    if not may_keep_alliance(user, alliance):
        raise PermissionDenied
    if held_on > timezone.localdate():
        raise ValidationError(_("Record a meeting once it has been held."))
    return AllianceMeeting.objects.create(
        alliance=alliance, held_on=held_on, place=place, notes=notes
    )


def units_pairable(user, node=None):
    """Partner units a cadre may put in an alliance: those paired within their area."""
    units = PartnerUnit.objects.visible_to(user)
    if node is not None:
        units = units.filter(node__tree_id=node.tree_id)
    return units.select_related("node").order_by("name")
