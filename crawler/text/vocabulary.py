"""The word lists of every extraction layer, in one place: what many sites share, never one site.

Each list says which pattern of the web it stands for. Nothing here may come from one portal:
what one portal prints goes into its profile (``crawler/profiles/*.toml``: ``exclude`` selectors,
field selectors) or, when a page read without its profile still needs it, into that portal's own
module in ``crawler/families/`` (the Hai Phong portal's signature line: ``haiphong_vocabulary``).
Markup conventions that are no words (tag sets, meta tag names, lazy-loading attributes) are in
``crawler/extraction/xpaths.py``.

Patterns are compiled once here and matched case-insensitively; a class-word pattern is matched
against an element's ``class`` and ``id`` values (``crawler.text.fold.class_id``).
"""

from __future__ import annotations

import re

# --- page furniture: containers -------------------------------------------------------------------

# class/id words of boilerplate containers, matched against whole tokens of class and id values:
# share bars, related-story boxes ("tin liên quan", "tin khác"), ads, newsletters, comments in the
# languages of the corpus, navigation, cookie banners, QR-code share boxes, tag lists, paywalls,
# author boxes, players and lightboxes, as CMS themes and ad stacks name them.
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
    r"author-?bio|about-?author|authors?|bio|disclaimer|author-?(?:box|container|card|info|details)|(?<!margin-)(?<!padding-)(?<!border-)(?<!spacing-)bottom|utility|follow|cta|donate|jump|toc|audio|player|"
    r"video-?player|gallery-?thumbs|masthead|header-?nav|site-?header|site-?footer|pswp|lightbox|"
    r"sticky|overlay|offscreen|print-?only|inline-?ad|ad-?slot|ad-?container|dfp|gpt|zone|embed)"
    r"(?:$|[-_ ])",
    re.IGNORECASE,
)

# Of the boilerplate words, those that name boxes of other stories (related, recommended, more,
# most read, trending, popular; "tin liên quan", "tin khác"): teasers with excerpts are long,
# unlinked paragraphs too, so such a box is furniture however much text it holds (a misnamed
# layout column is named for its place, "sidebar", "bottom", never for other stories).
TEASER_BOX_CLASS = re.compile(
    r"^(?:related|relate|tinlienquan|tin-?khac|othernews|other-?news|more-?news|recommend\w*|"
    r"most-?read|mostread|trending|popular|outbrain|taboola)$",
    re.IGNORECASE,
)

# Of the boilerplate words, those of readers' comment boxes (Disqus, WordPress comments, the
# "bình luận" of Vietnamese portals, German "Kommentare", Dutch "reacties"): a box named only for
# comments is comments, however long and unlinked its paragraphs.
COMMENT_CLASS = re.compile(r"comment|kommentar|commentaire|comentario|binh-?luan|disqus|reacties", re.IGNORECASE)

# Utility classes that mean display:none in every CSS framework (Bootstrap, Tailwind, Bulma).
HIDDEN_CLASSES = frozenset({"hidden", "d-none", "is-hidden", "hide"})
# "hidden md:block" (Tailwind), "d-none d-lg-flex" (Bootstrap): hidden on phones, shown on wider
# screens, which is where the story is read; such an element is visible.
SHOWN_AT_BREAKPOINT = re.compile(r"^(?:\w+:(?:block|flex|inline|inline-block|inline-flex|grid|table|contents)|"
                                 r"d-(?:sm|md|lg|xl|xxl)-(?:block|flex|inline|inline-block|inline-flex|grid|table))$")

# class/id words of the article's own container (WordPress "entry-content", "post-body", the
# "chi tiết"/"nội dung" of Vietnamese CMSs): never dropped even if a boilerplate word matches too.
ARTICLE_HINT = re.compile(
    r"article|content|entry|post|story|body|main|text|detail|chitiet|noi-?dung|news-?content",
    re.IGNORECASE,
)

# --- page furniture: lines ------------------------------------------------------------------------

