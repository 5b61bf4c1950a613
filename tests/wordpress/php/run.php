<?php
/*
 * Runs PHP against the test site through wp-load.php (the harness's WordPressSite.php()).
 *
 * Usage: php run.php SITE_ROOT HOME_URL < request.json
 * request: {"code": "...php without <?php...", "script": "/path/to/file.php", "args": {...}, "installing": false}
 * The snippet or script sees $args and may `return` a value. Whatever it returns is printed, JSON-encoded,
 * after a marker line at the very end of stdout; anything it echoes comes before the marker.
 */
error_reporting(E_ALL & ~E_DEPRECATED & ~E_STRICT & ~E_NOTICE & ~E_WARNING);
ini_set('display_errors', 'stderr');

$root = rtrim($argv[1], '/');
$home = $argv[2];
$request = json_decode(stream_get_contents(STDIN), true);
if (!is_array($request)) {
    fwrite(STDERR, "run.php: the request on stdin is not JSON\n");
    exit(2);
}
$parts = parse_url($home);
$_SERVER['HTTP_HOST'] = $parts['host'] . (isset($parts['port']) ? ':' . $parts['port'] : '');
$_SERVER['SERVER_NAME'] = $parts['host'];
$_SERVER['SERVER_PORT'] = isset($parts['port']) ? (string) $parts['port'] : '80';
$_SERVER['REQUEST_URI'] = '/';
$_SERVER['REQUEST_METHOD'] = 'GET';
$_SERVER['SCRIPT_NAME'] = '/index.php';
$_SERVER['PHP_SELF'] = '/index.php';
$_SERVER['REMOTE_ADDR'] = '127.0.0.1';
$_SERVER['SERVER_PROTOCOL'] = 'HTTP/1.1';
$_SERVER['HTTP_USER_AGENT'] = 'muninews-test-harness';

if (!empty($request['installing'])) {
    define('WP_INSTALLING', true);
}
require $root . '/wp-load.php';
require_once ABSPATH . 'wp-admin/includes/upgrade.php';
require_once ABSPATH . 'wp-admin/includes/image.php';
require_once ABSPATH . 'wp-admin/includes/file.php';
require_once ABSPATH . 'wp-admin/includes/media.php';
require_once ABSPATH . 'wp-admin/includes/post.php';
require_once __DIR__ . '/lib.php';

$args = isset($request['args']) ? $request['args'] : array();
if (!empty($request['script'])) {
    $__result = require $request['script'];
} else {
    $__result = eval($request['code']);
}
echo "\n@@MUNINEWS-RESULT@@\n";
echo json_encode($__result, JSON_UNESCAPED_UNICODE | JSON_UNESCAPED_SLASHES | JSON_PARTIAL_OUTPUT_ON_ERROR);
echo "\n";
