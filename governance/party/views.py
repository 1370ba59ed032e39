"""The party pages: the member roster of the cadre's area, its export and import (upload →
preview → confirm, the blank template, the rows left out); members reporting to the community
they live in, its service posts and the community's confirmations."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST

from governance import workbooks
from governance.downloads import PDF, XLSX, download
from governance.forms import flash_form_errors
from governance.models import NodeKind, OrgNode
from governance.params import parse_id
from governance.party import (
    feedback,
    reporting,
    roster,
    roster_import,
    service_card,
    service_posts,
)
from governance.party.forms import (
    AppraisalForm,
    PostForm,
    ReportForm,
    ServiceEntryForm,
    UnitReportForm,
)
from governance.party.models import (
    MemberKind,
    MemberReport,
    MemberStatus,
    PartyMember,
    PostClaim,
    ServicePost,
    UnitReport,
)
from governance.permissions import Perm
from governance.qr import qr_svg
from governance.scope import in_scope, scope_root
from governance.sheet_imports import Importer

PER_PAGE = 50


ROSTER_IMPORT = Importer(
    session_key="party-roster-import",
    columns=roster_import.COLUMNS,
    apply=roster_import.apply,
    left_out=roster_import.LEFT_OUT,
    title=gettext_lazy("Import the party member roster"),
    intro=gettext_lazy("One row per party member."),
    notes=gettext_lazy(
        "* required. Party organisation code as in the organisation tree (a community party "
        "committee or a grid party branch); membership 正式 or 预备; status 在职, 退休, 流动 or "
        "失联; unit party organisation as a partner unit of your area is named. Members are "
        "known by organisation, name and mobile: importing a file again changes nothing, and "
        "blank cells keep what is on record."
    ),
    summary=lambda outcome: (
        _(
            "%(valid)s rows can be imported: %(created)s new party members, %(updated)s updated, "
            "%(unchanged)s unchanged."
        )
        % outcome.counts()
    ),
    done_message=lambda outcome: (
        _(
            "Imported: %(created)s party members added, %(updated)s updated, %(unchanged)s "
            "unchanged."
        )
        % outcome.counts()
    ),
    url_name="party-roster-import",
    template_url="party-roster-template",
    left_out_url="party-roster-left-out",
    export_url="party-roster-export",
    export_label=gettext_lazy("Export the roster of your area (.xlsx)"),
)


@login_required
@permission_required(Perm.VIEW_PARTY_MEMBER, raise_exception=True)
@require_GET
def roster_list(request):
    may_search = roster.may_search_names(request.user)
    filters = roster.Filters.from_query(request.GET, may_search=may_search)
    page = Paginator(roster.members(request.user, filters), PER_PAGE).get_page(
        request.GET.get("page")
    )
    return render(
        request,
        "governance/party/roster.html",
        {
            "page": page,
            "rows": roster.rows_with_services(request.user, page.object_list),
            "filters": filters,
            "query": filters.query(),
            "may_search": may_search,
            "kinds": MemberKind.choices,
            "statuses": MemberStatus.choices,
            "counts": roster.counts(request.user),
            "may_import": request.user.has_perm(Perm.ADD_PARTY_MEMBER),
        },
    )


@login_required
@permission_required(Perm.VIEW_PARTY_MEMBER, raise_exception=True)
@require_GET
def roster_export(request):
    root = scope_root(request.user)
    code = root.code if root else "all"
    name = f"party-members-{code}-{timezone.localdate().isoformat()}.xlsx"
    response = download(request, name, XLSX, personal=True)
    roster.write_workbook(request.user, response)
    return response


@login_required
@permission_required(Perm.ADD_PARTY_MEMBER, raise_exception=True)
def roster_import_page(request):
    return ROSTER_IMPORT.run(request)


@login_required
@permission_required(Perm.ADD_PARTY_MEMBER, raise_exception=True)
@require_GET
def roster_template(request):
    response = download(request, "party-members-template.xlsx", XLSX)
    roster.write_template(response)
    return response


@login_required
@permission_required(Perm.ADD_PARTY_MEMBER, raise_exception=True)
@require_GET
def roster_left_out(request):
    """The rows the cadre's latest preview or import left out: from their own session only."""
    rows = roster_import.LEFT_OUT.kept(request.session, user=request.user)
    if not rows:
        raise Http404(_("No rows were left out of your latest import."))
    today = timezone.localdate()
    title = workbooks.heading(workbooks.area_name(scope_root(request.user)), as_of=today)
    response = download(
        request, f"party-members-left-out-{today.isoformat()}.xlsx", XLSX, personal=True
    )
    roster_import.LEFT_OUT.write_workbook(rows, title=title, stream=response)
    return response


