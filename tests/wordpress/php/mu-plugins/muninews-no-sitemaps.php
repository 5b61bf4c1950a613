<?php
/*
 * Plugin Name: muninews: sitemaps off
 * Description: WordPress's own switch: /wp-sitemap.xml answers 404 and robots.txt names no sitemap.
 */
add_filter('wp_sitemaps_enabled', '__return_false');