# Short lines that are page furniture in any template: "related"/"read more" headings, share and
# print buttons, ad labels, "follow us", copyright lines, comment counters, "back to top", in the
# languages of the corpus (Vietnamese "tin khác", "xem thêm", "bình luận"; German "Lesen Sie
# auch", "Anzeige"; Spanish "Lee también"; …). A whole line must match, so a sentence that merely
# contains such words stays.
BOILERPLATE_LINE = re.compile(
    r"^(?:tin khác|tin liên quan|bài liên quan|xem thêm|đọc thêm|các tin khác|tin cùng chuyên mục|"
    r"chia sẻ|in bài|gửi bài|bình luận|ý kiến bạn đọc|related(?: articles| stories| news| content)?|"
    r"read more|more from|see also|share(?: this)?(?: article| story)?|advertisement|anzeige|"
    r"werbung|publicidad|reklame|annonse|advertising|recommended|most read|trending|print|"
    r"lesen sie auch|mehr zum thema|auch interessant|weitere artikel|zum thema|"
    r"leer más|lee también|te puede interesar|sign up|subscribe.*|follow us.*|"
    r"copyright.*|©.*|all rights reserved.*|click here.*|comments?|\d+ (?:comments?|bình luận|kommentare?|"
    r"commentaires?|comentarios?|reacties|kommentarer)|"
    r"back to top|zurück|top|close|schließen|menu|menü|loading\.*|laden\.*)$",
    re.IGNORECASE,
)

# The label of a tag list under a story ("Tags: …", "Từ khóa: …", "Schlagwörter", "Etiquetas",
# "Mots-clés", Scandinavian "Emneord"/"Stikkord"): a labelled link strip is no body however long.
TAG_LINE = re.compile(r"^(?:tags?|từ kh(?:óa|oá)|schlagw(?:ö|oe)rter|themen|etiquetas|mots[- ]cl[ée]s|keywords|"
                      r"emneord|stikkord|tagit|tagi|argomenti|temas?)\b\s*:?", re.IGNORECASE)

# The heading of a box of other stories set under a story ("Related posts", "Recent blogs",
# "Latest insights", "Popular posts", "You may also like", "Read next", "More from CFR", German
# "Weitere Artikel", "Das könnte Sie auch interessieren", Vietnamese "Tin liên quan", "Bài viết
# khác"): a whole short line, matched from its start.
OTHER_STORIES_LABEL = re.compile(
    r"^(?:(?:related|similar|recent|latest|popular|recommended|trending|more|other)\b(?:\s+\w+)?\s*"
    r"(?:posts?|articles?|stories|reads?|reading|blogs?|news|insights|content|coverage|videos)\b|"
    r"you (?:may|might|will) (?:also )?(?:like|enjoy|love)|read next|keep reading|more from\b|"
    r"related:?$|also read|weitere (?:artikel|beiträge|nachrichten)|das könnte sie auch interessieren|"
    r"tin liên quan|tin khác|bài viết (?:khác|liên quan)|tin cùng chuyên mục)",
    re.IGNORECASE,
)

# The word between the two numbers of a gallery's slide counter ("3 of 12", "3/12", "3 von 12",
# "3 de 12", "3 sur 12", "3 di 12", "3 av 12", "3 trên 12"). See crawler.text.counters.
SLIDE_COUNTER_WORDS = ("of", "/", "von", "de", "sur", "di", "av", "trên")

# --- photos: captions and credits -----------------------------------------------------------------

# class words of photo captions: WordPress "wp-caption-text", "figcaption", "image-desc",
# German "Bildtext"/"Bildunterschrift", Vietnamese "chú thích", CKEditor's "ck_legend".
CAPTION_CLASS = re.compile(
    r"caption|legend|image[-_]?desc|img[-_]?desc|photo[-_]?desc|pic[-_]?desc|desc[-_]?image|"
    r"figcaption|imagetext|image[-_]?text|bildtext|bildunterschrift|media[-_]?desc|expnote|"
    r"chuthich|chu-?thich|note[-_]?image|ck_legend",
    re.IGNORECASE,
)
# Beside a photo, in a wrapper of its own, these class words also mark the caption.
SIBLING_CAPTION_CLASS = re.compile(CAPTION_CLASS.pattern + r"|description|desc(?:$|[-_ ])|info", re.IGNORECASE)

# class words of a photo's credit element ("credit", "copyright", "photographer", German "Quelle").
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

# A "caption" that is a byline with a date ("By Jane Doe, 13 June 2023", "Bởi …", "Von …").
BYLINE_CAPTION = re.compile(r"^(?:von|by|bởi|par|por|av|af|door)\s+\S+.*\d", re.IGNORECASE)

# Words in the file names of pictures that are no photos: logos, icons, avatars, tracking pixels,
# and the placeholders lazy-loading scripts show until the real picture arrives.
IMAGE_FILE_SKIP = re.compile(r"logo|icon|avatar|spacer|pixel|blank|placeholder|sprite|emoji|badge|1x1|loading|lazy\.|"
                             r"grey\.gif|transparent", re.IGNORECASE)
