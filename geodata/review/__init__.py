"""The monthly hotspot review: where incidents concentrate, what changed, were patrols there.

``monthly_review(incidents, month=...)`` returns a ``MonthlyReview`` that the report
(``patrol.report``), the command (``patrol review``) and the dashboard page all draw from; none of
them computes anything of their own. Problems with the data that still leave something to report
(a month without incidents, too few for the statistics, incidents outside the area, no approved
plans) become ``Notice`` entries, in English and Vietnamese, shown where the missing chart would
be. A month that cannot be reviewed at all (in the future, malformed) raises ``ReviewError``.

Definitions (see ``docs/review.md``):

- *Hot spot*: a cell whose Gi* pseudo p-value passes the FDR cut-off with ``z > 0``
  (``geodata.hotspots.gi_star``).
- *Emerging categories* over the last ``months`` months, from each month's Gi* (normal p-values,
  FDR per month) and the Mann-Kendall trend of the cell's z-scores (``scipy.stats.kendalltau``):
  ``new`` hot only in its last ``new_months`` months and never before; ``intensifying`` /
  ``persistent`` / ``diminishing`` hot in at least ``persistent_share`` of the months with a
  rising / no / falling trend; ``sporadic`` hot now and then, including the last month;
  ``historical`` hot before, not in the last month; ``none`` never hot.
- *Criminal offences* for the yearly target: every incident type except ``other``.
- *Presence*: minutes on site at the stops of approved plans whose shift date falls in the
  period: what the team's patrol record (GPS track) shows where the team-night has one, else the
  planned minutes (``depart - start``); per cell by the stop's position, per facility for stops
  within ``radius_m``.
- *Period*: the calendar month, or the 15th-to-14th period of state bodies' periodic reports
  (``[report] period``).

One file per step: ``period`` (reporting periods), ``model`` (what a review holds),
``emerging`` (categories), ``presence`` (plans and records), ``coverage`` (cells, facilities,
places named by street), ``targets``, ``recommend``, ``monthly`` (the steps put together).
"""

from geodata.review.emerging import emerging_categories
from geodata.review.model import (
    WEEKDAYS_EN,
    WEEKDAYS_VI,
    EmergingCategory,
    MonthlyReview,
    Notice,
    PatrolResults,
    Recommendation,
    TargetProgress,
    TypeTarget,
)
from geodata.review.monthly import monthly_review
from geodata.review.period import Period, check_month, parse_month, report_date
from geodata.review.presence import patrol_results, plan_presence

__all__ = [
    "WEEKDAYS_EN",
    "WEEKDAYS_VI",
    "EmergingCategory",
    "MonthlyReview",
    "Notice",
    "PatrolResults",
    "Period",
    "Recommendation",
    "TargetProgress",
    "TypeTarget",
    "check_month",
    "emerging_categories",
    "monthly_review",
    "parse_month",
    "patrol_results",
    "plan_presence",
    "report_date",
]
