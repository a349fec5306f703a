"""REST API /api/v1 (django-ninja): token auth, members, organisations.

Every read goes through the same scoped selectors as the pages, every write
through the same services; outside the caller's scope the answer is 404.
Errors are JSON: {"code", "message"} in Vietnamese, plus "errors" by field.
"""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import RequestDataTooBig
from django.http import Http404, HttpRequest
from django.http.response import HttpResponseBase
from ninja import NinjaAPI, Query, Schema, Swagger
from ninja import Status as Reply
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as NinjaValidationError
from ninja.security import HttpBearer
from pydantic import Field

from dangvien.accounts import services as account_services
from dangvien.accounts.models import AccessKind
from dangvien.accounts.scope import scope_for
from dangvien.api.common import Input
from dangvien.core.errors import ConcurrentEditError, DomainError, NotFound, RecordValidationError
from dangvien.members import selectors as member_selectors
from dangvien.members import services as member_services
from dangvien.members.models import CatalogItem, DatePrecision, Gender, Member, Status
from dangvien.organizations import selectors as org_selectors
from dangvien.places.models import Commune, Province


class BearerToken(HttpBearer):
    def authenticate(self, request: HttpRequest, token: str):
        return account_services.api_token_user(token)


api = NinjaAPI(
    title="dangvien API",
    version="1",
    description="Quản lý đảng viên — REST API. Xác thực: POST /auth/token, rồi "
    "`Authorization: Bearer <token>`.",
    urls_namespace="api",
    auth=BearerToken(),
    # swagger-ui from django-ninja's own static files ("ninja" in INSTALLED_APPS);
    # no validator badge fetched from swagger.io.
    docs=Swagger(settings={"validatorUrl": None}),
)


# --- errors -------------------------------------------------------------------


class Error(Schema):
    code: str
    message: str
    errors: dict[str, list[str]] | None = None


_PYDANTIC_MESSAGES = {
    "missing": "Thiếu trường bắt buộc.",
    "int_parsing": "Phải là số nguyên.",
    "int_type": "Phải là số nguyên.",
    "string_type": "Phải là chuỗi ký tự.",
    "string_too_long": "Quá dài.",
    "date_parsing": "Ngày không hợp lệ (định dạng YYYY-MM-DD).",
    "date_from_datetime_parsing": "Ngày không hợp lệ (định dạng YYYY-MM-DD).",
    "date_type": "Ngày không hợp lệ (định dạng YYYY-MM-DD).",
    "json_invalid": "Nội dung JSON không hợp lệ.",
    "model_attributes_type": "Nội dung phải là một đối tượng JSON.",
    "dict_type": "Nội dung phải là một đối tượng JSON.",
    "literal_error": "Giá trị không nằm trong danh sách cho phép.",
    "enum": "Giá trị không nằm trong danh sách cho phép.",
    "extra_forbidden": "Trường này không được hỗ trợ.",
    "value_error": "Giá trị không hợp lệ (có ký tự không được phép).",
}


def _error(request, status: int, code: str, message: str, errors=None):
    body = {"code": code, "message": message}
    if errors:
        body["errors"] = errors
    return api.create_response(request, body, status=status)


@api.exception_handler(NinjaValidationError)
def _invalid(request, exc: NinjaValidationError):
    errors: dict[str, list[str]] = {}
    for item in exc.errors:
        loc = [str(part) for part in item.get("loc", ()) if part not in ("body", "query", "path")]
        field = ".".join(loc[-1:]) or "body"
        if field == "payload":
            field = "body"
        errors.setdefault(field, []).append(
            _PYDANTIC_MESSAGES.get(item.get("type", ""), "Giá trị không hợp lệ.")
        )
    return _error(request, 422, "invalid", "Dữ liệu không hợp lệ.", errors)


@api.exception_handler(RecordValidationError)
def _record_invalid(request, exc: RecordValidationError):
    return _error(request, 422, exc.code, exc.message, exc.errors)


@api.exception_handler(ConcurrentEditError)
def _conflict(request, exc: ConcurrentEditError):
    return _error(request, 409, exc.code, exc.message)


@api.exception_handler(NotFound)
def _domain_not_found(request, exc: NotFound):
    return _error(request, 404, "not_found", "Không tìm thấy.")


# A step refused because the caller's roles do not reach the acting body.
_FORBIDDEN_CODES = frozenset({"not_acting_body"})


@api.exception_handler(DomainError)
def _domain(request, exc: DomainError):
    errors = {exc.field: [exc.message]} if exc.field else None
    status = {"invalid_credentials": 401, "otp_required": 401, "locked": 429}.get(exc.code, 400)
    if exc.code in _FORBIDDEN_CODES:
        status = 403
    return _error(request, status, exc.code, exc.message, errors)


