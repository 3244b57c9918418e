/**
 * Pages for people: receives what the edge knows about a refused or failed request (status, reason, the caller's
 * own identity, the route, the policy's explanation and the route's owners) and hands back a self-contained HTML
 * page, every value escaped by the OWASP encoder, served under a strict Content-Security-Policy. It never shows
 * tokens, upstream URLs, other users' values or the internals of deny rules, and does no I/O.
 */
package io.drawbridge.page;
