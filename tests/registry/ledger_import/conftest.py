import pytest

from registry.ledger_import.cleaning import CategoryCatalogue
from registry.models import TrainingNeed


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    # the personas hash a password each; the default hasher costs half a second per test
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def catalogue(db):
    return CategoryCatalogue.load()


def ledger_entries(town=None):
    """The open needs as the ledger holds them: {(unit, name, mobile, category key, kind)}."""
    needs = TrainingNeed.objects.open().select_related("worker__unit", "category")
    if town is not None:
        needs = needs.filter(worker__unit__town=town)
    return {(n.worker.unit.name, n.worker.name, n.worker.mobile, n.category.key, n.kind) for n in needs}
