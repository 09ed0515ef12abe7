package org.oeb.bridge.canvas;

import io.micrometer.core.instrument.MeterRegistry;
import org.oeb.bridge.canvas.read.CanvasCourseSource;
import org.oeb.bridge.canvas.site.CanvasProperties;
import org.oeb.bridge.canvas.site.CanvasSites;
import org.oeb.bridge.canvas.site.CanvasTokens;
import org.oeb.bridge.common.connector.ConnectorHealthIndicator;
import org.oeb.bridge.common.connector.ConnectorSites;

import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * The Canvas sites, read by the connector kit (scheduling, leases, hints, health and the award
 * engine come from {@code common}).
 */
@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties(CanvasProperties.class)
class CanvasConnectorConfiguration {

	@Bean
	CanvasTokens canvasTokens(CanvasProperties canvas) {
		return new CanvasTokens(canvas);
	}

	@Bean
	CanvasSites canvasSites(CanvasProperties canvas, CanvasTokens tokens, MeterRegistry meters) {
		return new CanvasSites(canvas, tokens, meters);
	}

	@Bean
	CanvasCourseSource canvasCourseSource(CanvasSites sites) {
		return new CanvasCourseSource(sites);
	}

	@Bean
	ConnectorHealthIndicator canvasHealthIndicator(ConnectorSites sites) {
		return new ConnectorHealthIndicator(sites);
	}

}
