"""Users made as the portal makes them (units.services.user_create), with the one password every test signs in with."""

import factory
from factory.django import DjangoModelFactory

from units.models import Unit, User
from units.services import user_create

PASSWORD = "Test@2025pw"


class UserFactory(DjangoModelFactory):
    """A user of a role with the test password; a unit role names its unit of the loaded plan by code:
    `UserFactory(role=User.Role.REPORTER, unit_code="jingyang")`. Usernames read as the unit or role and a number."""

    class Meta:
        model = User

    class Params:
        unit_code = None

    username = factory.LazyAttributeSequence(lambda o, n: f"{o.unit_code or str(o.role)}-{n}")
    role = User.Role.REPORTER
    unit = factory.LazyAttribute(lambda o: Unit.objects.get(code=o.unit_code) if o.unit_code else None)

    @classmethod
    def _create(cls, model_class, *args, **kwargs) -> User:
        # Through the service, so a unit role without a unit is refused and admin access follows the role.
        return user_create(password=PASSWORD, **kwargs)
