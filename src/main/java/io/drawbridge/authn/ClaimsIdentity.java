package io.drawbridge.authn;

import com.nimbusds.jwt.JWTClaimsSet;
import io.drawbridge.config.IssuerConfig;
import io.drawbridge.identity.Identity;

/** The identity a token's claims make under an issuer's claim names, as authentication maps them. */
public final class ClaimsIdentity {

    private ClaimsIdentity() {
    }

    /** For explanations only: the claims are taken as given, never as proof of anything. */
    public static Identity of(IssuerConfig issuer, JWTClaimsSet claims) {
        return new IdentityMapper(issuer.name(), issuer.claims()).map(claims);
    }
}
