package org.oeb.bridge.k8s;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The overlays as {@code kubectl kustomize} renders them: every object parses strictly against
 * the Kubernetes models, and the deployments are what a platform team's review asks for.
 */
class OverlayTests {

	private static final Map<String, String> MODULES = Map.of("gateway", "gateway", "connector-moodle",
			"connector-moodle", "connector-canvas", "connector-canvas", "admin", "admin");

	@ParameterizedTest
	@ValueSource(strings = { "dev", "prod" })
	void everyObjectParsesStrictlyAgainstTheKubernetesModels(String overlay) {
		Rendered rendered = Rendered.overlay(overlay);

		assertThat(rendered.documents()).isNotEmpty();
		for (String document : rendered.documents()) {
			if (document.contains("apiVersion: monitoring.coreos.com/")) {
				// Prometheus Operator kinds are not in the core models; MonitoringTests reads them
				continue;
			}
			assertThat(StrictModels.parse(document)).as(document).isNotNull();
		}
	}

	@Test
	void aMisspeltFieldOrAWrongTypeFailsTheStrictParse() {
		String deployment = """
				apiVersion: apps/v1
				kind: Deployment
				metadata:
				  name: x
				spec:
				  replica: 2
				""";
		String wrongType = """
				apiVersion: v1
				kind: Service
				metadata:
				  name: x
				spec:
				  ports:
				    - port: eighty
				""";
		assertThatThrownBy(() -> StrictModels.parse(deployment)).hasMessageContaining("replica");
		assertThatThrownBy(() -> StrictModels.parse(wrongType)).isNotNull();
	}

	@ParameterizedTest
	@ValueSource(strings = { "dev", "prod" })
	void podsRunAsNonRootWithAReadOnlyRootFilesystemAndNoPrivileges(String overlay) {
		for (Map<String, Object> workload : workloads(Rendered.overlay(overlay))) {
			String name = (String) Rendered.map(workload, "metadata").get("name");
			Map<String, Object> pod = Rendered.map(workload, "spec", "template", "spec");
			Map<String, Object> podSecurity = Rendered.map(pod, "securityContext");
			assertThat(podSecurity).as(name).containsEntry("runAsNonRoot", true);
			assertThat(Rendered.map(podSecurity, "seccompProfile")).as(name).containsEntry("type", "RuntimeDefault");
			// only the dashboard in prod reads the Kubernetes API (to find the pods)
			assertThat(pod).as(name)
				.containsEntry("automountServiceAccountToken", "admin".equals(name) && "prod".equals(overlay));
			for (Map<String, Object> container : Rendered.list(pod, "containers")) {
				Map<String, Object> security = Rendered.map(container, "securityContext");
				assertThat(security).as(name).containsEntry("allowPrivilegeEscalation", false)
					.containsEntry("readOnlyRootFilesystem", true);
				assertThat(Rendered.map(security, "capabilities")).as(name).containsEntry("drop", List.of("ALL"));
				assertThat(Rendered.map(container, "resources", "requests")).as(name).containsKeys("cpu", "memory");
				assertThat(Rendered.map(container, "resources", "limits")).as(name).containsKey("memory");
			}
			if (MODULES.containsKey(name)) {
				assertThat(Rendered.list(Rendered.list(pod, "containers").get(0), "volumeMounts"))
					.as(name + " has a writable /tmp")
					.anySatisfy((mount) -> assertThat(mount).containsEntry("mountPath", "/tmp"));
			}
		}
	}

	@ParameterizedTest
	@ValueSource(strings = { "dev", "prod" })
	void probesPointAtTheHealthGroupsOnTheManagementPortTheApplicationServes(String overlay) throws IOException {
		for (Map<String, Object> deployment : Rendered.overlay(overlay).ofKind("Deployment")) {
			String name = (String) Rendered.map(deployment, "metadata").get("name");
			String application = applicationYml(name);
			int managementPort = defaultOf(application, "MANAGEMENT_PORT");
			assertThat(application).as(name + " enables the probe groups").containsPattern("probes:\\s+enabled: true");
			Map<String, Object> container = Rendered.list(deployment, "spec", "template", "spec", "containers").get(0);
			assertThat(Rendered.list(container, "ports"))
				.anySatisfy((port) -> assertThat(port).containsEntry("name", "management")
					.containsEntry("containerPort", managementPort));
			assertThat(path(container, "livenessProbe")).isEqualTo("/actuator/health/liveness");
			assertThat(path(container, "startupProbe")).isEqualTo("/actuator/health/liveness");
			assertThat(path(container, "readinessProbe")).isEqualTo("/actuator/health/readiness");
			for (String probe : List.of("livenessProbe", "readinessProbe", "startupProbe")) {
				assertThat(Rendered.map(container, probe, "httpGet")).containsEntry("port", "management");
			}
		}
	}

	@ParameterizedTest
	@ValueSource(strings = { "dev", "prod" })
	void aStopWaitsLongerThanTheCallsInFlightMayTake(String overlay) throws IOException {
		for (Map<String, Object> deployment : Rendered.overlay(overlay).ofKind("Deployment")) {
			String name = (String) Rendered.map(deployment, "metadata").get("name");
			Matcher phase = Pattern.compile("timeout-per-shutdown-phase: (\\d+)s").matcher(applicationYml(name));
			assertThat(phase.find()).as(name).isTrue();
			Map<String, Object> pod = Rendered.map(deployment, "spec", "template", "spec");
			int preStop = (Integer) Rendered.map(Rendered.list(pod, "containers").get(0), "lifecycle", "preStop", "sleep")
				.get("seconds");
			assertThat((Integer) pod.get("terminationGracePeriodSeconds")).as(name)
				.isGreaterThan(preStop + Integer.parseInt(phase.group(1)));
		}
	}

