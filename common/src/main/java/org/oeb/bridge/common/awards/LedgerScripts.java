package org.oeb.bridge.common.awards;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

import org.springframework.data.redis.core.script.RedisScript;

/**
 * The ledger's Lua scripts, kept as files under {@code oeb-bridge/ledger/} on the classpath,
 * each with the functions of {@code shared.lua} in front.
 */
public final class LedgerScripts {

	private LedgerScripts() {
	}

	public static <T> RedisScript<T> load(String name, Class<T> resultType) {
		// Redis scripts cannot include one another: the shared functions go in front of each
		return RedisScript.of(text("shared") + text(name), resultType);
	}

	private static String text(String name) {
		String path = "oeb-bridge/ledger/" + name + ".lua";
		try (InputStream in = LedgerScripts.class.getClassLoader().getResourceAsStream(path)) {
			if (in == null) {
				throw new IllegalStateException("Lua script " + path + " is missing from the classpath");
			}
			return new String(in.readAllBytes(), StandardCharsets.UTF_8);
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

}
