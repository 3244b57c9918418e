package io.drawbridge.edge;

import java.util.List;

/**
 * A route step that accepts tokens, and can say from which issuers: an MCP route's protected resource metadata
 * lists them as {@code authorization_servers}.
 */
public interface TokenAcceptor {

    /** The issuer identifiers ({@code iss} URLs) whose tokens this step accepts. */
    List<String> acceptedIssuers();
}
