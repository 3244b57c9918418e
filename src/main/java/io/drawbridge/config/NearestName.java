package io.drawbridge.config;

import java.util.Collection;
import java.util.Locale;
import java.util.Optional;

/** The valid name someone most likely meant by a misspelt one, for "did you mean" hints. */
final class NearestName {

    private NearestName() {
    }

    /**
     * @return the candidate within two edits (a swap of neighbours counts as one), ignoring case, {@code -} and
     *         {@code _}; none when nothing is that close, or when the name is too short for a guess to mean much
     */
    static Optional<String> to(String name, Collection<String> candidates) {
        String folded = fold(name);
        String best = null;
        int bestDistance = Integer.MAX_VALUE;
        for (String candidate : candidates) {
            String other = fold(candidate);
            int distance = distance(folded, other);
            if (distance <= 2 && distance * 3 <= other.length() && distance < bestDistance) {
                best = candidate;
                bestDistance = distance;
            }
        }
        return Optional.ofNullable(best);
    }

    private static String fold(String name) {
        return name.toLowerCase(Locale.ROOT).replace("-", "").replace("_", "");
    }

    /** Optimal string alignment distance: insertions, deletions, substitutions and adjacent swaps. */
    private static int distance(String a, String b) {
        int[][] d = new int[a.length() + 1][b.length() + 1];
        for (int i = 0; i <= a.length(); i++) {
            d[i][0] = i;
        }
        for (int j = 0; j <= b.length(); j++) {
            d[0][j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            for (int j = 1; j <= b.length(); j++) {
                int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
                d[i][j] = Math.min(Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1), d[i - 1][j - 1] + cost);
                if (i > 1 && j > 1 && a.charAt(i - 1) == b.charAt(j - 2) && a.charAt(i - 2) == b.charAt(j - 1)) {
                    d[i][j] = Math.min(d[i][j], d[i - 2][j - 2] + 1);
                }
            }
        }
        return d[a.length()][b.length()];
    }
}
