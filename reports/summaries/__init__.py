"""The city's figures for the dashboard, the town league table and the review forecast.

Rows only, no format: the HTML pages, the charts' data and the XLSX files are all fed by what
these functions return. Every figure is counted in the database with grouped queries
(`values(...).annotate(Count(...))`), a fixed number of them whatever the number of towns or
workers; Python only adds up cells of at most towns × training categories.

The figures speak the ledger's vocabulary: `for_user` scoping, the certificates' statuses as the
model computes them (`with_status`, `in_good_standing`), `TrainingNeed.open()`'s statuses, and
the review horizon of the home page (`JINJIANG_CERT_REVIEW_HORIZON_DAYS`). The tests hold the
dashboard's city totals to the home page's figures and each figure to the count of the list it
links to.

A town clerk sees their own town's row and the city's totals: the totals are counted over every
town, and no other town's row leaves this package.
"""

from .base import IN_STANDING, Column, Scope, city, scheme_for, scoped_workers
from .dashboard import (
    CATEGORY_COLUMNS,
    CATEGORY_KEYS,
    COUNT_KEYS,
    DASHBOARD_COLUMNS,
    SORT_KEYS,
    Row,
    Table,
    category_breakdown,
    chart_data,
    dashboard_table,
    ledger_cells,
    monthly_trend,
    parse_sort,
    sort_rows,
    town_figures,
)
from .forecast import Forecast, ForecastLine, forecast_window, review_forecast
from .league import LEAGUE_FIGURES, League, LeagueRow, end_of_last_month, league_table

__all__ = [
    "CATEGORY_COLUMNS", "CATEGORY_KEYS", "COUNT_KEYS", "DASHBOARD_COLUMNS", "IN_STANDING", "LEAGUE_FIGURES",
    "SORT_KEYS", "Column", "Forecast", "ForecastLine", "League", "LeagueRow", "Row", "Scope", "Table",
    "category_breakdown", "chart_data", "city", "dashboard_table", "end_of_last_month", "forecast_window",
    "ledger_cells", "league_table", "monthly_trend", "parse_sort", "review_forecast",
    "scheme_for", "scoped_workers", "sort_rows", "town_figures",
]
