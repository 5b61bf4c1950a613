"""Selectors and word lists of the profile-free layers, kept together as data.

The generic extractor must work on pages nobody on the project wrote, so nothing here may name a
site: these are the conventions that CMSs and news templates share (WordPress, schema.org, Open
Graph, Dublin Core, Parse.ly and Sailthru tags, the Vietnamese portal vocabulary).
"""

from __future__ import annotations

import re

# --- structured data ----------------------------------------------------------------------------

ARTICLE_TYPES = frozenset(
    {
        "Article", "NewsArticle", "ReportageNewsArticle", "AnalysisNewsArticle", "OpinionNewsArticle",
        "ReviewNewsArticle", "BackgroundNewsArticle", "BlogPosting", "LiveBlogPosting", "Report",
        "ScholarlyArticle", "TechArticle", "SocialMediaPosting", "AdvertiserContentArticle",
        "SatiricalArticle", "Blog",
    }
)

# Meta tags (property or name attribute, lower-cased), best first.
META_TITLE = ("og:title", "twitter:title", "dc.title", "parsely-title", "sailthru.title", "title")
META_PUBLISHED = (
    "article:published_time", "og:article:published_time", "article:published", "datepublished",
    "parsely-pub-date", "sailthru.date", "dc.date.issued", "dcterms.issued", "dc.date", "dcterms.date",
    "dcterms.created", "dc.date.created", "publishdate", "publish-date", "pubdate", "publication_date",
    "date", "article.published", "cxenseparse:recs:publishtime", "og:published_time",
    "article_date_original", "original-publish-date", "release_date", "pub_date",
)
META_MODIFIED = (
    "article:modified_time", "og:article:modified_time", "og:updated_time", "datemodified",
    "dcterms.modified", "dc.date.modified", "lastmod", "last-modified", "article.updated",
)
META_AUTHOR = (
    "author", "article:author", "og:article:author", "parsely-author", "sailthru.author", "dc.creator",
    "dcterms.creator", "byl", "twitter:creator:name", "cxenseparse:author", "article.author",
)
META_SITE_NAME = ("og:site_name", "application-name", "twitter:site", "publisher", "dc.publisher")

ITEMPROP_TITLE = ('.//*[@itemprop="headline"]', './/*[@itemprop="name"][ancestor::*[@itemscope]][1]')

# --- cleaning -----------------------------------------------------------------------------------

# Elements that never carry article text.
DROP_TAGS = (
    "script", "style", "noscript", "template", "iframe", "form", "button", "input", "select",
    "textarea", "svg", "canvas", "object", "embed", "nav", "footer", "aside", "dialog", "menu",
    "label",
)
# Of those, the ones some templates wrap around the whole page (ASP.NET <form>, a layout <aside>).
LAYOUT_DROP_TAGS = frozenset({"form", "aside", "footer", "nav", "menu", "dialog", "label"})

# class/id words of boilerplate containers. Matched against whole tokens of class and id values.
# ("overflow-hidden" is a CSS utility class that clips, it hides nothing.)
BOILERPLATE = re.compile(
    r"(?:^|[-_ ])(?:share|sharing|social|socials|sharebar|share-?tools|related|relate|tinlienquan|"
    r"tin-?khac|othernews|other-?news|more-?news|read-?more|readmore|recommend\w*|newsletter|"
    r"subscri\w*|promo|promotion|advert\w*|ads?|adv|adsense|banner|sponsor\w*|sidebar|widget|"
    r"breadcrumbs?|comments?|comment-?list|disqus|binh-?luan|binhluan|kommentare?|kommentar-?\w*|commentaires?|"
    r"comentarios?|reader-?comments?|user-?comments?|footer|foot|nav|navbar|navigation|menu|"
    r"cookie\w*|consent|popup|modal|qr|qrcode|qr-?code|print|toolbar|tools|pagination|pager|"
    r"paging|tags?|tag-?list|keywords?|topics?|most-?read|mostread|trending|popular|outbrain|"
    r"taboola|(?<!overflow-)(?<!-x-)(?<!-y-)hidden|visually-?hidden|sr-only|skip|login|signup|paywall|rating|"
    r"author-?bio|about-?author|author-?(?:box|container|card|info|details)|bottom|utility|follow|cta|donate|jump|toc|audio|player|"
    r"video-?player|gallery-?thumbs|masthead|header-?nav|site-?header|site-?footer|pswp|lightbox|"
    r"sticky|overlay|offscreen|print-?only|inline-?ad|ad-?slot|ad-?container|dfp|gpt|zone|embed)"
    r"(?:$|[-_ ])",
    re.IGNORECASE,
)

# Containers that signal the article itself; never dropped even if a class word matches above.
ARTICLE_HINT = re.compile(
    r"article|content|entry|post|story|body|main|text|detail|chitiet|noi-?dung|news-?content",
    re.IGNORECASE,
)

# Leaf blocks that make up the body.
BLOCK_TAGS = frozenset(
    {"p", "h1", "h2", "h3", "h4", "h5", "h6", "li", "blockquote", "pre", "dd", "dt", "td", "th",
     "figcaption", "caption", "address", "section", "article", "div", "ul", "ol", "table", "tr",
     "tbody", "thead", "dl", "figure", "main", "header", "center", "font", "span"}
)
CONTAINER_TAGS = frozenset(
    {"div", "section", "article", "main", "td", "table", "tbody", "tr", "ul", "ol", "dl", "figure",
     "header", "center", "blockquote", "li", "font", "span", "body"}
)
PARAGRAPH_TAGS = frozenset({"p", "pre", "blockquote", "li", "dd", "h2", "h3", "h4", "h5", "h6", "td"})
HEADING_TAGS = frozenset({"h1", "h2", "h3", "h4", "h5", "h6"})

