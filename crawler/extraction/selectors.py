"""Profile selectors, matched the way browsers match CSS: right to left, from a class index.

A profile's CSS selectors compile to XPath (``crawler.registry.compile_selector``), and libxml2
evaluates a class test such as ``.share-bar`` by running an XPath predicate on every element of
the page; with a dozen selectors per page that was most of the profile path's time. Here one walk
over the page indexes its elements by class (and ``itemprop``, for the structured layer); a
selector whose last part names a class, an id or a tag starts from those few candidates and
checks its ancestors, as a browser engine does, and an ``xpath:`` selector that starts with
``.//tag[@class='x']/`` starts from the index too. Selectors this matcher does not understand
(pseudo-classes, sibling combinators, groups, ``*`` alone, other XPath) run as XPath, unchanged,
so every profile keeps working; tests check every fast match against the XPath's.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Callable

import cssselect
from lxml import etree

from crawler.registry import compile_selector

# XPath's normalize-space(), which the compiled selectors use on @class, splits on these only.
_CLASS_SEPARATORS = str.maketrans("\t\n\r", "   ")


def class_tokens(value: str) -> list[str]:
    return [token for token in value.translate(_CLASS_SEPARATORS).split(" ") if token]


@lru_cache(maxsize=4096)
def class_set(value: str) -> frozenset[str]:
    """The tokens of a class attribute; a site's templates repeat a few hundred of them."""
    return frozenset(class_tokens(value))


class PageIndex:
    """The page's elements that carry a class or an ``itemprop``, read in one walk (each walk of
    a page costs as much as a selector); the elements of one class (or one id, one itemprop) are
    picked from those on request, in document order. Built once per page, shared by the layers."""

    def __init__(self, root: etree._Element) -> None:
        self.root = root
        self._classed: list[tuple[etree._Element, str]] = []
        self._itemprops: list[tuple[etree._Element, str]] = []
        for element in root.iter(etree.Element):
            value = element.get("class")
            if value:
                self._classed.append((element, value))
            prop = element.get("itemprop")
            if prop:
                self._itemprops.append((element, prop))
        self._by_class: dict[str, list[etree._Element]] = {}

    def by_itemprop(self, name: str) -> list[etree._Element]:
        """Elements whose ``itemprop`` is exactly ``name`` (as XPath's ``@itemprop = $name``)."""
        return [element for element, value in self._itemprops if value == name]

    def by_class(self, name: str) -> list[etree._Element]:
        found = self._by_class.get(name)
        if found is None:
            found = [element for element, value in self._classed if name in value and name in class_set(value)]
            self._by_class[name] = found
        return found

    def by_id(self, ident: str) -> list[etree._Element]:
        return _BY_ID(self.root, ident=ident)


_BY_ID = etree.XPath("descendant-or-self::*[@id = $ident]")


@dataclass(frozen=True)
class Compound:
    """One compound selector: ``div#main.entry-content[data-x]``."""

    tag: str | None = None
    ident: str | None = None
    classes: frozenset[str] = frozenset()
    attributes: tuple[tuple[str, str | None], ...] = ()  # (name, exact value or None for "present")

    def matches(self, element: etree._Element) -> bool:
        if self.tag is not None and element.tag != self.tag:
            return False
        if self.ident is not None and element.get("id") != self.ident:
            return False
        if self.classes:
            value = element.get("class")
            # substring first: most ancestors fail it, and only the survivors are tokenised
            if not value or not all(name in value for name in self.classes) or not self.classes <= class_set(value):
                return False
        for name, value in self.attributes:
            found = element.get(name)
            if found is None or (value is not None and found != value):
                return False
        return True


@dataclass(frozen=True)
class Chain:
    """Compounds left to right and the combinators between them (" " descendant, ">" child)."""

    compounds: tuple[Compound, ...]
    combinators: tuple[str, ...]

    def candidates(self, index: PageIndex) -> list[etree._Element] | None:
        last = self.compounds[-1]
        if last.ident is not None:
            pool = index.by_id(last.ident)
        elif last.classes:
            pool = min((index.by_class(name) for name in last.classes), key=len)
        elif last.tag is not None:
            pool = list(index.root.iter(last.tag))
        else:
            return None
        return [element for element in pool if self.matches(element, len(self.compounds) - 1)]

    def matches(self, element: etree._Element, position: int) -> bool:
        """Does ``element`` match compound ``position`` with every compound to its left placed
        on its ancestors as the combinators demand? (Backtracks over descendant combinators.)"""
        if not self.compounds[position].matches(element):
            return False
        if position == 0:
            return True
        parent = element.getparent()
        if self.combinators[position - 1] == ">":
            return parent is not None and self.matches(parent, position - 1)
        while parent is not None:
            if self.matches(parent, position - 1):
                return True
            parent = parent.getparent()
        return False


