package org.oeb.bridge.k8s;

import java.io.IOException;

import io.kubernetes.client.util.Yaml;

/** Parses one Kubernetes object with the official Java models; unknown fields and wrong types fail. */
final class StrictModels {

	private StrictModels() {
	}

	static Object parse(String document) {
		try {
			Object parsed = Yaml.load(document);
			if (parsed == null) {
				throw new IllegalArgumentException("not a Kubernetes object: " + document);
			}
			return parsed;
		}
		catch (IOException ex) {
			throw new IllegalArgumentException(ex.getMessage(), ex);
		}
	}

}
