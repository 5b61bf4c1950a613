<?php
/*
 * Plugin Name: muninews: REST API blocked
 * Description: Answers 403 to /wp-json/... and ?rest_route=... as a security plugin or a firewall rule would.
 * The harness copies this file in (WordPressSite.block_rest(True)) and removes it again.
 */
if (PHP_SAPI !== 'cli') {
    $muninews_path = (string) parse_url(isset($_SERVER['REQUEST_URI']) ? $_SERVER['REQUEST_URI'] : '/', PHP_URL_PATH);
    if (preg_match('#^/wp-json(/|$)#', $muninews_path) || isset($_GET['rest_route'])) {
        header('Content-Type: application/json; charset=UTF-8', true, 403);
        echo '{"code":"rest_forbidden","message":"REST API is disabled on this site.","data":{"status":403}}';
        exit;
    }
}
