/** OEB to bridge: the change feeds, the learners' wallet projection and the wallet API for the LMS. */
package org.oeb.bridge.common.wallet;
