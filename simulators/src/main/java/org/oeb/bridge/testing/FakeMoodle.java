package org.oeb.bridge.testing;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.client.WireMock;
import com.github.tomakehurst.wiremock.core.WireMockConfiguration;
import com.github.tomakehurst.wiremock.extension.ResponseDefinitionTransformerV2;
import com.github.tomakehurst.wiremock.http.ResponseDefinition;
import com.github.tomakehurst.wiremock.stubbing.ServeEvent;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * A WireMock Moodle that answers Web Services REST calls the way Moodle does (see
 * {@code shared/reference/moodle.md}): one endpoint, form or query parameters with PHP bracket
 * arrays, errors as HTTP 200 error objects ({@code invalidtoken}, {@code accessexception}
 * for a function missing from the token's service, {@code invalidrecord} for an unknown
 * function), an empty body when REST is disabled, bare arrays where Moodle returns them,
 * {@code email} omitted for a token user who may not see it, no course-level completion time.
 */
public final class FakeMoodle implements AutoCloseable {

	public static final Set<String> ALL_FUNCTIONS = Set.of("core_webservice_get_site_info",
			"core_enrol_get_enrolled_users", "core_user_get_users_by_field", "core_enrol_get_users_courses",
			"core_completion_get_course_completion_status", "core_completion_get_activities_completion_status",
			"gradereport_user_get_grade_items", "core_course_get_courses_by_field",
			"core_reportbuilder_retrieve_report");

	/** Functions that take a {@code courseid} and fail for a course set by {@link #failCourse}. */
	private static final Set<String> PER_COURSE_FUNCTIONS = Set.of("core_enrol_get_enrolled_users",
			"core_completion_get_course_completion_status", "core_completion_get_activities_completion_status",
			"gradereport_user_get_grade_items");

	/** Moodle's {@code userdate()} default, {@code strftimedaydatetime} with leading zeros of %d and %I removed. */
	private static final DateTimeFormatter USERDATE = DateTimeFormatter.ofPattern("EEEE, d MMMM yyyy, h:mm a",
			Locale.ENGLISH);

	private final WireMockServer server;

	private final JsonMapper json = JsonMapper.builder().build();

	private final Map<String, Set<String>> functionsByToken = new ConcurrentHashMap<>();

	private final Set<String> tokensWithoutEmail = ConcurrentHashMap.newKeySet();

	private final Map<String, String> courseNames = new ConcurrentHashMap<>();

	private final Map<String, Map<String, User>> enrolments = new ConcurrentHashMap<>();

	private final Map<String, Completion> completions = new ConcurrentHashMap<>();

	private final Map<String, List<Activity>> activities = new ConcurrentHashMap<>();

	private final Map<String, Map<String, List<Grade>>> grades = new ConcurrentHashMap<>();

	private final Map<Integer, Report> reports = new ConcurrentHashMap<>();

	private final Map<String, Failure> failedCourses = new ConcurrentHashMap<>();

	private volatile boolean restDisabled;

	private FakeMoodle() {
		this.server = new WireMockServer(
				WireMockConfiguration.options().dynamicPort().containerThreads(32).extensions(new Behaviour()));
	}

	public static FakeMoodle start() {
		FakeMoodle moodle = new FakeMoodle();
		moodle.server.start();
		moodle.server.stubFor(WireMock.any(WireMock.urlPathEqualTo("/webservice/rest/server.php")).willReturn(WireMock.ok()));
		return moodle;
	}

	public String url() {
		return this.server.baseUrl();
	}

	public WireMockServer wireMock() {
		return this.server;
	}

	/** A token whose external service enables these functions. */
	public FakeMoodle token(String token, Set<String> functions) {
		this.functionsByToken.put(token, Set.copyOf(functions));
		return this;
	}

	/** The token's user lacks moodle/course:useremail: enrolment lists omit {@code email}. */
	public FakeMoodle hideEmails(String token) {
		this.tokensWithoutEmail.add(token);
		return this;
	}

	public FakeMoodle restDisabled(boolean disabled) {
		this.restDisabled = disabled;
		return this;
	}

	public FakeMoodle course(String id, String fullName) {
		this.courseNames.put(id, fullName);
		this.enrolments.computeIfAbsent(id, (key) -> new ConcurrentHashMap<>());
		return this;
	}

	public FakeMoodle enrol(String course, String userId, String fullName, String email, String role) {
		this.enrolments.computeIfAbsent(course, (key) -> new ConcurrentHashMap<>())
			.put(userId, new User(userId, fullName, email, role, 0));
		return this;
	}

