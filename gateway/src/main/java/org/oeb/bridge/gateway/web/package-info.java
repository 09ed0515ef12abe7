/** The JSON error bodies the gateway answers connectors with. */
package org.oeb.bridge.gateway.web;
