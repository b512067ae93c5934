"""Pieces of same-story matching that need no index (news/stories/clustering.py): title
similarity, templated titles, the keys of a report's anchors."""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable
from datetime import datetime
from itertools import combinations
from typing import cast

from news.stories.titles import COMPANY, ENTITY, NUMBER

# Weighted Dice similarity from which a headline is the same story as a story's first
# report; a little lower when both name the same companies (then the rest of the title only
# has to agree on the event).
TITLE_THRESHOLD = 0.62
SAME_COMPANIES_THRESHOLD = 0.58
# Share of a headline's weight that a story's reports must already contain for it to join.
CONTAINED_THRESHOLD = 0.75
# A headline is filed under at most this many of its names and numbers alone, and pairs of
# this many of its names.
SINGLES = 3
PAIRED = 4
NAMED = frozenset((COMPANY, ENTITY))


def templated(first: tuple[str, ...], second: tuple[str, ...]) -> bool:
    """Whether two titles are one template filled in twice: the same words but for a run at
    one end, different in each (``D.C. wellness calendar, Aug. 9-16`` and ``Loudoun County
    wellness calendar, Aug. 9-16``)."""
    limit = min(len(first), len(second))
    prefix = next((n for n in range(limit) if first[n] != second[n]), limit)
    suffix = next((n for n in range(limit - prefix) if first[-1 - n] != second[-1 - n]),
                  limit - prefix)  # fmt: skip
    if (prefix == 0) == (suffix == 0):
        return False  # the same words at both ends, or at neither: rewording, not a template
    rest_first = first[prefix : len(first) - suffix]
    rest_second = second[prefix : len(second) - suffix]
    return (
        bool(rest_first and rest_second)
        and set(rest_first).isdisjoint(rest_second)
        and prefix + suffix >= max(2, max(len(first), len(second)) / 2)
    )


def anchor_keys(anchors: frozenset[str]) -> list[str | tuple[str, str]]:
    """Keys a report in another language shares: its people, products and numbers, and pairs
    of the names it gives (a company and its chief, a company and its product)."""
    named = sorted(anchor for anchor in anchors if anchor[0] in NAMED)
    keys: list[str | tuple[str, str]] = []
    keys.extend([anchor for anchor in named if anchor[0] != COMPANY][:SINGLES])
    keys.extend(sorted(anchor for anchor in anchors if anchor[0] == NUMBER)[:SINGLES])
    keys.extend(cast(Iterable[tuple[str, str]], combinations(named[:PAIRED], 2)))
    return keys


def naive_utc(moment: datetime) -> datetime:
    offset = moment.utcoffset()
    return moment.replace(tzinfo=None) - offset if offset else moment.replace(tzinfo=None)


def title_match(
    features: frozenset[str],
    companies: frozenset[str],
    total: float,
    story: tuple[frozenset[str], frozenset[str], set[str]],
    weight: Callable[[str], float],
) -> float:
    """How well a headline matches the story (its first report's features and companies,
    and every feature its reports used), 1.0 at the threshold; 0 when it cannot."""
    story_features, story_companies, said = story
    if companies and story_companies and companies.isdisjoint(story_companies):
        return 0.0  # about different companies: different stories however alike the words
    same_companies = bool(companies) and companies == story_companies
    threshold = SAME_COMPANIES_THRESHOLD if same_companies else TITLE_THRESHOLD
    # fsum is exact, so a sum does not depend on the set's (hash-seeded) order and the
    # grouping is the same on every run.
    contained = math.fsum(map(weight, features & said))
    # The first report's weight is taken as the week weighs it now, like the headline's.
    story_total = math.fsum(map(weight, story_features)) or 1.0
    # The story's reports hold the first report's words, so what they share bounds the Dice
    # from above: most non-matching stories are settled with one intersection.
    dice_limit = threshold * (total + story_total) / 2
    shared = math.fsum(map(weight, features & story_features)) if contained >= dice_limit else 0.0
    # Containment is held to its own, higher bar, scaled to be comparable with the Dice.
    score = max(shared / dice_limit, contained / (CONTAINED_THRESHOLD * total))
    return score if score >= 1.0 else 0.0
