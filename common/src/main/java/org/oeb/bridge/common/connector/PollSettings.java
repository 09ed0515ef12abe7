package org.oeb.bridge.common.connector;

import java.time.Duration;

/**
 * How the kit polls one site.
 *
 * @param pollInterval time between poll cycles of a course
 * @param sweepCron when every learner is read again (six-field cron, server time zone)
 * @param leaseTimeout a cycle's lease lapses this long after its replica stopped renewing it
 * @param recheckWithin every learner still open is read again within this bound, a slice per
 * cycle, also without any change signal; {@link Duration#ZERO} turns it off
 * @param parallelReads learners read at once in one cycle
 */
public record PollSettings(Duration pollInterval, String sweepCron, Duration leaseTimeout, Duration recheckWithin,
		int parallelReads) {

}