	@ParameterizedTest
	@ValueSource(strings = { "dev", "prod" })
	void secretsAreTemplatesWithPlaceholdersOnly(String overlay) {
		for (Map<String, Object> secret : Rendered.overlay(overlay).ofKind("Secret")) {
			assertThat(secret).doesNotContainKey("data");
			Rendered.map(secret, "stringData")
				.forEach((key, value) -> assertThat(value).as(key).isEqualTo("REPLACE_ME"));
		}
	}

	@Test
	void devRunsOneReplicaEachAndRedisWithAnAppendOnlyFileSyncedEverySecondOnAVolume() {
		Rendered dev = Rendered.overlay("dev");
		dev.ofKind("Deployment").forEach((deployment) -> assertThat(Rendered.map(deployment, "spec")).containsEntry("replicas", 1));
		assertThat(dev.ofKind("HorizontalPodAutoscaler")).isEmpty();
		Map<String, Object> redis = dev.ofKind("StatefulSet").get(0);
		Map<String, Object> container = Rendered.list(redis, "spec", "template", "spec", "containers").get(0);
		assertThat(String.join(" ", (List<String>) container.get("args"))).contains("--appendonly yes",
				"--appendfsync everysec");
		assertThat(Rendered.list(redis, "spec", "volumeClaimTemplates")).hasSize(1);
	}

	@Test
	void prodRunsSeveralReplicasAgainstAnExternalRedisWithSentinelAndIsMonitored() {
		Rendered prod = Rendered.overlay("prod");
		List<Map<String, Object>> services = prod.ofKind("Deployment")
			.stream()
			.filter((deployment) -> !"admin".equals(Rendered.map(deployment, "metadata").get("name")))
			.toList();
		services.forEach((deployment) -> assertThat((Integer) Rendered.map(deployment, "spec").get("replicas"))
			.isGreaterThanOrEqualTo(2));
		assertThat(prod.ofKind("StatefulSet")).isEmpty();
		for (Map<String, Object> deployment : services) {
			assertThat(Rendered.list(deployment, "spec", "template", "spec", "containers").get(0).get("env").toString())
				.contains("SPRING_DATA_REDIS_SENTINEL_MASTER", "SPRING_DATA_REDIS_SENTINEL_NODES");
		}
		assertThat(prod.ofKind("HorizontalPodAutoscaler")).hasSize(3);
		assertThat(prod.ofKind("PodDisruptionBudget")).hasSize(3);
		assertThat(prod.ofKind("ServiceMonitor")).hasSize(1);
		assertThat(prod.ofKind("PrometheusRule")).hasSize(1);
	}

	@ParameterizedTest
	@ValueSource(strings = { "dev", "prod" })
	void everythingIsDeniedUnlessANetworkPolicyAllowsIt(String overlay) {
		List<Map<String, Object>> policies = Rendered.overlay(overlay).ofKind("NetworkPolicy");
		assertThat(policies).anySatisfy((policy) -> {
			assertThat(Rendered.map(policy, "spec", "podSelector")).isEmpty();
			assertThat(Rendered.map(policy, "spec").get("policyTypes")).isEqualTo(List.of("Ingress", "Egress"));
			assertThat(Rendered.map(policy, "spec")).doesNotContainKeys("ingress", "egress");
		});
	}

	@Test
	void theDashboardFindsTheServicesByNameInDevAndThroughTheKubernetesApiInProd() {
		String devConfig = adminConfig(Rendered.overlay("dev"));
		assertThat(devConfig).contains("uri: http://gateway:9080", "uri: http://connector-moodle:9081",
				"uri: http://connector-canvas:9082").containsPattern("kubernetes:\\s+discovery:\\s+enabled: false");
		Rendered prod = Rendered.overlay("prod");
		assertThat(adminConfig(prod)).doesNotContain("simple:");
		Map<String, Object> role = prod.ofKind("Role").get(0);
		assertThat(Rendered.list(role, "rules")).allSatisfy(
				(rule) -> assertThat((List<String>) rule.get("verbs")).containsExactly("get", "list", "watch"));
		assertThat(prod.ofKind("RoleBinding")).singleElement()
			.satisfies((binding) -> assertThat(Rendered.list(binding, "subjects").get(0)).containsEntry("name", "admin"));
	}

	private static String adminConfig(Rendered rendered) {
		return rendered.ofKind("ConfigMap")
			.stream()
			.filter((map) -> "admin-config".equals(Rendered.map(map, "metadata").get("name")))
			.map((map) -> (String) Rendered.map(map, "data").get("application.yml"))
			.findFirst()
			.orElseThrow();
	}

	private static List<Map<String, Object>> workloads(Rendered rendered) {
		List<Map<String, Object>> workloads = new java.util.ArrayList<>(rendered.ofKind("Deployment"));
		workloads.addAll(rendered.ofKind("StatefulSet"));
		return workloads;
	}

	private static String path(Map<String, Object> container, String probe) {
		return (String) Rendered.map(container, probe, "httpGet").get("path");
	}

	private static String applicationYml(String deployment) throws IOException {
		return Files.readString(Rendered.K8S.resolveSibling(MODULES.get(deployment))
			.resolve(Path.of("src", "main", "resources", "application.yml")));
	}

	private static int defaultOf(String application, String variable) {
		Matcher matcher = Pattern.compile("\\$\\{" + variable + ":(\\d+)}").matcher(application);
		assertThat(matcher.find()).as(variable).isTrue();
		return Integer.parseInt(matcher.group(1));
	}

}