# class words of decorative pictures (and of the author's portrait in a byline box).
DECORATIVE_CLASS = re.compile(r"logo|icon|avatar|emoji|badge|sprite|author|profile|byline", re.IGNORECASE)

# --- bylines, authors, sources --------------------------------------------------------------------

# class words of byline elements ("author", "byline", "writer", WordPress "entry-author",
# Vietnamese "tác giả", German "Autor"/"Autorin").
BYLINE_CLASS = re.compile(
    r"(?:^|[-_ ])(?:author|authors|byline|by-?line|writer|reporter|tac-?gia|tacgia|creator|"
    r"article-?author|post-?author|entry-?author|author-?name|byline-?name|contributor|autor|"
    r"autoren|autorin)(?:$|[-_ ]|s$)",
    re.IGNORECASE,
)
# Where a linked byline points: the author's page, under any of these path words.
AUTHOR_PAGE_PATH = re.compile(r"autor|author|tac-?gia|/people/|/profile|/staff|/journalist|/redaksjon|/by/", re.IGNORECASE)

# The label before the names of a byline: "By", "Von", "Par", "Por", "Door", Vietnamese "Bài và
# ảnh:", "Thực hiện:", "PV", "CTV", "Phóng viên", "Tác giả", after an optional "Written"/"Photos".
BYLINE_PREFIX = re.compile(
    r"^(?:(?:written|reported|posted|story|text|words|interview|edited|compiled|photos?|recipe)\s+)?"
    r"(?:by|von|par|por|di|da|door|av|af|от|автор|text|texto|tekst|bài(?: và ảnh)?|ảnh|"
    r"bài, ảnh|thực hiện|nhóm pv|pv|ctv|btv|phóng viên|tác giả|authors?|autor|autorin|reporter)"
    r"(?:\s*[:.\-–]?\s+|\s*:|(?<=by)(?-i:(?=[A-ZĐÀ-Ỹ])))",  # "By Jane", "Posted by:Jane", "ByJane" (two spans)
    re.IGNORECASE,
)
# A line that is a byline by its words alone, wherever the page puts it: "By Jane Doe",
# "Written by Jane Doe", "Author: Jane Doe" (read when no element is classed as a byline).
BYLINE_LINE = re.compile(r"^(?:(?:written|posted)\s+by|by|author\s*:)\s*(?P<name>\S.{2,58})$", re.IGNORECASE)
# A byline part that credits the photos, not the text: "Ảnh: Văn Hưng", "Photo: Jane Doe",
# "Photos by …", "Foto: …", "Bild: …". ("Bài và ảnh: …", text and photos, is BYLINE_PREFIX's.)
PHOTO_CREDIT_PREFIX = re.compile(
    r"^(?:ảnh|photos?|photographs?|fotos?|bild(?:er)?|images?|video)(?:\s+by|\s*:)\s*", re.IGNORECASE
)
# The label before a named original source: "Theo TTXVN", "Nguồn: …", "Source:", "Quelle:", "via".
SOURCE_PREFIX = re.compile(r"^(?:theo|nguồn|source|quelle|fuente|fonte|via)\s*[:.\-–]?\s*", re.IGNORECASE)
# "and" between two names of one byline, in the languages of the corpus.
NAME_CONJUNCTION = re.compile(r"\s+(?:and|und|y|et|e|og|och|và|и)\s+", re.IGNORECASE)
# A byline part that is a role or a stamp, not a name ("Staff Writer", "Korrespondent", "PV",
# "Updated", "5 min read").
BYLINE_ROLE = re.compile(
    r"^(?:staff|senior|chief|contributing|special|foreign|political|business|sports?|deputy|"
    r"associate|executive|managing|news|national|correspondent|editor|writer|reporter|"
    r"journalist|columnist|redakteur\w*|korrespondent\w*|redaktion|editors?|ctv|pv|btv|"
    r"photographer|published|updated|min read|\d+ min)\b",
    re.IGNORECASE,
)
# What a name never holds: numbers, links, e-mail, "updated", "minutes".
# A month and a day ("August 1", "Jun 2"), and the links an author card ends with ("More about
# this author", "View all posts by …").
NOT_A_NAME = re.compile(
    r"\d{2}|https?:|www\.|@|\bupdated\b|\bpublished\b|\bminutes?\b|\bmins?\s+read\b|\d\s*mins?\b|"
    r"\b(?:jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[a-z]*\.?\s+\d{1,2}\b|"
    r"\b(?:more|view|see|read)\s+(?:all\s+)?(?:about|posts|articles|stories|from)\b",
    re.IGNORECASE,
)
# The people an article's header names beside its author who did not write it: "Fact checked by",
# "Reviewed by", "Medically reviewed by", "Researched by" (health, finance and product sites print
# an author card and a reviewer card side by side). ("Edited by" stays a byline: BYLINE_PREFIX.)
REVIEWER_LABEL = re.compile(
    r"(?:^|\b)(?:(?:fact[- ]?)?checked|(?:medically\s+)?reviewed|researched|verified|geprüft|überprüft)\s+by\b",
    re.IGNORECASE,
)
# A line of an author card under the name that says what the person does, not who: "AI Writer,
# Embarque", "Senior Editor", "Founder at Oakywood", "Head Winemaker, Co-Founder", "Former
# McKinsey Consultant", "Home Security Expert". Only a card's later lines are read this way: a
# name can hold such a word ("Ellen Baker").
ROLE_WORDS = re.compile(
    r"\b(?:writer|editor|editors|contributor|founder|co-?founder|ceo|cto|cmo|expert|consultant|reviewer|"
    r"correspondent|reporter|journalist|columnist|director|manager|head of|officer|marketing|"
    r"researcher|specialist|strategist|analyst|author at|president|lead|engineer|designer|"
    r"coordinator|producer|advisor|adviser|associate|intern|fellow|professor|student|sponsored)\b",
    re.IGNORECASE,
)
# A byline's label left alone, with no name after it: "By", "Author", "The author", "Written by".
BYLINE_WORD = re.compile(r"^(?:(?:written|posted|reported)\s+)?(?:by|von|par|por|bởi|the\s+)?\s*(?:authors?|by|tác giả)?$",
                         re.IGNORECASE)
