package org.oeb.bridge.gateway;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.context.properties.ConfigurationPropertiesScan;

/**
 * The gateway: the only component that holds OEB credentials. Connectors call it with an
 * institution API key; it forwards to OEB with that institution's bearer token.
 */
@SpringBootApplication
@ConfigurationPropertiesScan
public class GatewayApplication {

	public static void main(String[] args) {
		// one event loop per available core (Reactor Netty's default is at least four): on a small pod,
		// extra loops only add thread hand-offs; -Dreactor.netty.ioWorkerCount=N still overrides it
		if (System.getProperty("reactor.netty.ioWorkerCount") == null) {
			System.setProperty("reactor.netty.ioWorkerCount",
					Integer.toString(Math.max(1, Runtime.getRuntime().availableProcessors())));
		}
		SpringApplication.run(GatewayApplication.class, args);
	}

}
