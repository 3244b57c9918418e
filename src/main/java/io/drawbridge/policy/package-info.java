/**
 * Authorize: receives a compiled {@link io.drawbridge.policy.RoutePolicy}, the normalized
 * {@link io.drawbridge.policy.RequestFacts} and the caller's {@link io.drawbridge.identity.Identity} (or none), and
 * hands on a {@link io.drawbridge.policy.Decision} with a stable {@link io.drawbridge.Reason}.
 * Policies are compiled and validated once, from configuration; evaluation is a pure function.
 * This stage does no I/O and uses no Camel types.
 */
package io.drawbridge.policy;
