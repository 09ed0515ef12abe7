package org.oeb.bridge.k8s;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The alerts and the Grafana dashboard: every metric they name is one the services register,
 * and every alert the support staff need is there.
 */
class MonitoringTests {

	private static final Pattern METER_NAME = Pattern.compile("\"(bridge(?:\\.[a-z_]+)+)\"");

	private static final Pattern METRIC = Pattern.compile("\\b(bridge_[a-z_]+)\\b");

	/** What Micrometer's Prometheus registry appends to a meter's name, by meter type. */
	private static final List<String> SUFFIXES = List.of("", "_total", "_seconds", "_seconds_count", "_seconds_sum",
			"_seconds_max", "_count", "_sum", "_max");

	@Test
	void everyMetricInAnAlertOrADashboardPanelIsOneTheServicesRegister() throws IOException {
		Set<String> exported = exportedNames();
		Set<String> named = new LinkedHashSet<>();
		named.addAll(metricsIn(alertExpressions()));
		named.addAll(metricsIn(dashboardExpressions()));

		assertThat(named).isNotEmpty();
		assertThat(named).allSatisfy((metric) -> assertThat(exported).as("meters registered in */src/main/java")
			.contains(metric));
	}

	@Test
	void theAlertsCoverWhatSupportStaffMustHearAbout() {
		Map<String, Object> rule = Rendered.overlay("prod").ofKind("PrometheusRule").get(0);
		List<String> names = new ArrayList<>();
		for (Map<String, Object> group : Rendered.list(rule, "spec", "groups")) {
			for (Map<String, Object> alert : Rendered.list(group, "rules")) {
				names.add((String) alert.get("alert"));
				assertThat(Rendered.map(alert, "annotations")).as(alert.get("alert").toString()).containsKey("summary");
				assertThat(Rendered.map(alert, "labels")).as(alert.get("alert").toString()).containsKey("severity");
			}
		}
		assertThat(names).contains("BridgeDeadLettersGrowing", "BridgeInstitutionPaused", "BridgeTokenFailures",
				"BridgeOebServerErrors", "BridgeBacklogOld", "BridgePollerStalled", "BridgeSiteMisconfigured");
	}

	@Test
	void theServiceMonitorScrapesTheManagementPortOfEveryService() {
		Rendered prod = Rendered.overlay("prod");
		Map<String, Object> monitor = prod.ofKind("ServiceMonitor").get(0);
		assertThat(Rendered.list(monitor, "spec", "endpoints")).singleElement()
			.satisfies((endpoint) -> assertThat(endpoint).containsEntry("port", "management")
				.containsEntry("path", "/actuator/prometheus"));
		for (Map<String, Object> service : prod.ofKind("Service")) {
			assertThat(Rendered.list(service, "spec", "ports"))
				.anySatisfy((port) -> assertThat(port).containsEntry("name", "management"));
		}
	}

	@Test
	void theDashboardIsGrafanaJsonWithAQueryInEveryPanel() throws IOException {
		JsonNode dashboard = dashboard();
		assertThat(dashboard.path("uid").asString()).isEqualTo("oeb-lms-bridge");
		assertThat(dashboard.path("panels").size()).isGreaterThanOrEqualTo(10);
		for (JsonNode panel : dashboard.path("panels")) {
			assertThat(panel.path("targets").size()).as(panel.path("title").asString()).isPositive();
		}
		List<String> titles = new ArrayList<>();
		dashboard.path("panels").forEach((panel) -> titles.add(panel.path("title").asString()));
		assertThat(String.join("\n", titles)).contains("per minute", "dead letters", "Backlog", "token", "latency",
				"calls per poll cycle", "Paused");
	}

	private static Set<String> exportedNames() throws IOException {
		Set<String> names = new LinkedHashSet<>();
		Path root = Rendered.K8S.getParent();
		try (Stream<Path> files = Files.walk(root)) {
			for (Path file : files.filter((path) -> path.toString().endsWith(".java"))
				.filter((path) -> path.toString().contains("/src/main/java/"))
				.toList()) {
				Matcher matcher = METER_NAME.matcher(Files.readString(file));
				while (matcher.find()) {
					String base = matcher.group(1).replace('.', '_');
					SUFFIXES.forEach((suffix) -> names.add(base + suffix));
				}
			}
		}
		return names;
	}

	private static List<String> alertExpressions() {
		List<String> expressions = new ArrayList<>();
		Map<String, Object> rule = Rendered.overlay("prod").ofKind("PrometheusRule").get(0);
		for (Map<String, Object> group : Rendered.list(rule, "spec", "groups")) {
			for (Map<String, Object> alert : Rendered.list(group, "rules")) {
				expressions.add(String.valueOf(alert.get("expr")));
			}
		}
		return expressions;
	}

	private static List<String> dashboardExpressions() throws IOException {
		List<String> expressions = new ArrayList<>();
		for (JsonNode panel : dashboard().path("panels")) {
			panel.path("targets").forEach((target) -> expressions.add(target.path("expr").asString()));
		}
		return expressions;
	}

	private static JsonNode dashboard() throws IOException {
		return JsonMapper.builder()
			.build()
			.readTree(Files.readString(Rendered.K8S.resolve("monitoring/dashboards/oeb-bridge.json")));
	}

	private static Set<String> metricsIn(List<String> expressions) {
		Set<String> metrics = new LinkedHashSet<>();
		for (String expression : expressions) {
			Matcher matcher = METRIC.matcher(expression);
			while (matcher.find()) {
				metrics.add(matcher.group(1));
			}
		}
		return metrics;
	}

}
