"""Deterministic synthetic data: organisation trees on real communes, members
with plausible Vietnamese names and ten years of membership events.

The same generator builds the demo province and the national-size data set;
rows are plain tuples handed to `writer.write_rows` (COPY on PostgreSQL).
"""

from __future__ import annotations

import datetime as dt
import itertools
import json
import math
import random
from bisect import bisect
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import cached_property, lru_cache

from faker.providers.person.vi_VN import Provider as ViNames
from vietnam_provinces import Province as VNProvince
from vietnam_provinces import Ward as VNWard

from dangvien.core.vietnamese import collation_key, fold
from dangvien.members import rules as member_rules
from dangvien.members.models import EventKind, Status
from dangvien.organizations.models import Level, MeetingRule, UnitType
from dangvien.organizations.rules import path_step

# Faker's vi_VN lists, widened with common names so that 5.6 million people
# do not share a handful of names.
FAMILY_NAMES = list(
    dict.fromkeys(
        [
            *ViNames.last_names,
            "Nguyễn",
            "Nguyễn",
            "Nguyễn",
            "Trần",
            "Trần",
            "Lê",
            "Lê",
            "Phạm",
            "Hoàng",
            "Huỳnh",
            "Phan",
            "Võ",
            "Đỗ",
            "Hồ",
            "Ngô",
            "Lý",
            "Đinh",
            "Đoàn",
            "Lương",
            "Trịnh",
            "Mai",
            "Cao",
            "Tạ",
            "Thái",
            "Hà",
            "Chu",
            "Kiều",
            "Lâm",
            "Quách",
            "Tô",
            "Vương",
        ]
    )
)
FAMILY_WEIGHTS = [38 if n == "Nguyễn" else 11 if n in ("Trần", "Lê") else 3 for n in FAMILY_NAMES]
FAMILY_CUM = list(itertools.accumulate(FAMILY_WEIGHTS))
FAMILY_TOTAL, FAMILY_LAST = FAMILY_CUM[-1] + 0.0, len(FAMILY_CUM) - 1
MIDDLE_MALE = [
    "Văn",
    "Đức",
    "Quang",
    "Minh",
    "Hữu",
    "Xuân",
    "Công",
    "Đình",
    "Ngọc",
    "Thanh",
    "Trọng",
    "Mạnh",
    "Anh",
    "Tiến",
    "Hoàng",
    "Hải",
    "Trí",
    "Thế",
    "Duy",
    "Bá",
]
MIDDLE_FEMALE = [
    "Thị",
    "Thị",
    "Thị",
    "Ngọc",
    "Thu",
    "Thanh",
    "Minh",
    "Hồng",
    "Kim",
    "Mai",
    "Thùy",
    "Phương",
    "Hoài",
    "Bích",
    "Thúy",
    "Diệu",
]
GIVEN_MALE = list(
    dict.fromkeys(
        [
            *ViNames.first_names_male,
            "Thước",
            "Hùng",
            "Dũng",
            "Cường",
            "Tuấn",
            "Sơn",
            "Long",
            "Thắng",
            "Hải",
            "Bình",
            "Toàn",
            "Lộc",
            "Tài",
            "Hiếu",
            "Khánh",
            "Đạt",
            "Thịnh",
            "Vinh",
            "Quân",
            "Hòa",
            "Tâm",
            "Đông",
            "Nghĩa",
            "Kiên",
            "Lực",
            "Chiến",
            "Thái",
            "Phong",
            "Định",
        ]
    )
)
GIVEN_FEMALE = list(
    dict.fromkeys(
        [
            *ViNames.first_names_female,
            "Hằng",
            "Nga",
            "Thủy",
            "Hoa",
            "Dung",
            "Trang",
            "Yến",
            "Huyền",
            "Nhung",
            "Oanh",
            "Loan",
            "Tuyết",
            "Vân",
            "Hiền",
            "Giang",
            "Quyên",
            "Ánh",
            "Phượng",
        ]
    )
)
GIVEN_UNISEX = list(ViNames.first_names_unisex)

