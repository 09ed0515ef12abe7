package org.oeb.bridge.moodle.poll;

import java.time.Duration;
import java.time.LocalDateTime;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import org.oeb.bridge.common.awards.AwardEngine;
import org.oeb.bridge.moodle.site.MoodleProperties;
import org.oeb.bridge.moodle.site.MoodleSites;
import org.oeb.bridge.moodle.site.RuleNeeds;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.context.SmartLifecycle;
import org.springframework.scheduling.support.CronExpression;

/**
 * Checks every site at start (and sweeps it at once when the award ledger is new or was lost),
 * then polls each course with rules every {@code poll-interval} and sweeps them all at
 * {@code sweep-cron}. A site that is not usable is re-checked on each
 * tick and polled again as soon as the check passes.
 */
public class PollScheduler implements SmartLifecycle {

	private static final Logger logger = LoggerFactory.getLogger(PollScheduler.class);

	private final MoodleSites sites;

	private final CoursePoller poller;

	private final AwardEngine engine;

	private ScheduledExecutorService executor;

	private volatile boolean running;

	public PollScheduler(MoodleSites sites, CoursePoller poller, AwardEngine engine) {
		this.sites = sites;
		this.poller = poller;
		this.engine = engine;
	}

	@Override
	public void start() {
		this.executor = Executors.newScheduledThreadPool(2, (task) -> {
			Thread thread = new Thread(task, "moodle-poller");
			thread.setDaemon(true);
			return thread;
		});
		this.running = true;
		for (String institution : this.sites.institutions()) {
			MoodleProperties.Site site = this.sites.site(institution);
			this.executor.execute(() -> {
				this.sites.check(institution);
				if (!ledgerComplete(institution)) {
					tick(institution, true);
				}
			});
			long interval = site.pollInterval().toMillis();
			// a ledger that is new or was lost (Redis data gone) is swept, not polled, until a sweep covered it all
			this.executor.scheduleWithFixedDelay(() -> tick(institution, !ledgerComplete(institution)), interval,
					interval, TimeUnit.MILLISECONDS);
			scheduleSweep(institution, CronExpression.parse(site.sweepCron()));
		}
	}

	private boolean ledgerComplete(String institution) {
		try {
			return this.engine.ledgerComplete(institution);
		}
		catch (RuntimeException ex) {
			logger.warn("Reading the award ledger's state of institution '{}' failed: {}", institution, ex.toString());
			return true;
		}
	}

	/** One poll or sweep over the institution's courses; true when every course was covered. */
	private boolean tick(String institution, boolean sweep) {
		try {
			if (!this.sites.status(institution).pollable() && !this.sites.check(institution).pollable()) {
				return false;
			}
			String epoch = sweep ? this.engine.sweepStarted(institution) : null;
			Set<String> courses = RuleNeeds.courses(this.engine.rules(institution));
			boolean everyCourse = true;
			for (String course : courses) {
				boolean covered = !CoursePoller.CycleReport.SKIPPED.equals(this.poller.poll(institution, course, sweep));
				if (sweep && covered) {
					this.engine.courseSwept(institution, course, epoch);
				}
				everyCourse &= covered;
			}
			if (sweep) {
				// complete once every course was swept in this epoch, by this replica or another; the
				// ledger (perhaps lost) is then whole again and first attempts stop looking up first
				return this.engine.sweepFinished(institution, epoch, courses);
			}
			return everyCourse;
		}
		catch (RuntimeException ex) {
			logger.warn("Polling institution '{}' failed: {}", institution, ex.toString());
			return false;
		}
	}

	private void scheduleSweep(String institution, CronExpression cron) {
		LocalDateTime now = LocalDateTime.now();
		LocalDateTime next = cron.next(now);
		if (next == null || !this.running) {
			return;
		}
		this.executor.schedule(() -> {
			tick(institution, true);
			scheduleSweep(institution, cron);
		}, Duration.between(now, next).toMillis(), TimeUnit.MILLISECONDS);
	}

	@Override
	public void stop() {
		this.running = false;
		if (this.executor != null) {
			this.executor.shutdownNow();
		}
	}

	@Override
	public boolean isRunning() {
		return this.running;
	}

}
