package io.drawbridge.config;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * Access requests and grants: where they are kept and how they are announced. Policies opt in one by one with
 * their {@code request} section; this section only tunes the machinery, and every field has a default.
 *
 * @param store          the database of requests and grants; default an H2 file under {@code .drawbridge/}
 * @param notify         Camel endpoint URIs each new request is sent to as a JSON event ({@code http:}, {@code mail:},
 *                       {@code kafka:}, ...); default none: the log and the approvers' inbox page
 * @param requestExpiry  how long a request waits for an answer before it expires; default 24h
 * @param maxOpenPerUser how many requests one person may have open at once, beyond which 429; default 5
 * @param refresh        how often each replica reads the active grants; default 1s
 * @param maxStaleness   how old the grants last read may be and still admit; past it, grants admit nobody (fail
 *                       closed) until the store answers again; default 30s
 * @param baseUrl        the gateway's public URL, for the link to the approval page in notifications; default
 *                       the address the request was made to
 */
public record AccessConfig(StoreConfig store,
                           @JsonProperty("notify") List<String> notifyUris,
                           Duration requestExpiry, Integer maxOpenPerUser,
                           Duration refresh, Duration maxStaleness, String baseUrl) {

    /** Where the embedded default store lives, relative to the working directory. */
    public static final String DEFAULT_URL = "jdbc:h2:file:./.drawbridge/access";

    public AccessConfig {
        store = store == null ? new StoreConfig(null, null, null) : store;
        notifyUris = notifyUris == null ? List.of()
                : Collections.unmodifiableList(new ArrayList<>(notifyUris));
        requestExpiry = requestExpiry == null ? Duration.ofHours(24) : requestExpiry;
        maxOpenPerUser = maxOpenPerUser == null ? 5 : maxOpenPerUser;
        refresh = refresh == null ? Duration.ofSeconds(1) : refresh;
        maxStaleness = maxStaleness == null ? Duration.ofSeconds(30) : maxStaleness;
    }

    public static AccessConfig defaults() {
        return new AccessConfig(null, null, null, null, null, null, null);
    }

    /** The same settings with another store (dev mode's temporary H2). */
    public AccessConfig withStore(StoreConfig other) {
        return new AccessConfig(other, notifyUris, requestExpiry, maxOpenPerUser, refresh, maxStaleness, baseUrl);
    }

    /** Endpoints are shown by scheme only: a Camel URI often carries credentials. */
    @Override
    public String toString() {
        return "AccessConfig[store=" + store + ", notify=" + notifyUris.stream()
                .map(uri -> uri == null || uri.indexOf(':') < 0 ? "?" : uri.substring(0, uri.indexOf(':') + 1) + "***")
                .toList() + ", requestExpiry=" + requestExpiry + ", maxOpenPerUser=" + maxOpenPerUser + ", refresh="
                + refresh + ", maxStaleness=" + maxStaleness + ", baseUrl=" + baseUrl + "]";
    }

    /**
     * The database.
     *
     * @param url      a JDBC URL: {@code jdbc:h2:file:...} (one replica) or {@code jdbc:postgresql://host/db}
     *                 (replicas share it); default {@value AccessConfig#DEFAULT_URL}
     * @param username the database user; default none (H2's default user)
     * @param password a secret: an environment placeholder such as {@code ${DRAWBRIDGE_ACCESS_DB_PASSWORD}}
     */
    public record StoreConfig(String url, String username, String password) {

        public StoreConfig {
            url = url == null ? DEFAULT_URL : url;
        }

        @Override
        public String toString() {
            return "StoreConfig[url=" + url.replaceAll("password=[^;&]*", "password=***") + ", username=" + username
                    + ", password=" + (password == null ? null : "***") + "]";
        }
    }
}
