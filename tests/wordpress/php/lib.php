<?php
/*
 * Helpers shared by build.php and the harness's mutations: everything goes through WordPress's API.
 */

/** Act as the site's administrator (unfiltered_html: the editor's markup is stored as typed). */
function muninews_as_admin() {
    $admins = get_users(array('role' => 'administrator', 'number' => 1, 'orderby' => 'ID'));
    if ($admins) {
        wp_set_current_user($admins[0]->ID);
    }
}

/** A small deterministic photo-like picture (GD), as JPEG or PNG bytes. */
function muninews_image_bytes($width, $height, $seed, $type) {
    mt_srand($seed);
    $im = imagecreatetruecolor($width, $height);
    $top = array(mt_rand(40, 200), mt_rand(40, 200), mt_rand(40, 200));
    $bottom = array(mt_rand(0, 120), mt_rand(0, 120), mt_rand(0, 120));
    for ($y = 0; $y < $height; $y += 4) {
        $t = $y / max(1, $height - 1);
        $c = imagecolorallocate($im, (int) ($top[0] + ($bottom[0] - $top[0]) * $t),
            (int) ($top[1] + ($bottom[1] - $top[1]) * $t), (int) ($top[2] + ($bottom[2] - $top[2]) * $t));
        imagefilledrectangle($im, 0, $y, $width - 1, $y + 3, $c);
    }
    for ($i = 0; $i < 14; $i++) {
        $c = imagecolorallocate($im, mt_rand(0, 255), mt_rand(0, 255), mt_rand(0, 255));
        $x = mt_rand(0, $width);
        $y = mt_rand((int) ($height / 3), $height);
        if ($i % 2) {
            imagefilledellipse($im, $x, $y, mt_rand(40, 260), mt_rand(40, 260), $c);
        } else {
            imagefilledrectangle($im, $x, $y, $x + mt_rand(30, 220), $height - 1, $c);
        }
    }
    imagestring($im, 5, 12, 12, 'muninews #' . $seed, imagecolorallocate($im, 255, 255, 255));
    ob_start();
    if ($type === 'png') {
        imagepng($im, null, 9);
    } else {
        imagejpeg($im, null, 82);
    }
    imagedestroy($im);
    return ob_get_clean();
}

/** Upload planned images, unattached and without their sizes yet: returns key => attachment ID. */
function muninews_upload_images($images, $dates) {
    $ids = array();
    foreach ($images as $image) {
        $bits = muninews_image_bytes($image['width'], $image['height'], $image['seed'], $image['type']);
        $upload = wp_upload_bits($image['file'], null, $bits, $image['month']);
        if (!empty($upload['error'])) {
            throw new Exception('upload failed: ' . $upload['error']);
        }
        $attachment = array(
            'post_mime_type' => $image['type'] === 'png' ? 'image/png' : 'image/jpeg',
            'post_title' => $image['title'],
            'post_excerpt' => $image['caption'],
            'post_content' => '',
            'post_status' => 'inherit',
        );
        if (!empty($dates[$image['post']])) {
            $attachment['post_date'] = $dates[$image['post']];
        }
        $id = wp_insert_attachment(wp_slash($attachment), $upload['file'], 0, true);
        if (is_wp_error($id)) {
            throw new Exception('attachment failed: ' . $id->get_error_message());
        }
        update_post_meta($id, '_wp_attachment_image_alt', wp_slash($image['alt']));
        $ids[$image['key']] = $id;
    }
    return $ids;
}

/** The intermediate sizes and metadata of uploaded images (the slow part: the harness runs it in parallel). */
function muninews_image_metadata($ids) {
    foreach ($ids as $id) {
        $file = get_attached_file($id);
        wp_update_attachment_metadata($id, wp_generate_attachment_metadata($id, $file));
    }
    return count($ids);
}

/** Upload dates: an image is uploaded when its published post is dated. */
function muninews_image_dates($plan) {
    $dates = array();
    foreach ($plan['posts'] as $post) {
        if ($post['status'] === 'publish') {
            $dates[$post['key']] = $post['date'];
        }
    }
    return $dates;
}

/** Replace the plan's placeholders with what WordPress assigned. */
function muninews_resolve($content, $images, $alts, $posts) {
    return preg_replace_callback('/\{\{(id|url|w|h|alt|link):([A-Za-z0-9_-]+)(?::([a-z_]+))?\}\}/', function ($m) use ($images, $alts, $posts) {
        list(, $what, $key) = $m;
        $size = isset($m[3]) && $m[3] !== '' ? $m[3] : 'full';
        if ($what === 'link') {
            return get_permalink($posts[$key]);
        }
        $id = $images[$key];
        if ($what === 'id') {
            return (string) $id;
        }
        if ($what === 'alt') {
            return esc_attr($alts[$key]);
        }
        $src = wp_get_attachment_image_src($id, $size);
        if ($what === 'url') {
            return $src[0];
        }
        return (string) ($what === 'w' ? $src[1] : $src[2]);
    }, $content);
}

