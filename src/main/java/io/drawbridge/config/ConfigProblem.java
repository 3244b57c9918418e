package io.drawbridge.config;

/**
 * One thing wrong with a configuration file, located precisely enough to fix without searching.
 *
 * @param file    the file, as given to the loader
 * @param line    1-based line, or 0 when the problem is not tied to a line (e.g. a missing required section)
 * @param field   the dotted path of the field, e.g. {@code issuers[0].audiences} or {@code policies.sre.allow[1].groups}
 * @param message what is wrong and, where it helps, what would be right
 */
public record ConfigProblem(String file, int line, String field, String message) {

    @Override
    public String toString() {
        return file + (line > 0 ? ":" + line : "") + ": " + field + ": " + message;
    }
}
