package org.oeb.bridge.common.batches;

import org.springframework.boot.actuate.autoconfigure.endpoint.condition.ConditionalOnAvailableEndpoint;
import org.springframework.boot.actuate.autoconfigure.web.ManagementContextConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.context.annotation.Bean;

/** The batches' JSON and CSV upload route, in the management context, wherever that runs. */
@ManagementContextConfiguration(proxyBeanMethods = false)
@ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.SERVLET)
@ConditionalOnProperty(prefix = "bridge.issuance", name = "gateway-url")
class BatchesManagementConfiguration {

	@Bean
	@ConditionalOnAvailableEndpoint(BatchesEndpoint.class)
	BatchRecipientsController batchRecipientsController(BatchesEndpoint endpoint) {
		return new BatchRecipientsController(endpoint);
	}

}
