/** The connector kit: what every LMS connector needs besides reading its LMS. */
package org.oeb.bridge.common.connector;