@api.exception_handler(Http404)
def _not_found(request, exc):
    return _error(request, 404, "not_found", "Không tìm thấy.")


@api.exception_handler(AuthenticationError)
def _unauthenticated(request, exc):
    return _error(
        request,
        401,
        "unauthenticated",
        "Cần đăng nhập: mã truy cập thiếu, sai hoặc đã hết hạn.",
    )


@api.exception_handler(HttpError)
def _http_error(request, exc: HttpError):
    if exc.status_code == 400:
        return _error(request, 400, "bad_request", "Không đọc được nội dung gửi lên (JSON).")
    return _error(request, exc.status_code, "error", "Yêu cầu không thực hiện được.")


@api.exception_handler(RequestDataTooBig)
def _too_big(request, exc):
    return _error(request, 413, "too_large", "Nội dung gửi lên quá lớn.")


# --- schemas ------------------------------------------------------------------


class TokenIn(Input):
    username: str = Field(max_length=150)
    password: str = Field(max_length=256)
    otp: str | None = Field(None, max_length=12, description="Mã xác thực hai lớp, nếu cần")


class TokenOut(Schema):
    token: str


class OrganizationRef(Schema):
    id: int
    name: str


_PRECISION_NOTE = (
    "Phần đã biết của ngày bên cạnh: day (đủ ngày), month (chỉ tháng, năm), year (chỉ "
    "năm); ngày khi đó là ngày đầu của tháng hoặc năm (hiển thị «03/1960», «năm 1960»)"
)


class MemberItem(Schema):
    id: int
    full_name: str
    gender: str
    birth_date: dt.date
    birth_date_precision: str = Field(description=_PRECISION_NOTE)
    joining_date: dt.date | None
    joining_date_precision: str = Field(description=_PRECISION_NOTE)
    status: str
    status_label: str
    is_exempt: bool
    organization: OrganizationRef


class MemberPage(Schema):
    items: list[MemberItem]
    next_cursor: str | None


class EventOut(Schema):
    kind: str
    date: dt.date
    date_precision: str = Field(description=_PRECISION_NOTE)
    organization: OrganizationRef | None
    decision_number: str
    reason: str


class MemberFields(Input):
    """The record fields the API reads and writes (catalogues and places by id)."""

    family_name: str | None = Field(None, max_length=40)
    middle_name: str | None = Field(None, max_length=60)
    given_name: str | None = Field(None, max_length=40)
    birth_name: str | None = Field(None, max_length=120)
    gender: Gender | None = None
    birth_date: dt.date | None = None
    birth_date_precision: DatePrecision | None = Field(None, description=_PRECISION_NOTE)
    birth_date_decision_number: str | None = Field(
        None, max_length=64, description="Số quyết định của cấp ủy cho phép sửa ngày sinh"
    )
    birth_date_decision_date: dt.date | None = None
    citizen_id: str | None = Field(
        None,
        max_length=24,
        description="12 chữ số; có thể gõ cách nhóm (001 085 012 345). Chỉ vai trò được xem "
        "số CCCD của hồ sơ mới được ghi.",
    )
    old_identity_number: str | None = Field(
        None,
        max_length=24,
        description="Số CMND cũ, đúng 9 chữ số; quyền ghi như số CCCD.",
    )
    phone: str | None = Field(None, max_length=20)
    email: str | None = Field(None, max_length=254)
    party_card_number: str | None = Field(None, max_length=20)
    cv_number: str | None = Field(None, max_length=20)
    admission_decision_date: dt.date | None = None
    admission_decision_number: str | None = Field(None, max_length=64)
    joining_date: dt.date | None = None
    joining_date_precision: DatePrecision | None = Field(None, description=_PRECISION_NOTE)
    official_date: dt.date | None = None
    official_date_precision: DatePrecision | None = Field(None, description=_PRECISION_NOTE)
    workplace: str | None = Field(None, max_length=255)
    current_province: int | None = None
    current_commune: int | None = None
    current_street: str | None = Field(None, max_length=255)
    ethnicity: int | None = None
    religion: int | None = None


class MemberCreate(MemberFields):
    organization: int
    family_name: str = Field(max_length=40)
    given_name: str = Field(max_length=40)
    gender: Gender
    birth_date: dt.date


class MemberPatch(MemberFields):
    version: int


class MemberOut(Schema):
    id: int
    version: int
    full_name: str
    family_name: str
    middle_name: str
    given_name: str
    gender: str
    birth_date: dt.date
    birth_date_precision: str = Field(description=_PRECISION_NOTE)
    status: str
    is_exempt: bool
    organization: OrganizationRef
    party_card_number: str | None
    citizen_id: str | None = Field(
        None, description="Chỉ với vai trò được xem số CCCD của hồ sơ; null với vai trò khác"
    )
    citizen_id_mismatch: str | None = Field(
        None, description="Năm sinh theo số CCCD khác lý lịch (chỉ khi được xem số CCCD)"
    )
    old_identity_number: str | None = Field(
        None, description="Số CMND cũ (9 số); như số CCCD, null với vai trò không được xem"
    )
    admission_decision_date: dt.date | None
    joining_date: dt.date | None
    joining_date_precision: str = Field(description=_PRECISION_NOTE)
    official_date: dt.date | None
    official_date_precision: str = Field(description=_PRECISION_NOTE)
    party_age: str | None
    events: list[EventOut]


