"""The machinery every Excel import shares (the grid registers, the party member roster):
reading the first sheet of an uploaded .xlsx into rows of text under known columns, the row
errors, the preview → confirm flow through the session and the rows a run left out.

An import module declares its COLUMNS and an apply(rows, *, user, dry_run) that checks each
row, writes the valid ones in one transaction keyed so that a second run changes nothing, and
returns an outcome with `errors` (RowError) and `skipped`; `run` does the rest."""

import re
import secrets
import zipfile
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import NamedTuple

from django import forms
from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from openpyxl import Workbook, load_workbook

from governance import workbooks
from governance.downloads import XLSX
from governance.forms import PortalForm
from governance.workbooks import COUNT

MAX_ROWS = 10_000  # the rows wait in the session between the preview and the confirm
MAX_UNPACKED_BYTES = 200 * 1024 * 1024  # a small .xlsx can unpack to gigabytes (zip bomb)
ERRORS_SHOWN = 500
REASONS_WIDTH = 60
YES = {"是", "yes", "y", "true", "1", "√", "✓"}
NO = {"否", "no", "n", "false", "0", "×"}


@dataclass(frozen=True)
class Column:
    key: str
    label: str  # the English msgid; headers and error reports show it translated
    aliases: tuple = ()  # Chinese headers cadres already use
    required: bool = False

    def title(self):
        return _(self.label)


class RowError(NamedTuple):
    row: int
    column: str
    reason: str


@dataclass
class Outcome:
    """What an import did (or, for a dry run, would do), counted by row."""

    created: int = 0
    updated: int = 0
    unchanged: int = 0
    errors: list = field(default_factory=list)

    @property
    def valid(self):
        return self.created + self.updated + self.unchanged

    @property
    def skipped(self):
        return len({error.row for error in self.errors})

    def counts(self):
        """The row counts by name, for an import's messages."""
        return {
            "valid": self.valid,
            "created": self.created,
            "updated": self.updated,
            "unchanged": self.unchanged,
        }


# --- Reading the file


def _norm(text):
    return re.sub(r"[\s*:：]", "", str(text or "")).casefold()


def _header_keys(columns):
    """Every accepted spelling of each header: English, the Chinese aliases and the label in
    each language of the site (so a template downloaded in one language reads in another)."""
    keys = {}
    for column in columns:
        spellings = {column.label, *column.aliases}
        for code, _language in settings.LANGUAGES:
            with translation.override(code):
                spellings.add(column.title())
        keys.update({_norm(spelling): column.key for spelling in spellings})
    return keys


