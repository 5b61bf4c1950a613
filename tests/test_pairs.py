"""The index of adjacent syllable pairs (``articles_pairs``, m016): its syllables are cut where
``articles_fts``'s tokenizer cuts them, so a phrase looked up by its pairs finds exactly the rows
the phrase finds in ``articles_fts``; the triggers, the bulk rebuild and the integrity check keep it
in step; the searches use it for phrases of two syllables or more."""

from __future__ import annotations

import random
import sqlite3
import unicodedata

import pytest

from crawler.storage import pairs
from crawler.storage.db import open_db
from crawler.storage.search import (
    FTS_TABLE,
    PAIRS_TABLE,
    index_suspended,
    integrity_check,
    lookup,
    match_expression,
    pairs_expression,
    search,
)

# Vietnamese letters precomposed and decomposed, digits, punctuation of every kind, an underscore,
# other scripts, symbols and emoji (outside the Basic Multilingual Plane), a lone combining mark.
ALPHABET = list("aăâbcdđeêghiklmnoôơpqrstuưvxyàáảãạằắẳẵặầấẩẫậèéẻẽẹềếểễệìíỉĩịòóỏõọồốổỗộờớởỡợùúủũụừứửữựỳýỷỹỵ"
                "ĐĂÂÊÔƠƯ0123456789") + ["Ngô", "Quyền", "Lê", "Chân", "đảng", "ủy"]
SEPARATORS = [" ", " ", " ", ", ", ". ", "-", "_", "'", '"', "(", ")", "/", "…", "–", "\n\n", "·", "%", "&"]
EXOTIC = ["\u0301", "\u0323", "ß", "ø", "Ω", "Ж", "中文", "한국", "ا", "²", "½", "©", "™", "€", "😀", "𝐀", "\u200b",
          "\u00a0", "\u2060", "ǅ"]


def random_text(rng: random.Random, words: int) -> str:
    parts = []
    for _ in range(words):
        word = "".join(rng.choice(ALPHABET) for _ in range(rng.randint(1, 3)))
        if rng.random() < 0.1:
            word = rng.choice(EXOTIC) + word if rng.random() < 0.5 else word + rng.choice(EXOTIC)
        if rng.random() < 0.2:
            word = unicodedata.normalize("NFD", word)
        parts.append(word + rng.choice(SEPARATORS))
    return "".join(parts)


def fts_tokens(text: str) -> list[str]:
    conn = sqlite3.connect(":memory:")
    conn.execute("CREATE VIRTUAL TABLE t USING fts5(x, tokenize='unicode61 remove_diacritics 2')")
    conn.execute("CREATE VIRTUAL TABLE v USING fts5vocab(t, instance)")
    conn.execute("INSERT INTO t(rowid, x) VALUES (1, ?)", (text,))
    return [r[0] for r in conn.execute("SELECT term FROM v ORDER BY offset")]


def test_pairs_of_a_text_are_its_adjacent_syllables_as_written():
    assert pairs.pairs("Quận Ngô Quyền, Hải Phòng.") == "Quận_Ngô Ngô_Quyền Quyền_Hải Hải_Phòng"
    assert pairs.pairs("Một") is None and pairs.pairs("") is None and pairs.pairs(None) is None
    assert pairs.pairs("…, !") is None
    assert pairs.pairs("a_b-c") == "a_b b_c"  # "_" parts syllables, as in articles_fts


def test_syllables_are_cut_where_the_fts5_tokenizer_cuts_them():
    rng = random.Random(16)
    for _ in range(300):
        text = random_text(rng, rng.randint(1, 12))
        folded = [unicodedata.normalize("NFD", t) for t in fts_tokens(" ".join(pairs.syllables(text)))]
        assert folded == [unicodedata.normalize("NFD", t) for t in fts_tokens(text)], repr(text)


