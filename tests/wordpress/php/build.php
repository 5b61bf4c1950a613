<?php
/*
 * Builds the test site from the harness's plan (tests/wordpress/content.py) through WordPress's API, in two
 * phases around the images' intermediate sizes (which the harness computes in parallel in between):
 *   "install" (run with "installing": true): wp_install, settings, users, categories, image uploads;
 *             returns {"images": key => attachment ID, "timings": ...};
 *   "content": posts, pages, comments, edits, menus, the theme ($args["images"]: the install phase's map);
 *             returns {"ids": plan key => post ID, "timings": ...}.
 * $args = {"phase": ..., "plan": ..., "home": URL, "language": "vi" or "", "theme": ...}.
 */

function muninews_build_install($plan, $args) {
    global $wp_rewrite;
    $site = $plan['site'];
    $t0 = microtime(true);
    $timings = array();
    if ($args['language']) {
        load_default_textdomain($args['language']);  // the options wp_install writes (date format...) come out translated
    }
    $installed = wp_install($site['title'], $site['admin'], $site['admin_email'], true, '', 'quantri-matkhau', $args['language']);
    if (empty($installed['user_id'])) {
        throw new Exception('wp_install failed');
    }
    update_option('siteurl', $args['home']);  // the loopback server's address, not what PHP's CLI would guess
    update_option('home', $args['home']);
    $timings['install'] = microtime(true) - $t0;

    // wp_install's sample content ("Hello world!", "Sample Page", the draft privacy page) is not part of the fixture.
    foreach (get_posts(array('post_type' => array('post', 'page'), 'post_status' => 'any', 'numberposts' => -1)) as $sample) {
        wp_delete_post($sample->ID, true);
    }
    update_option('wp_page_for_privacy_policy', 0);

    muninews_as_admin();
    update_option('blogdescription', $site['tagline']);
    update_option('timezone_string', $site['timezone']);
    update_option('gmt_offset', '');
    update_option('default_comment_status', 'open');
    update_option('default_ping_status', 'closed');
    update_option('comment_registration', 0);
    update_option('comments_notify', 0);
    update_option('moderation_notify', 0);
    update_option('comment_moderation', 0);
    update_option('show_avatars', 0);  // no requests to gravatar.com from a browser test
    update_option('posts_per_page', 10);
    update_option('uploads_use_yearmonth_folders', 1);
    update_option('blog_public', 1);
    $wp_rewrite->set_permalink_structure($site['permalinks']);

    foreach ($plan['users'] as $user) {
        $id = wp_insert_user(wp_slash(array(
            'user_login' => $user['login'], 'user_pass' => $user['login'] . '-matkhau',
            'user_email' => $user['login'] . '@example.invalid', 'display_name' => $user['display_name'],
            'nickname' => $user['display_name'], 'first_name' => $user['first_name'],
            'last_name' => $user['last_name'], 'role' => $user['role'],
        )));
        if (is_wp_error($id)) {
            throw new Exception('user ' . $user['login'] . ': ' . $id->get_error_message());
        }
    }
    foreach ($plan['categories'] as $category) {
        $term = wp_insert_term($category['name'], 'category', array('slug' => $category['slug']));
        if (is_wp_error($term)) {
            throw new Exception('category ' . $category['slug'] . ': ' . $term->get_error_message());
        }
    }
    $timings['settings'] = microtime(true) - $t0;
    $images = muninews_upload_images($plan['images'], muninews_image_dates($plan));
    $timings['uploads'] = microtime(true) - $t0;
    return array('images' => $images, 'timings' => $timings);
}

function muninews_build_content($plan, $args) {
    $t0 = microtime(true);
    $timings = array();
    muninews_as_admin();
    $ids = muninews_insert_posts($plan, $args['images']);
    $timings['posts'] = microtime(true) - $t0;

    // Posts edited after publishing, at the planned times.
    foreach ($plan['posts'] as $post) {
        if (!empty($post['edit'])) {
            muninews_edit_post($ids[$post['key']], $post['edit']['addition'], $post['edit']['modified']);
        }
    }

    // Menus: a classic menu for Twenty Twenty-One, a navigation post for Twenty Twenty-Three's header.
    $menu = wp_create_nav_menu('Menu chính');
    $nav_blocks = array();
    $position = 1;
    foreach ($plan['categories'] as $category) {
        $term = get_term_by('slug', $category['slug'], 'category');
        wp_update_nav_menu_item($menu, 0, array(
            'menu-item-title' => $term->name, 'menu-item-object' => 'category', 'menu-item-object-id' => $term->term_id,
            'menu-item-type' => 'taxonomy', 'menu-item-status' => 'publish', 'menu-item-position' => $position++,
        ));
        $nav_blocks[] = sprintf('<!-- wp:navigation-link {"label":"%s","type":"category","id":%d,"url":"%s","kind":"taxonomy"} /-->',
            esc_attr($term->name), $term->term_id, esc_url(get_term_link($term)));
    }
    foreach ($plan['posts'] as $post) {
        if ($post['type'] === 'page') {
            $id = $ids[$post['key']];
            wp_update_nav_menu_item($menu, 0, array(
                'menu-item-title' => $post['title'], 'menu-item-object' => 'page', 'menu-item-object-id' => $id,
                'menu-item-type' => 'post_type', 'menu-item-status' => 'publish', 'menu-item-position' => $position++,
            ));
            $nav_blocks[] = sprintf('<!-- wp:navigation-link {"label":"%s","type":"page","id":%d,"url":"%s","kind":"post-type"} /-->',
                esc_attr($post['title']), $id, esc_url(get_permalink($id)));
        }
    }
    update_option('theme_mods_twentytwentyone', array('nav_menu_locations' => array('primary' => $menu)));
    wp_insert_post(wp_slash(array(
        'post_type' => 'wp_navigation', 'post_status' => 'publish', 'post_title' => 'Menu chính',
        'post_content' => implode("\n", $nav_blocks),
    )));

    switch_theme($args['theme']);
    flush_rewrite_rules(false);
    $timings['done'] = microtime(true) - $t0;
    return array('ids' => $ids, 'timings' => $timings);
}

if ($args['phase'] === 'install') {
    return muninews_build_install($args['plan'], $args);
}
return muninews_build_content($args['plan'], $args);
