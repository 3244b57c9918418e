package io.drawbridge.page;

import io.drawbridge.policy.Requestable;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;

/** Durations as people write and read them: {@code 15m}, {@code 1h}, {@code 1d}; and the choices forms offer. */
public final class AccessDurations {

    private static final List<Duration> OFFERED = List.of(Duration.ofMinutes(15), Duration.ofMinutes(30),
            Duration.ofHours(1), Duration.ofHours(2), Duration.ofHours(4), Duration.ofHours(8), Duration.ofDays(1),
            Duration.ofDays(3), Duration.ofDays(7));

    private AccessDurations() {
    }

    /** The shortest exact short form: {@code 1d}, {@code 8h}, {@code 90m}, {@code 5s}, {@code 500ms}. */
    public static String text(Duration d) {
        long ms = d.toMillis();
        if (ms % 86_400_000 == 0) {
            return ms / 86_400_000 + "d";
        }
        if (ms % 3_600_000 == 0) {
            return ms / 3_600_000 + "h";
        }
        if (ms % 60_000 == 0) {
            return ms / 60_000 + "m";
        }
        if (ms % 1000 == 0) {
            return ms / 1000 + "s";
        }
        return ms + "ms";
    }

    /** The usual durations up to {@code max}, {@code max} and {@code chosen} among them, {@code chosen} selected. */
    public static List<Page.Choice> choices(Duration max, Duration chosen) {
        TreeSet<Duration> all = new TreeSet<>();
        OFFERED.stream().filter(d -> d.compareTo(max) <= 0).forEach(all::add);
        all.add(max);
        all.add(chosen);
        List<Page.Choice> choices = new ArrayList<>();
        for (Duration d : all) {
            choices.add(new Page.Choice(text(d), text(d), d.equals(chosen)));
        }
        return choices;
    }

    /** The 403 page's "Request access" form, for a route whose policy takes requests; it posts to {@code action}. */
    public static Page.RequestForm form(String action, String route, Requestable request,
                                        int maxReason) {
        return new Page.RequestForm(action, route, choices(request.maxDuration(), request.defaultDuration()),
                request.reasonRequired(), maxReason);
    }

    /** How long ago, roughly: {@code 3 min}, {@code 2 h}, {@code 20 s}. */
    public static String waited(Duration d) {
        long s = Math.max(0, d.toSeconds());
        if (s < 60) {
            return s + " s";
        }
        if (s < 3600) {
            return s / 60 + " min";
        }
        if (s < 172_800) {
            return s / 3600 + " h";
        }
        return s / 86_400 + " days";
    }
}
