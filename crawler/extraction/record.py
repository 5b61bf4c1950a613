"""The extracted record: the one shape every extraction layer fills and every pipeline reads."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

# Fields that extraction layers compete for; the winning layer is recorded per field.
FIELDS = ("title", "published", "modified", "authors", "source", "body", "images", "lead")


@dataclass
class Image:
    """One photo of the article: its resolved URL, caption and (separately) photo credit."""

    url: str
    caption: str | None = None
    credit: str | None = None


@dataclass
class Record:
    """A clean article record.

    ``published``/``modified`` are ISO 8601 strings carrying the portal's UTC offset;
    ``published_precision`` says how much of ``published`` the source stated: "minute" (a time of
    day, to the minute or better) or "day" (a date alone: the time in ``published`` is midnight
    and means nothing). ``lead`` is the standfirst the page sets apart above the body (never in it).
    ``body`` is a list of paragraphs (subheadings are paragraphs too), never captions.
    ``layers`` maps each filled field to the layer that won it ("profile", "structured", "generic", "htmldate": the day htmldate read when no other layer dated the page).
    """

    url: str
    title: str | None = None
    published: str | None = None
    modified: str | None = None
    authors: list[str] = field(default_factory=list)
    source: str | None = None
    body: list[str] = field(default_factory=list)
    images: list[Image] = field(default_factory=list)
    language: str | None = None
    layers: dict[str, str] = field(default_factory=dict)
    lead: str | None = None
    published_precision: str | None = None
    modified_precision: str | None = None  # the same for ``modified`` (not stored: a later source may refine it)
    profile: str | None = None
    parser_version: str | None = None

    @property
    def captions(self) -> list[str]:
        return [image.caption for image in self.images if image.caption]

    @property
    def body_text(self) -> str:
        return "\n\n".join(self.body)

    def is_article(self) -> bool:
        """A page is an article only when it has a title and a real body."""
        return bool(self.title) and sum(len(p) for p in self.body) >= 80

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["captions"] = self.captions
        return data


@dataclass(frozen=True)
class Context:
    """What a layer needs to know about the page besides its HTML: languages, zone, crawl time."""

    url: str
    languages: tuple[str, ...] = ()
    timezone: str = "UTC"
    date_order: str = "DMY"
    crawl_time: str | None = None
    # The page's PageIndex (crawler.extraction.selectors), built once and shared by the layers.
    index: Any = field(default=None, compare=False, repr=False)