VILLAGE_WORDS = [
    "Đông",
    "Tây",
    "Nam",
    "Bắc",
    "Trung",
    "Thượng",
    "Hạ",
    "Phú Lộc",
    "Yên Bình",
    "Tân Phú",
    "An Hòa",
    "Hòa Bình",
    "Thanh Sơn",
    "Tiến Thành",
    "Quyết Thắng",
    "Đồng Tâm",
    "Minh Khai",
    "Trung Hòa",
    "Vĩnh An",
    "Phúc Lợi",
]
AGENCIES = [
    "Sở Y tế",
    "Sở Giáo dục và Đào tạo",
    "Sở Tài chính",
    "Sở Nội vụ",
    "Sở Xây dựng",
    "Sở Nông nghiệp và Môi trường",
    "Sở Công Thương",
    "Bệnh viện Đa khoa tỉnh",
    "Trường Chính trị tỉnh",
    "Báo và Phát thanh, Truyền hình tỉnh",
    "Sở Tư pháp",
    "Sở Văn hóa, Thể thao và Du lịch",
    "Thanh tra tỉnh",
    "Kho bạc Nhà nước khu vực",
]
AGENCY_CELLS = [
    "Văn phòng",
    "Phòng Tổ chức cán bộ",
    "Phòng Kế hoạch - Tài chính",
    "Phòng Nghiệp vụ",
    "Phòng Thanh tra",
    "Phòng Hành chính - Tổng hợp",
    "Trung tâm Dịch vụ",
    "Khoa Nội",
    "Khoa Ngoại",
    "Khoa Nhi",
    "Phòng Điều dưỡng",
]
STREETS = [
    "Trần Phú",
    "Lê Lợi",
    "Nguyễn Du",
    "Hà Huy Tập",
    "Phan Đình Phùng",
    "Quang Trung",
    "Nguyễn Huệ",
    "Lý Tự Trọng",
    "Hàm Nghi",
    "Xuân Diệu",
    "Nguyễn Công Trứ",
]
WORKPLACES = [
    "UBND xã",
    "Trường THCS",
    "Trạm Y tế xã",
    "Hợp tác xã nông nghiệp",
    "Công ty TNHH Thành Công",
    "Công an xã",
    "Ban Chỉ huy quân sự xã",
    "Hộ kinh doanh",
    "Trường Tiểu học",
    "Trường Mầm non",
    "Bưu điện văn hóa xã",
]

NATIONAL_MEMBERS = 5_600_000  # R12.4, about 5.6 million members in 2026
EVENTS_PER_MEMBER = 5  # at most: admitted, recognised, out, in, and one more
CCCD_CODES = sorted(member_rules.CCCD_PROVINCE_CODES)
RESTRUCTURING = dt.date(2025, 7, 1)  # two-level local government, QĐ 294-QĐ/TW
# The synthetic organisations stand for themselves and their predecessors before
# the 2025 rearrangement (provinces merged, communes merged, districts removed):
# each is dated from before the oldest member history it holds (at most 55 years
# of membership before TODAY), so that no member is ever recorded in an
# organisation that did not exist yet on that day.
FOUNDED = dt.date(1970, 1, 1)
AFTER_EVERY_EVENT = dt.date(9999, 12, 31)  # party age read after the whole history
TODAY = dt.date(2026, 11, 1)  # fixed "now" for determinism; events never pass the real today


@dataclass
class Org:
    id: int
    path: str
    depth: int
    parent_id: int | None
    code: str
    name: str
    document_name: str
    level: str
    unit_type: str
    province_id: int | None
    commune_id: int | None
    meeting_rule: str = ""
    meeting_day: int | None = None
    meeting_weekday: int | None = None
    valid_from: dt.date = FOUNDED
    children: int = 0

    def row(self) -> tuple:
        return (
            self.id,
            self.path,
            self.depth,
            self.parent_id,
            self.code,
            self.name,
            self.document_name,
            self.level,
            self.unit_type,
            self.province_id,
            self.commune_id,
            self.meeting_rule,
            self.meeting_day,
            self.meeting_weekday,
            self.valid_from,
            None,
        )

    def created_event_row(self, event_id: int, created_at: dt.datetime) -> tuple:
        """The dated 'created' event that opens the organisation's history."""
        after = json.dumps({"name": self.name, "parent_id": self.parent_id}, ensure_ascii=False)
        return (
            event_id,
            self.id,
            "created",
            self.valid_from,
            "",
            None,
            "{}",
            after,
            None,
            "",
            None,
            created_at,
        )


