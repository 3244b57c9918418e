package io.drawbridge.deploy;

import com.fasterxml.jackson.databind.JsonNode;
import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * A pod's mounted files laid out under a test folder: ConfigMaps' keys as files at their mount paths, Secret keys
 * as made-up values (an assertion key is a fresh EC key), and the configuration's absolute paths moved under the
 * folder, so the gateway reads the same files the pod would.
 */
final class PodFiles {

    private final Path root;
    private final Map<String, Path> mounts = new LinkedHashMap<>();

    PodFiles(Path root) {
        this.root = root;
    }

    /** A ConfigMap's data keys as files under its mount path. */
    PodFiles configMap(JsonNode configMap, String mountPath) {
        Path dir = mount(mountPath);
        configMap.path("data").fields().forEachRemaining(e -> write(dir.resolve(e.getKey()), e.getValue().asText()));
        return this;
    }

    /** A Secret's keys as files; made-up values, since no Secret is committed. */
    PodFiles secret(List<String> keys, String mountPath) {
        Path dir = mount(mountPath);
        for (String key : keys) {
            write(dir.resolve(key), key.endsWith(".json") ? ecKey() : "made-up-" + key);
        }
        return this;
    }

    PodFiles emptyDir(String mountPath) {
        mount(mountPath);
        return this;
    }

    /** A file's text with every mount path moved under the test folder. */
    String relocate(String text) {
        // One pass, longest mount first, whole path starts only: /tmp must not move /tmp/... twice.
        String alternatives = mounts.keySet().stream().sorted(Comparator.comparing(String::length).reversed())
                .map(Pattern::quote).collect(Collectors.joining("|"));
        Matcher m = Pattern.compile("(?<![\\w./-])(" + alternatives + ")(?![\\w.-])").matcher(text);
        return m.replaceAll(r -> Matcher.quoteReplacement(mounts.get(r.group(1)).toString()));
    }

    Path path(String podPath) {
        return Path.of(relocate(podPath));
    }

    private Path mount(String mountPath) {
        Path dir = root.resolve(mountPath.substring(1));
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        mounts.put(mountPath, dir);
        return dir;
    }

    private static void write(Path file, String text) {
        try {
            Files.writeString(file, text);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String ecKey() {
        try {
            return new ECKeyGenerator(Curve.P_256).keyID("test").generate().toJSONString();
        } catch (JOSEException e) {
            throw new IllegalStateException(e);
        }
    }
}
