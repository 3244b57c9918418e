package io.drawbridge.policy;

import io.drawbridge.identity.Identity;

import java.math.BigDecimal;
import java.util.Collection;
import java.util.List;
import java.util.Set;

/**
 * One named claim has one of the rule's values or, for a list claim, contains one. Values are written as strings
 * in configuration and compared with the claim's JSON type in mind: {@code "42"} matches the number 42 (and 42.0),
 * {@code "true"} the boolean true, and a string claim matches only the same string. Claim names are top-level.
 */
final class ClaimCriterion implements Criterion {

    private final String claim;
    private final Set<String> strings;
    private final long[] integers;
    private final double[] decimals;
    private final boolean acceptsTrue;
    private final boolean acceptsFalse;
    private final String requirement;

    ClaimCriterion(String claim, List<String> values) {
        this.claim = claim;
        this.strings = Set.copyOf(values);
        this.integers = values.stream().map(ClaimCriterion::decimal).filter(d -> d != null && isLong(d))
                .mapToLong(BigDecimal::longValue).toArray();
        this.decimals = values.stream().map(ClaimCriterion::decimal).filter(d -> d != null)
                .mapToDouble(BigDecimal::doubleValue).toArray();
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
            return exact != null && strings.stream().map(ClaimCriterion::decimal)
                    .anyMatch(d -> d != null && d.compareTo(exact) == 0);
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
}
