/** GDPR: an operator exports or erases everything the bridge holds about one learner. */
package org.oeb.bridge.common.privacy;
