package io.fleetckpt.dist;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

/** The repository's deployment assets, read the way their tools read them. */
final class Repo {
    static final ObjectMapper JSON = new ObjectMapper();

    private Repo() {
    }

    static Path root() {
        return Path.of(System.getProperty("fleetckpt.root", "..")).toAbsolutePath().normalize();
    }

    static Path file(String relative) {
        Path p = root().resolve(relative);
        if (!Files.isRegularFile(p)) throw new AssertionError("missing " + relative + " (looked at " + p + ")");
        return p;
    }

    /** YAML with anchors, aliases and merge keys resolved (as Compose does), as a Jackson tree. */
    static JsonNode yaml(String relative) throws IOException {
        Yaml yaml = new Yaml(new SafeConstructor(new LoaderOptions()));
        try (Reader r = Files.newBufferedReader(file(relative))) {
            Object doc = yaml.load(r);
            return JSON.valueToTree(doc);
        }
    }

    static JsonNode json(String relative) throws IOException {
        return JSON.readTree(file(relative).toFile());
    }
}