def text_of(value):
    """A cell as text: Excel keeps 101 and 13812345678 as floats, which must not read 101.0."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def yes_no(text):
    """True for 是, False for 否 (and their spellings), None when blank; ValueError otherwise."""
    text = text.casefold()
    if not text:
        return None
    if text in YES or text in NO:
        return text in YES
    raise ValueError(text)


def parse_workbook(upload, columns):
    """The data rows of the first sheet of an uploaded .xlsx, as dicts of text keyed by column
    plus "row", the row number Excel shows. Raises ValidationError with a message for the
    person uploading: wrong type, too large, unreadable, missing columns, too many rows."""
    if not (upload.name or "").lower().endswith(".xlsx"):
        raise ValidationError(
            _("Upload an Excel workbook (.xlsx); save .xls or .csv files as .xlsx first."),
            code="not_xlsx",
        )
    limit = settings.UPLOAD_MAX_BYTES
    if upload.size > limit:
        raise ValidationError(
            _("“%(name)s” is larger than %(mb)d MB.")
            % {"name": upload.name, "mb": limit // (1024 * 1024)},
            code="too_large",
        )
    try:
        rows = _read(upload, columns)
    except ValidationError:
        raise
    except Exception:  # a damaged file fails anywhere in zipfile, the XML parser or openpyxl
        raise ValidationError(
            _("This file could not be read as an Excel workbook."), code="unreadable"
        ) from None
    if not rows:
        raise ValidationError(_("The sheet has no rows below the header."), code="empty")
    return rows


def _read(upload, columns):
    with zipfile.ZipFile(upload) as archive:
        if sum(info.file_size for info in archive.infolist()) > MAX_UNPACKED_BYTES:
            raise ValueError("unpacks too large")
    upload.seek(0)
    workbook = load_workbook(upload, read_only=True, data_only=True)
    try:
        lines = workbook.worksheets[0].iter_rows(values_only=True)
        accepted = _header_keys(columns)
        keys = [accepted.get(_norm(cell)) for cell in next(lines, ())]
        missing = [
            column.title() for column in columns if column.required and column.key not in keys
        ]
        if missing:
            raise ValidationError(
                _("The first row must name the columns; missing: %(columns)s.")
                % {"columns": ", ".join(missing)},
                code="columns",
            )
        rows = []
        for number, line in enumerate(lines, start=2):
            values = {}
            for key, cell in zip(keys, line, strict=False):
                if key and not values.get(key):
                    values[key] = text_of(cell)
            if not any(values.values()):
                continue
            if len(rows) == MAX_ROWS:
                raise ValidationError(
                    _("The sheet has more than %(max)d rows; split it into several files.")
                    % {"max": MAX_ROWS},
                    code="too_many",
                )
            rows.append({"row": number, **{c.key: values.get(c.key, "") for c in columns}})
        return rows
    finally:
        workbook.close()


# --- The rows a run left out


class LeftOut:
    """The rows with errors of a user's latest preview or import, kept in their session
    (server-side, bound to their login) so they can download, mend and upload them again —
    the values exactly as they typed them, nothing masked, since they are their own."""

    def __init__(self, session_key, columns):
        self.session_key = session_key
        self.columns = columns

    def keep(self, session, *, user, rows, errors):
        reasons = {}
        for error in errors:
            reasons.setdefault(error.row, []).append(f"{error.column}: {error.reason}")
        left_out = [
            {**row, "reasons": "；".join(reasons[row["row"]])}
            for row in rows
            if row["row"] in reasons
        ]
        if left_out:
            session[self.session_key] = {"user": user.pk, "rows": left_out}
        else:
            session.pop(self.session_key, None)

    def kept(self, session, *, user):
        """The rows kept for this user, or [] (none, or kept for someone else's login)."""
        stored = session.get(self.session_key)
        return stored["rows"] if stored and stored.get("user") == user.pk else []

    def write_workbook(self, rows, *, title, stream):
        """One sheet: the row number in the uploaded file, why it was left out, then the row's
        cells as typed under the import's headers (the importer ignores the first two)."""
        columns = [
            workbooks.Column(_("Row in the file"), COUNT),
            workbooks.Column(_("Why it was left out"), width=REASONS_WIDTH),
            *(workbooks.Column(column.title()) for column in self.columns),
        ]
        workbook = Workbook(write_only=True)
        workbooks.write_table(
            workbook,
            sheet_title=_("Rows left out"),
            title=title,
            title_row=False,
            columns=columns,
            rows=(
                [row["row"], row["reasons"], *(row[c.key] for c in self.columns)] for row in rows
            ),
        )
        workbook.save(stream)


# --- Upload → preview → confirm


class ImportForm(PortalForm):
    file = forms.FileField(
        label=gettext_lazy("Excel file (.xlsx)"),
        widget=forms.ClearableFileInput(attrs={"accept": f".xlsx,{XLSX}"}),
    )

    def __init__(self, *args, columns, **kwargs):
        super().__init__(*args, **kwargs)
        self.columns = columns

    def clean_file(self):
        return parse_workbook(self.cleaned_data["file"], self.columns)


@dataclass(frozen=True)
class Importer:
    """One import's pages: what it reads, how it writes, what it says and where it links.
    The upload page and the preview are the shared templates governance/sheet_import*.html."""

    session_key: str
    columns: tuple
    apply: Callable  # apply(rows, *, user, dry_run=False) -> outcome
    left_out: LeftOut
    title: str
    intro: str  # what a row is
    notes: str  # how the columns are read, under the list of columns
    summary: Callable  # summary(outcome) -> what a confirm would do
    done_message: Callable  # done_message(outcome) -> what the confirm did
    url_name: str  # the upload page, where the confirm returns
    template_url: str
    left_out_url: str
    export_url: str = ""
    export_label: str = ""

    def run(self, request):
        if request.method == "POST" and "confirm" in request.POST:
            return self._confirm(request)
        form = (
            ImportForm(request.POST, request.FILES, columns=self.columns)
            if request.method == "POST"
            else ImportForm(columns=self.columns)
        )
        if not form.is_valid():
            left_out = len(self.left_out.kept(request.session, user=request.user))
            context = {"form": form, "columns": self.columns, "left_out": left_out}
            return render(request, "governance/sheet_import.html", {"importer": self, **context})
        rows = form.cleaned_data["file"]
        outcome = self.apply(rows, user=request.user, dry_run=True)
        # The rows, not the file, wait in the session (server-side, this user's only); the
        # token ties the confirm to this preview, so a stale tab cannot import another file.
        token = secrets.token_urlsafe(12)
        request.session[self.session_key] = {"token": token, "rows": rows}
        self.left_out.keep(request.session, user=request.user, rows=rows, errors=outcome.errors)
        context = {
            "importer": self,
            "summary": self.summary(outcome),
            "outcome": outcome,
            "token": token,
            "errors": outcome.errors[:ERRORS_SHOWN],
            "errors_cut": len(outcome.errors) > ERRORS_SHOWN,
        }
        return render(request, "governance/sheet_import_preview.html", context)

    def _confirm(self, request):
        pending = request.session.get(self.session_key)
        if not pending or not secrets.compare_digest(pending["token"], request.POST["confirm"]):
            messages.error(request, _("That preview has expired; upload the file again."))
            return redirect(self.url_name)
        del request.session[self.session_key]  # a second click imports nothing twice
        # Checked again: the records or the user's area may have changed since the preview.
        outcome = self.apply(pending["rows"], user=request.user)
        self.left_out.keep(
            request.session, user=request.user, rows=pending["rows"], errors=outcome.errors
        )
        messages.success(request, self.done_message(outcome))
        if outcome.skipped:
            messages.warning(
                request,
                ngettext(
                    "%(count)d row with errors was not imported.",
                    "%(count)d rows with errors were not imported.",
                    outcome.skipped,
                )
                % {"count": outcome.skipped},
            )
        return redirect(self.url_name)