class OrganizationOut(Schema):
    id: int
    code: str
    name: str
    document_name: str
    level: str
    unit_type: str
    parent: OrganizationRef | None
    valid_from: dt.date
    valid_to: dt.date | None
    children: list[OrganizationRef]


class MemberQuery(Input):
    q: str = Field("", max_length=100)
    org: int | None = None
    status: str = Field("active", max_length=20)
    cursor: str | None = Field(None, max_length=500)


# --- helpers ------------------------------------------------------------------

_RELATIONS: dict[str, type[CatalogItem] | type[Province] | type[Commune]] = {
    "ethnicity": CatalogItem,
    "religion": CatalogItem,
    "current_province": Province,
    "current_commune": Commune,
}


def _record_data(fields: MemberFields, *, partial: bool) -> dict:
    data = fields.model_dump(exclude_unset=partial, exclude={"organization", "version"})
    errors: dict[str, list[str]] = {}
    for name, model in _RELATIONS.items():
        if name in data and data[name] is not None:
            found = model.objects.filter(pk=data[name]).first()
            if found is None:
                errors[name] = ["Không có mục này trong danh mục."]
            data[name] = found
    for name in (
        "middle_name",
        "birth_name",
        "phone",
        "email",
        "cv_number",
        "workplace",
        "current_street",
        "admission_decision_number",
        "birth_date_decision_number",
        "old_identity_number",
    ):
        if name in data and data[name] is None:
            data[name] = ""
    if errors:
        raise RecordValidationError(errors)
    return data


def _member_out(member: Member, scope) -> dict:
    age = member_selectors.member_party_age(member)
    sensitive = scope.sees_sensitive(member)
    return {
        **{
            f: getattr(member, f)
            for f in (
                "id",
                "version",
                "full_name",
                "family_name",
                "middle_name",
                "given_name",
                "gender",
                "birth_date",
                "birth_date_precision",
                "status",
                "is_exempt",
                "party_card_number",
                "admission_decision_date",
                "joining_date",
                "joining_date_precision",
                "official_date",
                "official_date_precision",
            )
        },
        "organization": {"id": member.organization_id, "name": member.organization.name},
        "citizen_id": member.citizen_id if sensitive else None,
        "citizen_id_mismatch": member.citizen_id_mismatch if sensitive else None,
        "old_identity_number": (member.old_identity_number or None) if sensitive else None,
        "party_age": str(age) if age else None,
        "events": [
            {
                "kind": e.kind,
                "date": e.date,
                "date_precision": e.date_precision,
                "decision_number": e.decision_number,
                "reason": e.reason,
                "organization": {"id": e.organization_after_id, "name": e.organization_after.name},
            }
            for e in member_selectors.member_events(member)
        ],
    }


# --- endpoints ----------------------------------------------------------------


@api.post(
    "/auth/token",
    auth=None,
    response={200: TokenOut, 401: Error, 422: Error},
    summary="Lấy mã truy cập",
)
def token(request, payload: TokenIn):
    return {
        "token": account_services.api_token_issue(
            username=payload.username, password=payload.password, otp=payload.otp, request=request
        )
    }


@api.post(
    "/auth/logout",
    response={204: None, 401: Error},
    summary="Thu hồi mã truy cập đang dùng (đăng xuất)",
)
def token_logout(request):
    """The bearer token of this request is revoked; later requests with it answer 401."""
    presented = request.headers.get("Authorization", "").partition(" ")[2].strip()
    account_services.api_token_revoke_presented(presented)
    return Reply(204, None)


@api.get(
    "/members",
    response={200: MemberPage, 401: Error, 404: Error, 422: Error},
    summary="Danh sách đảng viên",
)
def members(request, query: Query[MemberQuery]):
    scope = scope_for(request.auth)
    org = (
        org_selectors.organization_get_for(scope, query.org, with_parent=False)
        if query.org is not None
        else None
    )
    status = query.status if query.status in ("active", "all", *Status.values) else "active"
    flt = member_selectors.MemberFilter(
        organization=org, q=query.q.replace("\x00", ""), status=status
    )
    page = member_selectors.members_page(scope, flt, query.cursor)
    body = {
        "items": [
            {
                "id": r.id,
                "full_name": r.full_name,
                "gender": r.gender,
                "birth_date": r.birth_date,
                "birth_date_precision": r.birth_date_precision,
                "joining_date": r.joining_date,
                "joining_date_precision": r.joining_date_precision,
                "status": r.status,
                "status_label": r.status_label,
                "is_exempt": r.is_exempt,
                "organization": {"id": r.organization_id, "name": r.organization_name},
            }
            for r in page.items
        ],
        "next_cursor": page.next_cursor,
    }
    return _as_built(request, body)


