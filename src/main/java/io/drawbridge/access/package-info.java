/**
 * Access requests and grants: a denied person asks for a route, an approver decides, an approval becomes a
 * time-boxed {@link io.drawbridge.access.Grant}. Receives requests and decisions from the access API and pages;
 * hands the authorize step an in-memory {@link io.drawbridge.access.ActiveGrants} snapshot, so the request path does
 * no I/O. Stores everything through {@link io.drawbridge.access.AccessStore} (embedded H2 or PostgreSQL, schema by
 * Flyway); must not decide who may approve (configuration and the catalog do) and never logs a request's reason.
 */
package io.drawbridge.access;
