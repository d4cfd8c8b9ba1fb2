package io.fleetckpt.aggregator;

import io.fleetckpt.kafka.embedded.junit.EmbeddedKafkaExtension;
import io.fleetckpt.kafka.embedded.junit.KafkaBootstrap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

/** The pipeline scenarios on the embedded KRaft broker shared by this test JVM. */
@ExtendWith(EmbeddedKafkaExtension.class)
class AggregatorPipelineTest {
    @Test
    void severalAgentsCaptureRealProcessesAndTheStoredImagesMatchThem(@KafkaBootstrap String bootstrap, @TempDir Path dir) throws Exception {
        PipelineScenarios.agentsOnRealProcesses(bootstrap, dir);
    }

    @Test
    void interleavedDuplicatedChunksOfSeveralHostsGiveTheInOrderBytes(@KafkaBootstrap String bootstrap, @TempDir Path dir) throws Exception {
        PipelineScenarios.interleavedAndDuplicated(bootstrap, dir);
    }

    @Test
    void hostsThatDoNotFinishFailAtTheDeadline(@KafkaBootstrap String bootstrap, @TempDir Path dir) throws Exception {
        PipelineScenarios.deadline(bootstrap, dir);
    }

    @Test
    void corruptChunkGoesToTheDlqAndOtherHostsAreStored(@KafkaBootstrap String bootstrap, @TempDir Path dir) throws Exception {
        PipelineScenarios.corruptChunkToDlq(bootstrap, dir);
    }

    @Test
    void aggregatorKilledMidCheckpointRestartsWithIdenticalImages(@KafkaBootstrap String bootstrap, @TempDir Path dir) throws Exception {
        PipelineScenarios.crashAndRestart(bootstrap, dir);
    }

    @Test
    void aggregatorProcessKilledBySigkillRestartsWithIdenticalImages(@KafkaBootstrap String bootstrap, @TempDir Path dir) throws Exception {
        PipelineScenarios.aggregatorProcessKilled(bootstrap, dir);
    }
}
