package io.drawbridge.authn;

import com.nimbusds.jose.KeySourceException;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.source.JWKSetCacheRefreshEvaluator;
import com.nimbusds.jose.jwk.source.JWKSetRetrievalException;
import com.nimbusds.jose.jwk.source.JWKSetSource;
import com.nimbusds.jose.jwk.source.URLBasedJWKSetSource;
import com.nimbusds.jose.util.JSONObjectUtils;
import com.nimbusds.jose.util.ResourceRetriever;

import java.io.IOException;
import java.net.URI;
import java.net.URL;
import java.text.ParseException;
import java.util.Map;

/**
 * The JWK set named by an issuer's discovery document ({@code jwks_uri}). The document is fetched on the first
 * fetch of the keys, and again on every fetch until it has been read successfully; its {@code issuer} must be
 * exactly the configured one. Each {@link #getJWKSet} call is one blocking attempt: callers rate-limit it.
 */
final class DiscoveredJwks implements JWKSetSource<KeyAccess> {

    private final URL discoveryUrl;
    private final String expectedIssuer;
    private final ResourceRetriever retriever;
    private volatile URLBasedJWKSetSource<KeyAccess> jwks;

    DiscoveredJwks(URL discoveryUrl, String expectedIssuer, ResourceRetriever retriever) {
        this.discoveryUrl = discoveryUrl;
        this.expectedIssuer = expectedIssuer;
        this.retriever = retriever;
    }

    @Override
    public JWKSet getJWKSet(JWKSetCacheRefreshEvaluator refreshEvaluator, long currentTime, KeyAccess context)
            throws KeySourceException {
        URLBasedJWKSetSource<KeyAccess> source = jwks;
        if (source == null) {
            source = new URLBasedJWKSetSource<>(discoverJwksUrl(), retriever);
            jwks = source;
        }
        return source.getJWKSet(refreshEvaluator, currentTime, context);
    }

    private URL discoverJwksUrl() throws KeySourceException {
        Map<String, Object> document;
        try {
            document = JSONObjectUtils.parse(retriever.retrieveResource(discoveryUrl).getContent());
        } catch (IOException | ParseException e) {
            throw new JWKSetRetrievalException("discovery document " + discoveryUrl + " unusable: " + e.getMessage(), e);
        }
        String issuer = document.get("issuer") instanceof String s ? s : null;
        if (!expectedIssuer.equals(issuer)) {
            throw new JWKSetRetrievalException("discovery document " + discoveryUrl + " names issuer '" + issuer
                    + "', not '" + expectedIssuer + "'", null);
        }
        String jwksUri = document.get("jwks_uri") instanceof String s ? s : null;
        try {
            URI uri = URI.create(jwksUri);
            if (!"https".equalsIgnoreCase(uri.getScheme()) && !"http".equalsIgnoreCase(uri.getScheme())) {
                throw new IllegalArgumentException("not an http(s) URL");
            }
            return uri.toURL();
        } catch (IOException | RuntimeException e) {
            throw new JWKSetRetrievalException("discovery document " + discoveryUrl + " has no usable jwks_uri", e);
        }
    }

    @Override
    public void close() {
    }

    @Override
    public String toString() {
        return "keys discovered through " + discoveryUrl;
    }
}
