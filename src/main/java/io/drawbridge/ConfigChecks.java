package io.drawbridge;

import io.drawbridge.authn.IssuersCheck;
import io.drawbridge.config.CatalogCheck;
import io.drawbridge.config.ConfigCheck;
import io.drawbridge.config.ConfigLoader;
import io.drawbridge.policy.PolicyCheck;
import java.util.List;
import java.util.function.Function;

/**
 * The configuration checks the stages own (issuers, policies, catalog), run after the loader's built-in ones: the
 * one list that startup, reload, the command line and the tests all use, so none of them checks less.
 */
public final class ConfigChecks {

    private ConfigChecks() {
    }

    /** Every stage's check, in the order their problems are listed. */
    public static List<ConfigCheck> standard() {
        return List.of(new IssuersCheck(), new PolicyCheck(), new CatalogCheck());
    }

    /** A loader with every check, resolving {@code ${NAME}} placeholders with {@code environment}. */
    public static ConfigLoader loader(Function<String, String> environment) {
        return new ConfigLoader(environment, standard());
    }
}