# News agencies, and the Vietnamese shapes of an organisation's name ("Báo …", "Tạp chí …",
# "Cổng thông tin …", "Sở …", "UBND …"): a source or an office, not a person.
AGENCY = re.compile(
    r"^(?:ttxvn|vna|vov|vtv|ttx|afp|ap|dpa|reuters|kna|epd|apa|sda|ansa|efe|tass|xinhua|"
    r"báo .+|tạp chí .+|cổng .+|đài .+|trang .+|sở .+|ban .+|ubnd .+|cổng thông tin .+)$",
    re.IGNORECASE,
)

# --- pages that are no article ----------------------------------------------------------------------

# A URL folder that lists posts, followed by at most one more segment: WordPress and most CMSs'
# category, tag, author, archive, search and paged listings ("/category/tin-tuc/", "/tag/x",
# "/author/jane/", "/page/3/"), Blogger's "/search/label/x", Vietnamese portals' "chuyen-muc",
# "danh-muc", "tu-khoa".
LISTING_FOLDER = re.compile(
    r"^(?:category|categories|tag|tags|topics|sections?|author|archives?|search|label|chuyen-muc|danh-muc|"
    r"tu-khoa)$",
    re.IGNORECASE,
)
# The last segment of a section's front page: "/news", "/blog", "/articles", "/tin-tuc".
SECTION_FRONT = re.compile(r"^(?:news|blogs?|articles|stories|latest|tin-tuc|tin-moi)$", re.IGNORECASE)

# --- dates ----------------------------------------------------------------------------------------

# class words of date lines ("date", "time", "posted", "meta", Vietnamese "ngày", "thời gian",
# German "Datum", Spanish "fecha").
DATE_CLASS = re.compile(
    r"date|time|publish|posted|dateline|meta|created|updated|ngay|thoi-?gian|datum|fecha|byline|info",
    re.IGNORECASE,
)
# The label of a date line that gives the last change, not the publication ("Updated", "Last
# modified", German "Aktualisiert", Vietnamese "Cập nhật", French "Mis à jour", Spanish
# "Actualizado", Italian "Aggiornato", Dutch "Bijgewerkt", Nordic "Uppfært", "Oppdatert", "Uppdaterad").
UPDATED_LABEL = re.compile(
    r"updated|modified|revised|aktualisiert|geändert|cập nhật|mis à jour|actualizado|aggiornato|"
    r"bijgewerkt|uppfært|oppdatert|uppdaterad|opdateret",
    re.IGNORECASE,
)
# The afternoon in a 12-hour time ("pm", Vietnamese "chiều", "tối", "CH").
PM_WORDS = re.compile(r"\b(pm|chiều|tối|CH)\b", re.IGNORECASE)
# A date counted from the crawl ("2 giờ trước", "3 hours ago", "vor 2 Stunden", "hôm qua").
RELATIVE_DATE_WORDS = re.compile(r"trước|ago|vor|hôm qua|yesterday|today|hôm nay", re.IGNORECASE)