	/** The learner was in the course at {@code when} (moves {@code lastcourseaccess}). */
	public FakeMoodle access(String course, String userId, Instant when) {
		this.enrolments.get(course).computeIfPresent(userId, (id, user) -> user.accessed(when.getEpochSecond()));
		return this;
	}

	/** Course completion with the times of its criteria (Moodle gives no course-level time). */
	public FakeMoodle completion(String course, String userId, boolean completed, Instant... criteriaTimes) {
		this.completions.put(course + "/" + userId, new Completion(completed, List.of(criteriaTimes)));
		return this;
	}

	public FakeMoodle activity(String course, String userId, int cmid, String module, int state, Instant time) {
		List<Activity> list = this.activities.computeIfAbsent(course + "/" + userId,
				(key) -> new CopyOnWriteArrayList<>());
		list.removeIf((activity) -> activity.cmid() == cmid);
		list.add(new Activity(cmid, module, state, time));
		return this;
	}

	public FakeMoodle grade(String course, String userId, int itemId, String type, String name, Double raw,
			double min, double max, Instant graded) {
		List<Grade> list = this.grades.computeIfAbsent(course, (key) -> new ConcurrentHashMap<>())
			.computeIfAbsent(userId, (key) -> new CopyOnWriteArrayList<>());
		list.removeIf((grade) -> grade.id() == itemId);
		list.add(new Grade(itemId, type, name, raw, min, max, graded));
		return this;
	}

	/**
	 * A custom report from the "Course participants" source with the columns "Course full name with link", "Full
	 * name with link", "Email address" and "Time completed", rows built at request time from completed completions.
	 */
	public FakeMoodle completionReport(int reportId, String timezoneId) {
		this.reports.put(reportId, new Report(reportId, ZoneId.of(timezoneId)));
		return this;
	}

	/** Every per-course call for {@code course} answers this Moodle error object (deleted course, missing capability). */
	public FakeMoodle failCourse(String course, String exception, String errorcode, String message) {
		this.failedCourses.put(course, new Failure(exception, errorcode, message));
		return this;
	}

	/** Per-course calls for {@code course} answer normally again. */
	public FakeMoodle healCourse(String course) {
		this.failedCourses.remove(course);
		return this;
	}

	/** Web Services calls received, optionally only of one function. */
	public List<LoggedRequest> calls(String function) {
		return this.server.findAll(WireMock.anyRequestedFor(WireMock.urlPathEqualTo("/webservice/rest/server.php")))
			.stream()
			.filter((request) -> function == null || parameters(request).getOrDefault("wsfunction", "").equals(function))
			.toList();
	}

	public void resetCalls() {
		this.server.resetRequests();
	}

	@Override
	public void close() {
		this.server.stop();
	}

	static Map<String, String> parameters(LoggedRequest request) {
		Map<String, String> parameters = new LinkedHashMap<>();
		String url = request.getUrl();
		int query = url.indexOf('?');
		if (query >= 0) {
			parse(url.substring(query + 1), parameters);
		}
		String contentType = request.getHeader("Content-Type");
		if (contentType != null && contentType.startsWith("application/x-www-form-urlencoded")) {
			parse(request.getBodyAsString(), parameters);
		}
		return parameters;
	}

