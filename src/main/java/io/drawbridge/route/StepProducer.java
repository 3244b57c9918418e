package io.drawbridge.route;

import org.apache.camel.AsyncCallback;
import org.apache.camel.AsyncProcessor;
import org.apache.camel.Exchange;
import org.apache.camel.support.DefaultAsyncProducer;

/** Runs a gateway step as the producer of a {@code drawbridge:} endpoint, asynchronously where the step is. */
final class StepProducer extends DefaultAsyncProducer {

    private final AsyncProcessor step;

    StepProducer(DrawbridgeEndpoint endpoint, AsyncProcessor step) {
        super(endpoint);
        this.step = step;
    }

    @Override
    public boolean process(Exchange exchange, AsyncCallback callback) {
        return step.process(exchange, callback);
    }
}
