package io.drawbridge.authn.session;

import com.nimbusds.jose.EncryptionMethod;
import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWEAlgorithm;
import com.nimbusds.jose.JWEHeader;
import com.nimbusds.jose.JWEObject;
import com.nimbusds.jose.Payload;
import com.nimbusds.jose.crypto.DirectDecrypter;
import com.nimbusds.jose.crypto.DirectEncrypter;
import com.nimbusds.jose.util.Base64URL;
import com.nimbusds.jwt.JWTClaimsSet;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.text.ParseException;
import java.util.Arrays;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import javax.crypto.SecretKey;
import javax.crypto.spec.SecretKeySpec;

/**
 * Seals and opens the gateway's cookies: a JWE with direct AES-256-GCM encryption (Nimbus), so a cookie is both
 * secret and tamper-evident. The first key seals; every key opens, chosen by the {@code kid} it was sealed with, so
 * keys rotate without signing everyone out. A cookie for another purpose ({@code typ}) never opens as this one.
 */
public final class SessionKeys {

    private final List<Key> keys;

    private record Key(String id, SecretKey secret) {
    }

    /** @param base64Keys 32-byte keys in base64 (standard or URL-safe); the first seals */
    public SessionKeys(List<String> base64Keys) {
        if (base64Keys.isEmpty()) {
            throw new IllegalArgumentException("at least one session key is needed");
        }
        Map<String, Key> byId = new LinkedHashMap<>();
        for (String text : base64Keys) {
            byte[] bytes = decode(text.strip());
            if (bytes.length != 32) {
                throw new IllegalArgumentException("a session key must be 32 bytes, not " + bytes.length);
            }
            String id = keyId(bytes);
            byId.putIfAbsent(id, new Key(id, new SecretKeySpec(bytes, "AES")));
        }
        this.keys = List.copyOf(byId.values());
    }

    /** Seals claims for one purpose, e.g. {@code session} or {@code login}. */
    public String seal(String purpose, JWTClaimsSet claims) {
        Key key = keys.get(0);
        var header = new JWEHeader.Builder(JWEAlgorithm.DIR, EncryptionMethod.A256GCM)
                .keyID(key.id()).type(new JOSEObjectType(purpose)).build();
        var jwe = new JWEObject(header, new Payload(claims.toJSONObject()));
        try {
            jwe.encrypt(new DirectEncrypter(key.secret()));
        } catch (JOSEException e) {
            throw new IllegalStateException("cannot seal a cookie", e);
        }
        return jwe.serialize();
    }

    /** The claims of a cookie sealed for {@code purpose} by one of the keys; empty when it is anything else. */
    public Optional<JWTClaimsSet> open(String purpose, String sealed) {
        if (sealed == null || sealed.length() > 64 * 1024) {
            return Optional.empty();
        }
        try {
            JWEObject jwe = JWEObject.parse(sealed);
            JWEHeader header = jwe.getHeader();
            if (!JWEAlgorithm.DIR.equals(header.getAlgorithm())
                    || !EncryptionMethod.A256GCM.equals(header.getEncryptionMethod())
                    || header.getType() == null || !purpose.equals(header.getType().getType())
                    || header.getCompressionAlgorithm() != null || header.getCriticalParams() != null) {
                return Optional.empty();
            }
            Key key = keys.stream().filter(k -> k.id().equals(header.getKeyID())).findFirst().orElse(null);
            if (key == null) {
                return Optional.empty();
            }
            jwe.decrypt(new DirectDecrypter(key.secret()));
            return Optional.of(JWTClaimsSet.parse(jwe.getPayload().toJSONObject()));
        } catch (ParseException | JOSEException | IllegalStateException | IllegalArgumentException e) {
            // Nimbus refuses some headers (alg "none" in a JWE) with IllegalArgumentException while parsing
            return Optional.empty();
        }
    }

    private static byte[] decode(String text) {
        try {
            return Base64.getDecoder().decode(text);
        } catch (IllegalArgumentException e) {
            return Base64.getUrlDecoder().decode(text);
        }
    }

    /** A short, public name for a key: not the key, and not enough of its hash to matter. */
    private static String keyId(byte[] key) {
        try {
            byte[] hash = MessageDigest.getInstance("SHA-256").digest(key);
            return Base64URL.encode(Arrays.copyOf(hash, 6)).toString();
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
