package io.drawbridge;

import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.impl.DefaultCamelContext;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

/** A route that cannot be built is described by its step, as written, with only real secrets masked. */
class RouteLocationsTest {

    private static String failure(String step) throws Exception {
        try (var context = new DefaultCamelContext()) {
            context.addRoutes(new RouteBuilder() {
                @Override
                public void configure() {
                    from("direct:app").routeId("app").to(step);
                }
            });
            Throwable failure = catchThrowable(context::start);
            assertThat(failure).isNotNull();
            return RouteLocations.describe(context, failure);
        }
    }

    @Test
    void showsTheLoginModeOfAnAuthenticateStep() throws Exception {
        assertThat(failure("drawbridge:authenticate?issuers=corp&login=browser"))
                .startsWith("route app, step drawbridge:authenticate?issuers=corp&login=browser: ")
                .doesNotContain("xxxxxx");
    }

    @Test
    void stillMasksWhatCamelTakesForASecretInOtherSteps() throws Exception {
        assertThat(failure("nosuch:thing?password=hunter2&login=alice"))
                .contains("route app, step nosuch:thing?password=xxxxxx&login=xxxxxx: ")
                .doesNotContain("hunter2", "alice");
    }
}
