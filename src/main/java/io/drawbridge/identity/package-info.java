/**
 * Identity: receives the authenticated {@link io.drawbridge.identity.Identity} (exchange property
 * {@code drawbridge.identity}) and hands on the same identity with the groups its role sources add: the catalog
 * groups of the caller's User entity and their parents, from Backstage or from catalog files. It decides nothing
 * about access, never blocks the event loop (catalog look-ups run on a bounded executor, answers are cached), and
 * never fails open: when the catalog cannot answer and no recent answer is cached, the request fails.
 */
package io.drawbridge.identity;
