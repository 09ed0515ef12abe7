package org.oeb.bridge.common.batches;

import java.net.URI;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

import io.micrometer.core.instrument.MeterRegistry;
import org.jspecify.annotations.Nullable;
import org.oeb.bridge.common.awards.AwardState;
import org.oeb.bridge.common.awards.AwardsProperties;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.boot.actuate.endpoint.annotation.Endpoint;
import org.springframework.boot.actuate.endpoint.annotation.ReadOperation;
import org.springframework.boot.actuate.endpoint.annotation.Selector;
import org.springframework.boot.actuate.endpoint.annotation.WriteOperation;
import org.springframework.boot.actuate.endpoint.web.WebEndpointResponse;

/**
 * {@code /actuator/batches}: an operator issues a badge to a list of recipients.
 * {@code POST /actuator/batches/{institution}} enters the list (JSON {@code recipients} or a
 * {@code csv} string) into a batch; {@code GET /actuator/batches/{institution}} lists the
 * batches with their progress, {@code GET /actuator/batches/{institution}/{batch}} shows every
 * recipient's state. E-mail addresses are masked. Operators only.
 */
@Endpoint(id = "batches")
public class BatchesEndpoint {

	private static final Logger logger = LoggerFactory.getLogger(BatchesEndpoint.class);

