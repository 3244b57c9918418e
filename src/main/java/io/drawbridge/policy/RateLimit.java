package io.drawbridge.policy;

import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * How often one caller may use a route: a token bucket of {@code burst} requests that refills by {@code permits}
 * every {@code period}. Pure data; the buckets themselves live where the requests are counted.
 */
public record RateLimit(long permits, Duration period, long burst) {

    private static final Pattern RATE = Pattern.compile("([1-9][0-9]{0,8})\\s*/\\s*(s|m|h)");

    /**
     * @param rate  {@code N/s}, {@code N/m} or {@code N/h}
     * @param burst requests at once; {@code null} for one period's worth
     * @throws IllegalArgumentException saying what is wrong
     */
    public static RateLimit parse(String rate, Integer burst) {
        Matcher m = rate == null ? null : RATE.matcher(rate.strip());
        if (m == null || !m.matches()) {
            throw new IllegalArgumentException("must be a number of requests per s, m or h, e.g. 100/m, not '"
                    + rate + "'");
        }
        if (burst != null && burst < 1) {
            throw new IllegalArgumentException("burst must be 1 or more");
        }
        long permits = Long.parseLong(m.group(1));
        Duration period = switch (m.group(2)) {
            case "s" -> Duration.ofSeconds(1);
            case "m" -> Duration.ofMinutes(1);
            default -> Duration.ofHours(1);
        };
        return new RateLimit(permits, period, burst == null ? permits : burst);
    }

    /** Nanoseconds for one request's worth of the bucket to refill. */
    public double nanosPerPermit() {
        return (double) period.toNanos() / permits;
    }

    @Override
    public String toString() {
        String unit = period.equals(Duration.ofSeconds(1)) ? "s" : period.equals(Duration.ofMinutes(1)) ? "m" : "h";
        return permits + "/" + unit + " (burst " + burst + ")";
    }
}