@pytest.fixture()
def db(tmp_path):
    db = open_db(tmp_path / "pairs.db")
    db["portals"].insert({"name": "p"})
    rng = random.Random(7)
    for article_id in range(1, 121):
        db["articles"].insert({"id": article_id, "portal": "p", "url": f"u{article_id}", "url_key": f"u{article_id}",
                               "title": random_text(rng, 6), "body": random_text(rng, 40),
                               "lead": random_text(rng, 5) if article_id % 3 == 0 else None})
    db.conn.commit()
    yield db
    db.conn.close()


def found(db, table: str, expression: str) -> set[int]:
    return {r[0] for r in db.execute(f"SELECT rowid FROM {table} WHERE {table} MATCH ?", [expression])}


def test_a_phrase_looked_up_by_its_pairs_finds_exactly_what_articles_fts_finds(db):
    """Every run of 2-4 consecutive syllables of the corpus, in each column and in all of them,
    typed as written and without diacritics; several phrases together."""
    rng = random.Random(3)
    phrases = set()
    for title, body in db.execute("SELECT title, body FROM articles"):
        words = pairs.syllables(title) + pairs.syllables(body)
        for _ in range(6):
            n, at = rng.randint(2, 4), rng.randrange(len(words))
            phrases.add(" ".join(words[at:at + n]))
    nonempty = 0
    for phrase in sorted(phrases):
        for typed in (phrase, "".join(c for c in unicodedata.normalize("NFD", phrase) if not unicodedata.combining(c))):
            expression = match_expression(typed)
            table, paired = lookup(expression)
            if len(pairs.syllables(typed)) < 2:
                assert table == FTS_TABLE
                continue
            assert table == PAIRS_TABLE
            for column in ("", "title : ", "body : ", "lead : "):
                rows = found(db, PAIRS_TABLE, f"{column}({paired})")
                assert rows == found(db, FTS_TABLE, f"{column}({expression})"), (typed, column)
                nonempty += bool(rows)
    assert nonempty > 200
    two = match_expression(f"{sorted(phrases)[0]}, {sorted(phrases)[-1]}")
    assert found(db, PAIRS_TABLE, pairs_expression(two)) == found(db, FTS_TABLE, two)


def test_one_syllable_anywhere_sends_the_query_to_articles_fts():
    assert lookup(match_expression("Ngô Quyền")) == (PAIRS_TABLE, '"Ngô_Quyền"')
    assert lookup(match_expression("Ngô Quyền, phường"))[0] == FTS_TABLE
    assert lookup(match_expression('"'))[0] == FTS_TABLE


def test_triggers_rebuild_and_integrity_check_keep_the_pairs_in_step(db):
    integrity_check(db.conn)
    with db.conn:
        db.execute("UPDATE articles SET title = 'Đặng Quang Long về thăm' WHERE id = 5")
        db.execute("UPDATE articles SET lead = 'Đặng Quang Long' WHERE id = 6")
        db.execute("DELETE FROM articles WHERE id = 7")
        db["articles"].insert({"id": 200, "portal": "p", "url": "u200", "url_key": "u200", "title": "x",
                               "body": "Ông Đặng Quang Long phát biểu."})
    integrity_check(db.conn)
    assert {r["id"] for r in search(db.conn, "dang quang long")} == {5, 6, 200}
    assert [r["id"] for r in search(db.conn, "dang quang long")][0] == 5  # a title hit first
    with index_suspended(db.conn):
        db["articles"].insert({"id": 201, "portal": "p", "url": "u201", "url_key": "u201", "title": "Đặng Quang Long"})
    integrity_check(db.conn)
    assert {r["id"] for r in search(db.conn, "Đặng Quang Long")} == {5, 6, 200, 201}
    with db.conn:  # an index row that disagrees with its article
        db.execute(f"INSERT INTO {PAIRS_TABLE}(rowid, title) VALUES (5000, 'lạc_đề')")
    with pytest.raises(sqlite3.DatabaseError, match=PAIRS_TABLE):
        integrity_check(db.conn)