/** Insert one planned post or page; returns its ID. $ids: key => ID of posts inserted before. */
function muninews_insert_post($post, $image_ids, $alts, $ids, $users, $terms) {
    $status = $post['status'];
    $data = array(
        'post_type' => $post['type'],
        'post_title' => $post['title'],
        'post_content' => muninews_resolve($post['content'], $image_ids, $alts, $ids),
        'post_excerpt' => $post['excerpt'],
        'post_author' => $users[$post['author']],
        'comment_status' => $post['type'] === 'post' ? 'open' : 'closed',
        'ping_status' => 'closed',
        'meta_input' => array('_muninews_key' => $post['key']),
    );
    if (!empty($post['byline'])) {
        $data['meta_input']['_muninews_byline'] = $post['byline'];
    }
    if (!empty($post['slug'])) {
        $data['post_name'] = $post['slug'];
    }
    if ($status === 'password') {
        $data['post_status'] = 'publish';
        $data['post_password'] = 'matkhau2024';
    } elseif ($status === 'future') {
        $data['post_status'] = 'future';
        $data['post_date'] = wp_date('Y-m-d H:i:s', time() + 86400 * $post['days_ahead']);
    } else {
        $data['post_status'] = $status;
    }
    if ($status !== 'draft' && $status !== 'future') {
        $data['post_date'] = $post['date'];
    }
    if ($post['type'] === 'post') {
        $data['post_category'] = array_map(function ($slug) use ($terms) { return $terms[$slug]; }, $post['categories']);
        $data['tags_input'] = $post['tags'];
    }
    $id = wp_insert_post(wp_slash($data), true);
    if (is_wp_error($id)) {
        throw new Exception('post ' . $post['key'] . ': ' . $id->get_error_message());
    }
    if (!empty($post['featured'])) {
        set_post_thumbnail($id, $image_ids[$post['featured']]);
    }
    foreach ($image_ids as $key => $attachment) {
        // attach this post's uploads to it, as the editor does (attachments only: the post is untouched)
        wp_update_post(array('ID' => $attachment, 'post_parent' => $id));
    }
    if (!empty($post['comments'])) {
        foreach ($post['comments'] as $comment) {
            $when = date('Y-m-d H:i:s', strtotime($post['date']) + 3600 * $comment['hours_after']);
            wp_insert_comment(array(
                'comment_post_ID' => $id, 'comment_author' => $comment['author'],
                'comment_author_email' => $comment['email'], 'comment_content' => $comment['content'],
                'comment_approved' => 1, 'comment_date' => $when, 'comment_date_gmt' => get_gmt_from_date($when),
            ));
        }
    }
    return $id;
}

/** Change a published post as an editor would, with post_modified set to $modified (local time) or now. */
function muninews_edit_post($id, $addition, $modified = null, $new_title = null) {
    $post = get_post($id);
    $content = $post->post_content;
    $byline = get_post_meta($id, '_muninews_byline', true);
    $at = false;
    if ($byline) {
        $at = strrpos($content, has_blocks($content) ? '<!-- wp:paragraph {"align":"right"}' : '<p style="text-align: right;">');
    }
    if ($at !== false) {
        $content = substr($content, 0, $at) . $addition . "\n\n" . substr($content, $at);
    } else {
        $content = rtrim($content) . "\n\n" . $addition;
    }
    $filter = null;
    if ($modified) {
        $filter = function ($data) use ($modified) {
            $data['post_modified'] = $modified;
            $data['post_modified_gmt'] = get_gmt_from_date($modified);
            return $data;
        };
        add_filter('wp_insert_post_data', $filter, 99);
    }
    $update = array('ID' => $id, 'post_content' => $content);
    if ($new_title !== null) {
        $update['post_title'] = $new_title;
    }
    $result = wp_update_post(wp_slash($update), true);
    if ($filter) {
        remove_filter('wp_insert_post_data', $filter, 99);
    }
    if (is_wp_error($result)) {
        throw new Exception('edit ' . $id . ': ' . $result->get_error_message());
    }
    clean_post_cache($id);
    return $id;
}

/** Insert planned posts whose images are uploaded ($image_ids: key => ID); returns key => post ID. */
function muninews_insert_posts($plan, $image_ids, $ids = array()) {
    $users = array();
    foreach (get_users(array('fields' => array('ID', 'user_login'))) as $user) {
        $users[$user->user_login] = (int) $user->ID;
    }
    $terms = array();
    foreach (get_terms(array('taxonomy' => 'category', 'hide_empty' => false)) as $term) {
        $terms[$term->slug] = (int) $term->term_id;
    }
    $by_post = array();
    $alts = array();
    foreach ($plan['images'] as $image) {
        $by_post[$image['post']][$image['key']] = $image_ids[$image['key']];
        $alts[$image['key']] = $image['alt'];
    }
    foreach ($plan['posts'] as $post) {
        $own = isset($by_post[$post['key']]) ? $by_post[$post['key']] : array();
        $ids[$post['key']] = muninews_insert_post($post, $own, $alts, $ids, $users, $terms);
    }
    return $ids;
}

/** Everything at once, for a few posts (WordPressSite.add_posts). */
function muninews_insert_plan($plan) {
    $image_ids = muninews_upload_images($plan['images'], muninews_image_dates($plan));
    muninews_image_metadata(array_values($image_ids));
    return muninews_insert_posts($plan, $image_ids);
}
