"""Per-field scores for extraction, exactly as /work/shared/eval/README.md defines them.

Kept apart from the benchmark script so tests (and other benchmarks) can reuse the same metrics:
a score that drifts between two scripts is worse than no score.
"""

from __future__ import annotations

import re
import time
import unicodedata
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime, timezone
from statistics import mean
from typing import Iterable, Sequence

# The clock both tools are timed with: this process's CPU time. The tools run one after the other
# on a machine other jobs share, and wall time then charges whichever ran during a busy spell with
# everybody's work (two runs of identical code gave the profile path 7.1x and 13.1x trafilatura).
# CPU time charges each tool with its own work only; pages/s in the tables are per CPU second.
clock = time.process_time

_TOKEN = re.compile(r"\w+")
SHINGLE_SIZE = 4
CAPTION_COVERAGE = 0.8


# --- body: the article-extraction-benchmark shingle method -------------------------------------


def shingles(text: str | None, size: int = SHINGLE_SIZE) -> Counter[str]:
    """Multiset of runs of ``size`` word tokens (case kept); a short text is one shingle."""
    tokens = _TOKEN.findall(text or "")
    runs = (" ".join(tokens[i : i + size]) for i in range(max(1, len(tokens) - size + 1)))
    return Counter(run for run in runs if run)


def body_counts(truth: str | None, prediction: str | None) -> tuple[float, float, float]:
    """True positives, false positives and false negatives of one page, scaled to sum to 1."""
    expected, predicted = shingles(truth), shingles(prediction)
    tp = fp = fn = 0
    for key in expected.keys() | predicted.keys():
        want, got = expected.get(key, 0), predicted.get(key, 0)
        tp += min(want, got)
        fp += max(0, got - want)
        fn += max(0, want - got)
    total = tp + fp + fn
    if total == 0:
        return 0.0, 0.0, 0.0
    return tp / total, fp / total, fn / total


@dataclass
class BodyScore:
    """Precision is the mean over pages with a prediction, recall over pages with truth."""

    counts: list[tuple[float, float, float]] = field(default_factory=list)

    def add(self, truth: str | None, prediction: str | None) -> None:
        self.counts.append(body_counts(truth, prediction))

    @property
    def precision(self) -> float:
        values = [tp / (tp + fp) for tp, fp, _ in self.counts if tp + fp > 0]
        return mean(values) if values else 0.0

    @property
    def recall(self) -> float:
        values = [tp / (tp + fn) for tp, _, fn in self.counts if tp + fn > 0]
        return mean(values) if values else 0.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0


# --- title, authors: normalised token comparison ------------------------------------------------


def normalise_tokens(text: str | None) -> tuple[str, ...]:
    """NFKC, casefold, drop format characters, keep only word tokens."""
    text = unicodedata.normalize("NFKC", text or "").casefold()
    text = "".join(char for char in text if unicodedata.category(char) != "Cf")
    return tuple(_TOKEN.findall(text))


def title_match(truth: str, prediction: str | None) -> bool:
    return bool(prediction) and normalise_tokens(truth) == normalise_tokens(prediction)


def authors_f1(truth: Sequence[str], prediction: Sequence[str] | None) -> float:
    """F1 of the normalised name sets of one page (both empty counts as a perfect answer)."""
    expected = {normalise_tokens(name) for name in truth} - {()}
    predicted = {normalise_tokens(name) for name in prediction or ()} - {()}
    if not expected and not predicted:
        return 1.0
    hits = len(expected & predicted)
    if not hits:
        return 0.0
    precision, recall = hits / len(predicted), hits / len(expected)
    return 2 * precision * recall / (precision + recall)


# --- published: same calendar day ---------------------------------------------------------------


def _moment(text: str) -> datetime | None:
    try:
        return datetime.fromisoformat(text.strip().replace("Z", "+00:00"))
    except ValueError:
        return None


def same_day(truth: str, prediction: str | None) -> bool:
    """Same calendar day either in each value's own local time or both converted to UTC."""
    if not prediction:
        return False
    want, got = _moment(truth), _moment(prediction)
    if want is None or got is None:
        return False
    if want.date() == got.date():
        return True
    if want.tzinfo is None or got.tzinfo is None:
        return False
    return want.astimezone(timezone.utc).date() == got.astimezone(timezone.utc).date()


