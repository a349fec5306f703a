"""The member record (fields of the member CV 1-HSĐV and card form 2-HSĐV),
the catalogues it refers to, and the membership event log.

A member's status and organisation are derived from the events and cached on
the record (status, organization, org_path); `sort_key` and `search_name` are
cached for Vietnamese name order and accent-free search.
"""

from __future__ import annotations

from django.conf import settings
from django.core.validators import RegexValidator
from django.db import models
from simple_history.models import HistoricalRecords

from dangvien.core.history import IdIndexedHistory
from dangvien.organizations.models import Organization
from dangvien.places.models import Commune, Province

from .errors import MemberError


class CatalogKind(models.TextChoices):
    ETHNICITY = "ethnicity", "Dân tộc"
    RELIGION = "religion", "Tôn giáo"
    GENERAL_EDUCATION = "general_education", "Giáo dục phổ thông"
    PROFESSIONAL = "professional", "Chuyên môn nghiệp vụ"
    DEGREE = "degree", "Học vị"
    ACADEMIC_TITLE = "academic_title", "Học hàm"
    POLITICAL_THEORY = "political_theory", "Lý luận chính trị"
    STATE_MANAGEMENT = "state_management", "Quản lý nhà nước"
    IT = "it", "Tin học"
    OCCUPATION = "occupation", "Nghề nghiệp"


class CatalogItem(models.Model):
    kind = models.CharField("danh mục", max_length=24, choices=CatalogKind.choices)
    code = models.CharField("mã", max_length=16)
    name = models.CharField("tên", max_length=120)
    rank = models.PositiveSmallIntegerField("thứ tự", default=0)

    class Meta:
        verbose_name = "mục danh mục"
        verbose_name_plural = "danh mục"
        ordering = ["kind", "rank", "name"]
        constraints = [
            models.UniqueConstraint(fields=["kind", "code"], name="catalog_kind_code_unique")
        ]

    def __str__(self) -> str:
        return self.name


def _catalog_fk(kind: str, label: str) -> models.ForeignKey:
    return models.ForeignKey(
        CatalogItem,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        db_index=False,  # filters run inside an organisation subtree, not across the table
        limit_choices_to={"kind": kind},
        verbose_name=label,
    )


def _place_fk(model, label: str) -> models.ForeignKey:
    return models.ForeignKey(
        model,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        db_index=False,  # read with the record, never searched across the table
        verbose_name=label,
    )


class DatePrecision(models.TextChoices):
    """How much of a date is known (issue 13): the day, only the month, or only
    the year. The DateField beside it holds the first day of the known period
    (1 March 1960 for "03/1960", 1 January 1960 for "1960"); rules that compute
    with the date (age, party age, milestones) read that first day."""

    DAY = "day", "ngày"
    MONTH = "month", "tháng"
    YEAR = "year", "năm"


def _precision_field(label: str) -> models.CharField:
    return models.CharField(
        label,
        max_length=5,
        choices=DatePrecision.choices,
        default=DatePrecision.DAY,
        db_default=DatePrecision.DAY,  # bulk loads (seed, imports) leave it out
    )


OLD_IDENTITY_NUMBER_VALIDATOR = RegexValidator(
    r"^[0-9]{9}$",
    message=MemberError.OLD_IDENTITY_NUMBER_DIGITS.message,
    code=MemberError.OLD_IDENTITY_NUMBER_DIGITS.code,
)


class Gender(models.TextChoices):
    MALE = "M", "Nam"
    FEMALE = "F", "Nữ"


class Status(models.TextChoices):
    PROBATIONARY = "probationary", "Đảng viên dự bị"
    OFFICIAL = "official", "Đảng viên chính thức"
    TRANSFERRED_OUT = "transferred_out", "Đã chuyển sinh hoạt đi"
    NAME_DELETED = "name_deleted", "Đã xóa tên"
    EXPELLED = "expelled", "Đã khai trừ"
    LEFT = "left", "Đã ra khỏi Đảng"
    DECEASED = "deceased", "Đã từ trần"


ACTIVE_STATUSES = (Status.PROBATIONARY, Status.OFFICIAL)
# Membership over (name deleted, expelled, left, deceased): the member's side
# files are closed (movements.endings) and no list or count of open files shows them.
ENDED_STATUSES = (Status.NAME_DELETED, Status.EXPELLED, Status.LEFT, Status.DECEASED)


