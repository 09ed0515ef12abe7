package org.oeb.bridge.common.awards;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

import org.springframework.data.redis.core.script.RedisScript;

/** The ledger's Lua scripts, kept as files under {@code oeb-bridge/ledger/} on the classpath. */
public final class LedgerScripts {

	private LedgerScripts() {
	}

	public static <T> RedisScript<T> load(String name, Class<T> resultType) {
		String path = "oeb-bridge/ledger/" + name + ".lua";
		try (InputStream in = LedgerScripts.class.getClassLoader().getResourceAsStream(path)) {
			if (in == null) {
				throw new IllegalStateException("Lua script " + path + " is missing from the classpath");
			}
			return RedisScript.of(new String(in.readAllBytes(), StandardCharsets.UTF_8), resultType);
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

}
