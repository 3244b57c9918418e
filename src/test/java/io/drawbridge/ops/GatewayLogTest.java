package io.drawbridge.ops;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.OutputStreamAppender;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.drawbridge.config.LoggingConfig;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

import static org.assertj.core.api.Assertions.assertThat;

/** The JSON log's shape: one object a line, with a request's id and trace id as fields of their own. */
class GatewayLogTest {

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final LoggerContext context = (LoggerContext) LoggerFactory.getILoggerFactory();
    // A logger of its own, not the root: the format stays as it was for every other test in this JVM.
    private final Logger root = context.getLogger("io.drawbridge.test.GatewayLog");
    private OutputStreamAppender<ILoggingEvent> appender;

    @BeforeEach
    void captureTheRootLogger() {
        var text = new PatternLayoutEncoder();
        text.setContext(context);
        text.setPattern("%msg%n");
        text.start();
        appender = new OutputStreamAppender<>();
        appender.setContext(context);
        appender.setName("capture");
        appender.setEncoder(text);
        appender.setOutputStream(out);
        appender.start();
        root.addAppender(appender);
        root.setAdditive(false);
    }

    @AfterEach
    void release() {
        root.detachAppender(appender);
        appender.stop();
    }

    private String logged() {
        return out.toString(StandardCharsets.UTF_8);
    }

    @Test
    void textLeavesTheLogAsConfigured() {
        GatewayLog.apply(LoggingConfig.defaults(), root);
        root.warn("plain {}", "words");
        assertThat(logged()).isEqualTo("plain words\n");
    }

    @Test
    void jsonWritesOneObjectALineWithTheRequestsIds() throws Exception {
        GatewayLog.apply(new LoggingConfig("json"), root);
        root.atError()
                .addKeyValue("requestId", "r-123").addKeyValue("traceId", "4bf92f3577b34da6a3ce929d0e0e4736")
                .setCause(new IllegalStateException("boom\nsecond line"))
                .log("request {} failed inside the gateway", "r-123");
        String[] lines = logged().split("\n");
        assertThat(lines).hasSize(1);
        JsonNode event = new ObjectMapper().readTree(lines[0]);
        assertThat(event.path("level").asText()).isEqualTo("ERROR");
        assertThat(event.path("formattedMessage").asText()).isEqualTo("request r-123 failed inside the gateway");
        assertThat(event.path("kvpList").toString()).contains("\"requestId\":\"r-123\"")
                .contains("\"traceId\":\"4bf92f3577b34da6a3ce929d0e0e4736\"");
        assertThat(event.path("throwable").path("message").asText()).isEqualTo("boom\nsecond line");
    }
}
