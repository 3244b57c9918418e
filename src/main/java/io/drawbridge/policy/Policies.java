package io.drawbridge.policy;

import io.drawbridge.Reason;
import io.drawbridge.config.PolicyConfig;
import io.drawbridge.config.Problems;

import java.util.Collections;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/** The compiled policies by name. Asking for one that does not exist gives {@link RoutePolicy#NONE}, never null. */
public final class Policies {

    public static final Policies EMPTY = new Policies(new TreeMap<>());

    private final Map<String, RoutePolicy> byName;

    private Policies(TreeMap<String, RoutePolicy> byName) {
        this.byName = Collections.unmodifiableSortedMap(byName);
    }

    /**
     * Compiles every policy, in name order, reporting all problems. A policy with a problem is left out, so a
     * route that names it is denied ({@link Reason#NO_POLICY}) should the caller go on regardless.
     */
    public static Policies compile(Map<String, PolicyConfig> configs, Problems problems) {
        TreeMap<String, RoutePolicy> compiled = new TreeMap<>();
        new TreeMap<>(configs).forEach((name, config) -> {
            RoutePolicy policy = PolicyCompiler.compile(name, config, problems);
            if (policy != RoutePolicy.NONE) {
                compiled.put(name, policy);
            }
        });
        return new Policies(compiled);
    }

    /** The policy called {@code name}, or {@link RoutePolicy#NONE} when there is none (or {@code name} is null). */
    public RoutePolicy get(String name) {
        RoutePolicy policy = name == null ? null : byName.get(name);
        return policy == null ? RoutePolicy.NONE : policy;
    }

    public boolean contains(String name) {
        return name != null && byName.containsKey(name);
    }

    /** The names of the policies that compiled, in order. */
    public Set<String> names() {
        return byName.keySet();
    }
}
