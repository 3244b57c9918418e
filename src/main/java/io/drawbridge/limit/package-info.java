/**
 * Rate limits: after a request is authorized, whether its caller has used the route too often. Receives the
 * policy's {@link io.drawbridge.policy.RateLimit} and a caller key; hands back a permit or a
 * {@link io.drawbridge.limit.RateLimited} refusal (429 with {@code Retry-After}). Counts per replica, in memory,
 * in bounded space; holds no identity beyond the key.
 */
package io.drawbridge.limit;
