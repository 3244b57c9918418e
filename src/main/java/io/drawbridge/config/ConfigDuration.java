package io.drawbridge.config;

import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A duration as written in configuration: a whole number and a unit ({@code 500ms}, {@code 2s}, {@code 5m},
 * {@code 1h}, {@code 1d}), or ISO-8601 ({@code PT2S}, {@code PT1M30S}). A bare number is refused: its unit would
 * be a guess.
 */
public final class ConfigDuration {

    /** Shown to whoever wrote something else. */
    public static final String EXAMPLES = "500ms, 2s, 5m, 1h, 1d or ISO-8601 such as PT2S";

    private static final Pattern SHORT = Pattern.compile("(\\d+)(ms|s|m|h|d)");

    private ConfigDuration() {
    }

    /** @throws IllegalArgumentException when the text is not a duration; the message does not repeat the text */
    public static Duration parse(String text) {
        String trimmed = text.trim();
        Matcher m = SHORT.matcher(trimmed);
        try {
            if (m.matches()) {
                long n = Long.parseLong(m.group(1));
                return switch (m.group(2)) {
                    case "ms" -> Duration.ofMillis(n);
                    case "s" -> Duration.ofSeconds(n);
                    case "m" -> Duration.ofMinutes(n);
                    case "h" -> Duration.ofHours(n);
                    default -> Duration.ofDays(n);
                };
            }
            if (trimmed.toUpperCase(Locale.ROOT).matches("-?P.*")) {
                return Duration.parse(trimmed);
            }
        } catch (ArithmeticException | NumberFormatException | DateTimeParseException e) {
            throw new IllegalArgumentException("not a duration, or too long (examples: " + EXAMPLES + ")");
        }
        throw new IllegalArgumentException("not a duration (examples: " + EXAMPLES + ")");
    }
}
