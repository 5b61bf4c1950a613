<?php
/*
 * Plugin Name: muninews test site
 * Description: Always loaded on the harness's site: nothing on its pages points a browser off the machine
 * (no emoji script from s.w.org, no dns-prefetch hints). Everything else is stock WordPress.
 */
remove_action('wp_head', 'print_emoji_detection_script', 7);
remove_action('wp_print_styles', 'print_emoji_styles');
remove_action('admin_print_scripts', 'print_emoji_detection_script');
remove_action('admin_print_styles', 'print_emoji_styles');
add_filter('emoji_svg_url', '__return_false');
add_filter('wp_resource_hints', function ($urls, $relation) {
    return $relation === 'dns-prefetch' ? array() : $urls;
}, 10, 2);
