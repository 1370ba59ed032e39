"""The cadres' Excel export of volunteer service hours."""

from django.contrib.auth.decorators import login_required, permission_required
from django.core.exceptions import ValidationError
from django.http import HttpResponseBadRequest

from governance.downloads import XLSX, download
from governance.permissions import Perm
from governance.scope import scope_root
from volunteers.exporting import Period, write_hours_workbook


@login_required
@permission_required(Perm.VIEW_VOLUNTEERS, raise_exception=True)
def hours_workbook(request):
    try:
        period = Period.from_query(request.GET)
    except ValidationError as error:
        return HttpResponseBadRequest(
            " ".join(error.messages), content_type="text/plain; charset=utf-8"
        )
    root = scope_root(request.user)
    name = (
        f"volunteer-hours-{root.code if root else 'all'}-"
        f"{period.start:%Y%m%d}-{period.end:%Y%m%d}.xlsx"
    )
    response = download(request, name, XLSX, personal=True)
    write_hours_workbook(user=request.user, period=period, stream=response)
    return response
