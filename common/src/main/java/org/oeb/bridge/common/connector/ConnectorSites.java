package org.oeb.bridge.common.connector;

import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;

import org.oeb.bridge.common.awards.AwardEngine;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What the kit knows of each site and each course: the last check's or call's verdict, courses
 * that failed on their own, and learners whose e-mail the LMS hides. A site that is not usable
 * is not polled until a check passes again; a failed course is tried again each cycle.
 */
public class ConnectorSites {

	private static final Logger logger = LoggerFactory.getLogger(ConnectorSites.class);

	private final CourseSource source;

	private final AwardEngine engine;

	private final Map<String, SiteStatus> statuses = new ConcurrentHashMap<>();

	private final Map<String, Map<String, SiteStatus>> courseProblems = new ConcurrentHashMap<>();

	private final Map<String, Map<String, String>> identityProblems = new ConcurrentHashMap<>();

	private final Map<String, Map<String, String>> courseNotes = new ConcurrentHashMap<>();

	public ConnectorSites(CourseSource source, AwardEngine engine) {
		this.source = source;
		this.engine = engine;
		source.institutions().forEach((institution) -> this.statuses.put(institution, SiteStatus.unknown()));
	}

	public Set<String> institutions() {
		return this.source.institutions();
	}

	public CourseSource source() {
		return this.source;
	}

	public SiteStatus status(String institution) {
		return this.statuses.getOrDefault(institution, SiteStatus.unknown());
	}

	/** Checks the site now and records the verdict. */
	public SiteStatus check(String institution) {
		SiteStatus status = this.source.check(institution, this.engine.rules(institution));
		record(institution, status);
		return status;
	}

	/** A site-wide failure during polling: the site waits for the next passing check. */
	void failed(String institution, LmsFailure failure) {
		record(institution, SiteStatus.of(failure));
	}

	void courseFailed(String institution, String course, LmsFailure failure) {
		SiteStatus previous = this.courseProblems.computeIfAbsent(institution, (key) -> new ConcurrentHashMap<>())
			.put(course, SiteStatus.of(failure));
		if (previous == null || !previous.message().equals(failure.getMessage())) {
			logger.error("Course {} of institution '{}' is skipped, the other courses go on: {}", course,
					institution, failure.getMessage());
		}
	}

	void courseRead(String institution, String course) {
		Map<String, SiteStatus> problems = this.courseProblems.get(institution);
		if (problems != null && problems.remove(course) != null) {
			logger.info("Course {} of institution '{}' can be read again", course, institution);
		}
	}

	/** Courses that failed on their own in their last cycle, by course id. */
	public Map<String, SiteStatus> courseProblems(String institution) {
		return new TreeMap<>(this.courseProblems.getOrDefault(institution, Map.of()));
	}

	void courseNote(String institution, String course, String note) {
		Map<String, String> notes = this.courseNotes.computeIfAbsent(institution, (key) -> new ConcurrentHashMap<>());
		if (note == null) {
			notes.remove(course);
		}
		else if (!note.equals(notes.put(course, note))) {
			logger.warn("Course {} of institution '{}': {}", course, institution, note);
		}
	}

	/** What administrators should know about courses that still poll, by course id. */
	public Map<String, String> courseNotes(String institution) {
		return new TreeMap<>(this.courseNotes.getOrDefault(institution, Map.of()));
	}

	/** Learners whose e-mail the LMS hides; {@code null} clears it. */
	void identityProblem(String institution, String course, String problem) {
		Map<String, String> courses = this.identityProblems.computeIfAbsent(institution,
				(key) -> new ConcurrentHashMap<>());
		if (problem == null) {
			courses.remove(course);
		}
		else {
			courses.put(course, problem);
		}
	}

	/** What to change so that the LMS shows e-mails, while any course shows none; else {@code null}. */
	public String identityProblem(String institution) {
		return this.identityProblems.getOrDefault(institution, Map.of()).values().stream().findFirst().orElse(null);
	}

	private void record(String institution, SiteStatus status) {
		SiteStatus previous = this.statuses.put(institution, status);
		if (previous == null || previous.state() != status.state()) {
			if (status.pollable()) {
				logger.info("The {} site of institution '{}' is usable", this.source.lms(), institution);
			}
			else {
				logger.error("The {} site of institution '{}' is {}: {}", this.source.lms(), institution,
						status.state(), status.message());
			}
		}
	}

}
