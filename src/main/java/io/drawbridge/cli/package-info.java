/**
 * The commands beside running the gateway: {@code check} (every problem of a configuration, its routes, policies
 * and catalog files, contacting nothing), {@code explain} (how a policy decides one request) and {@code diff}
 * (which recorded decisions a new configuration would change). They receive command-line arguments, print to the
 * streams they are given and return an exit status; they start no listener.
 */
package io.drawbridge.cli;
