package org.oeb.bridge.common.catalog;

import java.util.LinkedHashMap;
import java.util.Map;

/** The licences a catalog badge may carry, with the name and legal code OEB's UI sends for each. */
record License(String id, String name, String legalCode) {

	static final Map<String, License> IDS;

	static {
		Map<String, License> ids = new LinkedHashMap<>();
		for (License license : new License[] {
				new License("CC-0", "Public Domain", "https://creativecommons.org/publicdomain/zero/1.0/legalcode"),
				new License("CC-BY-4.0", "Attribution 4.0 International",
						"https://creativecommons.org/licenses/by/4.0/legalcode"),
				new License("CC-BY-SA-4.0", "Attribution-ShareAlike 4.0 International",
						"https://creativecommons.org/licenses/by-sa/4.0/legalcode"),
				new License("CC-BY-NC-4.0", "Attribution-NonCommercial 4.0 International",
						"https://creativecommons.org/licenses/by-nc/4.0/legalcode"),
				new License("CC-BY-NC-SA-4.0", "Attribution-NonCommercial-ShareAlike 4.0 International",
						"https://creativecommons.org/licenses/by-nc-sa/4.0/legalcode"),
				new License("CC-BY-ND-4.0", "Attribution-NoDerivatives 4.0 International",
						"https://creativecommons.org/licenses/by-nd/4.0/legalcode"),
				new License("CC-BY-NC-ND-4.0", "Attribution-NonCommercial-NoDerivatives 4.0 International",
						"https://creativecommons.org/licenses/by-nc-nd/4.0/legalcode") }) {
			ids.put(license.id(), license);
		}
		IDS = Map.copyOf(ids);
	}

}
