package org.oeb.bridge.canvas.site;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

import io.micrometer.core.instrument.MeterRegistry;

/** The configured Canvas sites: a REST client per institution. */
public class CanvasSites {

	private final Map<String, CanvasClient> clients = new LinkedHashMap<>();

	private final CanvasProperties properties;

	public CanvasSites(CanvasProperties properties, CanvasTokens tokens, MeterRegistry meters) {
		this.properties = properties;
		properties.institutions()
			.forEach((id, site) -> this.clients.put(id, new CanvasClient(id, site, tokens, meters)));
	}

	public Set<String> institutions() {
		return this.clients.keySet();
	}

	public CanvasClient client(String institution) {
		CanvasClient client = this.clients.get(institution);
		if (client == null) {
			throw new IllegalArgumentException("No Canvas site is configured for institution '" + institution + "'");
		}
		return client;
	}

	public CanvasProperties.Site site(String institution) {
		return this.properties.institutions().get(institution);
	}

}
