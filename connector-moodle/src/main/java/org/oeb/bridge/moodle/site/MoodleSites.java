package org.oeb.bridge.moodle.site;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;

import io.micrometer.core.instrument.MeterRegistry;
import org.oeb.bridge.common.awards.AwardEngine;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.databind.JsonNode;

/**
 * The configured Moodle sites: a client per institution and what the last check or call
 * said about it. A misconfigured site is not polled until a check passes again.
 */
public class MoodleSites {

	private static final Logger logger = LoggerFactory.getLogger(MoodleSites.class);

	private final Map<String, MoodleClient> clients = new LinkedHashMap<>();

	private final Map<String, SiteStatus> statuses = new ConcurrentHashMap<>();

	private final Map<String, String> identityProblems = new ConcurrentHashMap<>();

	private final MoodleProperties properties;

	private final AwardEngine engine;

	public MoodleSites(MoodleProperties properties, AwardEngine engine, MeterRegistry meters) {
		this.properties = properties;
		this.engine = engine;
		properties.institutions().forEach((id, site) -> {
			this.clients.put(id, new MoodleClient(id, site, meters));
			this.statuses.put(id, SiteStatus.unknown());
		});
	}

	public Set<String> institutions() {
		return this.clients.keySet();
	}

	public MoodleClient client(String institution) {
		MoodleClient client = this.clients.get(institution);
		if (client == null) {
			throw new IllegalArgumentException("No Moodle site is configured for institution '" + institution + "'");
		}
		return client;
	}

	public MoodleProperties.Site site(String institution) {
		return this.properties.institutions().get(institution);
	}

	public SiteStatus status(String institution) {
		return this.statuses.getOrDefault(institution, SiteStatus.unknown());
	}

	/**
	 * Asks {@code core_webservice_get_site_info}: is the token valid, and does the external
	 * service enable every function the institution's rules need?
	 */
	public SiteStatus check(String institution) {
		SiteStatus status;
		try {
			JsonNode info = client(institution).call("core_webservice_get_site_info", Map.of());
			Set<String> enabled = new TreeSet<>();
			info.path("functions").forEach((function) -> enabled.add(function.path("name").asString("")));
			Set<String> missing = new TreeSet<>(RuleNeeds.functions(this.engine.rules(institution)));
			missing.removeAll(enabled);
			status = missing.isEmpty() ? SiteStatus.ok() : SiteStatus.missing(missing);
		}
		catch (MoodleException ex) {
			status = SiteStatus.of(ex);
		}
		record(institution, status);
		return status;
	}

	/** A call during polling failed in a way that needs an administrator, or Moodle is down. */
	public void failed(String institution, MoodleException failure) {
		record(institution, SiteStatus.of(failure));
	}

	/** Learners whose e-mail Moodle hides; {@code null} clears it. */
	public void identityProblem(String institution, String problem) {
		if (problem == null) {
			this.identityProblems.remove(institution);
		}
		else {
			this.identityProblems.put(institution, problem);
		}
	}

	public String identityProblem(String institution) {
		return this.identityProblems.get(institution);
	}

	private void record(String institution, SiteStatus status) {
		SiteStatus previous = this.statuses.put(institution, status);
		if (previous == null || previous.state() != status.state()) {
			if (status.pollable()) {
				logger.info("Moodle site of institution '{}' is usable", institution);
			}
			else {
				logger.error("Moodle site of institution '{}' is {}: {}", institution, status.state(),
						status.message());
			}
		}
	}

}
