"""Staff pages for whistles: lists, the detail with its timeline and the steps this user may
take, call-backs and the grid worker's task list. Every query starts from visible_to(user)."""

from functools import partial

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.core.exceptions import ValidationError
from django.http import Http404, QueryDict
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext, pgettext_lazy
from django.views.decorators.http import require_GET, require_POST

from governance import workbooks
from governance.downloads import PDF, XLSX, download
from governance.forms import flash_form_errors
from governance.permissions import Perm
from governance.scope import scope_root
from governance.step_pages import (
    NoteForm,
    PublicReasonForm,
    ReasonForm,
    Step,
    allowed_steps,
    run_step,
)
from governance.workflow import TransitionError
from services.whistles import (
    bulk,
    callbacks,
    detail,
    dispatch,
    duplicates,
    exporting,
    listing,
    member_calls,
    orders,
    policies,
    supervision,
    transfers,
)
from services.whistles.filters import WhistleFilter
from services.whistles.forms import (
    AnswerSupervisionForm,
    BulkDispatchForm,
    CallBackForm,
    CommentForm,
    DispatchForm,
    ExtensionDecisionForm,
    ExtensionRequestForm,
    MergeForm,
    RedispatchForm,
    ResolveForm,
    SuperviseForm,
    TransferDecisionForm,
    TransferRequestForm,
)
from services.whistles.models import (
    IN_HANDLING,
    OPEN_STATUSES,
    CallBack,
    MemberCall,
    Status,
    Whistle,
)
from services.whistles.selectors import opened_whistles, visible_whistles


def _pending_extension(whistle):
    return whistle.extension_until is not None


def _open_supervision(whistle):
    return supervision.open_supervision(whistle) is not None


def _pending_transfer(whistle):
    return transfers.pending_transfer(whistle) is not None


WhistleStep = partial(Step, subject="whistle")

STEPS = {
    "accept": WhistleStep(
        gettext_lazy("Accept (转哨)"),
        NoteForm,
        dispatch.accept_whistle,
        states=(Status.SUBMITTED,),
        check=policies.may_triage,
    ),
    "reject": WhistleStep(
        gettext_lazy("Do not accept"),
        PublicReasonForm,
        dispatch.reject_whistle,
        states=(Status.SUBMITTED,),
        check=policies.may_triage,
    ),
    "dispatch": WhistleStep(
        gettext_lazy("Dispatch (派单)"),
        DispatchForm,
        dispatch.dispatch_whistle,
        states=(Status.ACCEPTED,),
        check=policies.may_triage,
    ),
    "sign": WhistleStep(
        gettext_lazy("Sign for it (接单)"),
        None,
        dispatch.sign_whistle,
        states=(Status.DISPATCHED,),
        check=policies.may_handle,
    ),
    "resolve": WhistleStep(
        gettext_lazy("Report it resolved"),
        ResolveForm,
        dispatch.resolve_whistle,
        states=(Status.SIGNED,),
        check=policies.may_handle,
    ),
    "extend": WhistleStep(
        gettext_lazy("Ask for more time (延期)"),
        ExtensionRequestForm,
        dispatch.request_extension,
        states=IN_HANDLING,
        check=policies.may_handle,
        when=lambda w: not _pending_extension(w),
    ),
    "return": WhistleStep(
        gettext_lazy("Return to the community (退单)"),
        ReasonForm,
        dispatch.return_whistle,
        states=IN_HANDLING,
        check=policies.may_handle,
    ),
    "decide-extension": WhistleStep(
        gettext_lazy("Decide the extension"),
        ExtensionDecisionForm,
        dispatch.decide_extension,
        states=IN_HANDLING,
        check=policies.may_triage,
        when=_pending_extension,
    ),
    "answer-supervision": WhistleStep(
        gettext_lazy("Answer the supervision order (督办)"),
        AnswerSupervisionForm,
        supervision.answer_supervision,
        states=IN_HANDLING,
        check=policies.may_handle,
        when=_open_supervision,
    ),
    "ask-transfer": WhistleStep(
        gettext_lazy("Ask the community to transfer it"),
        TransferRequestForm,
        transfers.ask_transfer,
        states=IN_HANDLING,
        check=policies.is_lead_handler,
        when=lambda w: not _pending_transfer(w),
    ),
    "decide-transfer": WhistleStep(
        gettext_lazy("Decide the transfer request"),
        TransferDecisionForm,
        transfers.decide_transfer,
        states=IN_HANDLING,
        check=policies.may_triage,
        when=_pending_transfer,
    ),
    "supervise": WhistleStep(
        gettext_lazy("Supervise (督办)"),
        SuperviseForm,
        supervision.supervise_whistle,
        states=IN_HANDLING,
        check=policies.may_supervise,
        when=lambda w: not _open_supervision(w),
    ),
    "redispatch": WhistleStep(
        gettext_lazy("Re-dispatch (改派)"),
        RedispatchForm,
        dispatch.redispatch_whistle,
        states=IN_HANDLING,
        check=policies.may_supervise,
    ),
    "merge": WhistleStep(
        gettext_lazy("Merge into another report (duplicate)"),
        MergeForm,
        duplicates.merge_whistle,
        states=OPEN_STATUSES,
        check=policies.may_triage,
    ),
    "comment": WhistleStep(
        pgettext_lazy("staff note", "Comment"),
        CommentForm,
        supervision.comment_whistle,
        states=supervision.ANY_STATUS,
        check=policies.may_comment,
    ),
}


