package io.drawbridge.config;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLParser;
import java.io.IOException;
import java.io.InputStream;
import org.yaml.snakeyaml.error.MarkedYAMLException;

/**
 * Reads a YAML document into a tree, recording the line of every field by its path ({@code issuers[0].audiences})
 * and reporting duplicate keys and aliases as it goes. Every scalar is kept as the text written in the file
 * ({@code 1.10} stays {@code 1.10}); the binder decides what it means for the field it lands in.
 */
final class YamlTree {

    private static final YAMLFactory YAML = new YAMLFactory();
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    private final LocatedProblems problems;

    private YamlTree(LocatedProblems problems) {
        this.problems = problems;
    }

    /**
     * @return the root mapping (empty for an empty file), or {@code null} when the file is not a readable YAML
     *         mapping; the reason is then in {@code problems}
     */
    static ObjectNode read(InputStream yaml, LocatedProblems problems) {
        try (JsonParser parser = YAML.createParser(yaml)) {
            return new YamlTree(problems).document(parser);
        } catch (JsonProcessingException e) {
            syntaxError(e, problems);
        } catch (IOException e) {
            problems.at(0, LocatedProblems.FILE, "cannot be read: " + e.getMessage());
        }
        return null;
    }

    private ObjectNode document(JsonParser parser) throws IOException {
        JsonToken first = parser.nextToken();
        if (first == null || first == JsonToken.VALUE_NULL) {
            return NODES.objectNode();
        }
        int line = parser.currentTokenLocation().getLineNr();
        JsonNode root = value(parser, "");
        JsonToken next = parser.nextToken();
        if (next != null && next != JsonToken.VALUE_NULL) {
            problems.at(parser.currentTokenLocation().getLineNr(), LocatedProblems.FILE,
                    "a second YAML document starts here; drawbridge.yaml holds one ('---' separates documents)");
        }
        if (!root.isObject()) {
            problems.at(line, LocatedProblems.FILE,
                    "expected a mapping of sections (server:, issuers:, policies:, ...), found " + RecordBinder.kind(root));
            return null;
        }
        return (ObjectNode) root;
    }

    /** Reads the value whose first token is current; {@code path} is where it sits. */
    private JsonNode value(JsonParser parser, String path) throws IOException {
        switch (parser.currentToken()) {
            case START_OBJECT:
                return mapping(parser, path);
            case START_ARRAY:
                return sequence(parser, path);
            case VALUE_NULL:
                return NODES.nullNode();
            default:
                if (((YAMLParser) parser).isCurrentAlias()) {
                    problems.at(parser.currentTokenLocation().getLineNr(), path,
                            "YAML aliases (*" + parser.getText() + ") are not supported; write the value out");
                    problems.unbound(path);
                    return NODES.nullNode();
                }
                return NODES.textNode(parser.getText());
        }
    }

    private ObjectNode mapping(JsonParser parser, String path) throws IOException {
        ObjectNode mapping = NODES.objectNode();
        while (parser.nextToken() == JsonToken.FIELD_NAME) {
            String name = parser.currentName();
            String field = LocatedProblems.child(path, name);
            int line = parser.currentTokenLocation().getLineNr();
            parser.nextToken();
            if (mapping.has(name)) {
                problems.at(line, field, "duplicate key; '" + name + "' is already set at line "
                        + problems.knownLine(field));
                parser.skipChildren();
                continue;
            }
            problems.line(field, line);
            mapping.set(name, value(parser, field));
        }
        return mapping;
    }

    private ArrayNode sequence(JsonParser parser, String path) throws IOException {
        ArrayNode sequence = NODES.arrayNode();
        while (parser.nextToken() != JsonToken.END_ARRAY) {
            String field = LocatedProblems.element(path, sequence.size());
            problems.line(field, parser.currentTokenLocation().getLineNr());
            sequence.add(value(parser, field));
        }
        return sequence;
    }

    /** One problem for the first syntax error: after it, nothing the parser says can be trusted. */
    private static void syntaxError(JsonProcessingException e, LocatedProblems problems) {
        for (Throwable cause = e; cause != null; cause = cause.getCause()) {
            if (cause instanceof MarkedYAMLException marked && marked.getProblemMark() != null) {
                String context = marked.getContext() == null ? "" : " (" + marked.getContext() + ")";
                problems.at(marked.getProblemMark().getLine() + 1, LocatedProblems.FILE,
                        "YAML syntax error at column " + (marked.getProblemMark().getColumn() + 1) + ": "
                                + marked.getProblem() + context);
                return;
            }
        }
        JsonLocation at = e.getLocation();
        String message = e.getOriginalMessage() == null ? e.getClass().getSimpleName()
                : e.getOriginalMessage().lines().findFirst().orElse("");
        problems.at(at == null ? 0 : at.getLineNr(), LocatedProblems.FILE,
                "YAML syntax error" + (at == null ? "" : " at column " + at.getColumnNr()) + ": " + message);
    }
}
