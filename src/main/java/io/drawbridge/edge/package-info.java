/**
 * The edge: receives raw HTTP/1.1 from clients on the gateway's own Netty listener, refuses what cannot be judged
 * safely (framing, hosts, paths, spoofed identity headers), finds the route and hands the exchange to its Camel
 * steps; then writes the answer. Failures become HTTP in one place ({@link io.drawbridge.edge.ErrorResponses}):
 * a refusal carries a {@link io.drawbridge.Reason}, never a status. When a request ends, the edge hands a
 * {@link io.drawbridge.audit.RequestOutcome} to the audit stage before the last byte reaches the client.
 */
package io.drawbridge.edge;
