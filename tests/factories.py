"""factory_boy factories for the tests."""

import factory
from django.contrib.auth.models import Group

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
