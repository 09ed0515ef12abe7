package org.oeb.bridge.gateway.tenancy;

/** Where a connector presents its institution API key. */
public final class ConnectorApiKey {

	/** The request header carrying the key; it is removed before a call goes upstream. */
	public static final String HEADER = "X-Api-Key";

	private ConnectorApiKey() {
	}

}
