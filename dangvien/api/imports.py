"""API of the member import (issue 13, part 1): the same file as the page
(multipart: `file`, `organization` as code or id, `convert_legacy`), checked by
POST /imports/members/dry-run (writes nothing; every parsed row as the product
read it, every error with its row, column and code) and imported by POST
/imports/members (all or nothing: 400 with the errors and nothing written when
any row is refused; a second run of the same file changes nothing). The
organisation must be in the caller's writing scope: 404 otherwise; a file that
cannot be read: 400 with its code (file_empty, file_macro, file_encrypted...).

(No `from __future__ import annotations`: see api/common.py.)
"""

from ninja import File, Form, Router, Schema, Status
from ninja.files import UploadedFile

from dangvien.accounts.scope import scope_for
from dangvien.imports import services
from dangvien.imports.errors import ImportError_
from dangvien.imports.parsing import guess_mapping, mapping_problems
from dangvien.imports.reading import FileRefused, check_size, read_sheet

from .common import WRITE_ERRORS, ErrorOut

router = Router(tags=["Nhập dữ liệu"])


class RowErrorOut(Schema):
    row: int
    column: str
    field: str
    code: str
    message: str


class ParsedRowOut(Schema):
    row: int
    action: str | None
    values: dict[str, str]


class ImportOut(Schema):
    rows_read: int
    refused: int
    created: int
    updated: int
    unchanged: int
    written: bool
    mapping: dict[str, str]
    errors: list[RowErrorOut]
    notes: list[RowErrorOut]
    rows: list[ParsedRowOut] = []


def _run(request, upload: UploadedFile, organization: str, convert_legacy: bool, *, dry_run: bool):
    scope = scope_for(request.auth)
    org = services.organization_for_import(scope, organization.strip())
    try:
        check_size(upload.size or 0)  # before the file is read into memory
        sheet = read_sheet(upload.read(), upload.name or "")
    except FileRefused as refused:
        raise refused.error.error(field="file", **refused.params) from None
    mapping = guess_mapping(sheet.headers)
    problems = mapping_problems(mapping)
    if problems:
        raise ImportError_.MAPPING_MISSING.error(field="file", fields=" ".join(problems))
    kwargs = {
        "mapping": mapping,
        "organization": org,
        "actor": request.auth,
        "convert_legacy": convert_legacy,
    }
    if dry_run:
        check, parsed = services.check_sheet(sheet, keep_rows=True, **kwargs)
    else:
        check = services.import_sheet(sheet, source=upload.name or "", **kwargs)
        parsed = []
    body = {
        **check.summary(),
        "written": check.written,
        "mapping": {sheet.headers[int(c)]: k for c, k in mapping.items()},
        "errors": [e.as_dict() for e in check.errors],
        "notes": [n.as_dict() for n in check.notes],
        "rows": [{"row": r.number, "action": r.action, "values": r.shown} for r in parsed],
    }
    return Status(400 if not check.ok and not dry_run else 200, body)


@router.post(
    "/imports/members/dry-run",
    response={200: ImportOut, **WRITE_ERRORS},
    summary="Chạy thử nhập danh sách đảng viên (không ghi gì)",
    operation_id="imports_members_dry_run",
)
def imports_members_dry_run(
    request,
    file: File[UploadedFile],
    organization: Form[str],
    convert_legacy: Form[bool] = False,
):
    return _run(request, file, organization, convert_legacy, dry_run=True)


@router.post(
    "/imports/members",
    response={
        200: ImportOut,
        400: ImportOut | ErrorOut,
        **{k: v for k, v in WRITE_ERRORS.items() if k != 400},
    },
    summary="Nhập danh sách đảng viên (tất cả hoặc không dòng nào)",
    operation_id="imports_members",
)
def imports_members(
    request,
    file: File[UploadedFile],
    organization: Form[str],
    convert_legacy: Form[bool] = False,
):
    return _run(request, file, organization, convert_legacy, dry_run=False)
