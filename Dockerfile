# syntax=docker/dockerfile:1
# fleetckpt image: the shaded CLI jar on a Java 17 runtime. One image for every role; the compose
# file picks the command (agent, aggregator, ...) and configures it with FLEETCKPT_* variables.

FROM maven:3-eclipse-temurin-17 AS build
# gcc: the restore module compiles its close-on-exec preload library (native-preload profile) and
# bundles it in the jar; without it, restores in this image leave close-on-exec to COMMAND
RUN apt-get update \
 && apt-get install -y --no-install-recommends gcc libc6-dev \
 && rm -rf /var/lib/apt/lists/*
WORKDIR /src
COPY . .
# the cache mount keeps ~/.m2 between builds; tests run in CI, not in the image build
RUN --mount=type=cache,target=/root/.m2 \
    mvn -B -q -DskipTests -Dmaven.test.skip=true package -pl ops -am

FROM eclipse-temurin:17-jre
# curl for the compose health checks; nothing else beyond the JRE
RUN apt-get update \
 && apt-get install -y --no-install-recommends curl \
 && rm -rf /var/lib/apt/lists/*
COPY --from=build /src/ops/target/fleetckpt.jar /opt/fleetckpt/lib/fleetckpt.jar
COPY dist/src/bin/fleetckpt /opt/fleetckpt/bin/fleetckpt
RUN chmod 0755 /opt/fleetckpt/bin/fleetckpt && mkdir -p /var/lib/fleetckpt/images
ENV PATH=/opt/fleetckpt/bin:$PATH
# the agent needs root (or CAP_SYS_PTRACE and freezer access) to capture other users' processes;
# the aggregator and the request tools do not: compose runs them as root only for the volume
WORKDIR /var/lib/fleetckpt
EXPOSE 9464 9465
ENTRYPOINT ["/opt/fleetckpt/bin/fleetckpt"]
CMD ["--help"]