# --- captions: token coverage ---------------------------------------------------------------------


def covers(cover: str, target: str, threshold: float = CAPTION_COVERAGE) -> bool:
    """True when ``cover`` holds at least ``threshold`` of ``target``'s tokens (as a multiset)."""
    wanted = Counter(normalise_tokens(target))
    if not wanted:
        return False
    have = Counter(normalise_tokens(cover))
    found = sum(min(count, have[token]) for token, count in wanted.items())
    return found / sum(wanted.values()) >= threshold


def caption_hits(truth: Iterable[str], prediction: Iterable[str]) -> tuple[int, int, int, int]:
    """(true captions found, true captions, predicted captions confirmed, predicted captions)."""
    truth, prediction = list(truth), list(prediction)
    found = sum(any(covers(p, t) for p in prediction) for t in truth)
    confirmed = sum(any(covers(t, p) for t in truth) for p in prediction)
    return found, len(truth), confirmed, len(prediction)


@dataclass
class CaptionScore:
    """Recall and precision pooled over all captions of the pages that have a caption answer."""

    found: int = 0
    expected: int = 0
    confirmed: int = 0
    predicted: int = 0

    def add(self, truth: Iterable[str], prediction: Iterable[str]) -> None:
        found, expected, confirmed, predicted = caption_hits(truth, prediction)
        self.found += found
        self.expected += expected
        self.confirmed += confirmed
        self.predicted += predicted

    @property
    def recall(self) -> float:
        return self.found / self.expected if self.expected else 0.0

    @property
    def precision(self) -> float:
        return self.confirmed / self.predicted if self.predicted else 0.0


# --- WCXB: word-level F1 and its snippets ---------------------------------------------------------


def word_counts(truth: str | None, prediction: str | None) -> tuple[int, int, int]:
    """(overlap, predicted tokens, true tokens) of lower-cased ``\\w+`` tokens as multisets: the
    Web Content eXtraction Benchmark's own body measure."""
    expected = Counter(token.lower() for token in _TOKEN.findall(truth or ""))
    predicted = Counter(token.lower() for token in _TOKEN.findall(prediction or ""))
    overlap = sum((expected & predicted).values())
    return overlap, sum(predicted.values()), sum(expected.values())


def word_f1(truth: str | None, prediction: str | None) -> float:
    """WCXB's per-page F1 (0 when either side is empty, 1 when both are)."""
    overlap, predicted, expected = word_counts(truth, prediction)
    if not predicted and not expected:
        return 1.0
    if not overlap:
        return 0.0
    precision, recall = overlap / predicted, overlap / expected
    return 2 * precision * recall / (precision + recall)


def snippet_share(snippets: Sequence[str], text: str | None) -> float | None:
    """Share of ``snippets`` found in ``text`` (case-insensitive substring, whitespace folded)."""
    if not snippets:
        return None
    haystack = " ".join((text or "").split()).casefold()
    return sum(" ".join(s.split()).casefold() in haystack for s in snippets) / len(snippets)


# WCXB gives an article's author as one string as the page prints it ("Chen Zhao, Daryl
# Fairweather", "Danielle DeSiato, Donna Enzmann, and Natalie Nguyen", "Dylan Bailey, MS, RD,
# FAND"). Names are split on the separators every list of people uses; a piece of one word in
# capitals or ending in a dot ("MS", "PhD", "Jr.") is a credential of the name before it.
_NAME_LIST = re.compile(r"\s*(?:,|;|&|\band\b)\s*", re.IGNORECASE)
_CREDENTIAL = re.compile(r"^(?:[A-Z]{2,6}|[A-Za-z]{1,5}\.(?:[A-Za-z]{1,3}\.?)*)$")


def truth_names(author: str | None) -> list[str]:
    if not author:
        return []
    pieces = [p.strip() for p in _NAME_LIST.split(author) if p and p.strip()]
    return [p for p in pieces if not (len(p.split()) == 1 and _CREDENTIAL.match(p))]
