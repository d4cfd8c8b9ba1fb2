package io.fleetckpt.kafka.embedded.junit;

import io.fleetckpt.kafka.embedded.EmbeddedKafka;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolutionException;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * One embedded broker for the whole test JVM: the first test class that uses the extension starts
 * it (about 5 s on 2 cores), every later class reuses it, and JUnit closes it when the run ends
 * (it lives in the root store). Tests must therefore use their own topic names.
 *
 * <pre>
 * &#64;ExtendWith(EmbeddedKafkaExtension.class)
 * class MyTest {
 *     &#64;Test void t(&#64;KafkaBootstrap String bootstrapServers) { ... }
 *     &#64;Test void u(EmbeddedKafka broker) { ... }
 * }
 * </pre>
 */
public final class EmbeddedKafkaExtension implements BeforeAllCallback, ParameterResolver {
    private static final ExtensionContext.Namespace NS = ExtensionContext.Namespace.create(EmbeddedKafkaExtension.class);
    private static final String KEY = "broker";

    @Override
    public void beforeAll(ExtensionContext ctx) {
        broker(ctx);
    }

    /** The shared broker, started on first use. */
    public static EmbeddedKafka broker(ExtensionContext ctx) {
        return ctx.getRoot().getStore(NS)
                .getOrComputeIfAbsent(KEY, k -> new Holder(EmbeddedKafka.startEphemeral()), Holder.class)
                .broker;
    }

    @Override
    public boolean supportsParameter(ParameterContext pc, ExtensionContext ec) {
        Class<?> type = pc.getParameter().getType();
        return type == EmbeddedKafka.class || (type == String.class && pc.isAnnotated(KafkaBootstrap.class));
    }

    @Override
    public Object resolveParameter(ParameterContext pc, ExtensionContext ec) {
        EmbeddedKafka broker = broker(ec);
        Class<?> type = pc.getParameter().getType();
        if (type == EmbeddedKafka.class) return broker;
        if (type == String.class) return broker.bootstrapServers();
        throw new ParameterResolutionException("cannot inject " + type);
    }

    /** Closed by JUnit when the root context ends, i.e. after the last test of this JVM. */
    private static final class Holder implements AutoCloseable {
        final EmbeddedKafka broker;

        Holder(EmbeddedKafka broker) {
            this.broker = broker;
        }

        @Override
        public void close() {
            broker.close();
        }
    }
}
