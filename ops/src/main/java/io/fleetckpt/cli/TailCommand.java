package io.fleetckpt.cli;

import io.fleetckpt.cli.kafka.BrokerTimeoutOption;
import io.fleetckpt.cli.kafka.KafkaOptions;
import io.fleetckpt.cli.kafka.MessagePrinter;
import io.fleetckpt.kafka.TopicNames;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import picocli.CommandLine;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

/**
 * {@code fleetckpt tail}: prints each message of one of our topics, decoded, as it arrives. The
 * reference consumer: it needs nothing but the schemas jar, and uses no consumer group (it never
 * moves anyone's offsets).
 */
@Command(name = "tail", mixinStandardHelpOptions = true,
        description = {"Print the messages of a pipeline topic, decoded, as they arrive (Ctrl-C to stop).",
                "Record chunks also show the kernel-format records of their payload and a CRC check; "
                        + "undecodable messages are shown with the reason."},
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {"0:--max-messages or --idle-exit reached", "130:stopped by Ctrl-C (143: SIGTERM; the JVM exits with 128 + the signal)", "2:usage error or broker unreachable"})
public final class TailCommand implements Callable<Integer> {
    static final class Which {
        @Option(names = "--records", description = "The records topic (host stream chunks).")
        boolean records;
        @Option(names = "--images", description = "The images topic (image and checkpoint events).")
        boolean images;
        @Option(names = "--control", description = "The control topic (checkpoint requests).")
        boolean control;
        @Option(names = "--dlq", description = "The dead-letter topic (with the reasons from the headers).")
        boolean dlq;
    }

    @Mixin
    KafkaOptions kafka;

    @Mixin
    BrokerTimeoutOption brokerTimeout;

    @ArgGroup(exclusive = true, multiplicity = "1")
    Which which;

    @Option(names = "--json", description = "One JSON object per message.")
    boolean json;

    @Option(names = "--from-beginning", description = "Start at the oldest message kept (default: only new ones).")
    boolean fromBeginning;

    @Option(names = "--max-messages", paramLabel = "N", converter = io.fleetckpt.cli.kafka.Bounded.PositiveLong.class, description = "Stop after N messages.")
    Long maxMessages;

    @Option(names = "--idle-exit", paramLabel = "DURATION", converter = io.fleetckpt.cli.kafka.DurationConverter.class,
            description = "Stop when nothing arrived for this long (scripts; default: run until Ctrl-C).")
    Duration idleExit;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        TopicNames t = kafka.topics();
        String topic = which.records ? t.records() : which.images ? t.images() : which.control ? t.control() : t.dlq();
        MessagePrinter printer = new MessagePrinter(spec.commandLine().getOut(), json);
        Duration timeout = brokerTimeout.get(spec);
        // the consumer alone would retry for 30 s, then say only "Timeout expired while fetching topic metadata"
        kafka.connect(timeout, spec).close();
        try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(kafka.clientConfig().consumer(null, kafka.budget()))) {
            List<PartitionInfo> parts = consumer.partitionsFor(topic, timeout);
            if (parts == null || parts.isEmpty()) {
                throw new CommandLine.ExecutionException(spec.commandLine(), "topic " + topic + " does not exist (create it with `" + kafka.createTopicsCommand() + "`)");
            }
            List<TopicPartition> tps = new ArrayList<>();
            for (PartitionInfo p : parts) tps.add(new TopicPartition(topic, p.partition()));
            consumer.assign(tps);
            if (fromBeginning) consumer.seekToBeginning(tps); else consumer.seekToEnd(tps);
            Thread main = Thread.currentThread();
            Thread hook = new Thread(consumer::wakeup, "fleetckpt-tail-stop");
            Runtime.getRuntime().addShutdownHook(hook);
            long printed = 0;
            long lastMessage = System.currentTimeMillis();
            try {
                while (maxMessages == null || printed < maxMessages) {
                    var batch = consumer.poll(Duration.ofMillis(500));
                    for (ConsumerRecord<String, byte[]> r : batch) {
                        printer.print(r);
                        if (maxMessages != null && ++printed >= maxMessages) break;
                    }
                    if (!batch.isEmpty()) lastMessage = System.currentTimeMillis();
                    else if (idleExit != null && System.currentTimeMillis() - lastMessage > idleExit.toMillis()) break;
                }
            } catch (WakeupException e) {
                // Ctrl-C: a normal end
            } finally {
                if (Thread.currentThread() == main) {
                    try {
                        Runtime.getRuntime().removeShutdownHook(hook);
                    } catch (IllegalStateException shuttingDown) {
                        // the JVM is already exiting
                    }
                }
            }
        }
        return 0;
    }
}
