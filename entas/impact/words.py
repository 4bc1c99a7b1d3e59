"""What an analysis's numbers and statements mean, in the reader's language (pages, PDF, API)."""

import datetime
from typing import Any

from django.utils.translation import gettext as _

from entas.core.numbers import day
from entas.impact.outcomes import OUTCOMES


def _day(iso: str) -> str:
    return day(datetime.date.fromisoformat(iso))


def statement(item: dict[str, Any]) -> str:
    """One sentence for one statement of impact/analysis.py (what could not be estimated, or a warning)."""
    code = item["code"]
    if code == "too_few_enrolled":
        return _("The programme has %(enrolled)s enrolled families inside this scope; at least %(needed)s are needed "
                 "to estimate an effect. No effect is estimated.") % item
    if code == "too_few_extracts":
        return _("The registry holds this measure for fewer than two extracts: a change over time cannot be "
                 "measured. No effect is estimated.")
    if code == "no_pre_period":
        return _("No enrolled family has a value of “%(outcome)s” from before its enrolment (the first extract "
                 "with it is of %(first)s): without a “before” there is no difference to compare. No effect is "
                 "estimated.") % {"outcome": OUTCOMES[item["outcome"]].label, "first": _day(item["first"])}
    if code == "some_without_pre_period":
        return _("%(families)s families enrolled before the first extract with this measure (%(first)s): they have "
                 "no “before” and are left out.") % {"families": item["families"], "first": _day(item["first"])}
    if code == "not_measured_since":
        return _("%(families)s families enrolled after the last extract (%(last)s): they have not been measured "
                 "since and are left out.") % {"families": item["families"], "last": _day(item["last"])}
    if code == "no_comparison_in_region":
        return _("%(name)s (%(regency)s): no eligible family outside the programme to compare with, so its "
                 "%(families)s enrolled families are left out.") % item
    if code == "no_comparison":
        return _("No eligible family outside the programme could be compared with the enrolled families. No "
                 "effect is estimated.")
    if code == "matching_failed":
        return _("The comparison group could not be formed (%(reason)s). No effect is estimated.") % item
    if code == "too_few_analysed":
        return _("Only %(families)s enrolled families have a comparable family and complete data; at least "
                 "%(needed)s are needed. No effect is estimated.") % item
    if code == "too_young":
        return _("No family has yet been measured %(month)s months after enrolment (the longest is %(longest)s "
                 "months): the effect at %(month)s months cannot be estimated yet.") % item
    if code == "pre_trend":
        return _("Warning: before enrolment, the enrolled families were already moving differently from the "
                 "comparison families (pre-trend test p = %(p)s). The effect below may be too high or too low; "
                 "read it with care.") % {"p": f"{item['p_value']:.3f}"}
    if code == "pre_trend_untestable":
        return _("The trend before enrolment cannot be checked: no cohort has two or more extracts before its "
                 "enrolment.")
    return code


def summary(result: dict[str, Any], outcome_code: str) -> str:
    """The finding in one or two plain sentences for a district officer; empty when none is estimated."""
    estimate = result.get("estimate")
    if not estimate:
        return ""
    outcome = OUTCOMES[outcome_code]
    values = {"outcome": str(outcome.label).lower(), "low": _number(estimate["shown_low"], outcome_code),
              "high": _number(estimate["shown_high"], outcome_code), "value": _number(estimate["shown"], outcome_code)}
    text = _("Compared with similar families outside the programme, the enrolled families' %(outcome)s changed "
             "by %(value)s on average after enrolment. The true effect most likely lies between %(low)s and "
             "%(high)s (95 %% confidence interval).") % values
    if estimate["low"] <= 0 <= estimate["high"]:
        text += " " + _("The interval includes zero: the data cannot tell an effect from no effect.")
    elif estimate["low"] > 0:
        text += " " + _("The whole interval lies above zero: the programme most likely raised it.")
    else:
        text += " " + _("The whole interval lies below zero: the programme most likely lowered it.")
    return text


def _number(value: float, outcome_code: str) -> str:
    from django.utils.formats import number_format

    logged = OUTCOMES[outcome_code].logged
    unit = " %" if logged else " " + str(OUTCOMES[outcome_code].unit)
    places = places_of(outcome_code)
    sign = "+" if value > 0 else ""
    return f"{sign}{number_format(round(value, places), places)}{unit}".replace("+-", "-")


def places_of(outcome_code: str) -> int:
    """Decimals shown: one for a percent, two for points or deciles (effects there are fractions)."""
    return 1 if OUTCOMES[outcome_code].logged else 2