# --- Reporting to the community one lives in, and its service posts


def _community(pk):
    return get_object_or_404(OrgNode, pk=pk, kind=NodeKind.COMMUNITY)


@login_required
def member_report(request, community_id):
    """The phone page a community's QR poster opens: an in-service member reports there."""
    community = _community(community_id)
    member = reporting.member_of(request.user)
    done = getattr(member, "report", None) if member else None
    form = ReportForm(request.POST or None)
    if request.method == "POST" and done is None and form.is_valid():
        try:
            reporting.report(request.user, community, **form.cleaned_data)
        except ValidationError as error:
            messages.error(request, error.messages[0])
        else:
            messages.success(
                request,
                _("You have reported to %(community)s. Take a post below.")
                % {"community": community.place},
            )
            return redirect("party-posts")
    return render(
        request,
        "governance/party/report.html",
        {
            "community": community,
            "form": form,
            "done": done,
            "is_party_member": request.user.is_party_member,
        },
    )


@login_required
@permission_required(Perm.VIEW_PARTY_MEMBER, raise_exception=True)
@require_GET
def report_poster(request, community_id):
    """What a community prints and puts up: the QR code of its report page."""
    community = get_object_or_404(
        OrgNode.objects.visible_to(request.user), pk=community_id, kind=NodeKind.COMMUNITY
    )
    base_url = settings.PUBLIC_BASE_URL or request.build_absolute_uri("/").rstrip("/")
    url = base_url + reverse("party-member-report", args=[community.pk])
    return render(
        request,
        "governance/party/report_poster.html",
        {"community": community, "url": url, "qr": qr_svg(url)},
    )


@login_required
@require_GET
def member_posts(request):
    member = reporting.member_of(request.user)
    return render(
        request,
        "governance/party/posts.html",
        {
            "report": getattr(member, "report", None) if member else None,
            "posts": service_posts.posts_for(member),
        },
    )


@login_required
@require_POST
def claim_post(request, pk):
    get_object_or_404(ServicePost, pk=pk)
    try:
        reporting.claim(request.user, pk)
    except ValidationError as error:
        messages.error(request, error.messages[0])
    else:
        messages.success(request, _("You took this post; the community will confirm it."))
    return redirect("party-posts")


@login_required
@permission_required(Perm.VIEW_PARTY_MEMBER, raise_exception=True)
def manage_posts(request):
    may_keep = request.user.has_perm(Perm.ADD_PARTY_MEMBER)
    form = PostForm(request.POST or None, user=request.user) if may_keep else None
    if request.method == "POST":
        if form is None:
            raise PermissionDenied
        if form.is_valid():
            data = form.cleaned_data
            reporting.publish(
                request.user,
                data["community"],
                kind=data["kind"],
                title=data["title"],
                needed=data["needed"],
            )
            messages.success(request, _("The post is published."))
            return redirect("party-posts-manage")
    return render(
        request,
        "governance/party/posts_manage.html",
        {
            "form": form,
            "may_keep": may_keep,
            "appraisal_form": AppraisalForm() if may_keep else None,
            **service_posts.overview(request.user),
        },
    )


@login_required
@permission_required(Perm.ADD_PARTY_MEMBER, raise_exception=True)
@require_POST
def confirm_report(request, pk):
    found = get_object_or_404(
        MemberReport.objects.visible_to(request.user).select_related("member__user", "community"),
        pk=pk,
    )
    reporting.confirm_report(request.user, found)
    messages.success(request, _("Report confirmed."))
    return redirect("party-posts-manage")


@login_required
@permission_required(Perm.ADD_PARTY_MEMBER, raise_exception=True)
@require_POST
def confirm_claim(request, pk):
    found = get_object_or_404(
        PostClaim.objects.filter(
            post__in=ServicePost.objects.visible_to(request.user)
        ).select_related("post__community"),
        pk=pk,
    )
    reporting.confirm_claim(request.user, found)
    messages.success(request, _("Claim confirmed."))
    return redirect("party-posts-manage")


@login_required
def unit_report(request):
    """A partner unit's contact reports the unit to a community and sees its slips."""
    units = reporting.units_of(request.user)
    if not units:
        raise PermissionDenied
    form = UnitReportForm(request.POST or None, units=units)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            reporting.report_unit(
                request.user,
                data["unit"],
                data["community"],
                members_count=data["members_count"],
                offer=data["offer"],
            )
        except ValidationError as error:
            messages.error(request, error.messages[0])
        else:
            messages.success(request, _("Reported; the community will sign the slip."))
            return redirect("party-unit-report")
    slips = UnitReport.objects.filter(unit__in=units).select_related("unit", "community")
    return render(request, "governance/party/unit_report.html", {"form": form, "slips": slips})


