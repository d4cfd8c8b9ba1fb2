package io.fleetckpt.dist;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.fleetckpt.metrics.FleetMetrics;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Grafana dashboard, the alert rules and the Prometheus configuration against the meters the
 * code really publishes, so a renamed meter cannot leave an empty panel behind.
 */
class MonitoringAssetsTest {
    private static final String DASHBOARD = "ops/grafana/fleetckpt-dashboard.json";

    /**
     * The fleetckpt series families the live registries expose, with histogram suffixes folded:
     * local's, which holds both the agent's and the aggregator's meters (each of those roles
     * serves only its own; the dashboard and alerts query both).
     */
    static Set<String> publishedFamilies() {
        try (FleetMetrics m = new FleetMetrics("local")) {
            m.checkpointFailed(Thread.State.NEW); // labelled counters appear once used
            m.dlqMessage("probe");
            Set<String> names = new TreeSet<>();
            for (String line : m.scrape().split("\n")) {
                if (!line.startsWith("fleetckpt_")) continue;
                String name = line.split("[{ ]")[0];
                names.add(name.replaceAll("_(bucket|count|sum)$", ""));
            }
            return names;
        }
    }

    static List<String> dashboardExpressions(JsonNode dashboard) {
        List<String> exprs = new ArrayList<>();
        for (JsonNode panel : dashboard.get("panels")) {
            if (panel.has("targets")) panel.get("targets").forEach(t -> exprs.add(t.get("expr").asText()));
        }
        return exprs;
    }

    @Test
    void everyPublishedMeterHasAPanel() throws Exception {
        Set<String> families = publishedFamilies();
        assertEquals(11, families.size(), "families: " + families);
        String exprs = String.join("\n", dashboardExpressions(Repo.json(DASHBOARD)));
        List<String> withoutPanel = families.stream().filter(f -> !exprs.contains(f)).toList();
        assertEquals(List.of(), withoutPanel);
    }

    /** Every series name (labels dropped, suffixes kept) the live registries expose (local's: both roles'). */
    static Set<String> publishedSeries() {
        try (FleetMetrics m = new FleetMetrics("local")) {
            m.checkpointFailed(Thread.State.NEW);
            m.dlqMessage("probe");
            Set<String> names = new TreeSet<>();
            for (String line : m.scrape().split("\n")) {
                if (!line.startsWith("#") && !line.isBlank()) names.add(line.split("[{ ]")[0]);
            }
            return names;
        }
    }

    @Test
    void everyMetricNameTheDashboardAndAlertsQueryIsPublished() throws Exception {
        Set<String> series = publishedSeries();
        List<String> exprs = new ArrayList<>(dashboardExpressions(Repo.json(DASHBOARD)));
        for (JsonNode rule : Repo.yaml("ops/prometheus/alerts.yml").at("/groups/0/rules")) exprs.add(rule.get("expr").asText());
        exprs.add(Repo.json(DASHBOARD).at("/templating/list/1/query").asText());
        Set<String> unknown = new TreeSet<>();
        for (String expr : exprs) {
            // a metric name is what stands before a selector or range: name{...} or name[...]
            var m = java.util.regex.Pattern.compile("\\b([a-z_][a-z0-9_]*)\\s*[{\\[]").matcher(expr);
            while (m.find()) {
                String name = m.group(1);
                if (!name.equals("up") && !series.contains(name)) unknown.add(name + " in " + expr);
            }
            var bare = java.util.regex.Pattern.compile("\\b((fleetckpt|jvm|process|system)_[a-z0-9_]*)").matcher(expr);
            while (bare.find()) if (!series.contains(bare.group(1))) unknown.add(bare.group(1) + " in " + expr);
        }
        assertEquals(Set.of(), unknown, "queried but never published");
    }

