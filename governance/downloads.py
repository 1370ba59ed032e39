"""File responses. A file that carries people's names or numbers leaves a record of who
took it (PersonalDataExport), in the same place every export goes through."""

import os

from django.http import FileResponse, HttpResponse

from governance.models import PersonalDataExport

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
PDF = "application/pdf"


def download(request, filename, content_type, content=b"", *, inline=False, personal=False):
    """A response to write the file into (or with `content`)."""
    response = HttpResponse(content, content_type=content_type)
    disposition = "inline" if inline else "attachment"
    response["Content-Disposition"] = f'{disposition}; filename="{filename}"'
    if personal:
        PersonalDataExport.objects.create(
            user=request.user, filename=filename[:200], path=request.get_full_path()[:300]
        )
    return response


def private_file(field_file):
    """A stored photo for someone the view has already let see it: never public media.

    Shown in the browser under its own name, with the type its name says and no sniffing
    of another; opened on its own it is a sandboxed page that may show only itself."""
    # With a filename (and not as_attachment) FileResponse writes `inline; filename="…"`,
    # quoted or RFC 5987-encoded as the name needs, and the type from the extension.
    response = FileResponse(field_file.open("rb"), filename=os.path.basename(field_file.name))
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "sandbox; default-src 'none'; img-src 'self'"
    response["Cache-Control"] = "private, max-age=3600"
    return response
