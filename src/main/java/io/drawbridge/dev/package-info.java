/**
 * Dev mode: a local issuer and sign-in, an echo upstream and an MCP upstream, so the gateway runs with nothing
 * else installed. Loaded only when dev mode starts them (the bootstrap and the CLI); no other stage depends on it.
 */
package io.drawbridge.dev;
