package org.oeb.bridge.moodle.read;

import java.time.DateTimeException;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.oeb.bridge.moodle.site.MoodleClient;
import org.oeb.bridge.moodle.site.MoodleException;
import org.oeb.bridge.moodle.site.MoodleProperties;
import tools.jackson.databind.JsonNode;

/**
 * Course completions from a Moodle 4.1+ custom report (source "Course participants", columns
 * "Course full name with link", "Full name with link" and "Time completed"), read with
 * {@code core_reportbuilder_retrieve_report}: ⌈rows ÷ per-page⌉ calls per course cycle (the
 * report spans the site; its condition "Time completed: in the last N days" keeps it short),
 * with the completion times. Moodle sends display values, so ids come from the links and
 * times are parsed in English in the connector user's time zone; a time that does not parse
 * still names the learner (the per-learner read then gives the time).
 */
class CompletionFeed {

	static final List<String> COLUMNS = List.of("Course full name with link", "Full name with link", "Time completed");

	/** What {@code userdate()} prints by default in English ({@code strftimedaydatetime}). */
	private static final DateTimeFormatter MOODLE_DATE = DateTimeFormatter.ofPattern("EEEE, d MMMM yyyy, h:mm a",
			Locale.ENGLISH);

	private static final Pattern COURSE_LINK = Pattern.compile("/course/view\\.php\\?id=(\\d+)");

	private static final Pattern USER_LINK = Pattern.compile("/user/profile\\.php\\?id=(\\d+)");

	private final MoodleClient client;

	private final MoodleProperties.CompletionReport report;

	private final ZoneId zone;

	CompletionFeed(MoodleClient client, MoodleProperties.CompletionReport report) {
		this.client = client;
		this.report = report;
		this.zone = ZoneId.of(report.timeZone());
	}

	/**
	 * The completions the report lists now, by course then user (time {@code null} when it did
	 * not parse).
	 */
	Map<String, Map<String, Instant>> completions() {
		Map<String, Map<String, Instant>> byCourse = new HashMap<>();
		int page = 0;
		int seen = 0;
		while (true) {
			JsonNode answer = this.client.call("core_reportbuilder_retrieve_report", Map.of("reportid", this.report.id(),
					"page", page, "perpage", this.report.perPage(), "moodlewssettingtimezone", this.report.timeZone(),
					"moodlewssettinglang", "en"));
			JsonNode data = answer.path("data");
			int[] columns = columnIndexes(data.path("headers"));
			JsonNode rows = data.path("rows");
			for (JsonNode row : rows) {
				JsonNode cells = row.path("columns");
				String course = match(COURSE_LINK, cells.path(columns[0]).asString(""));
				String user = match(USER_LINK, cells.path(columns[1]).asString(""));
				String completed = cells.path(columns[2]).asString("");
				if (course != null && user != null && !completed.isBlank()) {
					byCourse.computeIfAbsent(course, (key) -> new HashMap<>()).put(user, parse(completed));
				}
			}
			seen += rows.size();
			page++;
			if (rows.isEmpty() || seen >= data.path("totalrowcount").asInt(0)) {
				break;
			}
		}
		return byCourse;
	}

	/** Checks that the report exists, can be read, and has the columns the feed needs. */
	void verify() {
		JsonNode answer = this.client.call("core_reportbuilder_retrieve_report",
				Map.of("reportid", this.report.id(), "page", 0, "perpage", 1));
		columnIndexes(answer.path("data").path("headers"));
	}

	private int[] columnIndexes(JsonNode headers) {
		int[] indexes = new int[COLUMNS.size()];
		for (int i = 0; i < COLUMNS.size(); i++) {
			indexes[i] = -1;
			for (int h = 0; h < headers.size(); h++) {
				if (COLUMNS.get(i).equalsIgnoreCase(headers.path(h).asString("").trim())) {
					indexes[i] = h;
				}
			}
			if (indexes[i] < 0) {
				throw new MoodleException(MoodleException.Kind.MISCONFIGURED, "completionreportcolumns",
						"The completion report " + this.report.id() + " lacks the column '" + COLUMNS.get(i)
								+ "' (it needs " + COLUMNS + "; keep their default headings)");
			}
		}
		return indexes;
	}

	Instant parse(String completed) {
		try {
			return LocalDateTime.parse(completed.trim(), MOODLE_DATE).atZone(this.zone).toInstant();
		}
		catch (DateTimeException ex) {
			return null;
		}
	}

	private static String match(Pattern pattern, String html) {
		Matcher matcher = pattern.matcher(html);
		return matcher.find() ? matcher.group(1) : null;
	}

}
