/**
 * Operations: the management port (health, readiness, Prometheus metrics, Jolokia and Hawtio), hot reload of
 * routes and configuration, and the gateway's log. It observes the stages (metrics from audit records) and never
 * serves client traffic or changes a decision.
 */
package io.drawbridge.ops;
