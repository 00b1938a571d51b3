"""Figures over the ledger, aggregated in the database with a fixed number of queries."""

import datetime

from django.conf import settings
from django.db.models import Count, Q

from .choices import NeedKind, Verification
from .models import Certificate, TrainingNeed, Unit, Worker, today


def ledger_figures(user, town=None, on=None):
    """The home page's figures for what `user` may see, optionally narrowed to one town."""
    on = on or today()
    horizon = on + datetime.timedelta(days=settings.JINJIANG_CERT_REVIEW_HORIZON_DAYS)
    units = Unit.objects.for_user(user).active()
    workers = Worker.objects.for_user(user).active()
    certificates = Certificate.objects.for_user(user).of_active_workers()
    needs = TrainingNeed.objects.for_user(user).open().of_active_workers()
    if town is not None:
        units = units.filter(town=town)
        workers = workers.filter(town=town)
        certificates = certificates.filter(town=town)
        needs = needs.filter(town=town)
    certificate_counts = certificates.aggregate(
        # the same definition as the certificate list's "good standing": the holder may work
        valid=Count("pk", filter=Q(valid_until__gte=on, next_review_on__gte=on) & ~Q(verification=Verification.FORGED)),
        due_soon=Count("pk", filter=Q(valid_until__gte=on, next_review_on__gte=on, next_review_on__lte=horizon)),
        overdue=Count("pk", filter=Q(valid_until__gte=on, next_review_on__lt=on)),
        expired=Count("pk", filter=Q(valid_until__lt=on)),
    )
    need_counts = needs.aggregate(
        initial=Count("pk", filter=Q(kind=NeedKind.INITIAL)),
        review=Count("pk", filter=Q(kind=NeedKind.REVIEW)),
    )
    return {
        "units": units.count(),
        "workers": workers.count(),
        "certificates_valid": certificate_counts["valid"],
        "reviews_due": certificate_counts["due_soon"],
        "reviews_overdue": certificate_counts["overdue"],
        "certificates_expired": certificate_counts["expired"],
        "needs_initial": need_counts["initial"],
        "needs_review": need_counts["review"],
        "horizon_days": settings.JINJIANG_CERT_REVIEW_HORIZON_DAYS,
    }
