package org.oeb.bridge.common.issuance;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.Collection;
import java.util.Map;
import java.util.stream.Collectors;

import feign.FeignException;
import feign.Response;
import org.oeb.bridge.common.awards.Award;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * Talks to OEB (through the gateway) about one award and says what the answer means: issued,
 * already there, quota exhausted, worth retrying, or refused for good.
 */
class OebIssuer {

	private static final int MAX_BODY = 64 * 1024;

	private static final String DUPLICATE = "A previous award of this badge already exists for this recipient";

	private static final String RECIPIENT_PROFILE_CONTEXT = "https://api.openbadges.education/static/extensions/recipientProfile/context.json";

	private final GatewayClient gateway;

	private final JsonMapper json = JsonMapper.builder().build();

	OebIssuer(GatewayClient gateway) {
		this.gateway = gateway;
	}

	Outcome issue(String institution, String apiKey, Award award) {
		String body = issueBody(award);
		try (Response response = this.gateway.issue(institution, award.badgeClass(), apiKey, body)) {
			int status = response.status();
			JsonNode answer = read(response);
			if (status == 200 || status == 201) {
				String assertion = answer.path("result").path(0).path("entityId").asString("");
				return assertion.isEmpty() ? new Outcome.Transient("OEB answered " + status + " without an assertion id",
						null, true) : new Outcome.Issued(assertion);
			}
			if (status == 400 && answer.path("validationErrors").toString().contains(DUPLICATE)) {
				return new Outcome.AlreadyAwarded();
			}
			return classifyFailure(institution, status, answer, retryAfter(response));
		}
		catch (FeignException | IOException ex) {
			// a timeout or a dropped connection says nothing about whether OEB stored the award
			return new Outcome.Transient("no answer from the gateway (" + ex.getClass().getSimpleName() + ")", null,
					true);
		}
	}

	/** Looks for an assertion of {@code badgeClass} to {@code email} that {@code match} accepts. */
	Outcome lookUp(String institution, String apiKey, String badgeClass, String email, Match match) {
		try (Response response = this.gateway.findAwards(institution, badgeClass, apiKey, email, true, true)) {
			int status = response.status();
			JsonNode answer = read(response);
			if (status == 200) {
				return match(answer.path("result"), badgeClass, email, match);
			}
			return classifyFailure(institution, status, answer, retryAfter(response));
		}
		catch (FeignException | IOException ex) {
			return new Outcome.Transient("no answer from the gateway (" + ex.getClass().getSimpleName() + ")", null,
					false);
		}
	}

	/**
	 * Which of OEB's assertions is the award: same badge class, same recipient (trimmed,
	 * case-insensitive), and what {@code match} asks for.
	 */
	static Outcome match(JsonNode assertions, String badgeClass, String email, Match match) {
		String wanted = email.trim().toLowerCase(java.util.Locale.ROOT);
		String revoked = null;
		for (JsonNode assertion : assertions) {
			String id = assertion.path("entityId").asString("");
			String itsClass = assertion.path("badgeclass").asString("");
			String recipient = assertion.path("recipient").path("plaintextIdentity").asString("");
			if (id.isEmpty() || !itsClass.equals(badgeClass) || match.earlier().contains(id)
					|| !recipient.trim().toLowerCase(java.util.Locale.ROOT).equals(wanted)) {
				continue;
			}
			boolean isRevoked = assertion.path("revoked").asBoolean(false);
			Instant issuedOn = instant(assertion.path("issuedOn").asString(""));
			Instant expires = instant(assertion.path("expires").asString(""));
			if (match.anyEver()) {
				if (!isRevoked) {
					return new Outcome.Issued(id);
				}
				revoked = id;
				continue;
			}
			if (match.issuedNotBefore() == null) {
				// a duplicate refusal: OEB counts only an active award
				if (!isRevoked && (expires == null || expires.isAfter(match.now()))) {
					return new Outcome.Issued(id);
				}
				continue;
			}
			if (issuedOn != null && !issuedOn.isBefore(match.issuedNotBefore())) {
				// issued since the decision: ours, even if it was revoked or has expired since
				if (!isRevoked) {
					return new Outcome.Issued(id);
				}
				revoked = id;
			}
		}
		return (revoked != null) ? new Outcome.FoundRevoked(revoked) : new Outcome.NotFound();
	}

	private static Instant instant(String text) {
		if (text.isEmpty()) {
			return null;
		}
		try {
			return java.time.OffsetDateTime.parse(text).toInstant();
		}
		catch (RuntimeException ex) {
			return null;
		}
	}

	private Outcome classifyFailure(String institution, int status, JsonNode answer, Duration retryAfter) {
		if (status == 402) {
			return new Outcome.QuotaExhausted("OEB quota exhausted (HTTP 402)");
		}
		if (status == 401 || status == 403) {
			return new Outcome.KeyRefused("the gateway refused the connector key (HTTP " + status + "); check "
					+ "bridge.awards.institutions." + institution + ".gateway-api-key and the key's operations "
					+ "in the gateway");
		}
		if (status == 408 || status == 425 || status == 429 || status == 503) {
			// the call was not processed: the gateway's limiter or token back-off, or OEB refusing work
			return new Outcome.Transient("HTTP " + status + describe(answer), retryAfter, false);
		}
		if (status >= 500) {
			return new Outcome.Transient("HTTP " + status + describe(answer), retryAfter, true);
		}
		String meaning = (status == 404) ? " (badge class not found, or the institution's OEB account may not issue it)"
				: "";
		return new Outcome.Refused("HTTP " + status + meaning + describe(answer));
	}

