package org.oeb.bridge.common.connector;

import java.time.Duration;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import org.oeb.bridge.common.awards.AwardEngine;
import org.oeb.bridge.common.rules.RuleNeeds;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.context.SmartLifecycle;
import org.springframework.scheduling.support.CronExpression;

/**
 * Checks every site at start (and sweeps it at once when the award ledger is new or was lost),
 * then polls each course with rules every {@code poll-interval} and sweeps them all at
 * {@code sweep-cron}. A site that is not usable is re-checked on each tick and polled again as
 * soon as the check passes. Each institution has its own thread, so a slow or dead site never
 * delays another's polling.
 */
public class PollScheduler implements SmartLifecycle {

	private static final Logger logger = LoggerFactory.getLogger(PollScheduler.class);

	private final ConnectorSites sites;

	private final CoursePoller poller;

	private final AwardEngine engine;

	private final List<ScheduledExecutorService> executors = new ArrayList<>();

	private volatile boolean running;

	public PollScheduler(ConnectorSites sites, CoursePoller poller, AwardEngine engine) {
		this.sites = sites;
		this.poller = poller;
		this.engine = engine;
	}

	@Override
	public void start() {
		this.running = true;
		for (String institution : this.sites.institutions()) {
			ScheduledExecutorService executor = Executors.newSingleThreadScheduledExecutor((task) -> {
				Thread thread = new Thread(task, "poller-" + institution);
				thread.setDaemon(true);
				return thread;
			});
			this.executors.add(executor);
			PollSettings settings = this.sites.source().settings(institution);
			executor.execute(() -> {
				this.sites.check(institution);
				if (!ledgerComplete(institution)) {
					tick(institution, Mode.CATCH_UP);
				}
			});
			long interval = settings.pollInterval().toMillis();
			// a ledger that is new or was lost (Redis data gone) is swept, not polled, until a sweep covered it all
			executor.scheduleWithFixedDelay(
					() -> tick(institution, ledgerComplete(institution) ? Mode.POLL : Mode.CATCH_UP), interval,
					interval, TimeUnit.MILLISECONDS);
			scheduleSweep(executor, institution, CronExpression.parse(settings.sweepCron()));
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
	private boolean tick(String institution, Mode mode) {
		try {
			if (!this.sites.status(institution).pollable() && !this.sites.check(institution).pollable()) {
				return false;
			}
			boolean sweep = mode != Mode.POLL;
			String epoch = sweep ? this.engine.sweepStarted(institution) : null;
			Set<String> courses = RuleNeeds.courses(this.engine.rules(institution));
			// catching up, a course already swept in this epoch is only polled: a course that cannot be
			// read does not make every tick a sweep of all the others
			Set<String> alreadySwept = (mode == Mode.CATCH_UP) ? this.engine.coursesSweptIn(institution, epoch, courses)
					: Set.of();
			boolean everyCourse = true;
			for (String course : courses) {
				if (!this.running || !this.sites.status(institution).pollable()) {
					// stopping, or a site-wide failure in this tick: the other courses wait for a passing check
					return false;
				}
				boolean sweepCourse = sweep && !alreadySwept.contains(course);
				boolean covered = !CoursePoller.CycleReport.SKIPPED
					.equals(this.poller.poll(institution, course, sweepCourse));
				if (sweepCourse && covered) {
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
		catch (Error ex) {
			// the schedule must outlive it: a scheduled task that throws is never run again
			logger.error("Polling institution '{}' failed", institution, ex);
			return false;
		}
	}

	private void scheduleSweep(ScheduledExecutorService executor, String institution, CronExpression cron) {
		LocalDateTime now = LocalDateTime.now();
		LocalDateTime next = cron.next(now);
		if (next == null || !this.running) {
			return;
		}
		executor.schedule(() -> {
			try {
				tick(institution, Mode.SWEEP);
			}
			finally {
				scheduleSweep(executor, institution, cron);
			}
		}, Duration.between(now, next).toMillis(), TimeUnit.MILLISECONDS);
	}

	private enum Mode {

		/** read what changed */
		POLL,
		/** the ledger is new or was lost: sweep the courses not yet swept since */
		CATCH_UP,
		/** the scheduled sweep: every open learner of every course */
		SWEEP

	}

	@Override
	public void stop() {
		this.running = false;
		this.executors.forEach(ScheduledExecutorService::shutdownNow);
		this.executors.clear();
	}

	@Override
	public boolean isRunning() {
		return this.running;
	}

}
