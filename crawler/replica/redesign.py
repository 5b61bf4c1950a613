"""A redesign of the replica's article template, for drift tests: the same articles in a new theme
whose class names and structure the family profile's selectors do not know.

Tests assign ``article_page_2025`` to ``server.routes[site].render_article``; the generic layers
must still store every article while ``muninews health`` names the fields the profile lost.
"""

from __future__ import annotations

from html import escape

from crawler.replica.generator import Site, TrueArticle
from crawler.replica.templates import page


def article_page_2025(site: Site, article: TrueArticle, related: list[TrueArticle]) -> str:
    """News-portal theme of 2025: <div class="news-detail">, date under the headline, author as a
    "Tác giả:" line, photos as <figure>, related stories in a "Tin liên quan" box."""
    photos = "".join(
        f'<figure class="news-photo"><img src="{p.path}" alt=""><figcaption>{escape(p.caption)}</figcaption></figure>'
        for p in article.photos
    )
    paragraphs = "".join(
        f"<h2>{escape(text)}</h2>" if index in article.subheadings else f"<p>{escape(text)}</p>"
        for index, text in enumerate(article.body)
    )
    main = f"""<div class="news-detail" id="news-{article.number}">
<h1 class="news-title">{escape(article.title)}</h1>
<div class="news-time">Cập nhật lúc {article.published:%H:%M} ngày {article.published:%d/%m/%Y}</div>
<div class="news-body">{paragraphs[:paragraphs.index('</p>') + 4]}{photos}{paragraphs[paragraphs.index('</p>') + 4:]}</div>
<div class="news-author">Tác giả: <span class="author-name">{escape(article.author)}</span></div>
<div class="box-related"><h3>Tin liên quan</h3><ul>
{''.join(f'<li><a href="{r.path}">{escape(r.title)}</a></li>' for r in related)}
</ul></div>
</div>"""
    return page(site, article.title, main)
