"""Scoring of the satisfaction questionnaires (notice section 二(三)): pure functions, no web, no database.

**Scale.** Five levels, stored as integers: 5 很满意 = 100, 4 满意 = 80, 3 基本满意 = 60, 2 不太满意 = 30,
1 不满意 = 0 (``LEVEL_SCORES``; a definition may restate them, see ``scale_scores``). The top two levels
(很满意, 满意) count as satisfied.

**Item score** Sj = the mean of the item's scores over the respondents who rated it.

**Index** S = Σ λj·Sj with the weights λj normalised to sum to 1 over the group's items. Every satisfaction
item of a questionnaire must be answered, so S equals the mean over respondents of their own weighted score
cᵢ = Σ λj·xᵢj. Its confidence interval is Student's t-interval on those cᵢ (n − 1 degrees of freedom; a
respondent is one observation, because one person's answers to the items are not independent), cut to
[0, 100]; none for fewer than two respondents.

**满意率** = Σ λj·pj, where pj is the share of item j's answers in the top two levels; it equals the mean of
each respondent's weighted share rᵢ = Σ λj·[xᵢj ≥ 4]. Its interval is Wilson's score interval for that share
with n = the number of respondents (again one person is one observation; with a single item this is the
textbook Wilson interval of a binomial share).

**Several groups** (the county's overall figure): every respondent counts once with the cᵢ and rᵢ of the
questionnaire of their group; the same mean and intervals are taken over all of them.

**Open answers** are grouped by theme: an answer joins the first theme one of whose keywords it contains,
else 其他 (``group_open``).
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

from scipy import stats

LEVEL_SCORES: dict[int, float] = {5: 100.0, 4: 80.0, 3: 60.0, 2: 30.0, 1: 0.0}
LEVEL_LABELS: dict[int, str] = {5: "很满意", 4: "满意", 3: "基本满意", 2: "不太满意", 1: "不满意"}
SATISFIED_LEVELS = frozenset({5, 4})
CONFIDENCE = 0.95
OTHER_THEME = "其他"


@dataclass(frozen=True)
class Score:
    """An index S (0–100) and a 满意率 (0–1), each with its interval, over ``n`` respondents."""

    index: float | None
    index_ci: tuple[float, float] | None
    satisfied_rate: float | None
    satisfied_ci: tuple[float, float] | None
    n: int


@dataclass(frozen=True)
class Respondent:
    """One respondent's weighted score cᵢ (0–100) and weighted share of satisfied answers rᵢ (0–1)."""

    index: float
    satisfied: float


@dataclass(frozen=True)
class ItemMean:
    """One item's mean score Sj over its ``n`` answers and its share of satisfied answers pj."""

    key: str
    weight: float
    mean: float | None
    n: int
    satisfied_rate: float | None = None
    counts: dict[int, int] = field(default_factory=dict)


def normalise(weights: Mapping[str, float]) -> dict[str, float]:
    """The weights λj scaled to sum to 1 (every weight must be positive)."""
    if not weights:
        raise ValueError("a questionnaire needs at least one satisfaction item")
    if any(not (w > 0 and math.isfinite(w)) for w in weights.values()):
        raise ValueError("every weight must be a positive number")
    total = sum(weights.values())
    return {key: w / total for key, w in weights.items()}


def scale_scores(scale: Iterable[Mapping]) -> dict[int, float]:
    """The level → score map of a definition's scale (``[{"level": 5, "score": 100}, ...]``)."""
    return {int(s["level"]): float(s["score"]) for s in scale}


def respondent(
    ratings: Mapping[str, int],
    weights: Mapping[str, float],
    scores: Mapping[int, float] = LEVEL_SCORES,
    satisfied: frozenset[int] = SATISFIED_LEVELS,
) -> Respondent:
    """cᵢ = Σ λj·score(xᵢj) and rᵢ = Σ λj·[xᵢj satisfied] of one respondent who rated every item of ``weights``."""
    lam = normalise(weights)
    missing = [key for key in lam if key not in ratings]
    if missing:
        raise ValueError(f"unrated items: {', '.join(missing)}")
    index = sum(lam[k] * scores[int(ratings[k])] for k in lam)
    share = sum(lam[k] for k in lam if int(ratings[k]) in satisfied)
    return Respondent(index=index, satisfied=share)


