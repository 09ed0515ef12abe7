/** What a connector observed of one learner in one course, in LMS-neutral terms. */
package org.oeb.bridge.common.progress;
