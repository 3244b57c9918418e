/**
 * Authentication: receives the request's {@code Authorization} header, verifies the bearer JWT against the
 * issuers the configuration trusts (keys, algorithm, issuer, audience, time window) and hands on an
 * {@link io.drawbridge.identity.Identity} in an exchange property, or an {@link io.drawbridge.authn.AuthenticationFailed}
 * carrying the precise reason. It makes no authorization decision, never trusts what a token says about where
 * its keys are ({@code jku}, {@code x5u}, {@code jwk}), never writes a token to a log or an audit detail, and
 * never blocks the calling (event-loop) thread on I/O: key fetches run on a worker executor.
 */
package io.drawbridge.authn;