def item_means(
    answers: Sequence[Mapping[str, int]],
    weights: Mapping[str, float],
    scores: Mapping[int, float] = LEVEL_SCORES,
    satisfied: frozenset[int] = SATISFIED_LEVELS,
) -> list[ItemMean]:
    """Sj, pj and the count of each level, per item of ``weights`` (normalised), over the given ratings."""
    lam = normalise(weights)
    out = []
    for key, weight in lam.items():
        levels = [int(a[key]) for a in answers if a.get(key) is not None]
        counts = {level: levels.count(level) for level in sorted(scores, reverse=True)}
        n = len(levels)
        mean = sum(scores[v] for v in levels) / n if n else None
        rate = sum(1 for v in levels if v in satisfied) / n if n else None
        out.append(ItemMean(key=key, weight=weight, mean=mean, n=n, satisfied_rate=rate, counts=counts))
    return out


def index_of(items: Sequence[ItemMean]) -> float | None:
    """S = Σ λj·Sj (the items' weights already normalised); None when an item has no answer."""
    if not items or any(i.mean is None for i in items):
        return None
    return sum(i.weight * i.mean for i in items)  # type: ignore[operator]


def t_interval(
    values: Sequence[float], confidence: float = CONFIDENCE, low: float = 0.0, high: float = 100.0
) -> tuple[float, float] | None:
    """Student's t-interval of the mean of ``values`` (df = n − 1), cut to [low, high]; None for n < 2."""
    n = len(values)
    if n < 2:
        return None
    mean = sum(values) / n
    sd = math.sqrt(sum((v - mean) ** 2 for v in values) / (n - 1))
    half = float(stats.t.ppf(0.5 + confidence / 2, n - 1)) * sd / math.sqrt(n)
    return (max(low, mean - half), min(high, mean + half))


def wilson(share: float, n: int, confidence: float = CONFIDENCE) -> tuple[float, float] | None:
    """Wilson's score interval of a share observed over ``n`` trials; None for n = 0."""
    if n <= 0:
        return None
    z = float(stats.norm.ppf(0.5 + confidence / 2))
    z2 = z * z
    centre = (share + z2 / (2 * n)) / (1 + z2 / n)
    half = z / (1 + z2 / n) * math.sqrt(share * (1 - share) / n + z2 / (4 * n * n))
    return (max(0.0, centre - half), min(1.0, centre + half))


def score(respondents: Sequence[Respondent], confidence: float = CONFIDENCE) -> Score:
    """S, its t-interval, 满意率 and its Wilson interval over the respondents (see the module docstring)."""
    n = len(respondents)
    if n == 0:
        return Score(index=None, index_ci=None, satisfied_rate=None, satisfied_ci=None, n=0)
    index = sum(r.index for r in respondents) / n
    rate = sum(r.satisfied for r in respondents) / n
    return Score(
        index=index,
        index_ci=t_interval([r.index for r in respondents], confidence),
        satisfied_rate=rate,
        satisfied_ci=wilson(rate, n, confidence),
        n=n,
    )


def group_open(
    answers: Iterable[str], themes: Sequence[tuple[str, Sequence[str]]]
) -> list[tuple[str, list[str]]]:
    """Answers grouped by theme, in the themes' order, 其他 last; empty themes left out."""
    grouped: dict[str, list[str]] = {theme: [] for theme, _ in themes}
    grouped.setdefault(OTHER_THEME, [])
    for answer in answers:
        text = answer.strip()
        if not text:
            continue
        theme = next((t for t, words in themes if any(w and w in text for w in words)), OTHER_THEME)
        grouped[theme].append(text)
    return [(theme, texts) for theme, texts in grouped.items() if texts]
