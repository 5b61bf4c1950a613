"""Markup conventions of the profile-free layers, kept together as data: schema.org types, meta
tag names, the tags that never hold article text, the tags of blocks, lazy-loading attributes.

The generic extractor must work on pages nobody on the project wrote, so nothing here may name a
site: these are the conventions that CMSs and news templates share (WordPress, schema.org, Open
Graph, Dublin Core, Parse.ly and Sailthru tags). Word lists (class words, furniture lines, byline
labels) are in ``crawler/text/vocabulary.py``.
"""

from __future__ import annotations

# --- structured data ----------------------------------------------------------------------------

ARTICLE_TYPES = frozenset(
    {
        "Article", "NewsArticle", "ReportageNewsArticle", "AnalysisNewsArticle", "OpinionNewsArticle",
        "ReviewNewsArticle", "BackgroundNewsArticle", "BlogPosting", "LiveBlogPosting", "Report",
        "ScholarlyArticle", "TechArticle", "SocialMediaPosting", "AdvertiserContentArticle",
        "SatiricalArticle", "Blog",
    }
)

# The story types only news publishers declare: their headline is the editorial one.
NEWS_TYPES = frozenset(
    {"NewsArticle", "ReportageNewsArticle", "AnalysisNewsArticle", "OpinionNewsArticle",
     "ReviewNewsArticle", "BackgroundNewsArticle", "LiveBlogPosting"}
)

# What a page declares itself to be when it is no story: a shop's product, a forum thread or a
# question, a category or search page, a list of items, a profile or contact page (schema.org
# types every CMS and shop plugin writes). A page that also declares a story type (an article
# listing products in it, a how-to, a recipe, a review) is a story.
NON_ARTICLE_TYPES = frozenset(
    {
        "Product", "ProductGroup", "ProductCollection", "IndividualProduct", "Offer", "AggregateOffer",
        "DiscussionForumPosting", "QAPage", "CollectionPage", "SearchResultsPage", "ItemList",
        "ProfilePage", "ContactPage",
    }
)
STORY_TYPES = ARTICLE_TYPES | {"HowTo", "Recipe", "Review"}
# The page itself, whose dates structured data gives when it declares no article (Yoast's graph).
PAGE_TYPES = frozenset({"WebPage", "ItemPage", "MedicalWebPage", "FAQPage"})
# og:type values of shop pages ("product", "product.group", "product.item", "ebay-objects:item").
NON_ARTICLE_OG_TYPE = r"product|(?:^|[:.])item$|ecommerce"

# Meta tags (property or name attribute, lower-cased), best first.
META_TITLE = ("og:title", "twitter:title", "dc.title", "parsely-title", "sailthru.title", "title")
META_PUBLISHED = (
    "article:published_time", "og:article:published_time", "article:published", "datepublished",
    "parsely-pub-date", "sailthru.date", "dc.date.issued", "dcterms.issued", "dc.date", "dcterms.date",
    "dcterms.created", "dc.date.created", "publishdate", "publish-date", "pubdate", "publication_date",
    "date", "article.published", "cxenseparse:recs:publishtime", "og:published_time",
    "article_date_original", "original-publish-date", "release_date", "pub_date",
    "published", "published_date", "published-date", "published_time", "publish_date", "publish_time",
    "date_published", "article:published_date", "article:post_date", "og:publish_date", "og:pubdate",
    "originalpublicationdate", "rnews:datepublished", "dc.date.publication", "citation_publication_date",
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

# --- cleaning and blocks ------------------------------------------------------------------------

# Elements that never carry article text.
DROP_TAGS = (
    "script", "style", "noscript", "template", "iframe", "form", "button", "input", "select",
    "textarea", "svg", "canvas", "object", "embed", "nav", "footer", "aside", "dialog", "menu",
    "label",
)
# Of those, the ones some templates wrap around the whole page (ASP.NET <form>, a layout <aside>).
LAYOUT_DROP_TAGS = frozenset({"form", "aside", "footer", "nav", "menu", "dialog", "label"})

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

# --- photos -------------------------------------------------------------------------------------

# Where lazy-loading scripts keep the real picture (lazysizes, Lozad, jQuery lazyload, WordPress
# plugins), before ``src`` (often the placeholder); any other ``data-*src*`` or ``*lazy*``
# attribute is tried after these (crawler.extraction.images).
LAZY_SRC_ATTRIBUTES = (
    "data-src", "data-lazy-src", "data-original", "data-lazy", "data-url", "data-srcset",
    "data-lazy-srcset", "data-full-src", "data-hi-res-src", "data-echo", "data-img-src", "src",
)
SRCSET_ATTRIBUTES = ("srcset", "data-srcset", "data-lazy-srcset")
