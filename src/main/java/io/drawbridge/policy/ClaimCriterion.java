package io.drawbridge.policy;

import io.drawbridge.Reason;
import io.drawbridge.identity.Identity;

import java.math.BigDecimal;
import java.util.Collection;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * One named claim has one of the rule's values or, for a list claim, contains one. Values are written as strings
 * in configuration and compared with the claim's JSON type in mind: a value written as a JSON number, like
 * {@code 42}, matches that number (42 or 42.0, not {@code 042}); {@code true} and {@code false} match the booleans;
 * a string claim matches only the same string. Claim names are top-level.
 */
final class ClaimCriterion implements Criterion {

    private static final Pattern JSON_NUMBER = Pattern.compile("-?(0|[1-9][0-9]*)(\\.[0-9]+)?([eE][+-]?[0-9]+)?");

    private final String claim;
    private final Set<String> strings;
    private final BigDecimal[] numbers;
    private final long[] integers;
    private final double[] decimals;
    private final boolean acceptsTrue;
    private final boolean acceptsFalse;
    private final String requirement;

    ClaimCriterion(String claim, List<String> values) {
        this.claim = claim;
        this.strings = Set.copyOf(values);
        this.numbers = values.stream().filter(v -> JSON_NUMBER.matcher(v).matches()).map(BigDecimal::new)
                .toArray(BigDecimal[]::new);
        this.integers = Stream.of(numbers).filter(ClaimCriterion::isLong).mapToLong(BigDecimal::longValue).toArray();
        this.decimals = Stream.of(numbers).mapToDouble(BigDecimal::doubleValue).toArray();
        this.acceptsTrue = values.contains("true");
        this.acceptsFalse = values.contains("false");
        this.requirement = "claim " + claim + " in " + Criterion.listed(values);
    }

    @Override
    public boolean test(RequestFacts request, Identity identity) {
        Object value = identity.claims().get(claim);
        if (value instanceof Collection<?> list) {
            for (Object element : list) {
                if (accepts(element)) {
                    return true;
                }
            }
            return false;
        }
        return accepts(value);
    }

    private boolean accepts(Object value) {
        if (value instanceof String s) {
            return strings.contains(s);
        }
        if (value instanceof Boolean b) {
            return b ? acceptsTrue : acceptsFalse;
        }
        if (value instanceof Long || value instanceof Integer || value instanceof Short || value instanceof Byte) {
            long number = ((Number) value).longValue();
            for (long accepted : integers) {
                if (accepted == number) {
                    return true;
                }
            }
            return false;
        }
        if (value instanceof Double || value instanceof Float) {
            double number = ((Number) value).doubleValue();
            for (double accepted : decimals) {
                if (accepted == number) {
                    return true;
                }
            }
            return false;
        }
        if (value instanceof Number number) { // BigInteger, BigDecimal: rare, so allocating here is fine
            BigDecimal exact = decimal(number.toString());
            return exact != null && Stream.of(numbers).anyMatch(n -> n.compareTo(exact) == 0);
        }
        return false; // absent, or an object: no configured string names it
    }

    private static BigDecimal decimal(String value) {
        try {
            return new BigDecimal(value);
        } catch (NumberFormatException e) {
            return null;
        }
    }

    private static boolean isLong(BigDecimal d) {
        try {
            d.longValueExact();
            return true;
        } catch (ArithmeticException e) {
            return false;
        }
    }

    @Override
    public Reason failure() {
        return Reason.CLAIM_MISMATCH;
    }

    @Override
    public String requirement() {
        return requirement;
    }

    /** Vague on purpose: which claim and which values is for {@code explain: full}, through the requirement. */
    @Override
    public String words() {
        return "callers whose sign-in carries a required attribute (claim)";
    }
}