def _as_built(request: HttpRequest, body: dict) -> HttpResponseBase:
    """`body`, built by the view in its response schema's shape from typed rows,
    rendered as it is: django-ninja would validate it again through pydantic,
    about a fifth of the CPU of the hottest API call (issue 14). The JSON is the
    renderer's own (tests compare it with the schema's)."""
    return api.create_response(request, body, status=200)


@api.get(
    "/members/{member_id}",
    response={200: MemberOut, 401: Error, 404: Error, 422: Error},
    summary="Hồ sơ đảng viên",
)
def member(request, member_id: int):
    scope = scope_for(request.auth)
    found = member_selectors.member_get_for(scope, member_id)
    account_services.access_log_add(
        user=request.auth, member=found, request=request, kinds=[AccessKind.API_RECORD]
    )
    return _member_out(found, scope)


@api.post(
    "/members",
    response={201: MemberOut, 400: Error, 401: Error, 404: Error, 422: Error},
    summary="Thêm đảng viên",
)
def member_create(request, payload: MemberCreate):
    scope = scope_for(request.auth)
    org = org_selectors.organization_get_for(scope, payload.organization)
    if not scope.writes_path(org.path):
        raise NotFound()
    created = member_services.member_create(
        actor=request.auth, organization=org, data=_record_data(payload, partial=False)
    )
    return Reply(201, _member_out(member_selectors.member_get_for(scope, created.pk), scope))


@api.patch(
    "/members/{member_id}",
    response={200: MemberOut, 400: Error, 401: Error, 404: Error, 409: Error, 422: Error},
    summary="Sửa hồ sơ đảng viên",
)
def member_update(request, member_id: int, payload: MemberPatch):
    scope = scope_for(request.auth)
    current = member_selectors.member_get_for(scope, member_id)
    if not scope.writes_path(current.org_path):
        raise NotFound()
    member_services.member_update(
        actor=request.auth,
        member_id=current.pk,
        expected_version=payload.version,
        data=_record_data(payload, partial=True),
    )
    return _member_out(member_selectors.member_get_for(scope, member_id), scope)


@api.get(
    "/organizations/{org_id}",
    response={200: OrganizationOut, 401: Error, 404: Error, 422: Error},
    summary="Tổ chức đảng và các tổ chức trực thuộc",
)
def organization(request, org_id: int):
    scope = scope_for(request.auth)
    org = org_selectors.organization_get_for(scope, org_id)
    return {
        **{
            f: getattr(org, f)
            for f in (
                "id",
                "code",
                "name",
                "document_name",
                "level",
                "unit_type",
                "valid_from",
                "valid_to",
            )
        },
        "parent": {"id": org.parent.pk, "name": org.parent.name}
        if org.parent and scope.reaches_path(org.parent.path)
        else None,
        "children": [
            {"id": c.pk, "name": c.name}
            for c in org_selectors.organization_children_with_counts(org)
        ],
    }


# The member lifecycle: open cases of every workflow, then one router per area,
# each built from the area's workflow table (list, detail, one POST per step).
from dangvien.api.lifecycle import router as lifecycle_router  # noqa: E402

api.add_router("", lifecycle_router)
# Area routers register below, one line each (dangvien/api/<area>.py).
from dangvien.api.liaison import router as liaison_router  # noqa: E402

api.add_router("", liaison_router)

from dangvien.api.movements import router as movements_router  # noqa: E402

api.add_router("", movements_router)
from dangvien.api.admissions import router as admissions_router  # noqa: E402
from dangvien.api.meetings import router as meetings_router  # noqa: E402

api.add_router("", admissions_router)
api.add_router("", meetings_router)
from dangvien.api.dues import router as dues_router  # noqa: E402

api.add_router("", dues_router)
from dangvien.api.badges import router as badges_router  # noqa: E402
from dangvien.api.discipline import router as discipline_router  # noqa: E402
from dangvien.api.grading import router as grading_router  # noqa: E402

api.add_router("", grading_router)
api.add_router("", discipline_router)
api.add_router("", badges_router)
from dangvien.api.exports import router as exports_router  # noqa: E402
from dangvien.api.imports import router as imports_router  # noqa: E402
from dangvien.api.quality import router as quality_router  # noqa: E402

api.add_router("", imports_router)
api.add_router("", exports_router)
api.add_router("", quality_router)
