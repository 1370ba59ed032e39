"""The bench server's URL conf: the portal's URLs plus a bare view and a bare POST view, the
ceiling each page is compared with. Both run through the same middleware as the portal."""

from django.db import connection
from django.http import HttpResponse, HttpResponseRedirect
from django.urls import path
from django.views.decorators.http import require_GET, require_POST

from config.urls import urlpatterns as portal_urlpatterns

COUNT_HEADER = "X-Bench-Queries"


@require_GET
def bare(request):
    return HttpResponse("ok", content_type="text/plain")


@require_POST
def bare_post(request):
    # CSRF-checked by the middleware like any form post; redirects as a form post does.
    return HttpResponseRedirect("/bench/bare/")


def count_queries(get_response):
    """The number of queries a request made, in a response header, when the request sends
    the header itself; otherwise nothing is wrapped, so timed requests pay nothing."""

    def middleware(request):
        if f"HTTP_{COUNT_HEADER.upper().replace('-', '_')}" not in request.META:
            return get_response(request)
        executed = []

        def count(execute, sql, params, many, context):
            executed.append(sql)
            return execute(sql, params, many, context)

        with connection.execute_wrapper(count):
            response = get_response(request)
        response[COUNT_HEADER] = str(len(executed))
        return response

    return middleware


urlpatterns = [
    path("bench/bare/", bare),
    path("bench/bare-post/", bare_post),
    *portal_urlpatterns,
]
