package io.hlbridge.engine.work;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.component.seda.SedaEndpoint;
import org.apache.camel.impl.DefaultCamelContext;
import org.junit.jupiter.api.Test;

class WakeUpTest {
    @Test
    void ringsAreOneWakeUpWhileOneIsPending_andTheStageRouteIsWoken() throws Exception {
        try (DefaultCamelContext context = new DefaultCamelContext()) {
            AtomicInteger turns = new AtomicInteger();
            CountDownLatch holding = new CountDownLatch(1);
            CountDownLatch release = new CountDownLatch(1);
            context.addRoutes(new RouteBuilder() {
                @Override
                public void configure() {
                    from("seda:stage?size=1").process(e -> {
                        turns.incrementAndGet();
                        holding.countDown();
                        release.await(10, TimeUnit.SECONDS);
                    });
                }
            });
            context.start();
            WakeUp wakeUp = new WakeUp(context, "seda:stage?size=1");

            wakeUp.ring();
            assertThat(holding.await(10, TimeUnit.SECONDS)).as("the stage's route ran").isTrue();
            for (int i = 0; i < 100; i++) { // while its turn runs, a hundred rings leave one wake-up pending
                wakeUp.ring();
            }
            assertThat(context.getEndpoint("seda:stage?size=1", SedaEndpoint.class).getQueue()).hasSize(1);
            release.countDown();
            org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(10)).until(() -> turns.get() == 2);
            Thread.sleep(100);
            assertThat(turns).hasValue(2);
        }
    }
}
