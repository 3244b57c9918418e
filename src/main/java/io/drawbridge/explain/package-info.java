/**
 * Explains how the gateway would decide a request without sending it: which route serves it, what that route's
 * steps are, the caller's catalog groups, and every rule of the policy with why it held or not. Receives routes
 * (from route files or the running gateway), the compiled policies, an optional role source and an identity;
 * hands back an immutable {@link io.drawbridge.explain.RequestExplanation}. Used by {@code drawbridge explain}
 * and the management port's {@code POST /explain}; it decides nothing for real traffic.
 */
package io.drawbridge.explain;