Select = Callable[[etree._Element, PageIndex | None], list[etree._Element]]


@lru_cache(maxsize=4096)
def compile_profile_selector(selector: str) -> Select:
    """A function (element, index) -> matches, equal to the selector's XPath. The index is used
    when the selector runs on the page's root; anywhere else it runs as XPath."""
    xpath = compile_selector(selector)
    if selector.startswith("xpath:"):
        return _class_rooted_xpath(selector[len("xpath:"):].strip(), xpath) or (lambda element, _index=None: xpath(element))
    chain = _chain(selector)
    if chain is None:
        return lambda element, _index=None: xpath(element)

    def select(element: etree._Element, index: PageIndex | None = None) -> list[etree._Element]:
        if index is not None and element is index.root:
            found = chain.candidates(index)
            if found is not None:
                return found
        return xpath(element)

    return select


def _chain(selector: str) -> Chain | None:
    try:
        parsed = cssselect.parse(selector)
    except cssselect.SelectorError:
        return None
    if len(parsed) != 1 or parsed[0].pseudo_element is not None:
        return None
    compounds: list[Compound] = []
    combinators: list[str] = []
    node = parsed[0].parsed_tree
    while isinstance(node, cssselect.parser.CombinedSelector):
        if node.combinator not in (" ", ">"):
            return None
        right = _compound(node.subselector)
        if right is None:
            return None
        compounds.insert(0, right)
        combinators.insert(0, node.combinator)
        node = node.selector
    first = _compound(node)
    if first is None:
        return None
    compounds.insert(0, first)
    return Chain(tuple(compounds), tuple(combinators))


def _compound(node: object) -> Compound | None:
    classes: set[str] = set()
    attributes: list[tuple[str, str | None]] = []
    ident = None
    while not isinstance(node, cssselect.parser.Element):
        if isinstance(node, cssselect.parser.Class):
            classes.add(node.class_name)
        elif isinstance(node, cssselect.parser.Hash):
            if ident is not None and ident != node.id:
                return None
            ident = node.id
        elif isinstance(node, cssselect.parser.Attrib) and node.namespace is None and node.operator in ("exists", "="):
            value = None if node.operator == "exists" else node.value.value
            attributes.append((node.attrib, value))
        else:
            return None
        node = node.selector
    if node.namespace is not None:
        return None
    return Compound(None if node.element in (None, "*") else node.element, ident, frozenset(classes), tuple(attributes))


# ".//div[@class='entry-content']/p[…]": the usual shape of a hand-written profile XPath. Its
# first step is a page-wide scan for one class value; the index has those elements already.
_CLASS_ROOTED = re.compile(r"""^\.//([a-zA-Z][\w-]*|\*)\[@class\s*=\s*(['"])([^'"]+)\2\]/(?![/.])(.+)$""")


def _class_rooted_xpath(expression: str, whole: etree.XPath) -> Select | None:
    """``.//TAG[@class='X']/REST`` as the elements of class value X from the index, then REST
    from each: the same nodes in the same order, since REST stays inside each start element
    (no axis leaves it) and starts that nest fall back to the whole XPath."""
    match = _CLASS_ROOTED.match(expression)
    if match is None or "|" in expression or _LEAVING_AXIS.search(match.group(4)):
        return None
    tag, value, rest = match.group(1), match.group(3), match.group(4)
    tokens = class_tokens(value)
    try:
        remainder = etree.XPath(rest)
    except etree.XPathSyntaxError:
        return None
    if not tokens:
        return None

    def select(element: etree._Element, index: PageIndex | None = None) -> list[etree._Element]:
        if index is None or element is not index.root:
            return whole(element)
        starts = [e for e in index.by_class(tokens[0]) if e.get("class") == value and (tag == "*" or e.tag == tag)]
        chosen = set(starts)
        if len(starts) > 1 and any(a in chosen for start in starts for a in start.iterancestors()):
            return whole(element)
        found: list[etree._Element] = []
        for start in starts:
            nodes = remainder(start)
            if not isinstance(nodes, list) or not all(isinstance(n, etree._Element) for n in nodes):
                return whole(element)
            found.extend(nodes)
        return found

    return select


_LEAVING_AXIS = re.compile(r"\.\.|ancestor|parent|following|preceding|^/|\|")
