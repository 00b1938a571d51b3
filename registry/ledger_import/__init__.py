"""Importing the Attachment 1/2 ledgers towns keep in Excel, WPS and CSV files.

reader (bytes → sheets) → table (finding the table) → cleaning (cells, categories) →
analysis (outcomes and plan, reads only) → writer (bulk writes) — driven by service.
"""

from .results import ImportResult, Issue, RowOutcome, RowStatus
from .service import (
    ImportNotAllowed,
    ImportStateError,
    commit_import,
    discard_import,
    import_ledger,
    import_town_for,
    preview_import,
)

__all__ = [
    "ImportNotAllowed",
    "ImportResult",
    "ImportStateError",
    "Issue",
    "RowOutcome",
    "RowStatus",
    "commit_import",
    "discard_import",
    "import_ledger",
    "import_town_for",
    "preview_import",
]
