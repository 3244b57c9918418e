package io.drawbridge.ops;

import com.fasterxml.jackson.core.JsonEncoding;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;

/**
 * Whether the gateway can serve: every check must pass (keys for every issuer, the routes and listener up, the
 * audit sink writing, the catalog reached once when there is one). Until then a load balancer sends no traffic.
 */
public final class Readiness {

    /** One condition; {@code detail} says what is missing when it is not met, else {@code null}. */
    public interface Check {
        String name();

        String problem();
    }

    public record Report(boolean ready, List<String[]> results) {
        public String toJson() {
            var out = new ByteArrayOutputStream();
            try (JsonGenerator g = new JsonFactory().createGenerator(out, JsonEncoding.UTF8)) {
                g.writeStartObject();
                g.writeStringField("status", ready ? "UP" : "DOWN");
                g.writeObjectFieldStart("checks");
                for (String[] r : results) {
                    g.writeStringField(r[0], r[1] == null ? "UP" : "DOWN: " + r[1]);
                }
                g.writeEndObject();
                g.writeEndObject();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            return out.toString(StandardCharsets.UTF_8) + "\n";
        }
    }

    private final List<Check> checks = new ArrayList<>();

    public Readiness add(String name, Supplier<String> problem) {
        checks.add(new Check() {
            @Override
            public String name() {
                return name;
            }

            @Override
            public String problem() {
                return problem.get();
            }
        });
        return this;
    }

    public Report report() {
        List<String[]> results = new ArrayList<>();
        boolean ready = true;
        for (Check check : checks) {
            String problem;
            try {
                problem = check.problem();
            } catch (RuntimeException e) {
                problem = e.toString();
            }
            ready &= problem == null;
            results.add(new String[] {check.name(), problem});
        }
        return new Report(ready, results);
    }
}
