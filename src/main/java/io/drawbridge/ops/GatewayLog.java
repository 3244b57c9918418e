package io.drawbridge.ops;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.JsonEncoder;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.Appender;
import ch.qos.logback.core.OutputStreamAppender;
import io.drawbridge.config.LoggingConfig;
import java.util.Iterator;
import org.slf4j.LoggerFactory;

/**
 * The gateway's own log. {@code logging.format: json} gives the root logger's console appenders Logback's
 * {@link JsonEncoder}, one JSON object a line. The packaged {@code logback.xml} stays the source of levels and
 * appenders; a user's own Logback configuration is left alone, apart from that encoder and Camel's error handler.
 */
public final class GatewayLog {

    private GatewayLog() {
    }

    /** Camel's error handler, which logs an ERROR for every exchange that ends in an exception. */
    static final String CAMEL_ERROR_HANDLER = "org.apache.camel.processor.errorhandler.DefaultErrorHandler";

    /**
     * Applies the configured format to the root logger (text leaves the log as configured), and silences Camel's
     * error handler whatever the Logback configuration says: a refused request is answered and audited at the
     * edge, which logs internal errors itself, and an ERROR per refusal would let any client flood the log with
     * 401s. A user's own Logback configuration (without the packaged one's rule) would otherwise bring it back.
     */
    public static void apply(LoggingConfig config) {
        if (LoggerFactory.getILoggerFactory() instanceof LoggerContext context) {
            context.getLogger(CAMEL_ERROR_HANDLER).setLevel(Level.OFF);
            apply(config, context.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME));
        }
    }

    /** Applies the format to one logger's own appenders. */
    static void apply(LoggingConfig config, Logger logger) {
        if (!config.json()) {
            return;
        }
        for (Iterator<Appender<ILoggingEvent>> it = logger.iteratorForAppenders(); it.hasNext(); ) {
            if (it.next() instanceof OutputStreamAppender<ILoggingEvent> console) {
                console.setEncoder(jsonEncoder(logger.getLoggerContext()));
            }
        }
    }

    /**
     * Logback's layout, trimmed to what log shippers index: time, level, thread, logger, the message as it reads
     * (not its pattern and arguments), key-value pairs (a request's id and trace id), MDC and the throwable.
     */
    private static JsonEncoder jsonEncoder(LoggerContext context) {
        var encoder = new JsonEncoder();
        encoder.setContext(context);
        encoder.setWithSequenceNumber(false);
        encoder.setWithNanoseconds(false);
        encoder.setWithContext(false);
        encoder.setWithMessage(false);
        encoder.setWithArguments(false);
        encoder.setWithFormattedMessage(true);
        encoder.start();
        return encoder;
    }
}
