package io.drawbridge.policy;

import io.drawbridge.Reason;
import io.drawbridge.identity.Identity;
import java.util.Collection;
import java.util.List;
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

    // --- explanations for people (refusal pages, drawbridge explain) ---

    /** What this criterion asks for, in words a refused person may read: {@code members of sre or platform}. */
    default String words() {
        return requirement();
    }

    /**
     * What the request or the caller has of it, from the caller's own identity only ({@code you are in sales}),
     * or {@code null} when saying so would reveal more than the caller's own data.
     */
    default String have(RequestFacts request, Identity identity) {
        return null;
    }

    /** {@code a, b or c}, at most {@link #LISTED} of them. */
    static String either(Collection<String> values) {
        List<String> shown = values.stream().limit(LISTED).toList();
        String more = values.size() > LISTED ? " (or " + (values.size() - LISTED) + " more)" : "";
        if (shown.size() <= 1) {
            return String.join("", shown) + more;
        }
        return String.join(", ", shown.subList(0, shown.size() - 1)) + " or " + shown.get(shown.size() - 1) + more;
    }

    static String listed(Collection<String> values) {
        String shown = values.stream().limit(LISTED).collect(Collectors.joining(", "));
        return "[" + shown + (values.size() > LISTED ? ", ... +" + (values.size() - LISTED) : "") + "]";
    }
}
