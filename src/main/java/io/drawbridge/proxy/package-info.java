/**
 * Proxy: receives an authorized exchange and forwards it to its upstream (a URL or a Kubernetes Service) on the
 * edge's event loop, with the verified identity in headers or a signed assertion and the client's own identity
 * headers removed; streams the answer back, with timeouts and upgrades. It decides nothing about access.
 */
package io.drawbridge.proxy;
