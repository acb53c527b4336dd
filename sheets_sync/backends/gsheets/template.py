"""The team template as a new Google spreadsheet, rendered from ``template.spec.TEMPLATE``.

The same spec drives the xlsx template, so a Google team and an Excel team see the same
tabs, headers, dropdowns, number formats, frozen header and shaded owned columns; the
standard mapping reads both. Two API calls: ``spreadsheets.create`` (tabs with ids we pick)
and one ``batchUpdate`` with everything else.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from sheets_sync.backends.gsheets.auth import (
    DRIVE_FILE_SCOPE,
    TEMPLATE_SCOPES,
    credentials_file,
    load_credentials,
)
from sheets_sync.backends.gsheets.celldata import number_format, rgb
from sheets_sync.backends.gsheets.client import SheetsClient
from sheets_sync.backends.gsheets.keycheck import key_path_problem
from sheets_sync.backends.gsheets.rollup import cell
from sheets_sync.backends.gsheets.shape import need, reply_shape
from sheets_sync.errors import ConfigError, CredentialsError, RemoteError, ServiceDisabledError
from sheets_sync.template.spec import (
    DATA_ROWS,
    EXAMPLE_FONT,
    HEADER_FILL,
    HEADER_FONT,
    OWNED_FILL,
    OWNED_FONT,
    TEMPLATE,
    TabTemplate,
    TemplateSpec,
)

if TYPE_CHECKING:
    from sheets_sync.workspace_spec import Workspace

PIXELS_PER_WIDTH = 7  # an Excel width unit is about 7 px
DRIVE_SCOPE = DRIVE_FILE_SCOPE  # the least that may delete or share what it created


def template_client(workspace: Workspace | None) -> SheetsClient:
    """Credentials and settings of the workspace when there is one, else the key named by
    GOOGLE_APPLICATION_CREDENTIALS (a template is often made before any workspace). Its
    token holds ``drive.file`` besides spreadsheets: only this command asks for it, so that
    a half-made template can be deleted (``_incomplete``); the nightly sync does not.
    No key, or one that cannot be loaded, is a configuration error (exit 2, nothing done,
    as ``config check`` says of it): sync fails its Google teams alone (exit 1, "some teams
    failed") only because its other teams go on; here there is nothing else to do."""
    google = workspace.google if workspace else None
    try:
        origin = str(credentials_file(workspace) or "")
        creds = load_credentials(workspace, TEMPLATE_SCOPES)
    except CredentialsError as exc:  # before any request: the setup, not Google
        raise ConfigError(str(exc)) from None
    return SheetsClient.from_credentials(creds, google, origin=origin)


def check_key_setting(workspace: Workspace) -> None:
    """A ``google.credentials`` that names no file to read (missing, a folder) is the
    workspace's error (``ConfigError``, exit 2), worded as ``config check`` words it, not a
    failed sign-in: the workspace is loaded without ``files_must_exist``, which skips it,
    so that a listed team file not made yet does not stop the template."""
    setting = workspace.google.credentials
    if setting and (what := key_path_problem(workspace.root / setting)):
        name = workspace.config_path.name
        problem = f"{name}: google.credentials: {setting}: {what}"
        raise ConfigError(f"{name}: invalid configuration", problems=[problem])


def sheet_url(key: str) -> str:
    return f"https://docs.google.com/spreadsheets/d/{key}/edit"


def sharing_note(client: SheetsClient, key: str, title: str) -> str:
    """What a new template needs before anyone can use it, and how: nobody but the service
    account can open it, and sheets-sync shares nothing (its ``drive.file`` scope is for
    deleting a half-made template; it has no address to share with). The workbook to
    import is named by the command that writes it: ``templates/team.xlsx`` is only in a
    checkout, and relative to it, not to where the command runs."""
    return (
        f"{title}: {sheet_url(key)} belongs to {client.email} and is shared with nobody: "
        f"sheets-sync does not share files. Share it as Editor with a script that holds the "
        f"Drive scope {DRIVE_SCOPE} (or .../auth/drive) for this key (Drive "
        f"permissions.create on {key}), or import the workbook `sheets-sync template "
        f"team.xlsx` writes into your own Drive and share that with {client.email} as Editor"
    )


def _incomplete(client: SheetsClient, key: str, title: str, exc: RemoteError) -> RemoteError:
    """The follow-up write gave up: a template command is not retried next run, so say what
    exists, and delete the half-made spreadsheet (Drive ``files.delete``, which the token's
    ``drive.file`` scope allows for a file it created). Google may still refuse it: the
    Drive API not enabled in the key's Cloud project, or a client whose token lacks the
    scope; then the message names what is left."""
    why = exc.message.removesuffix("; will retry next run")
    try:
        client.delete_file(key, source=title, what="delete the incomplete template")
    except ServiceDisabledError as refused:
        return RemoteError(
            f"the template spreadsheet {sheet_url(key)} was created but is incomplete "
            f"({why}), and could not be deleted: the {refused.service_title} is not enabled "
            f"in the Cloud project of {client.email}; enable it ({refused.activation_url}) "
            "so that sheets-sync can delete what it leaves half-made, delete this one by hand "
            f"(Drive files.delete on {key} with this key) or leave it (nobody else can open "
            "it), and run the command again",
            source=title,
        )
    except RemoteError as refused:
        return RemoteError(
            f"the template spreadsheet {sheet_url(key)} was created but is incomplete "
            f"({why}), and could not be deleted ({refused.message}): it belongs to "
            f"{client.email}; delete it with a tool that holds the Drive scope for this key, "
            "or leave it (nobody else can open it), and run the command again",
            source=title,
        )
    return RemoteError(
        f"the template could not be completed ({why}); the incomplete spreadsheet {key} "
        "was deleted: run the command again",
        source=title,
    )


def _colour(hex_colour: str) -> dict[str, Any]:
    return {"rgbColor": rgb(hex_colour)}


def _look(fill: str | None, font: str | None, bold: bool = False, italic: bool = False) -> Any:
    text: dict[str, Any] = {"bold": bold, "italic": italic}
    if font:
        text["foregroundColor"] = rgb(font)
        text["foregroundColorStyle"] = _colour(font)
    out: dict[str, Any] = {"textFormat": text, "wrapStrategy": "WRAP"}
    if fill:
        out["backgroundColor"] = rgb(fill)
        out["backgroundColorStyle"] = _colour(fill)
    return out


def _range(sheet_id: int, r0: int, r1: int, c0: int, c1: int) -> dict[str, int]:
    return {
        "sheetId": sheet_id,
        "startRowIndex": r0,
        "endRowIndex": r1,
        "startColumnIndex": c0,
        "endColumnIndex": c1,
    }


def tab_requests(tab: TabTemplate, sheet_id: int) -> list[dict[str, Any]]:
    """Header, example row, widths, formats, dropdowns and owned-column shading of a tab."""
    reqs: list[dict[str, Any]] = []
    header = [
        cell(c.header, look=_look(OWNED_FILL if c.owned else HEADER_FILL,
                                  OWNED_FONT if c.owned else HEADER_FONT, bold=True))
        for c in tab.columns
    ]  # fmt: skip
    example = [
        cell(v, c.number_format, _look(OWNED_FILL if c.owned else None, EXAMPLE_FONT, italic=True))
        for v, c in zip(tab.example, tab.columns, strict=True)
    ]
    for i, col in enumerate(tab.columns):
        look: dict[str, Any] = {}
        if col.number_format not in ("General", "@"):
            look["numberFormat"] = number_format(col.number_format)
        elif col.number_format == "@":
            look["numberFormat"] = {"type": "TEXT", "pattern": "@"}
        if col.owned:
            look.update(_look(OWNED_FILL, OWNED_FONT))
        if look:
            reqs.append(
                {
                    "repeatCell": {
                        "range": _range(sheet_id, 1, DATA_ROWS + 1, i, i + 1),
                        "cell": {"userEnteredFormat": look},
                        "fields": "userEnteredFormat",
                    }
                }
            )
        if col.options:
            rule = {
                "condition": {
                    "type": "ONE_OF_LIST",
                    "values": [{"userEnteredValue": o} for o in col.options],
                },
                "showCustomUi": True,
                "strict": False,  # warn, do not reject: the mapping accepts variants
            }
            reqs.append(
                {
                    "setDataValidation": {
                        "range": _range(sheet_id, 1, DATA_ROWS + 1, i, i + 1),
                        "rule": rule,
                    }
                }
            )
        reqs.append(_column_width(sheet_id, i, col.width))
    reqs.append(
        {
            "updateCells": {
                "start": {"sheetId": sheet_id, "rowIndex": 0, "columnIndex": 0},
                "rows": [{"values": header}, {"values": example}],
                "fields": "userEnteredValue,userEnteredFormat",
            }
        }
    )
    return reqs


def readme_requests(sheet_id: int, template: TemplateSpec = TEMPLATE) -> list[dict[str, Any]]:
    spec = template.readme
    rows = [
        {"values": [cell(head, look=_look(None, None, bold=True)), cell(text)]}
        if text
        else {"values": [cell(head, look=_look(HEADER_FILL, HEADER_FONT, bold=True))]}
        for head, text in spec.rows
    ]
    reqs: list[dict[str, Any]] = [
        {
            "updateCells": {
                "start": {"sheetId": sheet_id, "rowIndex": 0, "columnIndex": 0},
                "rows": rows,
                "fields": "userEnteredValue,userEnteredFormat",
            }
        }
    ]
    reqs += (_column_width(sheet_id, i, width) for i, width in enumerate(spec.widths))
    return reqs


def _column_width(sheet_id: int, col: int, width: float) -> dict[str, Any]:
    """Column ``col`` as wide as the template's .xlsx makes it (Excel's width units)."""
    return {
        "updateDimensionProperties": {
            "range": {
                "sheetId": sheet_id,
                "dimension": "COLUMNS",
                "startIndex": col,
                "endIndex": col + 1,
            },
            "properties": {"pixelSize": int(width * PIXELS_PER_WIDTH)},
            "fields": "pixelSize",
        }
    }


def create_google_template(
    client: SheetsClient, title: str, template: TemplateSpec = TEMPLATE
) -> str:
    """Create the team template as a new spreadsheet; returns its key (for ``gsheet:<key>``).
    ``template``: ``template_for`` a workspace's rules (its KPI tolerance in the help).

    The spreadsheet belongs to the service account, and sheets-sync does not share it:
    until something with a Drive scope shares it, nobody else can open it (``sharing_note``,
    docs/google-sheets.md). When the follow-up write fails, the half-made spreadsheet is
    deleted if Google allows it (``_incomplete``).
    """
    tabs = (template.okrs, template.kpis)
    sheets = [
        {
            "properties": {
                "sheetId": i,
                "title": tab.name,
                "index": i,
                "gridProperties": {
                    "rowCount": DATA_ROWS + 1,
                    "columnCount": len(tab.columns),
                    "frozenRowCount": 1,
                },
            }
        }
        for i, tab in enumerate(tabs)
    ]
    readme_id = len(tabs)
    sheets.append(
        {
            "properties": {
                "sheetId": readme_id,
                "title": template.readme.name,
                "index": readme_id,
                "gridProperties": {"rowCount": len(template.readme.rows) + 5, "columnCount": 2},
            }
        }
    )
    created = client.create_spreadsheet(
        {"properties": {"title": title}, "sheets": sheets}, source=title, what="create template"
    )
    with reply_shape(title, "create template"):
        key = str(need(created, "spreadsheetId"))
    requests: list[dict[str, Any]] = [
        {
            "updateSheetProperties": {
                "properties": {"sheetId": i, "gridProperties": {"frozenRowCount": 1}},
                "fields": "gridProperties.frozenRowCount",
            }
        }
        for i in range(len(tabs))
    ]
    for i, tab in enumerate(tabs):
        requests += tab_requests(tab, i)
    requests += readme_requests(readme_id, template)
    try:
        client.batch_update(key, {"requests": requests}, source=f"gsheet:{key}", what="template")
    except RemoteError as exc:
        raise _incomplete(client, key, title, exc) from None
    return key
