<?php
/*
 * What WordPress says about every post and page (not what the plan asked for): the harness turns the
 * rendered content into paragraphs and images (WordPressSite.truth()).
 */
global $post;

$records = array();
$query = new WP_Query(array(
    'post_type' => array('post', 'page'), 'post_status' => array('publish', 'draft', 'pending', 'private', 'future', 'trash'),
    'posts_per_page' => -1, 'orderby' => 'ID', 'order' => 'ASC', 'suppress_filters' => true, 'perm' => '',
));
foreach ($query->posts as $p) {
    $post = $p;
    setup_postdata($p);
    $thumb = (int) get_post_thumbnail_id($p);
    $open = $p->post_status === 'publish' && $p->post_password === '';
    $record = array(
        'id' => $p->ID,
        'type' => $p->post_type,
        'status' => $p->post_status,
        'password' => $p->post_password !== '',
        'url' => get_permalink($p),
        'shortlink' => home_url('/?p=' . $p->ID),
        'slug' => $p->post_name,
        'title' => get_the_title($p),
        'title_raw' => $p->post_title,
        'published' => get_post_time('c', false, $p),
        'published_gmt' => $p->post_date_gmt,
        'modified' => get_post_modified_time('c', false, $p),
        'modified_gmt' => $p->post_modified_gmt,
        'account' => get_the_author_meta('display_name', $p->post_author),
        'account_login' => get_the_author_meta('user_login', $p->post_author),
        'byline' => get_post_meta($p->ID, '_muninews_byline', true) ?: null,
        'key' => get_post_meta($p->ID, '_muninews_key', true) ?: null,
        'excerpt' => $p->post_excerpt,
        'categories' => wp_list_pluck(get_the_category($p->ID), 'name'),
        'tags' => wp_list_pluck(get_the_tags($p->ID) ?: array(), 'name'),
        'comment_status' => $p->comment_status,
        'comments' => (int) $p->comment_count,
        'featured' => $thumb ? array(
            'id' => $thumb,
            'url' => wp_get_attachment_image_url($thumb, 'post-thumbnail'),
            'full_url' => wp_get_attachment_image_url($thumb, 'full'),
            'caption' => wp_get_attachment_caption($thumb) ?: null,
        ) : null,
        'html' => $open ? apply_filters('the_content', get_the_content(null, false, $p)) : null,
    );
    $records[] = $record;
}
wp_reset_postdata();

// Every URL WordPress would give for each image attachment (all sizes), to name the images in the content.
$attachments = array();
foreach (get_posts(array('post_type' => 'attachment', 'post_status' => 'inherit', 'numberposts' => -1)) as $a) {
    $urls = array(wp_get_attachment_url($a->ID));
    $meta = wp_get_attachment_metadata($a->ID);
    if (!empty($meta['sizes'])) {
        foreach (array_keys($meta['sizes']) as $size) {
            $urls[] = wp_get_attachment_image_url($a->ID, $size);
        }
    }
    $attachments[] = array('id' => $a->ID, 'urls' => array_values(array_unique($urls)),
        'caption' => wp_get_attachment_caption($a->ID) ?: null, 'parent' => $a->post_parent);
}

return array(
    'home' => home_url('/'),
    'theme' => get_stylesheet(),
    'locale' => get_locale(),
    'timezone_string' => get_option('timezone_string'),
    'gmt_offset' => (float) get_option('gmt_offset'),
    'date_format' => get_option('date_format'),
    'time_format' => get_option('time_format'),
    'permalink_structure' => get_option('permalink_structure'),
    'posts_per_page' => (int) get_option('posts_per_page'),
    'records' => $records,
    'attachments' => $attachments,
    'categories' => array_map(function ($t) { return array('name' => $t->name, 'url' => get_term_link($t), 'count' => $t->count); },
        get_terms(array('taxonomy' => 'category', 'hide_empty' => false))),
);