# Short lines that are page furniture in any template.
BOILERPLATE_LINE = re.compile(
    r"^(?:tin khác|tin liên quan|bài liên quan|xem thêm|đọc thêm|các tin khác|tin cùng chuyên mục|"
    r"chia sẻ|in bài|gửi bài|bình luận|ý kiến bạn đọc|related(?: articles| stories| news| content)?|"
    r"read more|more from|see also|share(?: this)?(?: article| story)?|advertisement|anzeige|"
    r"werbung|publicidad|reklame|annonse|advertising|recommended|most read|trending|print|"
    r"tiện ích thông tin|nguồn tin|qr code|mã qr code.*|chúng tôi trên mạng xã hội|"
    r"lesen sie auch|mehr zum thema|auch interessant|weitere artikel|zum thema|"
    r"leer más|lee también|te puede interesar|sign up|subscribe.*|follow us.*|"
    r"copyright.*|©.*|all rights reserved.*|click here.*|comments?|\d+ (?:comments?|bình luận|kommentare?|"
    r"commentaires?|comentarios?|reacties|kommentarer)|"
    r"back to top|zurück|top|close|schließen|menu|menü|loading\.*|laden\.*)$",
    re.IGNORECASE,
)

# --- captions, credits, bylines -----------------------------------------------------------------

CAPTION_CLASS = re.compile(
    r"caption|legend|image[-_]?desc|img[-_]?desc|photo[-_]?desc|pic[-_]?desc|desc[-_]?image|"
    r"figcaption|imagetext|image[-_]?text|bildtext|bildunterschrift|media[-_]?desc|expnote|"
    r"chuthich|chu-?thich|note[-_]?image|ck_legend",
    re.IGNORECASE,
)
# Beside a photo, in a wrapper of its own, these class words also mark the caption.
SIBLING_CAPTION_CLASS = re.compile(CAPTION_CLASS.pattern + r"|description|desc(?:$|[-_ ])|info", re.IGNORECASE)
CREDIT_CLASS = re.compile(
    r"credit|copyright|source|author|photographer|byline|rights|attribution|fotograf|quelle|"
    r"photo[-_]?by|image[-_]?source",
    re.IGNORECASE,
)
# A credit written inside the caption text: "… Photo: Reuters", "(Ảnh: TTXVN)", "Foto: dpa".
CREDIT_TEXT = re.compile(
    r"\s*(?:[|/·•–—\-]\s*|\(\s*)?(?:©|\(c\)|photo(?:graph)?s?\s*(?:by|:)|foto(?:s)?\s*:|bild\s*:|"
    r"image\s*(?:by|:)|picture\s*:|credit\s*:|quelle\s*:|ảnh\s*:|nguồn\s*:|fotó\s*:|"
    r"kilde\s*:|foto\s*©|illustration\s*:|grafik\s*:|video\s*:)"
    r".*$",
    re.IGNORECASE | re.DOTALL,
)

# A credit as a trailing segment: "… | Niall Carson/PA", "… / J. Doe / LRT nuotr.", "…＝ＡＰ"
# (but "…＝13日、東京で", a Japanese caption's date and place after ＝, stays caption).
CREDIT_TAIL = re.compile(
    r"\s+[|]\s+[^|]{2,60}$|\s+/\s+[^/]{1,40}(?:/\s*[^/]{1,40})?\b(?:nuotr|foto|photo|bild|ảnh|kuva|zdjęcie)\.?$|"
    r"\s*[＝=]\s*[^\s＝=\d０-９]{1,20}$",
    re.IGNORECASE,
)

# A "caption" that is only a credit line naming a photo agency or stock library
# ("Getty Images/iStockphoto", "AFP/Reuters"): the credit, never the caption.
CREDIT_ONLY = re.compile(
    r"^[\w .,&/-]{0,30}\b(?:getty\s*images|istock(?:photo)?|shutterstock|alamy|imago|picture\s*alliance|"
    r"reuters|afp|dpa|epa|keystone|ap\s*photo|adobe\s*stock|unsplash|pexels)\b[\w .,&/-]{0,30}$",
    re.IGNORECASE,
)
# A one-word credit after the caption's last sentence ("… from the ground up. Supplied").
CREDIT_WORD_TAIL = re.compile(r"(?<=[.!?])\s+(?:supplied|handout|file(?:\s+photo)?|courtesy(?:\s+\S+){0,4}|"
                              r"[^.!?]{0,80}[\w.+-]+@[\w-]+\.[\w.-]+)\.?$",  # "… Name: Photographer, me@studio.com"
                              re.IGNORECASE)

BYLINE_CLASS = re.compile(
    r"(?:^|[-_ ])(?:author|authors|byline|by-?line|writer|reporter|tac-?gia|tacgia|creator|"
    r"article-?author|post-?author|entry-?author|author-?name|byline-?name|contributor|autor|"
    r"autoren|autorin)(?:$|[-_ ]|s$)",
    re.IGNORECASE,
)
DATE_CLASS = re.compile(
    r"date|time|publish|posted|dateline|meta|created|updated|ngay|thoi-?gian|datum|fecha|byline|info",
    re.IGNORECASE,
)

LAZY_SRC_ATTRIBUTES = (
    "data-src", "data-lazy-src", "data-original", "data-lazy", "data-url", "data-srcset",
    "data-lazy-srcset", "data-full-src", "data-hi-res-src", "data-echo", "data-img-src", "src",
)
SRCSET_ATTRIBUTES = ("srcset", "data-srcset", "data-lazy-srcset")
