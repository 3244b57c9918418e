/**
 * Audit: receives a {@link io.drawbridge.audit.RequestOutcome} from the edge (or an event from another stage),
 * builds the immutable {@link io.drawbridge.audit.AuditRecord} and hands it to a sink: a file, or any Camel
 * endpoint. A record never holds a token, cookie or secret, and its JSON field names and values are a stable
 * contract. This package knows nothing of the edge or of Netty.
 */
package io.drawbridge.audit;