ORG_EVENT_COLUMNS = [
    "id",
    "organization_id",
    "kind",
    "date",
    "decision_number",
    "decision_date",
    "before",
    "after",
    "related_id",
    "note",
    "created_by_id",
    "created_at",
]

ORG_COLUMNS = [
    "id",
    "path",
    "depth",
    "parent_id",
    "code",
    "name",
    "document_name",
    "level",
    "unit_type",
    "province_id",
    "commune_id",
    "meeting_rule",
    "meeting_day",
    "meeting_weekday",
    "valid_from",
    "valid_to",
]

MEMBER_COLUMNS = [
    "id",
    "family_name",
    "middle_name",
    "given_name",
    "birth_name",
    "gender",
    "birth_date",
    "birth_province_id",
    "birth_place",
    "hometown_province_id",
    "hometown_commune_id",
    "hometown",
    "permanent_province_id",
    "permanent_commune_id",
    "permanent_street",
    "current_province_id",
    "current_commune_id",
    "current_street",
    "ethnicity_id",
    "religion_id",
    "citizen_id",
    "phone",
    "email",
    "photo",
    "party_card_number",
    "cv_number",
    "admission_decision_date",
    "admission_decision_number",
    "joining_date",
    "official_date",
    "admitting_organization",
    "introducer_1",
    "introducer_2",
    "age_exception",
    "general_education_id",
    "professional_qualification_id",
    "degree_id",
    "academic_title_id",
    "political_theory_id",
    "state_management_id",
    "it_level_id",
    "languages",
    "occupation_id",
    "workplace",
    "status",
    "is_exempt",
    "organization_id",
    "org_path",
    "sort_key",
    "search_name",
    "user_id",
    "version",
    "created_at",
    "updated_at",
    "party_age_start",
]

EVENT_COLUMNS = [
    "id",
    "member_id",
    "kind",
    "date",
    "seq",
    "organization_id",
    "other_party",
    "decision_number",
    "decision_date",
    "decided_by",
    "reason",
    "note",
    "status_after",
    "organization_after_id",
    "exempt_after",
    "created_by_id",
    "created_at",
]


