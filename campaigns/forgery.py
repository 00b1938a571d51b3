"""Forgery signals: certificates whose data cannot be right, found by the database.

Each signal is one boolean expression annotated on the certificate queryset (a grouped count,
an SQL checksum, a comparison of dates), so a list of millions of certificates is filtered and
counted by the database, never by a Python loop. Certificates already checked (genuine or
forged) leave the lists; the bureau's check is a ForgeryCheck.
"""

from functools import reduce
from operator import add, or_

from django.db.models import (
    BooleanField,
    Case,
    Count,
    ExpressionWrapper,
    F,
    IntegerField,
    OuterRef,
    Q,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Cast, Coalesce, Concat, ExtractDay, ExtractMonth, ExtractYear, Mod, Substr
from django.db.models.lookups import Exact

from registry.choices import Scheme, Verification
from registry.models import Certificate, today
from registry.validators import ID_CHECK_CHARS, ID_WEIGHTS

from .choices import ForgerySignal

ID18_PATTERN = r"^[0-9]{17}[0-9X]$"


def flag_name(signal):
    return f"is_{signal}"


def _holders():
    """How many different people hold this certificate's number within its scheme."""
    same_number = (
        Certificate.objects.filter(number=OuterRef("number"), category__scheme=OuterRef("category__scheme"))
        .order_by()
        .values("number")
        .annotate(holders=Count("worker", distinct=True))
        .values("holders")[:1]
    )
    return Coalesce(Subquery(same_number, output_field=IntegerField()), 0)


def _id_check_char_matches():
    """The 18th character equals GB 11643's check character of the first 17 (digits assumed)."""
    weighted = [
        Cast(Substr("worker__id_number", position, 1), IntegerField()) * weight
        for position, weight in enumerate(ID_WEIGHTS, start=1)
    ]
    expected = Substr(Value(ID_CHECK_CHARS), Mod(reduce(add, weighted), 11) + 1, 1)
    return Exact(Substr("worker__id_number", 18, 1), expected)


def _date_key(expression, extra_years=0):
    """A date as the number YYYYMMDD (+ years), comparable on every database without date arithmetic."""
    return (ExtractYear(expression) + extra_years) * 10000 + ExtractMonth(expression) * 100 + ExtractDay(expression)


def signal_expressions(on=None):
    """{signal: boolean expression} for the five signals of ForgerySignal."""
    on = on or today()
    bad_checksum = Case(
        When(worker__id_number="", then=Value(False)),
        When(~Q(worker__id_number__regex=ID18_PATTERN), then=Value(True)),
        When(_id_check_char_matches(), then=Value(False)),
        default=Value(True),
        output_field=BooleanField(),
    )
    # A review renews a certificate from its old expiry, so a reviewed certificate may run up to a
    # year past "last review + validity"; an unreviewed one never past "issue + validity".
    base = Coalesce("last_reviewed_on", "issued_on")
    allowed_years = F("category__validity_years") + Case(
        When(last_reviewed_on__isnull=False, then=Value(1)), default=Value(0), output_field=IntegerField()
    )
    return {
        ForgerySignal.SHARED_NUMBER: ExpressionWrapper(~Q(number="") & Q(holders__gte=2), output_field=BooleanField()),
        ForgerySignal.BAD_ID_CHECKSUM: bad_checksum,
        ForgerySignal.NUMBER_NOT_ID: ExpressionWrapper(
            Q(category__scheme=Scheme.SPECIAL_OPERATION)
            & ~Q(number="")
            & ~Q(worker__id_number="")
            & ~Q(number=Concat(Value("T"), F("worker__id_number"))),
            output_field=BooleanField(),
        ),
        ForgerySignal.FUTURE_ISSUE: ExpressionWrapper(Q(issued_on__gt=on), output_field=BooleanField()),
        ForgerySignal.VALIDITY_TOO_LONG: ExpressionWrapper(
            Q(valid_key__gt=_date_key(base, allowed_years)), output_field=BooleanField()
        ),
    }


def with_signals(queryset, on=None):
    """Annotate `is_<signal>` for every signal (and `holders`, the people sharing the number)."""
    annotations = {flag_name(signal): expression for signal, expression in signal_expressions(on).items()}
    return queryset.annotate(holders=_holders(), valid_key=_date_key("valid_until")).annotate(**annotations)


def flagged_certificates(user, on=None, signal=None):
    """The user's unchecked certificates showing a signal (the given one, else any)."""
    queryset = with_signals(Certificate.objects.for_user(user).filter(verification=Verification.UNVERIFIED), on)
    signals = [signal] if signal else list(ForgerySignal)
    return queryset.filter(reduce(or_, (Q(**{flag_name(s): True}) for s in signals)))


def signal_counts(queryset):
    """{signal: how many certificates of `queryset` (from flagged_certificates) show it}, in one query."""
    return queryset.aggregate(**{signal.value: Count("pk", filter=Q(**{flag_name(signal): True})) for signal in ForgerySignal})


def signals_of(certificate):
    """The signals an annotated certificate shows."""
    return [signal for signal in ForgerySignal if getattr(certificate, flag_name(signal), False)]
