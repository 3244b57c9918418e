package io.drawbridge.policy;

import io.drawbridge.identity.Identity;

import java.util.Collection;
import java.util.stream.Collectors;

/**
 * One condition of a rule, compiled from configuration. A rule holds when all its criteria hold; a criterion holds
 * when any of its values does. Implementations are immutable and allocate nothing when tested.
 */
interface Criterion {

    /** At most this many values are named in a decision's detail. */
    int LISTED = 5;

    /** @param identity never {@code null}: the evaluator answers unauthenticated requests before any rule */
    boolean test(RequestFacts request, Identity identity);

    /** The reason a request is denied when this is the criterion the only allow rule failed on. */
    Reason failure();

    /** What this criterion asks for, short enough for an audit record: {@code group in [sre]}. */
    String requirement();

    static String listed(Collection<String> values) {
        String shown = values.stream().limit(LISTED).collect(Collectors.joining(", "));
        return "[" + shown + (values.size() > LISTED ? ", ... +" + (values.size() - LISTED) : "") + "]";
    }
}