	private static final Pattern BATCH_ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_.-]{0,63}");

	private static final Pattern ENTITY_ID = Pattern.compile("[A-Za-z0-9_-]{22}");

	private static final int MAX_URL = 2000;

	private static final int LISTED = 100;

	private final AwardsProperties awards;

	private final BatchesProperties properties;

	private final Batches batches;

	private final RecipientList parser;

	private final MeterRegistry meters;

	BatchesEndpoint(AwardsProperties awards, BatchesProperties properties, Batches batches, MeterRegistry meters) {
		this.awards = awards;
		this.properties = properties;
		this.batches = batches;
		this.parser = new RecipientList(properties.maxRows(), properties.maxNameLength());
		this.meters = meters;
	}

	@ReadOperation
	public Map<String, Object> institutions() {
		Map<String, Object> all = new LinkedHashMap<>();
		this.awards.institutions().forEach((id, institution) -> {
			Map<String, Object> summary = new LinkedHashMap<>();
			summary.put("dryRun", institution.dryRun());
			summary.put("batches", this.batches.count(id));
			all.put(id, summary);
		});
		return all;
	}

	@ReadOperation
	public WebEndpointResponse<Map<String, Object>> list(@Selector String institution) {
		if (!this.awards.institutions().containsKey(institution)) {
			return error(404, "unknown institution '" + institution + "'");
		}
		Map<String, Object> body = new LinkedHashMap<>();
		body.put("institution", institution);
		body.put("dryRun", this.awards.institutions().get(institution).dryRun());
		body.put("batches", this.batches.list(institution, LISTED));
		return new WebEndpointResponse<>(body, 200);
	}

	/** One batch; {@code ?state=dead} (or any other state, or {@code missing}) lists only those recipients. */
	@ReadOperation
	public WebEndpointResponse<Map<String, Object>> batch(@Selector String institution, @Selector String batch,
			@Nullable String state) {
		if (!this.awards.institutions().containsKey(institution)) {
			return error(404, "unknown institution '" + institution + "'");
		}
		if (!BATCH_ID.matcher(batch).matches()) {
			return error(400, "batch: " + batchIdRule());
		}
		return this.batches.detail(institution, batch, state)
			.map((detail) -> new WebEndpointResponse<>(detail, 200))
			.orElseGet(() -> error(404, "institution '" + institution + "' has no batch '" + batch + "'"));
	}

	/**
	 * {@code {"batch": "…", "badgeClass": "…", "notify": "true", "evidence": "…", "evidenceUrl":
	 * "https://…", "csv": "email,name\n…"}}. Actuator reads a body as flat text fields only, so a
	 * JSON array of recipients or a raw CSV body goes to {@link BatchRecipientsController}.
	 * Answers 202 with what became of each row.
	 */
	@WriteOperation
	public WebEndpointResponse<Map<String, Object>> submit(@Selector String institution, @Nullable String batch,
			@Nullable String badgeClass, @Nullable String notify, @Nullable String evidence,
			@Nullable String evidenceUrl, @Nullable String csv) {
		return enter(institution, batch, badgeClass, notify, evidence, evidenceUrl, null, csv);
	}

	/** Validates a submission and enters it; the values come as JSON gave them. */
	WebEndpointResponse<Map<String, Object>> enter(String institution, @Nullable Object batch,
			@Nullable Object badgeClass, @Nullable Object notify, @Nullable Object evidence,
			@Nullable Object evidenceUrl, @Nullable Object recipients, @Nullable Object csv) {
		AwardsProperties.Institution configured = this.awards.institutions().get(institution);
		if (configured == null) {
			return error(404, "unknown institution '" + institution + "'");
		}
		if (!(batch instanceof String batchId) || !BATCH_ID.matcher(batchId).matches()) {
			return error(400, "batch: " + batchIdRule());
		}
		if (!(badgeClass instanceof String badgeClassId) || !ENTITY_ID.matcher(badgeClassId).matches()) {
			return error(400, "badgeClass must be the 22-character OEB entityId of the badge class");
		}
		Boolean notifyLearner = (notify == null) ? Boolean.TRUE : (notify instanceof Boolean flag) ? flag
				: "true".equals(notify) ? Boolean.TRUE : "false".equals(notify) ? Boolean.FALSE : null;
		if (notifyLearner == null) {
			return error(400, "notify must be true or false");
		}
		if (evidence != null && !(evidence instanceof String)) {
			return error(400, "evidence must be a string (the narrative shown with the badge)");
		}
		String narrative = (evidence != null) ? ((String) evidence).strip() : "";
		if (narrative.length() > this.properties.maxEvidenceLength()) {
			return error(400, "evidence is longer than " + this.properties.maxEvidenceLength() + " characters");
		}
		String url = (evidenceUrl instanceof String text) ? text.strip() : "";
		if (evidenceUrl != null && !(evidenceUrl instanceof String) || !url.isEmpty() && !isHttpsUrl(url)) {
			return error(400, "evidenceUrl must be an https:// URL of at most " + MAX_URL + " characters");
		}
		if ((recipients == null) == (csv == null)) {
			return error(400, "give either recipients (a JSON array of {\"email\", \"name\"}) or csv (the CSV file as "
					+ "a string, header email,name), not " + ((recipients == null) ? "neither" : "both"));
		}
		if (recipients != null && !(recipients instanceof List<?>)) {
			return error(400, "recipients must be a JSON array of {\"email\": …, \"name\": …}");
		}
		if (csv != null && !(csv instanceof String)) {
			return error(400, "csv must be a string holding the CSV file (header email,name)");
		}
		RecipientList.Parsed parsed;
		try {
			parsed = (recipients != null) ? this.parser.fromJson((List<?>) recipients)
					: this.parser.fromCsv((String) csv);
		}
		catch (RecipientList.Refused ex) {
			return error(400, ((recipients != null) ? "recipients: " : "csv: ") + ex.getMessage());
		}
		List<Map<String, Object>> invalid = parsed.problems()
			.stream()
			.map((problem) -> Map.<String, Object>of("line", problem.line(), "error", problem.error()))
			.toList();
		if (parsed.recipients().isEmpty()) {
			Map<String, Object> body = new LinkedHashMap<>();
			body.put("error", "no valid recipient: nothing was entered");
			body.put("invalid", invalid.size());
			body.put("invalidRows", invalid);
			return new WebEndpointResponse<>(body, 400);
		}
		boolean dryRun = configured.dryRun();
		Batches.Submission submission = new Batches.Submission(batchId, badgeClassId, notifyLearner,
				narrative, url, parsed.recipients());
		Batches.Entered entered = this.batches.enter(institution, submission,
				dryRun ? AwardState.DRY_RUN : AwardState.PENDING);
		if (entered.kind() == Batches.Entered.Kind.CONFLICT) {
			return error(409, "batch '" + batchId + "' issues badge class " + entered.badgeClassHeld()
					+ "; use another batch id for badge class " + badgeClassId);
		}
		if (entered.kind() == Batches.Entered.Kind.FULL) {
			return error(400, "batch '" + batchId + "' holds " + entered.existing() + " recipients; with this list it "
					+ "would pass " + this.properties.maxRecipients() + " (bridge.batches.max-recipients): use "
					+ "another batch id");
		}
		count(institution, "new", entered.decided());
		count(institution, "existing", entered.existing());
		count(institution, "invalid", invalid.size());
		logger.info("Batch '{}' of institution '{}' (badge class {}): {} new recipients, {} already in it, {} "
				+ "invalid rows{}", batchId, institution, badgeClassId, entered.decided(), entered.existing(),
				invalid.size(), dryRun ? " (dry-run: nothing is issued)" : "");
		Map<String, Object> body = new LinkedHashMap<>();
		body.put("institution", institution);
		body.put("batch", batchId);
		body.put("rule", Batches.ruleId(batchId));
		body.put("badgeClass", badgeClassId);
		body.put("dryRun", dryRun);
		if (dryRun) {
			body.put("note", "the institution runs in dry-run: the awards are recorded as dry-run and nothing is "
					+ "issued; submit the batch again once dry-run is off to issue them");
		}
		body.put("rows", parsed.recipients().size() + invalid.size());
		body.put("accepted", entered.decided());
		body.put("alreadyInBatch", entered.existing());
		body.put("invalid", invalid.size());
		body.put("invalidRows", invalid);
		body.put("progress", "batches/" + institution + "/" + batchId);
		return new WebEndpointResponse<>(body, 202);
	}

	private void count(String institution, String outcome, int amount) {
		if (amount > 0) {
			this.meters.counter("bridge.batches.recipients", "institution", institution, "outcome", outcome)
				.increment(amount);
		}
	}

	private static boolean isHttpsUrl(String url) {
		if (url.length() > MAX_URL) {
			return false;
		}
		try {
			URI uri = new URI(url);
			return "https".equalsIgnoreCase(uri.getScheme()) && uri.getHost() != null;
		}
		catch (java.net.URISyntaxException ex) {
			return false;
		}
	}

	private static String batchIdRule() {
		return "a batch id is 1-64 letters, digits, '.', '_' or '-', starting with a letter or digit";
	}

	private static WebEndpointResponse<Map<String, Object>> error(int status, String message) {
		return new WebEndpointResponse<>(Map.of("error", message), status);
	}

}
