package io.fleetckpt.dist;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The Dockerfile without a Docker engine: its stages, and that everything it copies exists where
 * it says (sources in this tree, the jar where the ops build writes it).
 */
class DockerfileTest {
    static List<String> instructions() throws Exception {
        List<String> out = new ArrayList<>();
        StringBuilder cur = new StringBuilder();
        for (String line : Files.readAllLines(Repo.file("Dockerfile"))) {
            String l = line.strip();
            if (l.startsWith("#") || l.isEmpty()) continue;
            if (l.endsWith("\\")) {
                cur.append(l, 0, l.length() - 1).append(' ');
                continue;
            }
            out.add(cur.append(l).toString());
            cur.setLength(0);
        }
        return out;
    }

    @Test
    void buildsWithMavenOnJdk17AndRunsOnTheJre17() throws Exception {
        List<String> from = instructions().stream().filter(i -> i.startsWith("FROM ")).toList();
        assertEquals(List.of("FROM maven:3-eclipse-temurin-17 AS build", "FROM eclipse-temurin:17-jre"), from);
        assertTrue(instructions().stream().anyMatch(i -> i.startsWith("RUN ") && i.contains("mvn") && i.contains("-pl ops -am")));
        // restore/pom.xml builds and bundles the preload library only where /usr/bin/gcc exists
        List<String> build = instructions().subList(0, instructions().indexOf("FROM eclipse-temurin:17-jre"));
        int gcc = indexOf(build, i -> i.startsWith("RUN ") && i.contains("apt-get install") && i.contains(" gcc "));
        int mvn = indexOf(build, i -> i.startsWith("RUN ") && i.contains("mvn"));
        assertTrue(gcc >= 0 && gcc < mvn, "the build stage installs gcc before Maven runs: " + build);
        assertTrue(Files.readString(Repo.file("restore/pom.xml")).contains("<exists>/usr/bin/gcc</exists>"));
    }

    private static int indexOf(List<String> list, java.util.function.Predicate<String> p) {
        for (int i = 0; i < list.size(); i++) if (p.test(list.get(i))) return i;
        return -1;
    }

    @Test
    void everythingCopiedExistsAndTheEntrypointIsTheCopiedLauncher() throws Exception {
        String launcherDest = null;
        for (String i : instructions()) {
            if (!i.startsWith("COPY ")) continue;
            String[] parts = i.split("\\s+");
            String src = parts[parts.length - 2];
            String dest = parts[parts.length - 1];
            if (i.contains("--from=build")) {
                // /src is the build stage's WORKDIR; the shaded jar is ops' <finalName>.jar
                assertEquals("/src/ops/target/fleetckpt.jar", src);
                assertTrue(Files.readString(Repo.file("ops/pom.xml")).contains("<finalName>fleetckpt</finalName>"));
            } else if (!src.equals(".")) {
                Repo.file(src);
                if (src.equals("dist/src/bin/fleetckpt")) launcherDest = dest;
            }
        }
        assertEquals("/opt/fleetckpt/bin/fleetckpt", launcherDest);
        assertTrue(instructions().contains("ENTRYPOINT [\"" + launcherDest + "\"]"));
        // the launcher finds the jar at ../lib/fleetckpt.jar from its bin/ directory
        assertTrue(instructions().stream().anyMatch(i -> i.startsWith("COPY --from=build") && i.endsWith("/opt/fleetckpt/lib/fleetckpt.jar")));
    }

    @Test
    void theBuildContextKeepsOutBuildOutput() throws Exception {
        List<String> ignored = Files.readAllLines(Repo.file(".dockerignore"));
        assertTrue(ignored.contains("**/target"), "a local target/ would bloat the context and shadow the build");
        assertTrue(ignored.contains(".git"));
        assertTrue(ignored.contains("fleetckpt-data"), "local runs' Kafka logs and stores stay out of the image");
    }
}
