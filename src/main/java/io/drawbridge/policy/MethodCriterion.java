package io.drawbridge.policy;

import io.drawbridge.Reason;
import io.drawbridge.config.Problems;
import io.drawbridge.identity.Identity;

import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * The request method is one of the rule's. Compared case-insensitively, so that a deny rule on {@code DELETE}
 * cannot be dodged by sending {@code delete} to an upstream that does not care about case.
 */
final class MethodCriterion implements Criterion {

    static final Set<String> KNOWN = Set.of("GET", "HEAD", "POST", "PUT", "DELETE", "CONNECT", "OPTIONS", "TRACE",
            "PATCH");

    private final String[] methods;
    private final String requirement;

    private MethodCriterion(Set<String> methods) {
        this.methods = methods.toArray(String[]::new);
        this.requirement = "method in " + Criterion.listed(methods);
    }

    /** Reports unknown methods under {@code field}; returns {@code null} when there was one. */
    static MethodCriterion compile(List<String> values, String field, Problems problems) {
        Set<String> methods = new LinkedHashSet<>();
        boolean valid = true;
        for (String value : values) {
            String method = value.toUpperCase(Locale.ROOT);
            if (!KNOWN.contains(method)) {
                problems.add(field, "unknown HTTP method '" + value + "'; use GET, HEAD, POST, PUT, PATCH, DELETE,"
                        + " OPTIONS, CONNECT or TRACE, or leave methods out to allow any");
                valid = false;
            }
            methods.add(method);
        }
        return valid ? new MethodCriterion(methods) : null;
    }

    @Override
    public boolean test(RequestFacts request, Identity identity) {
        String method = request.method();
        if (method == null) {
            return false;
        }
        method = method.toUpperCase(Locale.ROOT); // the same instance when already upper case, as the edge sends it
        for (String allowed : methods) {
            if (allowed.equals(method)) {
                return true;
            }
        }
        return false;
    }

    @Override
    public Reason failure() {
        return Reason.METHOD_NOT_ALLOWED;
    }

    @Override
    public String requirement() {
        return requirement;
    }

    @Override
    public String words() {
        return "the methods " + Criterion.either(List.of(methods));
    }

    @Override
    public String have(RequestFacts request, Identity identity) {
        return "this request is a " + request.method();
    }
}
