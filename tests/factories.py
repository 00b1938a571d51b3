"""Factories for the registry; valid identifiers come from the checksum helpers."""

import datetime

import factory

from registry import validators
from registry.choices import NeedKind, Role
from registry.models import (
    Certificate,
    CertificateCategory,
    Department,
    Town,
    TrainingNeed,
    Unit,
    User,
    Worker,
)


def make_id_number(serial, birth=datetime.date(1985, 3, 1), region="350582"):
    first17 = f"{region}{birth:%Y%m%d}{serial % 1000:03d}"
    return first17 + validators.id_check_char(first17)


def make_credit_code(serial):
    first17 = f"91350582MA{serial:07d}"[:17]
    return first17 + validators.credit_check_char(first17)


def town(short_name):
    return Town.objects.get(short_name=short_name)


def category(key):
    return CertificateCategory.objects.get(key=key)


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    role = Role.SAFETY_OFFICE
    password = factory.PostGenerationMethodCall("set_password", "pass-word-123")

    @factory.post_generation
    def _save(obj, create, extracted, **kwargs):
        if create:
            obj.save()


class UnitFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Unit

    town = factory.LazyFunction(lambda: town("青阳"))
    name = factory.Sequence(lambda n: f"晋江市测试制造有限公司{n}")
    credit_code = factory.Sequence(make_credit_code)


class WorkerFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Worker

    unit = factory.SubFactory(UnitFactory)
    name = factory.Sequence(lambda n: f"张{'一二三四五六七八九十'[n % 10]}{n}")
    id_number = factory.Sequence(lambda n: make_id_number(n, datetime.date(1980, 1, 1) + datetime.timedelta(days=n // 1000)))
    mobile = factory.Sequence(lambda n: f"138{n:08d}")


class CertificateFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Certificate

    worker = factory.SubFactory(WorkerFactory)
    category = factory.LazyFunction(lambda: category("op-1-2"))
    number = factory.LazyAttribute(lambda o: f"T{o.worker.id_number}")
    issued_on = factory.LazyFunction(lambda: datetime.date.today() - datetime.timedelta(days=200))
    valid_until = None


class TrainingNeedFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = TrainingNeed

    worker = factory.SubFactory(WorkerFactory)
    category = factory.LazyFunction(lambda: category("op-1-2"))
    kind = NeedKind.INITIAL


def department(name="住建局"):
    return Department.objects.get(name=name)
