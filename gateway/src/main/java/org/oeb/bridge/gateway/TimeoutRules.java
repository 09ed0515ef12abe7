package org.oeb.bridge.gateway;

import java.time.Duration;
import java.util.Map;

import org.oeb.bridge.gateway.oeb.OebProperties;
import org.oeb.bridge.gateway.tenancy.TenancyProperties;
import org.oeb.bridge.gateway.tenancy.TenancyProperties.Institution;
import org.oeb.bridge.gateway.token.TokenProperties;

import org.springframework.beans.factory.InitializingBean;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.core.env.Environment;
import org.springframework.stereotype.Component;

/**
 * Refuses to start with timeouts that would cut an issue call. The longest a connector waits
 * for the first byte of the gateway's answer is: the wait for a concurrency slot; the wait
 * for a token (another replica's request, then one of its own: {@link TokenProperties#longestTokenWait()});
 * a connection to OEB and OEB's answer; and, when OEB answers 401, a second token wait, a
 * second connection and a second answer. That must be shorter than what the connectors wait
 * (or they give up on a call OEB may still complete and mail), and graceful shutdown must
 * wait at least that long (or a rollout cuts it).
 * <p>
 * Reactor Netty's response timeout (and the connectors' read timeout) is the longest silence
 * while waiting for an answer and between reads, not a total: an answer OEB trickles in byte
 * by byte can last longer than this sum. The gateway enforces no total, which would cost a
 * timer per call; OEB's answers are small JSON that arrive at once.
 */
@Component
class TimeoutRules implements InitializingBean {

	private static final String SHUTDOWN_TIMEOUT = "spring.lifecycle.timeout-per-shutdown-phase";

	private final OebProperties oeb;

	private final TokenProperties token;

	private final TenancyProperties tenancy;

	private final Environment environment;

	TimeoutRules(OebProperties oeb, TokenProperties token, TenancyProperties tenancy, Environment environment) {
		this.oeb = oeb;
		this.token = token;
		this.tenancy = tenancy;
		this.environment = environment;
	}

	@Override
	public void afterPropertiesSet() {
		Binder binder = Binder.get(this.environment);
		Duration shutdownTimeout = binder.bind(SHUTDOWN_TIMEOUT, Duration.class).orElse(Duration.ofSeconds(30));
		String shutdown = this.environment.getProperty("server.shutdown", "graceful");
		if (!"graceful".equalsIgnoreCase(shutdown)) {
			throw new IllegalStateException("server.shutdown must be 'graceful' (got '" + shutdown
					+ "'): a gateway stopped immediately cuts issue calls that OEB may still complete");
		}
		for (Map.Entry<String, Institution> entry : this.tenancy.institutions().entrySet()) {
			Duration longestCall = longestCall(entry.getValue());
			String sum = "the longest call, " + longestCall.toSeconds() + "s = bridge.gateway.tenancy.institutions."
					+ entry.getKey() + ".max-queue-wait (" + entry.getValue().maxQueueWait().toSeconds()
					+ "s) + 2 x (token wait (" + this.token.longestTokenWait().toSeconds()
					+ "s: twice bridge.gateway.token.request-timeout + 5s, when a replica that was requesting one "
					+ "dies) + bridge.gateway.oeb.connect-timeout (" + this.oeb.connectTimeout().toSeconds()
					+ "s) + bridge.gateway.oeb.response-timeout (" + this.oeb.responseTimeout().toSeconds()
					+ "s)), twice because a call that OEB answers 401 is sent again with a new token,";
			if (longestCall.compareTo(this.oeb.connectorRequestTimeout()) >= 0) {
				throw new IllegalStateException(sum + " must be shorter than bridge.gateway.oeb.connector-request-timeout ("
						+ this.oeb.connectorRequestTimeout().toSeconds() + "s, what the connectors wait: their "
						+ "bridge.issuance.request-timeout); shorten the gateway's timeouts or lengthen the connectors'");
			}
			if (shutdownTimeout.compareTo(longestCall) < 0) {
				throw new IllegalStateException(SHUTDOWN_TIMEOUT + " (" + shutdownTimeout.toSeconds()
						+ "s) must be at least " + sum + " so that a rollout lets every call in flight finish");
			}
		}
	}

	Duration longestCall(Institution institution) {
		Duration attempt = this.token.longestTokenWait().plus(this.oeb.connectTimeout()).plus(this.oeb.responseTimeout());
		return institution.maxQueueWait().plus(attempt.multipliedBy(2));
	}

}
