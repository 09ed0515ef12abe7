/** The support staff's actuator dashboard (Spring Boot Admin) for the gateway and the connectors. */
package org.oeb.bridge.admin;
