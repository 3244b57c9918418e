package io.drawbridge.config;

import java.util.List;
import java.util.stream.Collectors;

/** Thrown when a configuration has problems; carries all of them, so the operator fixes them in one go. */
public class InvalidConfiguration extends RuntimeException {

    private final List<ConfigProblem> problems;

    public InvalidConfiguration(List<ConfigProblem> problems) {
        super(problems.size() + " configuration problem(s):\n" + problems.stream()
                .map(p -> "  " + p).collect(Collectors.joining("\n")));
        this.problems = List.copyOf(problems);
    }

    public List<ConfigProblem> problems() {
        return problems;
    }
}
