"""Demo data for 柳山镇: the organisation, 300 members and one account per role.

Running it again changes nothing: every row is found by its natural key first.
"""

from __future__ import annotations

import datetime
import random

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from accounts.models import Kind, Level, OrgUnit, Role, RoleAssignment, User
from branches.models import Gender, LiaisonPoint, Member, Position, Responsibility, ResponsibilityKind

DEMO_PASSWORD = "demo-pass-2026"  # noqa: S105 (documented demo password, refused without DEBUG)

# code, name, level, kind, parent code
UNITS = [
    ("LS", "中共柳山镇委员会", Level.COMMITTEE, "", None),
    ("LS-JG", "柳山镇机关党支部", Level.BRANCH, Kind.ORGAN, "LS"),
    ("LS01", "柳山村党总支", Level.GENERAL_BRANCH, Kind.RURAL, "LS"),
    ("LS0101", "柳山村第一党支部", Level.BRANCH, Kind.RURAL, "LS01"),
    ("LS010101", "柳山村第一党支部第一党小组", Level.GROUP, Kind.RURAL, "LS0101"),
    ("LS0102", "柳山村第二党支部", Level.BRANCH, Kind.RURAL, "LS01"),
    ("LS02", "河东社区党总支", Level.GENERAL_BRANCH, Kind.COMMUNITY, "LS"),
    ("LS0201", "河东社区第一党支部", Level.BRANCH, Kind.COMMUNITY, "LS02"),
    ("LS0202", "河东社区第二党支部", Level.BRANCH, Kind.COMMUNITY, "LS02"),
    ("LS03", "柳山镇中心学校党支部", Level.BRANCH, Kind.SCHOOL, "LS"),
    ("LS04", "柳山镇卫生院党支部", Level.BRANCH, Kind.INSTITUTION, "LS"),
    ("LS05", "柳山农业发展有限公司党支部", Level.BRANCH, Kind.ENTERPRISE, "LS"),
    ("LS06", "石桥村党支部", Level.BRANCH, Kind.RURAL, "LS"),
    ("LS07", "青龙村党支部", Level.BRANCH, Kind.RURAL, "LS"),
    ("LS08", "新华村党支部", Level.BRANCH, Kind.RURAL, "LS"),
    ("LS09", "红旗村党支部", Level.BRANCH, Kind.RURAL, "LS"),
]
MEMBERS_PER_BRANCH = 25

SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘蒋蔡余杜叶程"
GIVEN = "伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超秀兰霞平刚桂英华建国红梅玉兰志强海燕春生德明"
# Given-name characters read as a woman's or a man's; the first such character decides.
FEMALE_CHARS = set("芳娜秀英静丽艳娟兰霞桂红梅玉燕")
MALE_CHARS = set("伟强磊军勇杰涛刚建国志德生")


def gender_of(name: str) -> str | None:
    for char in name[1:]:
        if char in FEMALE_CHARS:
            return Gender.FEMALE
        if char in MALE_CHARS:
            return Gender.MALE
    return None


# username, full name, role, unit code, member to link (unit code, position) or None
ACCOUNTS = [
    ("office", "王晓燕", Role.OFFICE, "LS", None),
    ("leader", "李建国", Role.LEADER, "LS", ("LS-JG", Position.DEPUTY)),
    ("leader2", "赵海燕", Role.LEADER, "LS", None),
    ("secretary", "张志强", Role.SECRETARY, "LS0101", ("LS0101", Position.SECRETARY)),
    ("secretary2", "刘春生", Role.SECRETARY, "LS0201", ("LS0201", Position.SECRETARY)),
    ("inspector", "陈德明", Role.INSPECTOR, "LS", None),
    ("inspector2", "吴文华", Role.INSPECTOR, "LS", None),
    ("member", "周玉兰", Role.MEMBER, "LS0101", ("LS0101", Position.MEMBER)),
]
LIAISON = [("leader", "LS0101"), ("leader", "LS03")]