def citizen_id_for(pcode: int, serial: int, birth: dt.date, male: bool) -> str:
    """A well-formed citizen ID, unique for each (province, serial) while a province
    has fewer than a million members: the province's code, century and sex, year
    of birth, then the serial. Past a million the province code moves on."""
    home = f"{pcode:03d}"
    index = CCCD_CODES.index(home) if home in CCCD_CODES else 0
    prefix = CCCD_CODES[(index + serial // 1_000_000) % len(CCCD_CODES)]
    century = (birth.year - 1900) // 100 * 2 + (0 if male else 1)
    return f"{prefix}{century}{birth.year % 100:02d}{serial % 1_000_000:06d}"


@dataclass
class Plan:
    """What to build: members spread over provinces, real communes in each."""

    members: int
    seed: int = 1
    province_codes: list[int] = field(default_factory=list)
    min_communes: int = 1
    members_per_cell: int = 21  # 5.6 million members in about 270,000 cells
    meetings: bool = True  # a year of cell meetings (seeding.meetings) after the members
    dues: bool = True  # 12 months of party dues (seeding.dues) after the meetings


@dataclass
class Built:
    orgs: list[Org]
    cells: list[Org]


@lru_cache(maxsize=4096)
def _key(part: str) -> bytes:
    return collation_key(part)


@lru_cache(maxsize=4096)
def _fold(part: str) -> str:
    return fold(part)


# The rules' answers for a day (or a day and a gender): a few tens of thousands
# of distinct days among millions of members, each computed once per process.
@lru_cache(maxsize=65536)
def _probation_end(joining: dt.date) -> dt.date:
    return member_rules.probation_end(joining)


@lru_cache(maxsize=65536)
def _past_retirement_age(birth: dt.date, gender: str) -> bool:
    return member_rules.past_retirement_age(birth, gender, TODAY)


def default_provinces(members: int) -> list[int]:
    """About 165,000 members a province, up to all 34."""
    count = max(1, min(34, round(members / 165_000)))
    return [int(p.code) for p in VNProvince.iter_all()][:count]


class Generator:
    def __init__(
        self,
        plan: Plan,
        *,
        first_org_id: int,
        first_member_id: int,
        first_event_id: int,
        catalog: dict[tuple[str, str], int],
        root: Org | None = None,
    ):
        self.plan = plan
        self.rng = random.Random(plan.seed)
        self.next_org = first_org_id
        self.first_member_id = first_member_id
        self.first_event_id = first_event_id
        # The first member id of each province (its members are one run of ids),
        # set by slots(): citizen IDs are numbered within the province.
        self.province_first_id: dict[int | None, int] = {}
        self.catalog = catalog
        # The rules' answers cached per process: read the rules in force now.
        _probation_end.cache_clear()
        _past_retirement_age.cache_clear()
        self.root = root
        self.created_at = dt.datetime(2026, 11, 1, 8, 0, tzinfo=dt.UTC)

    # --- organisations -----------------------------------------------------

    def _org(self, parent: Org | None, **kw) -> Org:
        if parent is None:
            path, depth, parent_id = path_step(kw.pop("index")), 1, None
        else:
            parent.children += 1
            path, depth, parent_id = (
                parent.path + path_step(parent.children),
                parent.depth + 1,
                parent.id,
            )
        org = Org(id=self.next_org, path=path, depth=depth, parent_id=parent_id, **kw)
        self.next_org += 1
        return org

    def build_tree(self) -> Built:
        plan, rng = self.plan, self.rng
        orgs: list[Org] = []
        cells: list[Org] = []
        root = self.root
        if root is None:
            root = self._org(
                None,
                index=1,
                code="TW",
                name="Đảng Cộng sản Việt Nam",
                document_name="BAN CHẤP HÀNH TRUNG ƯƠNG",
                level=Level.CENTRAL,
                unit_type=UnitType.OTHER,
                province_id=None,
                commune_id=None,
                valid_from=dt.date(1930, 2, 3),
            )
            orgs.append(root)
        codes = plan.province_codes or default_provinces(plan.members)
        per_province = math.ceil(plan.members / len(codes))
        for pcode in codes:
            province = VNProvince.from_code(pcode)  # type: ignore[arg-type]  # an int code
            is_city = province.name.startswith("Thành phố")
            short = province.name.removeprefix("Thành phố ")
            prov = self._org(
                root,
                code=f"T{pcode:02d}",
                name=f"Đảng bộ {'thành phố' if is_city else 'tỉnh'} {short}",
                document_name=f"{'THÀNH ỦY' if is_city else 'TỈNH ỦY'} {short.upper()}",
                level=Level.PROVINCIAL,
                unit_type=UnitType.OTHER,
                province_id=pcode,
                commune_id=None,
            )
            orgs.append(prov)
            n_cells = max(30, math.ceil(per_province / plan.members_per_cell))
            wards = list(VNWard.iter_by_province(province.code))
            rng.shuffle(wards)
            # At the party's full size every real commune and ward has its committee;
            # smaller sets use a share of them. Three cells in four are in communes.
            fraction = min(1.0, per_province / (NATIONAL_MEMBERS / 34))
            n_communes = min(len(wards), max(plan.min_communes, math.ceil(len(wards) * fraction)))
            commune_cells = max(n_communes, round(n_cells * 0.75))
            agency_cells = max(8, n_cells - commune_cells)
            for i, ward in enumerate(wards[:n_communes]):
                share = commune_cells // n_communes + (1 if i < commune_cells % n_communes else 0)
                self._commune_tree(prov, ward, max(share, 1), orgs, cells)
            self._agency_tree(prov, pcode, agency_cells, orgs, cells)
        return Built(orgs, cells)

    def _commune_tree(self, prov: Org, ward, n_cells: int, orgs: list[Org], cells: list[Org]):
        rng = self.rng
        kind = ward.division_type.value  # xã / phường / đặc khu
        short = ward.name.split(" ", 1)[1] if " " in ward.name else ward.name
        committee = self._org(
            prov,
            code=f"X{int(ward.code):05d}",
            name=f"Đảng bộ {kind} {short}",
            document_name=f"ĐẢNG ỦY {kind.upper()} {short.upper()}",
            level=Level.SUPERIOR,
            unit_type=UnitType.WARD if kind == "phường" else UnitType.COMMUNE,
            province_id=prov.province_id,
            commune_id=int(ward.code),
        )
        orgs.append(committee)
        for j in range(n_cells):
            if j % 12 == 11:  # a school's grassroots cell meets on the first-week Thursday
                cell = self._org(
                    committee,
                    code=f"{committee.code}-{j + 1:03d}",
                    name=f"Chi bộ Trường THCS {short}" + (f" {j // 12 + 1}" if j > 11 else ""),
                    document_name=f"CHI BỘ TRƯỜNG THCS {short.upper()}",
                    level=Level.GRASSROOTS_CELL,
                    unit_type=UnitType.SCHOOL,
                    province_id=prov.province_id,
                    commune_id=committee.commune_id,
                    meeting_rule=MeetingRule.WEEKDAY_OF_FIRST_WEEK,
                    meeting_weekday=3,
                )
            else:
                if kind == "phường":
                    label = f"tổ dân phố {j + 1}"
                else:
                    word = VILLAGE_WORDS[j % len(VILLAGE_WORDS)]
                    label = f"thôn {word}" + (
                        f" {j // len(VILLAGE_WORDS) + 1}" if j >= len(VILLAGE_WORDS) else ""
                    )
                cell = self._org(
                    committee,
                    code=f"{committee.code}-{j + 1:03d}",
                    name=f"Chi bộ {label}",
                    document_name=f"CHI BỘ {label.upper()}",
                    level=Level.CELL,
                    unit_type=committee.unit_type,
                    province_id=prov.province_id,
                    commune_id=committee.commune_id,
                    meeting_rule=MeetingRule.DAY_OF_MONTH,
                    meeting_day=rng.choice([7, 7, 7, 10]),  # most cells: the 7th (seed 002)
                )
            orgs.append(cell)
            cells.append(cell)

    def _agency_tree(self, prov: Org, pcode: int, n_cells: int, orgs: list[Org], cells: list[Org]):
        bloc = self._org(
            prov,
            code=f"CQ{pcode:02d}",
            name="Đảng bộ các cơ quan Đảng và chính quyền tỉnh",
            document_name="ĐẢNG ỦY CÁC CƠ QUAN ĐẢNG VÀ CHÍNH QUYỀN TỈNH",
            level=Level.SUPERIOR,
            unit_type=UnitType.AGENCY,
            province_id=pcode,
            commune_id=None,
        )
        orgs.append(bloc)
        per_agency = 8
        n_agencies = max(1, math.ceil(n_cells / per_agency))
        made = 0
        for a in range(n_agencies):
            name = AGENCIES[a % len(AGENCIES)] + (
                f" {a // len(AGENCIES) + 1}" if a >= len(AGENCIES) else ""
            )
            committee = self._org(
                bloc,
                code=f"{bloc.code}-{a + 1:04d}",
                name=f"Đảng bộ {name}",
                document_name=f"ĐẢNG ỦY {name.upper()}",
                level=Level.GRASSROOTS_COMMITTEE,
                unit_type=UnitType.AGENCY,
                province_id=pcode,
                commune_id=None,
            )
            orgs.append(committee)
            parent = committee
            if a == 0:  # one agency has a partial committee between it and its cells
                parent = self._org(
                    committee,
                    code=f"{committee.code}-BP",
                    name=f"Đảng bộ bộ phận {name}",
                    document_name=f"ĐẢNG ỦY BỘ PHẬN {name.upper()}",
                    level=Level.PARTIAL_COMMITTEE,
                    unit_type=UnitType.AGENCY,
                    province_id=pcode,
                    commune_id=None,
                )
                orgs.append(parent)
            count = min(per_agency, n_cells - made)
            for c in range(count):
                label = AGENCY_CELLS[c % len(AGENCY_CELLS)]
                # Agency cells meet on the Thursday of the first week; the day once
                # drawn here is still drawn, so the random stream (and the data
                # generated after it) stays as it was.
                self.rng.choice([5, 7, 15])
                cell = self._org(
                    parent,
                    code=f"{committee.code}-{c + 1:02d}",
                    name=f"Chi bộ {label}",
                    document_name=f"CHI BỘ {label.upper()}",
                    level=Level.CELL,
                    unit_type=UnitType.AGENCY,
                    province_id=pcode,
                    commune_id=None,
                    meeting_rule=MeetingRule.WEEKDAY_OF_FIRST_WEEK,
                    meeting_weekday=3,
                )
                orgs.append(cell)
                cells.append(cell)
            made += count

    # --- members -----------------------------------------------------------

    def _cat(self, kind: str, code: int | None) -> int | None:
        return None if code is None else self.catalog[(kind, f"{code:02d}")]

    @cached_property
    def _cats(self) -> dict[tuple[str, int | None], int | None]:
        """The catalogue ids by (kind, number), (kind, None) giving None: what
        `_cat` answers, looked up once and then read without a call."""
        cat = self._cat

        class Known(dict):
            def __missing__(self, key):
                self[key] = value = cat(*key)
                return value

        return Known()

    def slots(self, cells: list[Org]) -> list[tuple[int, int, int]]:
        """(cell index, first member id, member count) for every cell: the plan's
        members spread unevenly over the cells."""
        total = self.plan.members
        weights = [self.rng.uniform(0.4, 1.6) for _ in cells]
        scale = total / sum(weights)
        quotas = [int(w * scale) for w in weights]
        for i in range(total - sum(quotas)):
            quotas[i % len(quotas)] += 1
        out, next_id = [], self.first_member_id
        for index, quota in enumerate(quotas):
            out.append((index, next_id, quota))
            self.province_first_id.setdefault(cells[index].province_id, next_id)
            next_id += quota
        return out

    def members(
        self, cells: list[Org], slots: list[tuple[int, int, int]] | None = None
    ) -> Iterator[tuple[tuple, list[tuple]]]:
        """(member row, event rows) for the given slots (all cells by default).

        Each cell draws from its own random stream seeded by (seed, cell), so the
        data are the same however the cells are shared out between processes.
        """
        wards_by_province: dict[int, list[int]] = {}
        for index, first_id, count in slots if slots is not None else self.slots(cells):
            cell = cells[index]
            pcode = cell.province_id
            assert pcode is not None  # every seeded cell lies in a province
            if pcode not in wards_by_province:
                wards_by_province[pcode] = [
                    int(w.code)
                    for w in VNWard.iter_by_province(pcode)  # type: ignore[arg-type]
                ]
            rng = random.Random(self.plan.seed * 1_000_003 + cell.id)
            rnd = rng.random

            # Cheaper than Random.choice/randint, which dominate the seeding time.
            def pick(seq, rnd=rnd):
                return seq[int(rnd() * len(seq))]

            def between(low, high, rnd=rnd):
                return low + int(rnd() * (high - low + 1))

            for mid in range(first_id, first_id + count):
                yield self._member(
                    cell, cells, index, wards_by_province[pcode], mid, rng, pick, between
                )

    def _member(self, cell, cells, cell_index, wards, mid, rng, pick, between):
        event_id = self.first_event_id + (mid - self.first_member_id) * EVENTS_PER_MEMBER
        male = rng.random() < 0.64
        # What rng.choices(FAMILY_NAMES, cum_weights=FAMILY_CUM) draws, without its overhead.
        family = FAMILY_NAMES[bisect(FAMILY_CUM, rng.random() * FAMILY_TOTAL, 0, FAMILY_LAST)]
        if male:
            middle = pick(MIDDLE_MALE)
            given = pick(GIVEN_MALE if rng.random() < 0.85 else GIVEN_UNISEX)
        else:
            middle = pick(MIDDLE_FEMALE)
            given = pick(GIVEN_FEMALE if rng.random() < 0.85 else GIVEN_UNISEX)
        age_at_join = between(18 * 12 + 1, 45 * 12) / 12
        years_member = pick([rng.uniform(0.3, 10), rng.uniform(0.3, 10), rng.uniform(10, 55)])
        joining = TODAY - dt.timedelta(days=int(years_member * 365.25))
        birth = joining - dt.timedelta(days=int(age_at_join * 365.25) + between(0, 200))
        decision = joining - dt.timedelta(days=between(7, 40))
        official = _probation_end(joining)
        official = official if official <= TODAY else None

        pcode = cell.province_id or 42
        commune = cell.commune_id or pick(wards)
        home_commune = commune if rng.random() < 0.7 else pick(wards)
        citizen_id = citizen_id_for(
            pcode,
            mid - self.province_first_id.get(cell.province_id, self.first_member_id),
            birth,
            male,
        )
        street = (
            f"Số {between(1, 200)} đường {pick(STREETS)}"
            if cell.unit_type in (UnitType.WARD, UnitType.AGENCY)
            else f"Thôn {pick(VILLAGE_WORDS)}"
        )
        ethnicity = 1 if rng.random() < 0.86 else pick([2, 3, 6, 7, 8, 9, 24, 44])
        religion = 1 if rng.random() < 0.9 else pick([2, 3, 4, 5])
        agency = cell.unit_type == UnitType.AGENCY
        education = 3 if agency or rng.random() < 0.7 else pick([2, 5, 6])
        professional = pick([4, 4, 4, 3]) if agency else pick([None, None, 1, 2, 3, 4])
        degree = pick([None, None, None, 1, 1, 2]) if agency else None
        theory = pick([2, 2, 3, 4]) if agency else pick([1, 1, 1, 2, None])
        state_mgmt = pick([2, 2, 3]) if agency else None
        age = TODAY.year - birth.year
        gender = "M" if male else "F"
        if (
            age >= 55
            and _past_retirement_age(birth, gender)  # Labour Code, dated
            and rng.random() < 0.85
        ):
            occupation = 13  # retired
        elif agency:
            occupation = pick([1, 2, 2, 7, 8])
        elif age < 24:
            occupation = pick([12, 12, 4, 11])
        else:
            occupation = pick([3, 4, 4, 4, 10, 11, 14, 7, 8])
        cats = self._cats
        sort_key = _key(given) + _key(middle) + _key(family)
        search_name = f"{_fold(family)} {_fold(middle)} {_fold(given)}"

        # Events: admission, recognition, and for some members a transfer from
        # another cell, exemption, or leaving the Party.
        events: list[tuple] = []
        state = member_rules.EMPTY
        seqs: dict[dt.date, int] = {}

        def add(
            kind: str,
            date: dt.date,
            org: Org | None,
            decision_no: str = "",
            decision_date: dt.date | None = None,
            reason: str = "",
        ):
            nonlocal state
            state = member_rules.apply_event(state, kind, org.id if org else None)
            seq = seqs.get(date, -1) + 1
            seqs[date] = seq
            events.append(
                (
                    event_id + len(events),
                    mid,
                    kind,
                    date,
                    seq,
                    org.id if org else None,
                    "",
                    decision_no,
                    decision_date,
                    "",
                    reason,
                    "",
                    state.status,
                    state.organization_id,
                    state.exempt,
                    None,
                    self.created_at,
                )
            )

        # Some members came from another cell: by a transfer they asked for, or
        # reassigned when the organisations were rearranged on 1/7/2025.
        moved_on = None
        if rng.random() < 0.1 and len(cells) > 1:
            start = (official or joining) + dt.timedelta(days=between(30, 2000))
            restructured = max(RESTRUCTURING, (official or joining) + dt.timedelta(days=1))
            if start < TODAY - dt.timedelta(days=90):
                moved_on = ("transfer", start)
            elif restructured <= TODAY:
                moved_on = ("reassign", restructured)
        first_cell = (
            cells[(cell_index + between(1, len(cells) - 1)) % len(cells)] if moved_on else cell
        )
        admission_number = f"{between(1, 999)}-QĐ/ĐU"  # one decision: the record and its event
        add(EventKind.ADMITTED, joining, first_cell, admission_number, decision)
        if official:
            add(
                EventKind.RECOGNISED,
                official,
                None,
                f"{between(1, 999)}-QĐ/ĐU",
                official + dt.timedelta(days=between(5, 40)),
            )
        if moved_on and moved_on[0] == "transfer":
            start = moved_on[1]
            arrive = start + dt.timedelta(days=pick([0, 0, 5, 20, 45, 400]))
            add(EventKind.TRANSFERRED_OUT, start, None, reason="Chuyển nơi cư trú")
            add(EventKind.TRANSFERRED_IN, min(arrive, TODAY), cell)
        elif moved_on:
            add(EventKind.REASSIGNED, moved_on[1], cell, reason="Sắp xếp tổ chức cơ sở đảng 2025")
        roll = rng.random()
        last = max(e[3] for e in events)
        end_date = last + dt.timedelta(days=between(30, 900))
        if end_date < TODAY:
            if roll < 0.035 and state.status in (Status.OFFICIAL, Status.PROBATIONARY):
                add(EventKind.DECEASED, end_date, None)
            elif roll < 0.045:
                add(
                    EventKind.NAME_DELETED,
                    end_date,
                    None,
                    reason="Bỏ sinh hoạt 3 tháng không có lý do",
                )
            elif roll < 0.05:
                add(EventKind.LEFT, end_date, None, reason="Xin ra khỏi Đảng")
            elif roll < 0.052 and state.status == Status.OFFICIAL:  # R1.16
                add(EventKind.EXPELLED, end_date, None, reason="Vi phạm kỷ luật")
            elif roll < 0.11 and birth.year < 1960:
                add(EventKind.EXEMPTED, end_date, None, reason="Tuổi cao, sức yếu")

        final_org = cell  # every history above ends in the member's current cell
        # Member.party_age_start (R1.17-R1.18): the admission decision, moved
        # later by a transfer's gap (rules.party_age on the history); none
        # while probationary or out of the Party.
        if state.status != Status.OFFICIAL:
            party_age_start = None
        elif moved_on and moved_on[0] == "transfer":
            age = member_rules.party_age(
                decision, [(e[3], e[12]) for e in events], AFTER_EVERY_EVENT
            )
            party_age_start = age.counted_from if age else None
        else:
            party_age_start = decision
        row = (
            mid,
            family,
            middle,
            given,
            "",
            gender,
            birth,
            pcode,
            "",
            pcode,
            home_commune,
            "",
            pcode,
            commune,
            street,
            pcode,
            commune,
            street,
            cats[("ethnicity", ethnicity)],
            cats[("religion", religion)],
            citizen_id,
            f"09{between(10_000_000, 99_999_999)}",
            "",
            "",
            f"{pcode:02d}{mid:08d}",
            f"{pcode:02d}.{mid:07d}",
            decision,
            admission_number,
            joining,
            official,
            first_cell.name,
            "",
            "",
            "",
            cats[("general_education", education)],
            cats[("professional", professional)],
            cats[("degree", degree)],
            None,
            cats[("political_theory", theory)],
            cats[("state_management", state_mgmt)],
            None,
            "Tiếng Anh B1" if agency and rng.random() < 0.6 else "",
            cats[("occupation", occupation)],
            cell.name.replace("Chi bộ ", "") if agency else pick(WORKPLACES),
            state.status,
            state.exempt,
            final_org.id,
            final_org.path,
            sort_key,
            search_name,
            None,
            1,
            self.created_at,
            self.created_at,
            party_age_start,
        )
        return row, events
