"""WordPress-style HTML of the replica portals, modelled on the Hai Phong seed article.

Markup is deliberately as untidy as the real thing: a "Print … Gốc" date line, captions in four
different markups, the author as a right-aligned last paragraph, "Tin khác" related links and
sidebar widgets (QR code, fan page) whose text must never reach an article body.
"""

from __future__ import annotations

from html import escape

from crawler.replica import vocabulary as V
from crawler.replica.generator import Photo, Site, TrueArticle

PAGE_SIZE = 10


def page(site: Site, title: str, main: str, *, og: str = "") -> str:
    return f"""<!DOCTYPE html>
<html lang="vi-VN">
<head>
<meta charset="UTF-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{escape(title)} - {escape(site.name)}</title>
<link rel="stylesheet" href="/wp-content/themes/egov/style.css">
{_discovery_links(site)}
{og}
</head>
<body class="wordpress">
<header id="masthead"><div class="site-branding"><a href="/" class="logo">{escape(site.name)}</a></div>
<nav class="main-menu"><ul>{''.join(f'<li><a href="/category/{slug}/">{escape(name)}</a></li>' for slug, name in V.CATEGORIES)}</ul></nav>
</header>
<div id="content" class="site-content">
<main id="main" class="site-main">
{main}
</main>
{_sidebar(site, title)}
</div>
<footer id="colophon"><p>{escape(site.name)}. Địa chỉ: Số 18 Hoàng Diệu, quận Hồng Bàng, thành phố Hải Phòng. Điện thoại: 0225.3842.651.</p>
<p>Ghi rõ nguồn khi phát hành lại thông tin từ cổng thông tin này.</p></footer>
</body>
</html>"""


def _discovery_links(site: Site) -> str:
    """What WordPress advertises in <head>: its feed and its REST API, when switched on."""
    links = []
    if "feed" in site.sources:
        links.append(f'<link rel="alternate" type="application/rss+xml" title="{escape(site.name)} &raquo; Feed" href="/feed/">')
    if "wpjson" in site.sources:
        links.append('<link rel="https://api.w.org/" href="/wp-json/">')
    return "\n".join(links)


def _sidebar(site: Site, title: str) -> str:
    return f"""<aside id="secondary" class="widget-area">
<section class="widget widget-tien-ich"><h3 class="widget-title">Tiện ích thông tin</h3><ul><li><a href="#">Nguồn tin</a></li></ul></section>
<section class="widget widget-qr"><h3 class="widget-title">QR Code</h3><div class="qr">QR CODE: {escape(title)}</div></section>
<section class="widget widget-social"><h3 class="widget-title">Chúng tôi trên Mạng Xã hội</h3>
<p>QR Code Fanpage</p><p>Mã QR Code truy cập vào Fanpage {escape(site.name)}</p></section>
</aside>"""


def article_page(site: Site, article: TrueArticle, related: list[TrueArticle], og_tags: bool = True) -> str:
    og = ""
    if og_tags:
        og = (
            f'<meta property="og:type" content="article">\n<meta property="og:title" content="{escape(article.title)}">\n'
            f'<meta property="og:site_name" content="{escape(site.name)}">'
        )
    weekday = V.WEEKDAYS[article.published.weekday()]
    main = f"""<article id="post-{article.number}" class="post type-post status-publish">
<div class="entry-meta"><a class="print-link" href="javascript:window.print()">Print</a> <span class="post-date">{weekday}, {article.published:%d/%m/%Y %H:%M}</span> <a class="origin-link" href="{article.path}">Gốc</a></div>
<h1 class="entry-title">{escape(article.title)}</h1>
<div class="entry-content">
{_entry_content(article)}
<p style="text-align: right;"><strong>{escape(article.author)}</strong></p>
</div>
<div class="share-bar"><a href="#">Chia sẻ</a> <a href="#">Facebook</a> <a href="#">Zalo</a></div>
<div class="related-posts"><h3 class="related-title">Tin khác</h3><ul>
{''.join(f'<li><a href="{r.path}">{escape(r.title)}</a></li>' for r in related)}
</ul></div>
</article>"""
    return page(site, article.title, main, og=og)