	private static void parse(String encoded, Map<String, String> into) {
		for (String pair : encoded.split("&")) {
			if (pair.isEmpty()) {
				continue;
			}
			int eq = pair.indexOf('=');
			into.put(URLDecoder.decode((eq < 0) ? pair : pair.substring(0, eq), StandardCharsets.UTF_8),
					(eq < 0) ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
		}
	}

	record User(String id, String fullName, String email, String role, long lastCourseAccess) {

		User accessed(long when) {
			return new User(this.id, this.fullName, this.email, this.role, when);
		}

	}

	record Completion(boolean completed, List<Instant> criteriaTimes) {
	}

	record Activity(int cmid, String module, int state, Instant time) {
	}

	record Grade(int id, String type, String name, Double raw, double min, double max, Instant graded) {
	}

	record Report(int id, ZoneId zone) {
	}

	record Failure(String exception, String errorcode, String message) {
	}

	private final class Behaviour implements ResponseDefinitionTransformerV2 {

		@Override
		public String getName() {
			return "moodle";
		}

		@Override
		public ResponseDefinition transform(ServeEvent event) {
			if (!event.getRequest().getUrl().startsWith("/webservice/rest/server.php")) {
				return event.getResponseDefinition();
			}
			if (FakeMoodle.this.restDisabled) {
				return WireMock.aResponse().withStatus(200).withBody("").build();
			}
			Map<String, String> parameters = parameters(event.getRequest());
			String token = parameters.get("wstoken");
			Set<String> functions = (token != null) ? FakeMoodle.this.functionsByToken.get(token) : null;
			if (functions == null) {
				return error("moodle_exception", "invalidtoken", "Invalid token - token not found");
			}
			String function = parameters.getOrDefault("wsfunction", "");
			if (!ALL_FUNCTIONS.contains(function)) {
				return error("dml_missing_record_exception", "invalidrecord",
						"Can not find data record in database table external_functions.");
			}
			if (!functions.contains(function)) {
				return error("webservice_access_exception", "accessexception", "Access control exception");
			}
			if (!"json".equals(parameters.get("moodlewsrestformat"))) {
				return WireMock.aResponse().withStatus(200).withHeader("Content-Type", "application/xml")
					.withBody("<?xml version=\"1.0\" encoding=\"UTF-8\" ?>\n<RESPONSE></RESPONSE>").build();
			}
			if (PER_COURSE_FUNCTIONS.contains(function)) {
				Failure failure = FakeMoodle.this.failedCourses.get(parameters.getOrDefault("courseid", ""));
				if (failure != null) {
					return error(failure.exception(), failure.errorcode(), failure.message());
				}
			}
			Object answer = switch (function) {
				case "core_webservice_get_site_info" -> siteInfo(functions);
				case "core_enrol_get_enrolled_users" -> enrolled(parameters.get("courseid"), token);
				case "core_user_get_users_by_field" -> usersById(parameters, token);
				case "core_completion_get_course_completion_status" ->
					courseCompletion(parameters.get("courseid"), parameters.get("userid"));
				case "core_completion_get_activities_completion_status" ->
					activityStatuses(parameters.get("courseid"), parameters.get("userid"));
				case "gradereport_user_get_grade_items" -> gradeItems(parameters.get("courseid"), parameters.get("userid"));
				case "core_reportbuilder_retrieve_report" -> retrieveReport(parameters);
				default -> FakeMoodle.this.json.createArrayNode();
			};
			if (answer instanceof ResponseDefinition definition) {
				return definition;
			}
			return WireMock.aResponse().withStatus(200).withHeader("Content-Type", "application/json")
				.withBody(FakeMoodle.this.json.writeValueAsString(answer)).build();
		}

		private ObjectNode siteInfo(Set<String> functions) {
			ObjectNode info = FakeMoodle.this.json.createObjectNode();
			info.put("sitename", "Demo University");
			info.put("username", "oeb_connector");
			info.put("fullname", "OEB Connector");
			info.put("userid", 42);
			info.put("siteurl", url());
			ArrayNode list = info.putArray("functions");
			new TreeSet<>(functions).forEach((name) -> list.addObject().put("name", name).put("version", "2024100705.06"));
			info.put("release", "4.5.5 (Build: 20250609)");
			info.put("version", "2024100705.06");
			info.put("siteid", 1);
			info.put("userissiteadmin", false);
			return info;
		}

		private ArrayNode enrolled(String course, String token) {
			ArrayNode users = FakeMoodle.this.json.createArrayNode();
			FakeMoodle.this.enrolments.getOrDefault(course, Map.of()).values().stream()
				.sorted((a, b) -> Long.compare(Long.parseLong(a.id()), Long.parseLong(b.id())))
				.forEach((user) -> {
					ObjectNode node = users.addObject();
					node.put("id", Integer.parseInt(user.id()));
					node.put("username", "user" + user.id());
					node.put("fullname", user.fullName());
					if (user.email() != null && !FakeMoodle.this.tokensWithoutEmail.contains(token)) {
						node.put("email", user.email());
					}
					node.put("firstaccess", 1725200000);
					node.put("lastaccess", user.lastCourseAccess());
					node.put("lastcourseaccess", user.lastCourseAccess());
					node.putArray("roles").addObject().put("roleid", 5).put("name", "").put("shortname", user.role())
						.put("sortorder", 0);
					node.putArray("enrolledcourses").addObject().put("id", Integer.parseInt(course))
						.put("fullname", FakeMoodle.this.courseNames.getOrDefault(course, "Course " + course))
						.put("shortname", "C" + course);
				});
			return users;
		}

		private ArrayNode usersById(Map<String, String> parameters, String token) {
			ArrayNode users = FakeMoodle.this.json.createArrayNode();
			List<String> ids = new ArrayList<>();
			parameters.forEach((name, value) -> {
				if (name.startsWith("values[")) {
					ids.add(value);
				}
			});
			for (Map<String, User> course : FakeMoodle.this.enrolments.values()) {
				for (String id : ids) {
					User user = course.get(id);
					if (user != null && users.findValues("id").stream().noneMatch((n) -> n.asString().equals(id))) {
						ObjectNode node = users.addObject();
						node.put("id", Integer.parseInt(id));
						node.put("fullname", user.fullName());
						if (user.email() != null && !FakeMoodle.this.tokensWithoutEmail.contains(token)) {
							node.put("email", user.email());
						}
					}
				}
			}
			return users;
		}

		private Object courseCompletion(String course, String user) {
			if (!FakeMoodle.this.enrolments.getOrDefault(course, Map.of()).containsKey(user)) {
				return error("moodle_exception", "usernotenroled", "User is not enrolled in this course");
			}
			Completion completion = FakeMoodle.this.completions.getOrDefault(course + "/" + user,
					new Completion(false, List.of()));
			ObjectNode answer = FakeMoodle.this.json.createObjectNode();
			ObjectNode status = answer.putObject("completionstatus");
			status.put("completed", completion.completed());
			status.put("aggregation", 1);
			ArrayNode criteria = status.putArray("completions");
			if (completion.criteriaTimes().isEmpty()) {
				ObjectNode criterion = criteria.addObject().put("type", 4).put("title", "Activity completion")
					.put("status", "No").put("complete", false);
				criterion.putNull("timecompleted");
			}
			for (Instant time : completion.criteriaTimes()) {
				criteria.addObject().put("type", 4).put("title", "Activity completion").put("status", "Yes")
					.put("complete", true).put("timecompleted", time.getEpochSecond())
					.putObject("details").put("type", "Activity completion")
					.put("criteria", "<a href=\"" + url() + "/mod/quiz/view.php?id=77\">Final quiz</a>")
					.put("requirement", "Marked complete").put("status", "");
			}
			answer.putArray("warnings");
			return answer;
		}

		private ObjectNode activityStatuses(String course, String user) {
			ObjectNode answer = FakeMoodle.this.json.createObjectNode();
			ArrayNode statuses = answer.putArray("statuses");
			for (Activity activity : FakeMoodle.this.activities.getOrDefault(course + "/" + user, List.of())) {
				ObjectNode status = statuses.addObject();
				status.put("cmid", activity.cmid());
				status.put("modname", activity.module());
				status.put("instance", activity.cmid() * 3);
				status.put("state", activity.state());
				status.put("timecompleted", (activity.time() != null) ? activity.time().getEpochSecond() : 0);
				status.put("tracking", 2);
				status.putNull("overrideby");
				status.put("valueused", false);
			}
			answer.putArray("warnings");
			return answer;
		}

		private ObjectNode gradeItems(String course, String user) {
			ObjectNode answer = FakeMoodle.this.json.createObjectNode();
			ArrayNode usergrades = answer.putArray("usergrades");
			Map<String, List<Grade>> byUser = FakeMoodle.this.grades.getOrDefault(course, Map.of());
			for (User enrolled : FakeMoodle.this.enrolments.getOrDefault(course, Map.of()).values()) {
				if (!"0".equals(user) && !enrolled.id().equals(user)) {
					continue;
				}
				ObjectNode entry = usergrades.addObject();
				entry.put("courseid", Integer.parseInt(course));
				entry.put("userid", Integer.parseInt(enrolled.id()));
				entry.put("userfullname", enrolled.fullName());
				entry.put("maxdepth", 2);
				ArrayNode items = entry.putArray("gradeitems");
				for (Grade grade : byUser.getOrDefault(enrolled.id(), List.of())) {
					ObjectNode item = items.addObject();
					item.put("id", grade.id());
					if (grade.name() == null) {
						item.putNull("itemname");
					}
					else {
						item.put("itemname", grade.name());
					}
					item.put("itemtype", grade.type());
					if (grade.raw() == null) {
						item.putNull("graderaw");
					}
					else {
						item.put("graderaw", grade.raw());
					}
					if (grade.graded() == null) {
						item.putNull("gradedategraded");
					}
					else {
						item.put("gradedategraded", grade.graded().getEpochSecond());
					}
					item.put("gradeneedsupdate", false);
					item.put("gradeishidden", false);
					item.put("grademin", grade.min());
					item.put("grademax", grade.max());
					item.put("gradeformatted", String.valueOf(grade.raw()));
				}
			}
			answer.putArray("warnings");
			return answer;
		}

		/**
		 * core_reportbuilder_retrieve_report: {@code page} is 0-based (Moodle passes page + 1 to its table),
		 * {@code perpage} defaults to 10, {@code totalrowcount} counts all rows.
		 */
		private Object retrieveReport(Map<String, String> parameters) {
			Integer id = integer(parameters.get("reportid"), null);
			Integer page = integer(parameters.get("page"), 0);
			Integer perpage = integer(parameters.get("perpage"), 10);
			if (id == null || page == null || perpage == null) {
				return error("invalid_parameter_exception", "invalidparameter", "Invalid parameter value detected");
			}
			Report report = FakeMoodle.this.reports.get(id);
			if (report == null) {
				return error("dml_missing_record_exception", "invalidrecord",
						"Can't find data record in database table reportbuilder_report.");
			}
			List<List<String>> all = completionRows(report.zone());
			List<List<String>> shown = all;
			if (perpage > 0) {
				long from = Math.max(0L, (long) page * perpage);
				shown = (from >= all.size()) ? List.of()
						: all.subList((int) from, (int) Math.min(all.size(), from + perpage));
			}
			ObjectNode answer = FakeMoodle.this.json.createObjectNode();
			ObjectNode details = answer.putObject("details");
			details.put("id", report.id());
			details.put("name", "Course completions");
			details.put("source", "core_course\\reportbuilder\\datasource\\participants");
			details.put("type", 0);
			details.put("uniquerows", false);
			details.putNull("conditiondata");
			details.putNull("settingsdata");
			details.put("contextid", 1);
			details.put("component", "");
			details.put("area", "");
			details.put("itemid", 0);
			details.put("usercreated", 2);
			details.put("timecreated", 1725000000);
			details.put("timemodified", 1725000000);
			details.put("usermodified", 2);
			details.put("sourcename", "Course participants");
			details.putObject("modifiedby").put("id", 2).put("fullname", "Admin User")
				.put("profileurl", url() + "/user/profile.php?id=2")
				.put("profileimageurl", url() + "/theme/image.php/boost/core/1/u/f1")
				.put("profileimageurlsmall", url() + "/theme/image.php/boost/core/1/u/f2");
			ObjectNode data = answer.putObject("data");
			ArrayNode headers = data.putArray("headers");
			List.of("Course full name with link", "Full name with link", "Email address", "Time completed")
				.forEach(headers::add);
			ArrayNode rows = data.putArray("rows");
			for (List<String> row : shown) {
				ArrayNode columns = rows.addObject().putArray("columns");
				row.forEach(columns::add);
			}
			data.put("totalrowcount", all.size());
			answer.putArray("warnings");
			return answer;
		}

		/** One row per enrolment with a completed course completion, by course id then user id. */
		private List<List<String>> completionRows(ZoneId zone) {
			List<List<String>> rows = new ArrayList<>();
			Comparator<String> numeric = Comparator.comparingLong(Long::parseLong);
			FakeMoodle.this.enrolments.keySet().stream().sorted(numeric).forEach((course) -> {
				Map<String, User> users = FakeMoodle.this.enrolments.getOrDefault(course, Map.of());
				users.keySet().stream().sorted(numeric).forEach((userId) -> {
					Completion completion = FakeMoodle.this.completions.get(course + "/" + userId);
					if (completion == null || !completion.completed()) {
						return;
					}
					User user = users.get(userId);
					String courseName = FakeMoodle.this.courseNames.getOrDefault(course, "Course " + course);
					String completed = completion.criteriaTimes().stream().max(Comparator.naturalOrder())
						.map((time) -> USERDATE.format(time.atZone(zone))).orElse("");
					rows.add(List.of(
							"<a href=\"" + url() + "/course/view.php?id=" + course + "\">" + courseName.replace("&", "&amp;")
									+ "</a>",
							"<a href=\"" + url() + "/user/profile.php?id=" + userId + "\">" + user.fullName() + "</a>",
							escape((user.email() != null) ? user.email() : ""), completed));
				});
			});
			return rows;
		}

		private Integer integer(String value, Integer absent) {
			if (value == null) {
				return absent;
			}
			try {
				return Integer.valueOf(value.trim());
			}
			catch (NumberFormatException ex) {
				return null;
			}
		}

		/** PHP's {@code s()}: htmlspecialchars with quotes. */
		private String escape(String text) {
			return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;")
				.replace("'", "&#039;");
		}

		private ResponseDefinition error(String exception, String code, String message) {
			ObjectNode body = FakeMoodle.this.json.createObjectNode();
			body.put("exception", exception);
			body.put("errorcode", code);
			body.put("message", message);
			return WireMock.aResponse().withStatus(200).withHeader("Content-Type", "application/json")
				.withBody(FakeMoodle.this.json.writeValueAsString(body))
				.build();
		}

	}

}