@login_required
@permission_required(Perm.ADD_PARTY_MEMBER, raise_exception=True)
@require_POST
def sign_unit_report(request, pk):
    found = get_object_or_404(
        UnitReport.objects.visible_to(request.user).select_related("unit", "community", "contact"),
        pk=pk,
    )
    reporting.sign_unit_report(request.user, found)
    messages.success(request, _("Slip signed; the unit's contact has the receipt."))
    return redirect("party-posts-manage")


# --- The service card


def _year(params):
    year = parse_id(params.get("year"))
    this_year = timezone.localdate().year
    return year if year and 2000 <= year <= this_year else this_year


def _member_seen(request, pk):
    """A member of the user's area, or the user themself; else 404."""
    listed = roster.members(request.user) if request.user.has_perm(Perm.VIEW_PARTY_MEMBER) else None
    member = get_object_or_404(PartyMember.objects.select_related("node", "unit"), pk=pk)
    if member.user_id == request.user.pk or (listed is not None and listed.filter(pk=pk).exists()):
        return member
    raise Http404


@login_required
def member_card(request, pk):
    member = _member_seen(request, pk)
    year = _year(request.GET)
    may_add = request.user.has_perm(Perm.ADD_PARTY_MEMBER) and in_scope(request.user, member.node)
    form = ServiceEntryForm(request.POST or None) if may_add else None
    if request.method == "POST":
        if form is None:
            raise PermissionDenied
        if form.is_valid():
            try:
                service_card.add_entry(request.user, member, **form.cleaned_data)
            except ValidationError as error:
                messages.error(request, error.messages[0])
            else:
                messages.success(request, _("Service written on the card."))
                return redirect("party-member-card", pk=pk)
    return render(
        request,
        "governance/party/card.html",
        {
            "member": roster.shown(request.user, member),
            "card": service_card.card(member, year),
            "years": range(timezone.localdate().year, 2019, -1),
            "form": form,
            "rating": member.appraisals.filter(year=year).first(),
            "appraisal_form": AppraisalForm() if may_add else None,
        },
    )


@login_required
@require_GET
def my_card(request):
    member = reporting.member_of(request.user)
    if member is None:
        raise Http404(_("You are on no party member roster."))
    return redirect("party-member-card", pk=member.pk)


# --- Feedback letters and the yearly appraisal


@login_required
@require_GET
def letters(request):
    return render(
        request,
        "governance/party/letters.html",
        {"letters": feedback.letters_for(request.user)},
    )


def _letter(request, pk):
    return get_object_or_404(feedback.letters_for(request.user), pk=pk)


@login_required
@require_GET
def letter_pdf(request, pk):
    letter = _letter(request, pk)
    name = f"feedback-{letter.year}Q{letter.quarter}-{letter.unit_id}.pdf"
    return download(request, name, PDF, feedback.letter_pdf(letter), personal=True)


@login_required
@require_GET
def letter_workbook(request, pk):
    letter = _letter(request, pk)
    name = f"feedback-{letter.year}Q{letter.quarter}-{letter.unit_id}.xlsx"
    response = download(request, name, XLSX, personal=True)
    feedback.write_letter_workbook(letter, response)
    return response


def _appraised(request, do):
    form = AppraisalForm(request.POST)
    if form.is_valid():
        do(form.cleaned_data["rating"])
        messages.success(request, _("Rating saved."))
    else:
        flash_form_errors(request, form)


@login_required
@permission_required(Perm.ADD_PARTY_MEMBER, raise_exception=True)
@require_POST
def appraise_member(request, pk):
    member = _member_seen(request, pk)
    report = getattr(member, "report", None)
    community = report.community if report else member.node
    _appraised(
        request,
        lambda rating: feedback.appraise(
            request.user,
            year=timezone.localdate().year,
            community=community,
            rating=rating,
            member=member,
        ),
    )
    return redirect("party-member-card", pk=pk)


@login_required
@permission_required(Perm.ADD_PARTY_MEMBER, raise_exception=True)
@require_POST
def appraise_unit(request, pk):
    slip = get_object_or_404(
        UnitReport.objects.visible_to(request.user).select_related("unit", "community"), pk=pk
    )
    _appraised(
        request,
        lambda rating: feedback.appraise(
            request.user,
            year=timezone.localdate().year,
            community=slip.community,
            rating=rating,
            unit=slip.unit,
        ),
    )
    return redirect("party-posts-manage")
