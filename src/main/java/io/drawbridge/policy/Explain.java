package io.drawbridge.policy;

import java.util.Locale;

/**
 * How much a refused caller is told, per policy ({@code explain:}). Whatever the level, a refusal never shows
 * other users' claim values, what a deny rule looks at, upstream URLs or tokens.
 */
public enum Explain {
    /** Only the status and the request id; API clients get no {@code reason} code either. */
    NONE,
    /** The default: the reason code, what the policy asks for in words, and what the caller has of it. */
    REQUIREMENT,
    /** Also the name of the rule that decided and the claim that was missing. */
    FULL;

    /** The level written in configuration, or {@code null} when it names none. */
    public static Explain parse(String text) {
        if (text == null) {
            return REQUIREMENT;
        }
        for (Explain level : values()) {
            if (level.code().equals(text)) {
                return level;
            }
        }
        return null;
    }

    public String code() {
        return name().toLowerCase(Locale.ROOT);
    }
}
