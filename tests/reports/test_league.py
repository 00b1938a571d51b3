"""The town league table: three shares, their mean as a score, ranks, and the change since the end of
last month computed from the ledger's dates (not from stored snapshots).

The day is fixed at 15 June 2026, so last month ended on 31 May 2026.
"""

import datetime
import zoneinfo

import pytest
from django.urls import reverse

from registry.choices import NeedStatus
from registry.models import Certificate, TrainingNeed, Worker
from reports import summaries
from reports.models import Submission
from tests.factories import CertificateFactory, TrainingNeedFactory, UnitFactory, WorkerFactory, category, town

ON = datetime.date(2026, 6, 15)
LAST = datetime.date(2026, 5, 31)
REGISTERED = datetime.datetime(2026, 3, 1, 9, tzinfo=zoneinfo.ZoneInfo("Asia/Shanghai"))


@pytest.fixture
def notice(campaign):
    """The notice's campaign: Attachment 1/2 were due on 1 July 2019, long before both days."""
    return campaign


def submit(campaign, short_name, form, late=False):
    return Submission.objects.create(
        town=town(short_name), campaign=campaign, form=form, version=1, is_late=late, file_name="f.xlsx",
        submitted_at=datetime.datetime(2019, 7, 5 if late else 1, 10, tzinfo=zoneinfo.ZoneInfo("Asia/Shanghai")),
        report_date=datetime.date(2019, 7, 1), due_on=datetime.date(2019, 7, 1), content=b"",
    )


@pytest.fixture
def league_ledger(notice):
    qingyang = UnitFactory(town=town("青阳"))
    q1, q2 = WorkerFactory(unit=qingyang), WorkerFactory(unit=qingyang)
    CertificateFactory(worker=q1, category=category("op-1-2"), issued_on=datetime.date(2025, 1, 10))  # valid on both
    CertificateFactory(worker=q2, category=category("op-1-2"), issued_on=datetime.date(2026, 6, 10))  # after LAST
    TrainingNeedFactory(worker=q1, category=category("op-2-1"), status=NeedStatus.CERTIFIED,
                        closed_on=datetime.date(2026, 6, 5))  # closed after LAST
    TrainingNeedFactory(worker=q2, category=category("op-2-1"))  # open
    TrainingNeedFactory(worker=q2, category=category("op-3-1"), status=NeedStatus.CANCELLED,
                        closed_on=datetime.date(2026, 6, 5))  # cancelled after LAST: still counted then
    submit(notice, "青阳", 1)
    submit(notice, "青阳", 2, late=True)

    anhai = UnitFactory(town=town("安海"))
    a1 = WorkerFactory(unit=anhai)
    # special equipment: next review a month before expiry, 10 June 2026 — in good standing on LAST, overdue on ON
    CertificateFactory(worker=a1, category=category("se-9-n1"), issued_on=datetime.date(2022, 7, 10),
                       valid_until=datetime.date(2026, 7, 10))
    submit(notice, "安海", 1)
    submit(notice, "安海", 2)

    WorkerFactory(unit=qingyang, is_active=False)  # archived: not counted
    for model in (Worker, TrainingNeed, Certificate):
        model.objects.update(created_at=REGISTERED)


def league(user, campaign, scheme=None):
    return summaries.league_table(summaries.Scope(user=user, scheme=scheme, on=ON), campaign)


def by_town(table):
    return {row.town.short_name: row for row in table.rows}


def test_the_shares_now_and_at_the_end_of_last_month(league_ledger, notice, safety_office):
    table = league(safety_office, notice)
    assert table.last_month_end == LAST
    qingyang, anhai = by_town(table)["青阳"], by_town(table)["安海"]
    assert qingyang.now == pytest.approx({"certified_share": 1.0, "on_time_share": 0.5, "closed_share": 0.5,
                                          "score": 100 * 2 / 3})
    assert qingyang.last == pytest.approx({"certified_share": 0.5, "on_time_share": 0.5, "closed_share": 0.0,
                                           "score": 100 / 3})
    # 安海 has no training needs: that share is unknown and left out of the score
    assert anhai.now == pytest.approx({"certified_share": 0.0, "on_time_share": 1.0, "closed_share": None,
                                       "score": 50.0})
    assert anhai.last == pytest.approx({"certified_share": 1.0, "on_time_share": 1.0, "closed_share": None,
                                        "score": 100.0})
    assert qingyang.change == pytest.approx({"certified_share": 0.5, "on_time_share": 0.0, "closed_share": 0.5,
                                             "score": 100 / 3})
    assert anhai.change["closed_share"] is None


