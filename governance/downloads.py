"""File responses. A file that carries people's names or numbers leaves a record of who
took it (PersonalDataExport), in the same place every export goes through."""

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
    """A stored photo for someone the view has already let see it: never public media."""
    response = FileResponse(field_file.open("rb"))
    response["Cache-Control"] = "private, max-age=3600"
    return response
