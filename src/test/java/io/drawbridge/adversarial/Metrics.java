package io.drawbridge.adversarial;

import io.drawbridge.testing.GatewayFixture;
import io.drawbridge.testing.RawHttp;

/** Reads the gateway's Prometheus metrics from its management port. */
final class Metrics {

    private Metrics() {
    }

    /**
     * The sum of a series' samples whose labels contain every one of {@code labels} (as {@code name="value"}); a
     * series without labels (a gauge) is its one sample.
     */
    static double sum(GatewayFixture gateway, String name, String... labels) {
        String text = RawHttp.exchange(gateway.gateway().managementPort(), "GET /metrics HTTP/1.1\r\n"
                + "Host: 127.0.0.1\r\nConnection: close\r\n\r\n").text();
        double sum = 0;
        for (String line : text.split("\n")) {
            if (!line.startsWith(name + "{") && !line.startsWith(name + " ")) {
                continue;
            }
            boolean all = true;
            for (String label : labels) {
                all &= line.contains(label);
            }
            if (all) {
                sum += Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
            }
        }
        return sum;
    }

    /** Waits up to {@code millis} for a series to reach {@code atLeast}; returns its last value. */
    static double await(GatewayFixture gateway, double atLeast, long millis, String name, String... labels)
            throws InterruptedException {
        long deadline = System.currentTimeMillis() + millis;
        double value = sum(gateway, name, labels);
        while (value < atLeast && System.currentTimeMillis() < deadline) {
            Thread.sleep(20);
            value = sum(gateway, name, labels);
        }
        return value;
    }
}
