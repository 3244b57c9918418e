package io.drawbridge.cli;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A command's arguments: {@code --name value} options (repeatable ones collected in order), {@code --flag}s and
 * the positional words, in order. Unknown options are refused with a message naming them.
 */
final class Arguments {

    /** A usage mistake; the command prints the message and its usage, and exits 2. */
    static final class UsageError extends RuntimeException {
        UsageError(String message) {
            super(message, null, false, false);
        }
    }

    private final Map<String, List<String>> options = new LinkedHashMap<>();
    private final List<String> flags = new ArrayList<>();
    private final List<String> positional = new ArrayList<>();

    static Arguments parse(List<String> args, Set<String> valued, Set<String> flagNames) {
        Arguments parsed = new Arguments();
        for (int i = 0; i < args.size(); i++) {
            String arg = args.get(i);
            if (valued.contains(arg)) {
                if (i + 1 >= args.size()) {
                    throw new UsageError(arg + " needs a value");
                }
                parsed.options.computeIfAbsent(arg, k -> new ArrayList<>()).add(args.get(++i));
            } else if (flagNames.contains(arg)) {
                parsed.flags.add(arg);
            } else if (arg.startsWith("--")) {
                throw new UsageError("unknown option " + arg);
            } else {
                parsed.positional.add(arg);
            }
        }
        return parsed;
    }

    String value(String name) {
        List<String> values = options.get(name);
        return values == null ? null : values.get(values.size() - 1);
    }

    List<String> values(String name) {
        return options.getOrDefault(name, List.of());
    }

    boolean flag(String name) {
        return flags.contains(name);
    }

    List<String> positional() {
        return positional;
    }
}