	private String issueBody(Award award) {
		ObjectNode body = this.json.createObjectNode();
		ObjectNode recipient = body.putObject("recipient");
		recipient.put("identity", award.email());
		recipient.put("type", "email");
		body.put("notify", award.notifyLearner());
		body.put("allowDuplicateAwards", false);
		ArrayNode evidence = body.putArray("evidence");
		StringBuilder narrative = new StringBuilder();
		for (JsonNode item : this.json.readTree(award.evidence())) {
			ObjectNode entry = evidence.addObject();
			String url = item.path("url").asString("");
			if (!url.isEmpty()) {
				entry.put("url", url);
			}
			String text = item.path("narrative").asString("");
			entry.put("narrative", text);
			narrative.append((narrative.length() > 0) ? "\n\n" : "").append(text);
		}
		body.put("narrative", narrative.toString());
		String name = award.name();
		if (!name.isBlank()) {
			ObjectNode profile = body.putObject("extensions").putObject("extensions:recipientProfile");
			profile.put("@context", RECIPIENT_PROFILE_CONTEXT);
			profile.putArray("type").add("Extension").add("extensions:RecipientProfile");
			profile.put("name", name);
		}
		return this.json.writeValueAsString(body);
	}

	private JsonNode read(Response response) throws IOException {
		if (response.body() == null) {
			return this.json.createObjectNode();
		}
		try (InputStream in = response.body().asInputStream()) {
			byte[] bytes = in.readNBytes(MAX_BODY);
			try {
				return this.json.readTree(new String(bytes, StandardCharsets.UTF_8));
			}
			catch (RuntimeException notJson) {
				// OEB's 5xx pages are HTML
				return this.json.createObjectNode();
			}
		}
	}

	private static String describe(JsonNode answer) {
		StringBuilder detail = new StringBuilder();
		JsonNode description = answer.path("status").path("description");
		if (description.isString()) {
			detail.append(": ").append(description.asString());
		}
		for (String field : new String[] { "fieldErrors", "validationErrors" }) {
			JsonNode errors = answer.path(field);
			if (!errors.isMissingNode() && !errors.isNull() && !errors.isEmpty()) {
				detail.append("; ").append(field).append(' ').append(errors);
			}
		}
		String text = detail.toString();
		return (text.length() > 500) ? text.substring(0, 500) + "…" : text;
	}

	private static Duration retryAfter(Response response) {
		Collection<String> values = response.headers().entrySet()
			.stream()
			.filter((entry) -> entry.getKey().equalsIgnoreCase("Retry-After"))
			.flatMap((entry) -> entry.getValue().stream())
			.collect(Collectors.toList());
		for (String value : values) {
			String trimmed = value.trim();
			if (trimmed.matches("\\d{1,7}")) {
				return Duration.ofSeconds(Long.parseLong(trimmed));
			}
			try {
				Duration until = Duration.between(Instant.now(),
						ZonedDateTime.parse(trimmed, DateTimeFormatter.RFC_1123_DATE_TIME).toInstant());
				return until.isNegative() ? Duration.ZERO : until;
			}
			catch (RuntimeException ex) {
				// not a date either: ignore the header
			}
		}
		return null;
	}

	/**
	 * Which assertions a look-up counts as the award.
	 *
	 * @param issuedNotBefore the decision time less the clock skew; older assertions are an
	 * earlier award (a recertification), not this one
	 * @param now for expiry
	 * @param anyEver after lost Redis data: any assertion of the class to the recipient,
	 * revoked or expired ones too, so that nothing is issued again
	 * @param earlier assertions of an earlier award that was revoked or expired before the rule
	 * was earned again: never this award
	 */
	record Match(Instant issuedNotBefore, Instant now, boolean anyEver, java.util.Set<String> earlier) {

		Match {
			earlier = (earlier != null) ? java.util.Set.copyOf(earlier) : java.util.Set.of();
		}

		static Match thisAward(Instant issuedNotBefore, Instant now) {
			return new Match(issuedNotBefore, now, false, null);
		}

		static Match activeAward(Instant now) {
			return new Match(null, now, false, null);
		}

		static Match anyEver(Instant now) {
			return new Match(null, now, true, null);
		}

		Match excluding(java.util.Set<String> assertions) {
			return new Match(this.issuedNotBefore, this.now, this.anyEver, assertions);
		}

	}

	/** What an OEB answer means for the award. */
	sealed interface Outcome {

		/** OEB holds the award. */
		record Issued(String assertionId) implements Outcome {
		}

		/** The look-up found nothing. */
		record NotFound() implements Outcome {
		}

		/** The look-up found only a revoked assertion of the award. */
		record FoundRevoked(String assertionId) implements Outcome {
		}

		/** The gateway refused the connector key (401/403): nothing reaches OEB until it is fixed. */
		record KeyRefused(String reason) implements Outcome {
		}

		/** OEB refused a second active award: it already holds one. */
		record AlreadyAwarded() implements Outcome {
		}

		/** HTTP 402: the institution's award quota is used up. */
		record QuotaExhausted(String reason) implements Outcome {
		}

		/**
		 * Worth trying again later. {@code mayHaveReachedOeb}: the call may have been stored
		 * (timeout, reset, 500, 502, 504), so the retry starts with a look-up after
		 * {@code settle-time}.
		 */
		record Transient(String reason, Duration retryAfter, boolean mayHaveReachedOeb) implements Outcome {
		}

		/** Refused for good; goes to the dead letters. */
		record Refused(String reason) implements Outcome {
		}

	}

}
