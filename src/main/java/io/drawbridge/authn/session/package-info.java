/**
 * Browser sign-in: receives requests of routes whose authenticate step says {@code login=browser}, plus the
 * callback and logout paths, and hands on the same {@code Identity} a bearer token gives (the session's access
 * token is verified by the issuers of {@code io.drawbridge.authn}). Sessions live only in sealed cookies; tokens,
 * cookies and secrets are never logged, audited or forwarded (except the access token, when a route asks).
 */
package io.drawbridge.authn.session;
