"""What an import found and did: errors, warnings, each row's outcome, the counts.

`ImportResult.as_dict()` is the command's `--json` object; the preview page reads `rows`,
`sheets` and `error_groups()`.
"""

import datetime
from collections import Counter
from dataclasses import dataclass, field

from django.db import models
from django.utils.translation import gettext_lazy as _


class RowStatus(models.TextChoices):
    NEW = "new", _("新增")
    EXISTS = "exists", _("台账中已有")
    DUPLICATE = "duplicate", _("与前面的行重复")
    ERROR = "error", _("有错误")


@dataclass
class Issue:
    sheet: str
    row: int  # as Excel shows it; 0 for the whole file or sheet
    column: str  # the header as the file has it, or the column letter; '' for a whole row
    message: str

    def as_error(self):
        return {"sheet": self.sheet, "row": self.row, "column": self.column, "message": self.message}

    def as_warning(self):
        return {"sheet": self.sheet, "row": self.row, "message": self.message}


@dataclass
class RowOutcome:
    sheet: str
    row: int
    unit: str = ""
    name: str = ""
    mobile: str = ""
    id_number: str = ""
    category: str = ""  # the 培训类别 cell as written
    status: str = RowStatus.NEW
    entries: list = field(default_factory=list)  # what the row stands for, e.g. "电工（复审）"
    new_entries: int = 0
    new_worker: bool = False
    new_unit: bool = False
    messages: list = field(default_factory=list)  # errors, then warnings, in Chinese

    @property
    def status_label(self):
        return RowStatus(self.status).label


@dataclass
class SheetInfo:
    name: str
    town: object = None  # Town
    form: int | None = None
    reported_on: datetime.date | None = None
    header_row: int = 0
    rows: int = 0
    skipped: str = ""


@dataclass
class ImportResult:
    file_name: str
    checksum: str
    dry_run: bool = False
    skip_invalid: bool = False
    committed: bool = False
    entries_created: int = 0
    workers_created: int = 0
    units_created: int = 0
    # what committing would create from the rows without errors (the preview's figures)
    planned_entries: int = 0
    planned_workers: int = 0
    planned_units: int = 0
    errors: list = field(default_factory=list)
    warnings: list = field(default_factory=list)
    rows: list = field(default_factory=list)
    sheets: list = field(default_factory=list)
    ledger_import: object = None  # LedgerImport

    @property
    def has_errors(self):
        return bool(self.errors)

    @property
    def can_commit(self):
        return (not self.errors or self.skip_invalid) and any(sheet.rows for sheet in self.sheets)

    def error(self, sheet, row, column, message):
        self.errors.append(Issue(sheet, row, column, str(message)))

    def warn(self, sheet, row, message):
        self.warnings.append(Issue(sheet, row, "", str(message)))

    def status_counts(self):
        return Counter(outcome.status for outcome in self.rows)

    def error_groups(self):
        """[(message, count, [(sheet, row), …first 20])] most frequent first, for the preview page."""
        groups = {}
        for issue in self.errors:
            count, places = groups.get(issue.message, (0, []))
            if len(places) < 20:
                places.append((issue.sheet, issue.row))
            groups[issue.message] = (count + 1, places)
        return sorted(((message, count, places) for message, (count, places) in groups.items()), key=lambda g: -g[1])

    def as_dict(self):
        """The `--json` object of `import_ledger`."""
        return {
            "committed": self.committed,
            "entries_created": self.entries_created,
            "workers_created": self.workers_created,
            "units_created": self.units_created,
            "errors": [issue.as_error() for issue in self.errors],
            "warnings": [issue.as_warning() for issue in self.warnings],
        }

    def report(self, limit=2000):
        """What LedgerImport.report keeps: the JSON object (lists capped), sheets and error groups."""
        data = self.as_dict()
        data["error_total"], data["warning_total"] = len(self.errors), len(self.warnings)
        data["errors"], data["warnings"] = data["errors"][:limit], data["warnings"][:limit]
        data["planned"] = {
            "entries": self.planned_entries,
            "workers": self.planned_workers,
            "units": self.planned_units,
        }
        data["rows"] = dict(self.status_counts())
        data["sheets"] = [
            {
                "name": sheet.name,
                "town": sheet.town.name if sheet.town else "",
                "form": sheet.form,
                "reported_on": sheet.reported_on.isoformat() if sheet.reported_on else "",
                "rows": sheet.rows,
                "skipped": sheet.skipped,
            }
            for sheet in self.sheets
        ]
        data["error_groups"] = [
            {"message": message, "count": count} for message, count, _places in self.error_groups()[:100]
        ]
        return data