def test_towns_are_ranked_by_score_with_the_change_of_rank(league_ledger, notice, safety_office):
    table = league(safety_office, notice)
    assert [row.town.short_name for row in table.rows[:2]] == ["青阳", "安海"]
    qingyang, anhai, cizao = by_town(table)["青阳"], by_town(table)["安海"], by_town(table)["磁灶"]
    assert (qingyang.rank, qingyang.last_rank, qingyang.rank_change) == (1, 2, 1)
    assert (anhai.rank, anhai.last_rank, anhai.rank_change) == (2, 1, -1)
    # the other 18 towns sent nothing after the deadline: a score of 0, sharing third place
    assert (cizao.rank, cizao.now["score"]) == (3, 0.0)
    assert {row.rank for row in table.rows[2:]} == {3}


def test_the_city_line_adds_up_the_towns(league_ledger, notice, safety_office):
    totals = league(safety_office, notice).totals
    assert totals.town is None and totals.rank is None
    assert totals.now["certified_share"] == pytest.approx(2 / 3)
    assert totals.last["certified_share"] == pytest.approx(2 / 3)
    assert totals.now["on_time_share"] == pytest.approx(3 / 40)  # 3 forms on time of 2 forms × 20 towns
    assert totals.now["closed_share"] == pytest.approx(0.5)
    assert totals.last["closed_share"] == pytest.approx(0.0)


def test_before_the_deadline_only_the_forms_sent_count(league_ledger, notice, safety_office):
    """A campaign whose forms are not due yet: a town that sent nothing is not behind."""
    future = notice.copy_shifted((ON - datetime.date(2019, 6, 1)).days)  # its survey deadline is a month away
    submit(future, "青阳", 1)
    table = league(safety_office, future)
    assert by_town(table)["青阳"].now["on_time_share"] == 1.0
    assert by_town(table)["安海"].now["on_time_share"] is None


@pytest.mark.parametrize("persona, form", [("emergency_bureau", 1), ("market_bureau", 2)])
def test_a_bureau_ranks_its_scheme_and_its_form(league_ledger, notice, personas, persona, form):
    user = personas[persona]
    table = league(user, notice, scheme=user.scheme)
    assert table.form_count == 1
    qingyang, anhai = by_town(table)["青阳"], by_town(table)["安海"]
    if form == 1:
        assert qingyang.now["on_time_share"] == 1.0 and qingyang.now["certified_share"] == 1.0
        assert anhai.now["certified_share"] is None  # no special-operation workers in 安海
    else:
        assert qingyang.now["on_time_share"] == 0.0  # Attachment 2 was late
        assert qingyang.now["certified_share"] is None
        assert (anhai.now["certified_share"], anhai.last["certified_share"]) == (0.0, 1.0)


def test_a_clerk_sees_their_town_and_the_city_without_ranks(league_ledger, notice, anhai_clerk):
    table = league(anhai_clerk, notice)
    assert [row.town.short_name for row in table.rows] == ["安海"]
    assert table.rows[0].rank is None
    assert table.totals.now["certified_share"] == pytest.approx(2 / 3)


def test_the_page_shows_ranks_and_changes(client, league_ledger, notice, safety_office):
    client.force_login(safety_office)
    response = client.get(reverse("reports:league"), {"campaign": notice.pk})
    assert response.status_code == 200
    html = response.content.decode()
    assert "名次变化" in html and "全市" in html
    rows = response.context["rows"]
    assert len(rows) == 20
    ranks = [row["rank"] for row in rows]
    assert ranks == sorted(ranks)


def test_a_clerks_page_has_no_other_town(client, league_ledger, notice, qingyang_clerk):
    client.force_login(qingyang_clerk)
    response = client.get(reverse("reports:league"), {"campaign": notice.pk})
    html = response.content.decode()
    assert "安海" not in html
    assert "名次" not in html
    assert [row["town"].short_name for row in response.context["rows"]] == ["青阳"]