    @Test
    void dashboardPanelsAreDescribedHereAndInTheOperationsGuide() throws Exception {
        JsonNode dash = Repo.json(DASHBOARD);
        String guide = Files.readString(Repo.file("docs/operations.md"));
        Set<Integer> ids = new HashSet<>();
        List<String> undocumented = new ArrayList<>();
        for (JsonNode panel : dash.get("panels")) {
            assertTrue(ids.add(panel.get("id").asInt()), "duplicate panel id " + panel.get("id"));
            if (panel.get("type").asText().equals("row")) continue;
            assertFalse(panel.path("description").asText().isBlank(), panel.get("title") + " has no description");
            if (!guide.contains(panel.get("title").asText())) undocumented.add(panel.get("title").asText());
        }
        assertEquals(List.of(), undocumented, "panels missing from docs/operations.md");
    }

    @Test
    void everyPanelQueriesTheDataSourceSelector() throws Exception {
        JsonNode dash = Repo.json(DASHBOARD);
        assertEquals("datasource", dash.at("/templating/list/0/type").asText());
        String variable = "${" + dash.at("/templating/list/0/name").asText() + "}";
        for (JsonNode panel : dash.get("panels")) {
            if (panel.get("type").asText().equals("row")) continue;
            assertEquals(variable, panel.at("/datasource/uid").asText(), panel.get("title").asText());
        }
        // an import input nothing refers to makes Grafana ask for a choice it then ignores
        for (JsonNode input : dash.path("__inputs")) {
            assertTrue(dash.toString().contains("${" + input.get("name").asText() + "}"), "unused input " + input);
        }
    }

    @Test
    void dashboardQueriesAndAlertRulesAreValidPromQl(@TempDir Path dir) throws Exception {
        assumeTrue(Tools.installed("promtool"), "promtool not installed (Debian package prometheus)");
        // Grafana's variables substituted the way Grafana would, then every query checked as a rule
        StringBuilder rules = new StringBuilder("groups:\n  - name: dashboard\n    rules:\n");
        int i = 0;
        for (String expr : dashboardExpressions(Repo.json(DASHBOARD))) {
            String promql = expr.replace("$__rate_interval", "5m").replace("$role", ".*");
            rules.append("      - record: dashboard:q").append(i++).append("\n        expr: '")
                    .append(promql.replace("'", "''")).append("'\n");
        }
        Path file = dir.resolve("dashboard-rules.yml");
        Files.writeString(file, rules);
        Tools.Result dashboard = Tools.run(dir, List.of("promtool", "check", "rules", file.toString()));
        assertEquals(0, dashboard.exitCode(), dashboard.output());
        Tools.Result config = Tools.run(Repo.root(), List.of("promtool", "check", "config", "ops/prometheus/prometheus.yml"));
        assertEquals(0, config.exitCode(), config.output());
        assertTrue(config.output().contains("6 rules found"), config.output());
    }

    @Test
    void alertRulesOnlyUsePublishedMeters() throws Exception {
        Set<String> families = publishedFamilies();
        for (JsonNode rule : Repo.yaml("ops/prometheus/alerts.yml").at("/groups/0/rules")) {
            String expr = rule.get("expr").asText();
            for (String token : expr.split("[^a-z0-9_]+")) {
                if (!token.startsWith("fleetckpt_")) continue;
                String family = token.replaceAll("_(bucket|count|sum)$", "");
                assertTrue(families.contains(family), rule.get("alert") + " uses unknown " + token);
            }
        }
    }

    @Test
    void ourMetricNamesPassPrometheusLint() throws Exception {
        assumeTrue(Tools.installed("promtool"), "promtool not installed (Debian package prometheus)");
        try (FleetMetrics m = new FleetMetrics("aggregator")) {
            m.dlqMessage("bad_header");
            m.checkpointFailed(Thread.State.BLOCKED);
            Process p = new ProcessBuilder("promtool", "check", "metrics").redirectErrorStream(true).start();
            try (var in = p.getOutputStream()) {
                in.write(m.scrape().getBytes(java.nio.charset.StandardCharsets.UTF_8));
            }
            String out = new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
            p.waitFor();
            // Micrometer's own JVM/process binder names draw lint remarks; ours must draw none
            List<String> ours = out.lines().filter(l -> l.startsWith("fleetckpt_")).toList();
            assertEquals(List.of(), ours);
        }
    }
}
