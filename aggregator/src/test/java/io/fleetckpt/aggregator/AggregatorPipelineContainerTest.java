package io.fleetckpt.aggregator;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.testcontainers.junit.jupiter.Container;
import org.testcontainers.junit.jupiter.Testcontainers;
import org.testcontainers.kafka.KafkaContainer;

import java.nio.file.Path;

/** The same pipeline scenarios against a Kafka container; skipped where Docker is absent. */
@Testcontainers(disabledWithoutDocker = true)
class AggregatorPipelineContainerTest {
    /** The broker docker-compose.yml runs. */
    @Container
    static final KafkaContainer KAFKA = new KafkaContainer("apache/kafka:4.4.0");

    @Test
    void interleavedAndDuplicated(@TempDir Path dir) throws Exception {
        PipelineScenarios.interleavedAndDuplicated(KAFKA.getBootstrapServers(), dir);
    }

    @Test
    void deadline(@TempDir Path dir) throws Exception {
        PipelineScenarios.deadline(KAFKA.getBootstrapServers(), dir);
    }

    @Test
    void corruptChunkToDlq(@TempDir Path dir) throws Exception {
        PipelineScenarios.corruptChunkToDlq(KAFKA.getBootstrapServers(), dir);
    }

    @Test
    void crashAndRestart(@TempDir Path dir) throws Exception {
        PipelineScenarios.crashAndRestart(KAFKA.getBootstrapServers(), dir);
    }

    @Test
    void aggregatorProcessKilled(@TempDir Path dir) throws Exception {
        PipelineScenarios.aggregatorProcessKilled(KAFKA.getBootstrapServers(), dir);
    }

    @Test
    void agentsOnRealProcesses(@TempDir Path dir) throws Exception {
        PipelineScenarios.agentsOnRealProcesses(KAFKA.getBootstrapServers(), dir);
    }
}
