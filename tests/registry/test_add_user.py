from io import StringIO

import pytest
from django.contrib.auth import authenticate
from django.core.management import CommandError, call_command

from registry.choices import Role
from registry.models import User

pytestmark = pytest.mark.django_db

PASSWORD = "Qingyang-2019-pass"


@pytest.fixture(autouse=True)
def fast_hashing(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def add_user(*args):
    out = StringIO()
    call_command("add_user", *args, stdout=out)
    return out.getvalue()


def assert_refused(message, *args):
    before = User.objects.count()
    with pytest.raises(CommandError, match=message):
        add_user(*args)
    assert User.objects.count() == before


@pytest.mark.parametrize("town_text", ["青阳街道", "青阳", "350582001", "350582001000"])
def test_it_creates_a_town_clerk_of_the_town_given_by_name_short_name_or_code(town_text):
    output = add_user("qy", "--role", "town_clerk", "--town", town_text, "--password", PASSWORD)
    user = User.objects.get(username="qy")
    assert user.role == Role.TOWN_CLERK
    assert user.town.name == "青阳街道"
    assert "青阳街道" in output


@pytest.mark.parametrize("role", [Role.SAFETY_OFFICE, Role.EMERGENCY_BUREAU, Role.MARKET_BUREAU])
def test_it_creates_city_roles_without_a_town(role):
    add_user("city", "--role", role.value, "--password", PASSWORD)
    user = User.objects.get(username="city")
    assert (user.role, user.town, user.department) == (role, None, None)


def test_it_creates_a_department_user_of_the_named_department():
    add_user("zj", "--role", "department", "--department", "住建局", "--password", PASSWORD)
    assert User.objects.get(username="zj").department.name == "住建局"


def test_the_password_is_hashed_and_the_new_user_can_sign_in():
    add_user("anban", "--role", "safety_office", "--password", PASSWORD)
    user = User.objects.get(username="anban")
    assert PASSWORD not in user.password
    assert authenticate(username="anban", password=PASSWORD) == user


def test_an_unknown_role_is_refused_with_the_valid_roles():
    assert_refused("未知角色“boss”.*town_clerk.*department", "x", "--role", "boss", "--password", PASSWORD)


def test_a_missing_role_is_refused():
    assert_refused("请用 --role 指定角色", "x", "--password", PASSWORD)


def test_an_unknown_town_is_refused_with_the_valid_short_names():
    assert_refused(
        "未找到镇（街道）“火星”。可用：青阳、梅岭.*经济开发区",
        "x", "--role", "town_clerk", "--town", "火星", "--password", PASSWORD,
    )


def test_a_town_clerk_without_a_town_is_refused():
    assert_refused("必须用 --town", "x", "--role", "town_clerk", "--password", PASSWORD)


def test_a_department_user_without_a_department_is_refused():
    assert_refused("必须用 --department", "x", "--role", "department", "--password", PASSWORD)


def test_an_unknown_department_is_refused_with_the_valid_names():
    assert_refused(
        "未找到单位“火星局”。可用：法院.*住建局", "x", "--role", "department", "--department", "火星局", "--password", PASSWORD
    )


def test_a_town_given_to_a_role_without_one_is_refused():
    assert_refused("请去掉 --town", "x", "--role", "safety_office", "--town", "青阳", "--password", PASSWORD)


def test_a_department_given_to_a_town_clerk_is_refused():
    assert_refused(
        "请去掉 --department",
        "x", "--role", "town_clerk", "--town", "青阳", "--department", "住建局", "--password", PASSWORD,
    )


def test_a_username_already_taken_is_refused_whatever_its_case():
    add_user("anhai", "--role", "town_clerk", "--town", "安海", "--password", PASSWORD)
    assert_refused("用户名“Anhai”已被使用", "Anhai", "--role", "safety_office", "--password", PASSWORD)
    assert User.objects.get(username="anhai").role == Role.TOWN_CLERK


def test_a_missing_or_weak_password_is_refused():
    assert_refused("请用 --password 指定密码", "x", "--role", "safety_office")
    assert_refused("密码不符合要求", "x", "--role", "safety_office", "--password", "123")