@login_required
@permission_required(Perm.VIEW_WHISTLE, raise_exception=True)
def whistle_list(request):
    listed = listing.whistle_page(request.user, request.GET, timezone.now())
    bulk_form = None
    if request.user.has_perm(Perm.TRIAGE_WHISTLE):
        bulk_form = BulkDispatchForm(user=request.user)
    return render(
        request,
        "services/whistle_list.html",
        {
            "filter": listed.filterset,
            "page": listed.page,
            "query": request.GET.urlencode(),
            "bulk_form": bulk_form,
            "bulk_ids": (
                {w.pk for w in listed.page.object_list if w.status == Status.ACCEPTED}
                if bulk_form
                else set()
            ),
            "figures": listed.figures,
        },
    )


@login_required
@permission_required(Perm.VIEW_WHISTLE, raise_exception=True)
@require_GET
def whistle_export(request):
    """What the list shows, with its filters and search, as a workbook (names masked)."""
    visible = Whistle.objects.visible_to(request.user)
    filterset = WhistleFilter(request.GET, queryset=visible, user=request.user)
    root = scope_root(request.user)
    name = f"whistles-{root.code if root else 'all'}-{timezone.localdate().isoformat()}.xlsx"
    response = download(request, name, XLSX, personal=True)
    exporting.write_whistles_workbook(
        listing.in_list_order(filterset.qs, timezone.now()),
        response,
        place=workbooks.area_name(root),
    )
    return response


def _back_to_list(query):
    # Only the list's own query string comes back: never a URL taken from the form.
    params = QueryDict(query or "", mutable=True)
    params.pop("page", None)
    url = reverse("whistle-list")
    return f"{url}?{params.urlencode()}" if params else url


@login_required
@permission_required(Perm.TRIAGE_WHISTLE, raise_exception=True)
@require_POST
def whistle_bulk_dispatch(request):
    """派单 for several ticked whistles at once, each through the dispatch step."""
    back = _back_to_list(request.POST.get("back"))
    form = BulkDispatchForm(request.POST, user=request.user)
    if not form.is_valid():
        flash_form_errors(request, form)
        return redirect(back)
    outcome = bulk.dispatch_many(actor=request.user, **form.cleaned_data)
    if outcome.done:
        messages.success(
            request,
            ngettext(
                "%(count)d whistle dispatched to %(department)s.",
                "%(count)d whistles dispatched to %(department)s.",
                len(outcome.done),
            )
            % {"count": len(outcome.done), "department": form.cleaned_data["department"]},
        )
    if outcome.refused:
        messages.error(
            request,
            _("Not dispatched: %(whistles)s")
            % {"whistles": "；".join(f"{code}（{why}）" for code, why in outcome.refused)},
        )
    return redirect(back)


@login_required
@permission_required(Perm.VIEW_WHISTLE, raise_exception=True)
@require_GET
def whistle_order(request, pk):
    """派单单 as a PDF, for a whistle that has been dispatched."""
    whistle = get_object_or_404(
        opened_whistles(request.user).prefetch_related("co_departments"),
        pk=pk,
        dispatched_at__isnull=False,
    )
    reporter = policies.reporter_as_seen(request.user, whistle)
    pdf = orders.work_order_pdf(
        whistle,
        reporter_name=reporter.name,
        reporter_mobile=reporter.mobile,
        co_departments=list(whistle.co_departments.all()),
    )
    name = f"work-order-{whistle.tracking_code}.pdf"
    return download(request, name, PDF, pdf, inline=True, personal=reporter.personal)


@login_required
@permission_required(Perm.VIEW_WHISTLE, raise_exception=True)
def whistle_detail(request, pk):
    whistle = get_object_or_404(opened_whistles(request.user), pk=pk)
    context = detail.whistle_detail(request.user, whistle, timezone.now())
    context["steps"] = allowed_steps(STEPS, request.user, whistle)
    return render(request, "services/whistle_detail.html", context)


@login_required
@require_POST
def whistle_step(request, pk, step_name):
    whistle = get_object_or_404(visible_whistles(request.user), pk=pk)
    run_step(request, STEPS, step_name, whistle)
    # A step may take the whistle out of the actor's sight (a handler returning it): then
    # back to their work list, where the step's message is shown.
    if not visible_whistles(request.user).filter(pk=pk).exists():
        return redirect("mobile-home")
    return redirect("whistle-detail", pk=pk)


@login_required
@require_POST
def callback_record(request, pk):
    callback = get_object_or_404(CallBack.objects.visible_to(request.user), pk=pk)
    form = CallBackForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose the outcome of the call."))
    else:
        try:
            callbacks.record_callback(callback=callback, actor=request.user, **form.cleaned_data)
            messages.success(request, _("Call-back recorded."))
        except TransitionError as error:
            messages.error(request, error.message)
    return redirect("whistle-detail", pk=callback.whistle_id)


@login_required
@require_POST
def whistle_call_members(request, pk):
    whistle = get_object_or_404(visible_whistles(request.user), pk=pk)
    try:
        _call, called = member_calls.call(request.user, whistle)
    except ValidationError as error:
        messages.error(request, error.messages[0])
    else:
        messages.success(
            request,
            ngettext("%(n)d party member was called.", "%(n)d party members were called.", called)
            % {"n": called},
        )
    return redirect("whistle-detail", pk=pk)


@login_required
def whistle_call_answer(request, pk):
    """The page a called party member opens from the notification."""
    found = get_object_or_404(MemberCall.objects.select_related("whistle", "grid"), pk=pk)
    if request.method == "POST":
        if member_calls.answer(request.user, found):
            messages.success(request, _("You answered first: the community counts on you."))
        else:
            messages.info(request, _("Another party member answered first. Thank you!"))
        return redirect("whistle-call-answer", pk=pk)
    if member_calls.was_called(request.user, found) is None:
        raise Http404  # the whistle's text is for the members called
    return render(
        request,
        "services/whistle_call.html",
        {"call": found, "whistle": found.whistle, "grid": found.grid},
    )
