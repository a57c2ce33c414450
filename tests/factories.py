"""factory_boy factories for the tests."""

import datetime

import factory
from django.contrib.auth.models import Group
from django.utils import timezone

from devices.core.services import device_issue
from devices.demo import demo_imei
from devices.leavers import services as leavers
from devices.models import (
    AccessoryKind,
    AccessoryStock,
    Assignment,
    Device,
    DeviceModel,
    DeviceRequest,
    LeaverCase,
    TechBar,
)
from devices.requests import services as kit_requests
from portal.models import Role, User

DEFAULT_PASSWORD = "correct-horse-battery-staple"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    class Params:
        drawn_first_name = factory.Faker("first_name", locale="en_GB")
        drawn_last_name = factory.Faker("last_name", locale="en_GB")

    payroll_number = factory.Sequence(lambda n: f"P{n:06d}")
    # Faker's O'Brien is shown as O&#x27;Brien: names without an apostrophe keep "name in page" checks
    # true whatever Faker draws (escaping is tested on purpose in tests/security, not by chance here).
    first_name = factory.LazyAttribute(lambda u: u.drawn_first_name.replace("'", ""))
    last_name = factory.LazyAttribute(lambda u: u.drawn_last_name.replace("'", ""))
    email = factory.LazyAttribute(lambda u: f"{u.payroll_number.lower()}@police.example")
    rank_or_grade = "Police Constable"
    command_unit = "North"
    team = "Response 1"
    password = factory.django.Password(DEFAULT_PASSWORD)

    @factory.post_generation
    def roles(self, create, extracted, **kwargs):
        """UserFactory(roles=[Role.DATA_OFFICE]); everyone is an Officer unless told otherwise."""
        if not create:
            return
        names = extracted if extracted is not None else [Role.OFFICER]
        for name in names:
            self.groups.add(Group.objects.get(name=name))


# --- Devices: catalogue, devices, assignments, leaver cases and kit requests ------------------
# Rows with a life of their own (an assignment, a leaver case, a kit request) are made through
# their service, as the application makes them (events, audit, hooks): the factory only supplies
# the arguments. Catalogue rows and devices in stock are plain rows.


class TechBarFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = TechBar

    code = factory.Sequence(lambda n: f"bar-{n}")
    name = factory.LazyAttribute(lambda bar: f"{bar.code.title()} Tech Bar")


class DeviceModelFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = DeviceModel

    make = "Samsung"
    model_name = factory.Sequence(lambda n: f"Galaxy XCover {n}")
    kind = DeviceModel.Kind.SMARTPHONE

    @classmethod
    def _setup_next_sequence(cls):
        # Clear of the real model the phone_model fixture names ("Galaxy XCover 7"): counting from
        # 0, a worker's eighth model collided with it (make and model name are unique together).
        return 1000


class DeviceFactory(factory.django.DjangoModelFactory):
    """A device in stock with an asset tag, serial and, for a phone, a valid IMEI, a number and
    an MDM enrolment."""

    class Meta:
        model = Device

    class Params:
        number = factory.Sequence(lambda n: n + 1)
        phone = factory.LazyAttribute(lambda d: d.model.kind == DeviceModel.Kind.SMARTPHONE)

    asset_tag = factory.LazyAttribute(lambda d: f"KB{d.number:06d}")
    serial_number = factory.LazyAttribute(lambda d: f"SN{d.number:08d}")
    imei = factory.LazyAttribute(lambda d: demo_imei(d.number) if d.phone else "")
    phone_number = factory.LazyAttribute(lambda d: f"07700 9{d.number % 100000:05d}" if d.phone else "")
    mdm_enrolment_id = factory.LazyAttribute(lambda d: f"0f7c{d.number % 10000:04d}-aaaa-bbbb-cccc-{d.number:012d}")
    model = factory.SubFactory(DeviceModelFactory)
    tech_bar = factory.SubFactory(TechBarFactory)


class AssignmentFactory(factory.django.DjangoModelFactory):
    """A device handed to a holder at a Tech Bar, through `device_issue`."""

    class Meta:
        model = Assignment

    device = factory.SubFactory(DeviceFactory)
    holder = factory.SubFactory(UserFactory)
    issued_by = factory.SubFactory(UserFactory, roles=[Role.TECH_BAR], is_staff=True)
    issued_at_tech_bar = factory.LazyAttribute(lambda a: a.device.tech_bar)

    @classmethod
    def _create(cls, model_class, *, device, holder, issued_by, issued_at_tech_bar):
        return device_issue(device=device, holder=holder, actor=issued_by, tech_bar=issued_at_tech_bar)


class LeaverCaseFactory(factory.django.DjangoModelFactory):
    """A leaver case as the supervisor opens one: `leaver_date_set` with a date a month away."""

    class Meta:
        model = LeaverCase

    person = factory.SubFactory(UserFactory)
    actor = factory.LazyAttribute(lambda case: case.person.supervisor)
    leaving_date = factory.LazyFunction(lambda: timezone.localdate() + datetime.timedelta(days=30))
    source = LeaverCase.Source.SUPERVISOR

    @classmethod
    def _create(cls, model_class, *, person, actor, leaving_date, source):
        return leavers.leaver_date_set(person=person, leaving_date=leaving_date, actor=actor, source=source)


class DeviceRequestFactory(factory.django.DjangoModelFactory):
    """A kit request as submitted: `device_request_submit`, by the requester unless told otherwise."""

    class Meta:
        model = DeviceRequest

    requester = factory.SubFactory(UserFactory)
    submitted_by = factory.LazyAttribute(lambda r: r.requester)
    kind = "laptop"
    device_model = None
    reason = "new_starter"
    details = ""
    collect_at = factory.SubFactory(TechBarFactory)

    @classmethod
    def _create(cls, model_class, **arguments):
        return kit_requests.device_request_submit(**arguments)


class AccessoryKindFactory(factory.django.DjangoModelFactory):
    """An accessory kind (returnable unless `usage` says consumable), with its shelf code."""

    class Meta:
        model = AccessoryKind

    name = factory.Sequence(lambda n: f"USB-C charger {n}")
    code = factory.Sequence(lambda n: f"ACC-KIND{n}")
    category = AccessoryKind.Category.CHARGER
    usage = AccessoryKind.Usage.RETURNABLE


def accessory_stock(*, kind, tech_bar, quantity: int, minimum: int = 0) -> AccessoryStock:
    """`quantity` of a kind on a Tech Bar's shelves (set directly: a test's starting point)."""
    row, _ = AccessoryStock.objects.update_or_create(
        tech_bar=tech_bar, kind=kind, defaults={"quantity": quantity, "minimum": minimum}
    )
    return row