def _entry_content(article: TrueArticle) -> str:
    parts = []
    photos = list(article.photos)
    slots = _photo_slots(len(article.body), len(photos))
    for index, paragraph in enumerate(article.body):
        if index in article.subheadings:
            parts.append(f"<h3><strong>{escape(paragraph)}</strong></h3>")
        else:
            parts.append(f'<p style="text-align: justify;">{escape(paragraph)}</p>')
        for _ in range(slots.count(index)):
            parts.append(photo_html(photos.pop(0)))
    return "\n".join(parts)


def _photo_slots(paragraphs: int, photos: int) -> list[int]:
    """After which paragraphs the photos go: spread through the body, never after the last."""
    last = max(paragraphs - 2, 0)
    return [min(i * 2, last) for i in range(photos)]


def photo_html(photo: Photo) -> str:
    src = f'src="/wp-content/themes/egov/lazy.gif" data-src="{photo.path}"' if photo.lazy else f'src="{photo.path}"'
    caption = escape(photo.caption)
    if photo.markup == "figure":
        return f'<figure class="wp-block-image size-large"><img {src} alt=""><figcaption>{caption}</figcaption></figure>'
    if photo.markup == "wp-caption":
        return (
            f'<div class="wp-caption aligncenter" style="width: 810px"><img class="size-full" {src} width="800" height="533">'
            f'<p class="wp-caption-text">{caption}</p></div>'
        )
    if photo.markup == "table":
        return (
            f'<table class="image-table" align="center"><tbody><tr><td><img {src} width="700"></td></tr>'
            f'<tr><td class="image-caption">{caption}</td></tr></tbody></table>'
        )
    return f'<p style="text-align: center;"><img {src} width="700"></p>\n<p style="text-align: center;"><em>{caption}</em></p>'


def listing_page(site: Site, title: str, base_path: str, articles: list[TrueArticle], number: int) -> str:
    """A category listing, newest first, with WordPress pagination links."""
    pages = max(1, -(-len(articles) // PAGE_SIZE))
    chunk = articles[(number - 1) * PAGE_SIZE : number * PAGE_SIZE]
    items = "\n".join(
        f"""<article class="post-item"><h2 class="entry-title"><a href="{link_variant(a)}">{escape(a.title)}</a></h2>
<div class="post-date">{a.published:%d/%m/%Y}</div><div class="excerpt">{escape(a.body[0][:160])}…</div></article>"""
        for a in chunk
    )
    nav = []
    if number > 1:
        previous = base_path if number == 2 else f"{base_path}page/{number - 1}/"
        nav.append(f'<a class="prev page-numbers" href="{previous}">« Trước</a>')
    if number < pages:
        nav.append(f'<a class="next page-numbers" href="{base_path}page/{number + 1}/">Sau »</a>')
    main = f"""<h1 class="page-title">{escape(title)}</h1>
<div class="post-list">{items}</div>
<div class="nav-links">{''.join(nav)}</div>"""
    return page(site, title, main)


# How portals' own pages spell links to one article: share-button tracking tags, comment anchors,
# AMP and print variants. The crawler must fetch and store each article once whatever the spelling.
LINK_VARIANTS = ("{path}", "{path}?utm_source=zalo&utm_medium=share", "{path}#respond", "{path}/amp/",
                 "{path}?fbclid=IwAR0x{number}", "{path}?print=1")


def link_variant(article: TrueArticle) -> str:
    return LINK_VARIANTS[article.number % len(LINK_VARIANTS)].format(path=article.path, number=article.number)


def pages_in(articles: list[TrueArticle]) -> int:
    return max(1, -(-len(articles) // PAGE_SIZE))
