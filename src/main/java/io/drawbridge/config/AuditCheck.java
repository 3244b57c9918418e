package io.drawbridge.config;

import java.util.regex.Pattern;

/** Audit: a file or a Camel endpoint, not both, an endpoint that looks like a Camel URI, a backlog, what
 * requests meet while the sink is behind. */
final class AuditCheck implements ConfigCheck {

    private static final Pattern CAMEL_URI = Pattern.compile("[A-Za-z][A-Za-z0-9+.-]*:.+");

    @Override
    public void check(GatewayConfig config, Problems problems) {
        AuditConfig audit = config.audit();
        if (audit.file() != null && audit.endpoint() != null) {
            problems.add("audit", "set file or endpoint, not both");
        }
        if (audit.file() != null && audit.file().isBlank()) {
            problems.add("audit.file", "must not be empty");
        }
        if (audit.endpoint() != null && !CAMEL_URI.matcher(audit.endpoint()).matches()) {
            problems.add("audit.endpoint", "must be a Camel endpoint URI, scheme:..., such as"
                    + " kafka:drawbridge-audit?brokers=kafka:9092");
        }
        if (audit.instance() != null && audit.instance().isBlank()) {
            problems.add("audit.instance", "must not be empty");
        }
        if (audit.maxBacklog() < 1) {
            problems.add("audit.maxBacklog", "must be at least 1");
        }
        if (!AuditConfig.WAIT.equals(audit.whenBehind()) && !AuditConfig.REFUSE.equals(audit.whenBehind())) {
            problems.add("audit.whenBehind", "must be wait or refuse, not " + audit.whenBehind());
        }
    }
}
