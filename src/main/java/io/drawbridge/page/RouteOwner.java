package io.drawbridge.page;

/**
 * Who owns a route, from the software catalog: the entity that declares the route (its annotations) or claims it
 * ({@code drawbridge.io/routes: echo, grafana}), and that entity's owner.
 *
 * @param entity the entity's ref, e.g. {@code component:default/echo}
 * @param owner  its owner's ref, e.g. {@code group:default/sre}, or {@code null} when it has none
 */
public record RouteOwner(String entity, String owner) {
}
