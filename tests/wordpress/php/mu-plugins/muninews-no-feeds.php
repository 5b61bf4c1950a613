<?php
/*
 * Plugin Name: muninews: feeds off
 * Description: Every feed (/feed/, /category/x/feed/, ?feed=rss2, comments feeds) answers 404, and pages no
 * longer link to feeds.
 */
function muninews_no_feed() {
    status_header(404);
    nocache_headers();
    header('Content-Type: text/plain; charset=UTF-8');
    echo 'Feeds are disabled on this site.';
    exit;
}
foreach (array('do_feed', 'do_feed_rdf', 'do_feed_rss', 'do_feed_rss2', 'do_feed_atom',
               'do_feed_rss2_comments', 'do_feed_atom_comments') as $muninews_feed) {
    add_action($muninews_feed, 'muninews_no_feed', 1);
}
remove_action('wp_head', 'feed_links', 2);
remove_action('wp_head', 'feed_links_extra', 3);
