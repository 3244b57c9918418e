package io.drawbridge.config;

/**
 * Collects configuration problems by field path; the loader turns each into a {@link ConfigProblem} with the
 * file and line of that field. Validators report everything they find instead of stopping at the first.
 */
@FunctionalInterface
public interface Problems {

    /**
     * @param field   dotted path from the root of the file, with list indexes: {@code policies.sre.allow[0].groups}
     * @param message what is wrong, and what would be right when that is not obvious
     */
    void add(String field, String message);
}
