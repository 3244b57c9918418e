package io.drawbridge.policy;

import io.drawbridge.Reason;
import io.drawbridge.identity.Identity;

import java.util.Arrays;
import java.util.List;

/** The request path matches one of the rule's {@link PathPattern}s. */
final class PathCriterion implements Criterion {

    private final PathPattern[] patterns;
    private final String requirement;

    PathCriterion(List<PathPattern> patterns) {
        this.patterns = patterns.toArray(PathPattern[]::new);
        this.requirement = "path in " + Criterion.listed(patterns.stream().map(PathPattern::toString).toList());
    }

    @Override
    public boolean test(RequestFacts request, Identity identity) {
        String path = request.path();
        for (PathPattern pattern : patterns) {
            if (pattern.matches(path)) {
                return true;
            }
        }
        return false;
    }

    @Override
    public Reason failure() {
        return Reason.PATH_NOT_ALLOWED;
    }

    @Override
    public String requirement() {
        return requirement;
    }

    @Override
    public String words() {
        return "the paths " + Criterion.either(Arrays.stream(patterns).map(PathPattern::toString).toList());
    }

    @Override
    public String have(RequestFacts request, Identity identity) {
        return "you asked for " + request.path();
    }

    @Override
    public String toString() {
        return Arrays.toString(patterns);
    }
}
