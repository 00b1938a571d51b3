"""Every list's "next page" link leads to the next page (a doubled "?" once sent it back to page 1)."""

import re

import pytest
from django.urls import reverse

from tests.factories import UnitFactory, town

pytestmark = pytest.mark.django_db


def test_the_next_page_link_of_the_unit_list_shows_page_two(client, qingyang_clerk):
    UnitFactory.create_batch(55, town=town("青阳"))
    client.force_login(qingyang_clerk)
    first = client.get(reverse("registry:unit_list")).content.decode()
    link = re.search(r'<a class="btn" href="([^"]+)">下一页</a>', first).group(1).replace("&amp;", "&")
    assert link.startswith("?") and not link.startswith("??")
    second = client.get(reverse("registry:unit_list") + link)
    assert second.context["page_obj"].number == 2
    assert len(second.context["page_obj"].object_list) == 5


def test_the_home_figure_of_valid_certificates_matches_the_list_behind_it(client, qingyang_clerk):
    import datetime

    from tests.factories import CertificateFactory, WorkerFactory, category

    worker = WorkerFactory(unit=UnitFactory(town=town("青阳")))
    today = datetime.date.today()
    CertificateFactory(worker=worker, category=category("op-1-2"), issued_on=today - datetime.timedelta(days=100))
    CertificateFactory(worker=worker, category=category("op-1-1"), issued_on=today - datetime.timedelta(days=3 * 365 - 20))
    client.force_login(qingyang_clerk)
    figure = client.get(reverse("home")).context["figures"]["certificates_valid"]
    listed = client.get(reverse("registry:certificate_list"), {"status": "good_standing"}).context["page_obj"].paginator.count
    assert figure == listed == 2
