"""Certificates as PDFs, for the volunteer themself or a cadre of their community: the
honour certificate of a confirmed star award and the proof of service."""

from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponseBadRequest
from django.shortcuts import get_object_or_404

from governance.downloads import PDF, download
from governance.params import parse_period
from volunteers import certificates
from volunteers.models import StarAward, VolunteerProfile
from volunteers.profiles import may_see
from volunteers.stars import with_approved_hours


@login_required
def star_certificate(request, pk):
    # Only a confirmed award: a proposal under public notice may still change.
    award = get_object_or_404(
        StarAward.objects.filter(confirmed_at__isnull=False).select_related(
            "round", "volunteer__user", "volunteer__community__parent"
        ),
        pk=pk,
    )
    if not may_see(request.user, award.volunteer):
        raise Http404
    pdf = certificates.star_certificate_pdf(award)
    return download(
        request, f"star-certificate-{award.pk}.pdf", PDF, pdf, inline=True, personal=True
    )


@login_required
def service_proof(request, pk):
    profile = get_object_or_404(
        with_approved_hours(VolunteerProfile.objects.select_related("user", "community")), pk=pk
    )
    if not may_see(request.user, profile):
        raise Http404
    try:
        start, end = parse_period(request.GET.get("from"), request.GET.get("to"))
    except ValidationError as error:
        return HttpResponseBadRequest(
            " ".join(error.messages), content_type="text/plain; charset=utf-8"
        )
    pdf = certificates.service_proof_pdf(profile, start, end)
    return download(
        request, f"service-proof-{profile.pk}.pdf", PDF, pdf, inline=True, personal=True
    )
