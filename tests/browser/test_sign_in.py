import pytest

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_clerk_signs_in_and_sees_their_town(page, sign_in, qingyang_clerk):
    sign_in("qingyang")
    assert "青阳街道" in page.text_content("h1")
    assert page.locator("nav.mainnav >> text=从业人员").count() == 1


def test_a_wrong_password_is_refused_in_chinese(page, qingyang_clerk):
    page.goto("/accounts/login/")
    page.fill("#id_username", "qingyang")
    page.fill("#id_password", "wrong")
    page.click("button[type=submit]")
    assert "请输入一个正确的" in page.text_content(".errorlist")


def test_a_department_sees_no_ledger_navigation(page, sign_in, department_user):
    sign_in("zhujian")
    assert page.locator("nav.mainnav >> text=从业人员").count() == 0
