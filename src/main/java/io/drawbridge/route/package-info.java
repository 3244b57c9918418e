/**
 * Routes: the {@code drawbridge:} Camel component, whose steps ({@link io.drawbridge.route.Step}, each option
 * declared once) put the stages in a route's order, and the routes the gateway builds itself from the catalog.
 * It wires stages together and holds no stage's logic.
 */
package io.drawbridge.route;