class Command(BaseCommand):
    help = "Create (or complete) the 柳山镇 demo data and demo accounts; safe to run twice."

    def add_arguments(self, parser):
        parser.add_argument("--force", action="store_true", help="run even when DEBUG is off")
        parser.add_argument(
            "--scale",
            choices=["township", "county"],
            default="township",
            help="county: also the benchmark county of 500 branches (seed_county)",
        )

    @transaction.atomic
    def handle(self, *args, force: bool, scale: str, **options):
        if not settings.DEBUG and not force:
            raise CommandError("DEBUG is off: refusing to add demo accounts. Use --force if you mean it.")
        units = self._units()
        self._members(units)
        self._accounts(units)
        self._genders(units)
        self._responsibilities(units)
        call_command("seed_commitments", stdout=self.stdout)
        call_command("seed_reports", stdout=self.stdout)
        call_command("seed_inspections", stdout=self.stdout)
        call_command("seed_reviews", stdout=self.stdout)
        call_command("seed_creation", stdout=self.stdout)
        call_command("seed_liaison", stdout=self.stdout)
        call_command("seed_meetings", stdout=self.stdout)
        if scale == "county":
            call_command("seed_county", stdout=self.stdout)
        self.stdout.write(
            self.style.SUCCESS(
                f"柳山镇 demo: {OrgUnit.objects.count()} units, {Member.objects.count()} members, "
                f"accounts {', '.join(a[0] for a in ACCOUNTS)} and admin (password {DEMO_PASSWORD})."
            )
        )

    def _units(self) -> dict[str, OrgUnit]:
        units: dict[str, OrgUnit] = {}
        for code, name, level, kind, parent in UNITS:
            unit = OrgUnit.objects.filter(code=code).first()
            if unit is None:
                unit = OrgUnit(code=code, name=name, level=level, kind=kind, parent=units.get(parent))
                unit.save()
            units[code] = unit
        return units

    def _members(self, units: dict[str, OrgUnit]) -> None:
        rng = random.Random(2026)  # the same names every run  # noqa: S311
        positions = [
            Position.SECRETARY,
            Position.DEPUTY,
            Position.COMMITTEE_MEMBER,
            Position.COMMITTEE_MEMBER,
        ]
        for unit in units.values():
            if unit.level != Level.BRANCH or unit.members.exists():
                continue
            names: set[str] = set()
            while len(names) < MEMBERS_PER_BRANCH:
                names.add(rng.choice(SURNAMES) + rng.choice(GIVEN) + rng.choice(["", *GIVEN]))
            for index, name in enumerate(sorted(names)):
                Member.objects.create(
                    unit=unit,
                    name=name,
                    gender=rng.choice([Gender.MALE, Gender.FEMALE]),  # _genders() corrects it by name
                    position=positions[index] if index < len(positions) else Position.MEMBER,
                    phone=f"139{rng.randrange(10**8):08d}",
                    joined_on=datetime.date(
                        rng.randrange(1975, 2024), rng.randrange(1, 13), rng.randrange(1, 29)
                    ),
                )

    def _accounts(self, units: dict[str, OrgUnit]) -> None:
        admin = User.objects.filter(username="admin").first() or User(
            username="admin", full_name="系统管理员"
        )
        admin.is_superuser = admin.is_staff = True
        admin.set_password(DEMO_PASSWORD)
        admin.save()
        for username, full_name, role, code, link in ACCOUNTS:
            user = User.objects.filter(username=username).first() or User(username=username)
            user.full_name = full_name
            user.set_password(DEMO_PASSWORD)
            user.save()
            RoleAssignment.objects.get_or_create(user=user, role=role, org_unit=units[code])
            if link and not Member.objects.filter(user=user).exists():
                unit_code, position = link
                member = (
                    Member.objects.filter(unit=units[unit_code], position=position, user__isnull=True)
                    .order_by("pk")
                    .first()
                )
                member.user = user
                if not Member.objects.filter(unit=member.unit, name=full_name).exists():
                    member.name = full_name  # the account and its party record name one person
                member.save()
        for username, code in LIAISON:
            LiaisonPoint.objects.get_or_create(
                leader=User.objects.get(username=username),
                branch=units[code],
                ended_on=None,
                defaults={"started_on": datetime.date(2026, 1, 5)},
            )

    def _genders(self, units: dict[str, OrgUnit]) -> None:
        """Give names that read as a woman's or a man's that gender: members are drawn at random,
        a member renamed after an account keeps the old name's, and earlier runs left them so."""
        wrong = []
        for member in Member.objects.filter(unit__in=units.values()).only("pk", "name", "gender"):
            gender = gender_of(member.name)
            if gender and member.gender != gender:
                member.gender = gender
                wrong.append(member)
        Member.objects.bulk_update(wrong, ["gender"])

    def _responsibilities(self, units: dict[str, OrgUnit]) -> None:
        organ = units["LS-JG"]
        first = Member.objects.get(unit=organ, position=Position.SECRETARY)
        second = Member.objects.get(unit=organ, user__username="leader")
        for kind, person in [(ResponsibilityKind.FIRST, first), (ResponsibilityKind.SECOND, second)]:
            Responsibility.objects.get_or_create(unit=units["LS"], kind=kind, defaults={"person": person})
