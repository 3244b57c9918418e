package io.drawbridge.policy;

/**
 * What a policy may look at about the request itself, after the edge normalized it.
 *
 * @param method the HTTP method, upper case
 * @param path   the normalized path the client asked for (the same path the gateway forwards from), without query
 * @param host   the request's host, lower case, without port
 */
public record RequestFacts(String method, String path, String host) {
}
