package org.oeb.bridge.moodle.site;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

import io.micrometer.core.instrument.MeterRegistry;

/** The configured Moodle sites: a Web Services client per institution. */
public class MoodleSites {

	private final Map<String, MoodleClient> clients = new LinkedHashMap<>();

	private final MoodleProperties properties;

	public MoodleSites(MoodleProperties properties, MeterRegistry meters) {
		this.properties = properties;
		properties.institutions().forEach((id, site) -> this.clients.put(id, new MoodleClient(id, site, meters)));
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

}
