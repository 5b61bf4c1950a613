"""crawler/extensions/gc_tuning.py: the crawl's collector thresholds, and off at 0."""

import gc

import pytest
from scrapy.exceptions import NotConfigured
from scrapy.utils.test import get_crawler

from crawler.extensions.gc_tuning import OLDER_THRESHOLDS, GcTuning, tune


@pytest.fixture
def restored_gc():
    before = gc.get_threshold()
    yield
    gc.set_threshold(*before)
    gc.unfreeze()


def test_tune_freezes_start_up_state_and_raises_the_young_threshold(restored_gc):
    kept = [object() for _ in range(10)]
    tune(12345)
    assert gc.get_threshold() == (12345, *OLDER_THRESHOLDS)
    assert gc.get_freeze_count() >= len(kept)


def test_the_extension_is_off_at_zero_and_tunes_when_the_spider_opens(restored_gc):
    with pytest.raises(NotConfigured):
        GcTuning.from_crawler(get_crawler(settings_dict={"MUNINEWS_GC_THRESHOLD": 0}))
    extension = GcTuning.from_crawler(get_crawler(settings_dict={"MUNINEWS_GC_THRESHOLD": 4321}))
    extension.spider_opened()
    assert gc.get_threshold()[0] == 4321