class Member(models.Model):
    # Names (Vietnamese order: family, middle, given)
    family_name = models.CharField("họ", max_length=40)
    middle_name = models.CharField("tên đệm", max_length=60, blank=True)
    given_name = models.CharField("tên", max_length=40)
    birth_name = models.CharField("họ tên khai sinh / tên gọi khác", max_length=120, blank=True)
    gender = models.CharField("giới tính", max_length=1, choices=Gender.choices)
    birth_date = models.DateField("ngày sinh")
    birth_date_precision = _precision_field("ngày sinh biết đến")
    # Thông báo 13-TB/TW: the date of birth is the original CV's; a correction
    # needs the competent committee's decision, kept here and in the history.
    birth_date_decision_number = models.CharField(
        "số quyết định sửa ngày sinh",
        max_length=64,
        blank=True,
        default="",
        db_default="",  # bulk loads (seed, imports) leave it out
    )
    birth_date_decision_date = models.DateField(
        "ngày quyết định sửa ngày sinh", null=True, blank=True
    )
    birth_province = _place_fk(Province, "nơi sinh (tỉnh)")
    birth_place = models.CharField("nơi sinh", max_length=255, blank=True)
    hometown_province = _place_fk(Province, "quê quán (tỉnh)")
    hometown_commune = _place_fk(Commune, "quê quán (xã, phường)")
    hometown = models.CharField("quê quán (ghi đầy đủ)", max_length=255, blank=True)
    permanent_province = _place_fk(Province, "thường trú (tỉnh)")
    permanent_commune = _place_fk(Commune, "thường trú (xã, phường)")
    permanent_street = models.CharField("thường trú (số nhà, thôn, tổ)", max_length=255, blank=True)
    current_province = _place_fk(Province, "nơi ở hiện nay (tỉnh)")
    current_commune = _place_fk(Commune, "nơi ở hiện nay (xã, phường)")
    current_street = models.CharField(
        "nơi ở hiện nay (số nhà, thôn, tổ)", max_length=255, blank=True
    )
    ethnicity = _catalog_fk(CatalogKind.ETHNICITY, "dân tộc")
    religion = _catalog_fk(CatalogKind.RELIGION, "tôn giáo")
    citizen_id = models.CharField("số CCCD", max_length=12, null=True, blank=True, unique=True)
    old_identity_number = models.CharField(
        "số CMND cũ (9 số)",
        max_length=9,
        blank=True,
        default="",
        db_default="",  # bulk loads (seed, imports) leave it out
        validators=[OLD_IDENTITY_NUMBER_VALIDATOR],
    )
    phone = models.CharField("điện thoại", max_length=20, blank=True)
    email = models.EmailField("thư điện tử", blank=True)
    photo = models.ImageField("ảnh", upload_to="photos/%Y/", blank=True)

    # Party
    party_card_number = models.CharField(
        "số thẻ đảng viên", max_length=20, null=True, blank=True, unique=True
    )
    cv_number = models.CharField("số lý lịch", max_length=20, blank=True)
    admission_decision_date = models.DateField("ngày quyết định kết nạp", null=True, blank=True)
    admission_decision_number = models.CharField("số quyết định kết nạp", max_length=64, blank=True)
    joining_date = models.DateField("ngày vào Đảng (lễ kết nạp)", null=True, blank=True)
    joining_date_precision = _precision_field("ngày vào Đảng biết đến")
    official_date = models.DateField("ngày chính thức", null=True, blank=True)
    official_date_precision = _precision_field("ngày chính thức biết đến")
    admitting_organization = models.CharField("chi bộ kết nạp", max_length=255, blank=True)
    introducer_1 = models.CharField("người giới thiệu thứ nhất", max_length=255, blank=True)
    introducer_2 = models.CharField("người giới thiệu thứ hai", max_length=255, blank=True)
    age_exception = models.CharField(
        "văn bản đồng ý kết nạp trên 60 tuổi",
        max_length=255,
        blank=True,
        help_text="Số, ngày văn bản của ban thường vụ cấp ủy trực thuộc Trung ương (R1.2).",
    )

    # Education and work
    general_education = _catalog_fk(CatalogKind.GENERAL_EDUCATION, "giáo dục phổ thông")
    professional_qualification = _catalog_fk(CatalogKind.PROFESSIONAL, "chuyên môn nghiệp vụ")
    degree = _catalog_fk(CatalogKind.DEGREE, "học vị")
    academic_title = _catalog_fk(CatalogKind.ACADEMIC_TITLE, "học hàm")
    political_theory = _catalog_fk(CatalogKind.POLITICAL_THEORY, "lý luận chính trị")
    state_management = _catalog_fk(CatalogKind.STATE_MANAGEMENT, "quản lý nhà nước")
    it_level = _catalog_fk(CatalogKind.IT, "tin học")
    languages = models.CharField("ngoại ngữ", max_length=255, blank=True)
    occupation = _catalog_fk(CatalogKind.OCCUPATION, "nghề nghiệp")
    workplace = models.CharField("nơi làm việc", max_length=255, blank=True)

    # Derived from the events (cached; see services.member_refresh_state)
    status = models.CharField("tình trạng", max_length=20, choices=Status.choices)
    is_exempt = models.BooleanField("được miễn sinh hoạt", default=False)
    organization = models.ForeignKey(
        Organization,
        on_delete=models.PROTECT,
        related_name="members",
        verbose_name="chi bộ",
        db_index=False,  # covered by the (organization, status) index
    )
    org_path = models.CharField(max_length=255, editable=False)
    sort_key = models.BinaryField(editable=False)
    search_name = models.CharField(max_length=160, editable=False)
    # R1.17-R1.18: the first admission decision moved later by the days not
    # counted in party age (gaps after name deletion, expulsion or exit until
    # readmission or restoration; transfer gaps) as of the latest event. Exact
    # for a member in activity and official with no gap open: on any day after
    # the latest event, party age = that day - party_age_start (the same as
    # rules.party_age's counted_from). None while the member has no party age
    # to show (probationary, between two organisations, out of the Party).
    # Kept by services._refresh_party_age_start in the transaction of every
    # write that changes it; `dangvien party_age_check` audits it.
    party_age_start = models.DateField(
        "ngày tính tuổi đảng (đã trừ thời gian gián đoạn)",
        null=True,
        blank=True,
        editable=False,
    )

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="member",
        verbose_name="tài khoản",
    )
    version = models.PositiveIntegerField(default=1, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    history = IdIndexedHistory(
        # Status and organisation come from the events (their own log); the
        # caches are recomputed. History keeps what people typed.
        excluded_fields=[
            "org_path",
            "sort_key",
            "search_name",
            "updated_at",
            "created_at",
            "status",
            "is_exempt",
            "organization",
            "version",
            "party_age_start",
        ]
    )

    class Meta:
        verbose_name = "đảng viên"
        verbose_name_plural = "đảng viên"
        indexes = [
            models.Index(
                fields=["org_path", "sort_key", "id"],
                name="member_orgpath_sort",
                opclasses=["varchar_pattern_ops", "", ""],
            ),
            models.Index(fields=["sort_key", "id"], name="member_sort"),
            models.Index(fields=["organization", "status"], name="member_org_status"),
            # The badge list (issue 12): members in activity by the day their
            # party age counts from.
            models.Index(
                fields=["party_age_start"],
                name="member_party_age_start",
                # OR rather than IN: PostgreSQL prints `IN` back as a cast array
                # that re-reads differently, and the seeder drops and re-creates
                # indexes from their printed definitions.
                condition=models.Q(status=Status.PROBATIONARY) | models.Q(status=Status.OFFICIAL),
            ),
        ]

    def __str__(self) -> str:
        return self.full_name

    @property
    def full_name(self) -> str:
        return " ".join(p for p in (self.family_name, self.middle_name, self.given_name) if p)

    @property
    def is_active(self) -> bool:
        return self.status in ACTIVE_STATUSES

    @property
    def citizen_id_mismatch(self) -> str | None:
        """The flag the record shows when the citizen ID's birth year differs from
        the CV's (the CV's date stays the date of record, Thông báo 13-TB/TW).
        Sensitive: show it only where the citizen ID itself is shown."""
        from .rules import citizen_id_year_mismatch

        return citizen_id_year_mismatch(self.citizen_id, self.birth_date)


class PostKind(models.TextChoices):
    PARTY = "party", "Đảng"
    STATE = "state", "Chính quyền"
    MASS = "mass", "Đoàn thể"


class PostHeld(models.Model):
    member = models.ForeignKey(Member, on_delete=models.PROTECT, related_name="posts")
    kind = models.CharField("hệ thống", max_length=8, choices=PostKind.choices)
    title = models.CharField("chức vụ", max_length=160)
    body = models.CharField("cơ quan, tổ chức", max_length=255, blank=True)
    start = models.DateField("từ ngày")
    start_precision = _precision_field("từ ngày biết đến")
    end = models.DateField("đến ngày", null=True, blank=True)
    end_precision = _precision_field("đến ngày biết đến")
    history = HistoricalRecords()

    class Meta:
        verbose_name = "chức vụ"
        verbose_name_plural = "chức vụ đã và đang giữ"
        ordering = ["member", "-start"]

    def __str__(self) -> str:
        return self.title


class WorkHistory(models.Model):
    member = models.ForeignKey(Member, on_delete=models.PROTECT, related_name="work_history")
    start = models.DateField("từ ngày")
    start_precision = _precision_field("từ ngày biết đến")
    end = models.DateField("đến ngày", null=True, blank=True)
    end_precision = _precision_field("đến ngày biết đến")
    position = models.CharField("chức danh, công việc", max_length=160)
    workplace = models.CharField("nơi làm việc", max_length=255)
    history = HistoricalRecords()

    class Meta:
        verbose_name = "quá trình công tác"
        verbose_name_plural = "quá trình công tác"
        ordering = ["member", "start"]

    def __str__(self) -> str:
        return f"{self.position}, {self.workplace}"


class FamilyRelation(models.Model):
    member = models.ForeignKey(Member, on_delete=models.PROTECT, related_name="family")
    relation = models.CharField("quan hệ", max_length=40)
    full_name = models.CharField("họ và tên", max_length=120)
    birth_year = models.PositiveSmallIntegerField("năm sinh", null=True, blank=True)
    occupation = models.CharField("nghề nghiệp", max_length=160, blank=True)
    address = models.CharField("nơi ở", max_length=255, blank=True)
    political_notes = models.TextField("lịch sử chính trị", blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = "quan hệ gia đình"
        verbose_name_plural = "quan hệ gia đình"
        ordering = ["member", "id"]

    def __str__(self) -> str:
        return f"{self.relation}: {self.full_name}"


class TripAbroad(models.Model):
    member = models.ForeignKey(Member, on_delete=models.PROTECT, related_name="trips")
    country = models.CharField("nước đến", max_length=80)
    purpose = models.CharField("mục đích", max_length=255)
    start = models.DateField("từ ngày")
    start_precision = _precision_field("từ ngày biết đến")
    end = models.DateField("đến ngày", null=True, blank=True)
    end_precision = _precision_field("đến ngày biết đến")
    history = HistoricalRecords()

    class Meta:
        verbose_name = "đi nước ngoài"
        verbose_name_plural = "đi nước ngoài"
        ordering = ["member", "start"]

    def __str__(self) -> str:
        return f"{self.country} ({self.purpose})"


class EventKind(models.TextChoices):
    ADMITTED = "admitted", "Kết nạp"
    RECOGNISED = "recognised", "Công nhận chính thức"
    TRANSFERRED_IN = "transferred_in", "Chuyển sinh hoạt đến"
    TRANSFERRED_OUT = "transferred_out", "Chuyển sinh hoạt đi"
    REASSIGNED = "reassigned", "Chuyển theo sắp xếp tổ chức"
    EXEMPTED = "exempted", "Miễn sinh hoạt"
    RETURNED = "returned", "Trở lại sinh hoạt"
    NAME_DELETED = "name_deleted", "Xóa tên"
    EXPELLED = "expelled", "Khai trừ"
    LEFT = "left", "Ra khỏi Đảng"
    DECEASED = "deceased", "Từ trần"
    READMITTED = "readmitted", "Kết nạp lại"
    RESTORED = "restored", "Phục hồi đảng tịch (kỷ luật oan)"


class MembershipEvent(models.Model):
    """One dated change of membership; `*_after` hold the state it leads to."""

    # The composite indexes below cover these foreign keys; fewer indexes keep
    # bulk loads and writes cheap.
    member = models.ForeignKey(
        Member, on_delete=models.PROTECT, related_name="events", db_index=False
    )
    kind = models.CharField("sự kiện", max_length=20, choices=EventKind.choices)
    date = models.DateField("ngày")
    date_precision = _precision_field("ngày biết đến")
    seq = models.PositiveIntegerField(default=0)
    organization = models.ForeignKey(
        Organization,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name="tổ chức đảng",
        db_index=False,
    )
    other_party = models.CharField("nơi đi / nơi đến (ngoài hệ thống)", max_length=255, blank=True)
    decision_number = models.CharField("số quyết định", max_length=64, blank=True)
    decision_date = models.DateField("ngày quyết định", null=True, blank=True)
    decided_by = models.CharField("cơ quan quyết định", max_length=255, blank=True)
    reason = models.CharField("lý do", max_length=255, blank=True)
    note = models.TextField("ghi chú", blank=True)
    status_after = models.CharField(max_length=20, choices=Status.choices)
    organization_after = models.ForeignKey(
        Organization, on_delete=models.PROTECT, related_name="+", db_index=False
    )
    exempt_after = models.BooleanField(default=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        db_index=False,
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "sự kiện đảng viên"
        verbose_name_plural = "sự kiện đảng viên"
        ordering = ["member", "date", "seq", "id"]
        indexes = [
            models.Index(fields=["member", "date", "seq"], name="event_member_date"),
            models.Index(fields=["organization_after", "date"], name="event_org_date"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.date:%d/%m/%Y}"


class MembershipSummary(models.Model):
    """Members in activity over the subtree of an organisation and their make-up
    (maintained summary, issue 14): what the organisation pages, the member
    list's total and the dashboards read instead of counting members.

    Kept exact by members.summary: every write that places, ends or edits a
    member adds its change to the rows of the member's organisation and all
    those above, in the same transaction; bulk writers (imports, seeding)
    recount the subtree they wrote. The age columns count ages on `ages_on`
    (recounted daily by the job queue). `dangvien summary_check` compares the
    rows with a recount and repairs them."""

    organization = models.OneToOneField(
        Organization,
        on_delete=models.CASCADE,
        primary_key=True,
        related_name="membership_summary",
        verbose_name="tổ chức đảng",
    )
    members = models.IntegerField("đảng viên đang sinh hoạt", default=0)
    probationary = models.IntegerField("đảng viên dự bị", default=0)
    female = models.IntegerField("đảng viên nữ", default=0)
    exempt = models.IntegerField("được miễn sinh hoạt", default=0)
    age_to_30 = models.IntegerField("từ 30 tuổi trở xuống", default=0)
    age_31_35 = models.IntegerField("từ 31 đến 35 tuổi", default=0)
    age_36_40 = models.IntegerField("từ 36 đến 40 tuổi", default=0)
    age_41_45 = models.IntegerField("từ 41 đến 45 tuổi", default=0)
    age_46_50 = models.IntegerField("từ 46 đến 50 tuổi", default=0)
    age_51_55 = models.IntegerField("từ 51 đến 55 tuổi", default=0)
    age_56_60 = models.IntegerField("từ 56 đến 60 tuổi", default=0)
    age_over_60 = models.IntegerField("trên 60 tuổi", default=0)
    age_years = models.BigIntegerField("tổng tuổi đời (năm)", default=0)
    ages_on = models.DateField("tuổi tính đến ngày", null=True)
    updated_at = models.DateTimeField("cập nhật lúc", auto_now=True)

    class Meta:
        verbose_name = "số liệu đảng viên của tổ chức"
        verbose_name_plural = "số liệu đảng viên của tổ chức"

    def __str__(self) -> str:
        return f"{self.organization_id}: {self.members}"

    @property
    def official(self) -> int:
        return self.members - self.probationary

    @property
    def male(self) -> int:
        return self.members - self.female

    @property
    def average_age(self) -> float | None:
        """Tuổi bình quân (years, on `ages_on`), None without members."""
        return self.age_years / self.members if self.members else None


class MemberNameWord(models.Model):
    """One word of the name of a member in activity (accents folded), with the
    member's name order and organisation path: the search index (issue 14
    part 2). "hung" reads the words "hung" in name order from one index and
    stops at a page, whatever the number of Hùng, Hưng in the party. Derived
    data, rewritten by members.name_words whenever a name, an organisation or a
    status changes; members not in activity have no words."""

    member = models.ForeignKey(Member, on_delete=models.CASCADE, related_name="+")
    word = models.CharField(max_length=60)
    sort_key = models.BinaryField()
    org_path = models.CharField(max_length=255)

    class Meta:
        indexes = [
            # Exact word: in name order, the scope checked in the index.
            models.Index(
                fields=["word", "sort_key", "member", "org_path"],
                name="member_name_word",
                opclasses=["varchar_pattern_ops", "", "", "varchar_pattern_ops"],
            ),
        ]

    def __str__(self) -> str:
        return self.word
