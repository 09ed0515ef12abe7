package org.oeb.bridge.common.wallet;

import java.time.Instant;
import java.util.List;

/**
 * What the bridge knows of one learner's badges from one institution.
 *
 * @param institution the institution
 * @param userId the learner's LMS user id
 * @param badges the assertions, newest first
 * @param competencies the competencies of the badges that are neither revoked nor expired,
 * minutes summed per competency
 * @param learningPaths the institution's activated learning paths and how far the learner is
 */
public record LearnerWallet(String institution, String userId, List<Badge> badges, List<CompetencyTotal> competencies,
		List<PathProgress> learningPaths) {

	/**
	 * One assertion.
	 *
	 * @param assertion OEB's assertion entityId
	 * @param badgeClass its badge class
	 * @param name the badge's name
	 * @param image the badge image's URL
	 * @param category {@code participation}, {@code competency}, {@code micro-degree} or {@code unknown}
	 * @param issuedOn when it was issued
	 * @param expires when it expires, null if never
	 * @param expired whether it has expired
	 * @param revoked whether it was revoked
	 * @param revocationReason why, when revoked
	 * @param publicUrl the assertion's public Open Badges URL
	 * @param credentialUrl its Open Badges 3.0 credential
	 * @param issuedBy {@code bridge} for awards the bridge issued, {@code oeb} for the others
	 * (micro degrees OEB awarded, awards made in OEB's UI)
	 */
	public record Badge(String assertion, String badgeClass, String name, String image, String category, Instant issuedOn,
			Instant expires, boolean expired, boolean revoked, String revocationReason, String publicUrl,
			String credentialUrl, String issuedBy) {
	}

	/**
	 * One competency, over all the learner's valid badges.
	 *
	 * @param uri the ESCO URI, null when the badge class names none
	 * @param name its name
	 * @param minutes study load summed over the badges
	 * @param category {@code skill} or {@code knowledge}
	 */
	public record CompetencyTotal(String uri, String name, int minutes, String category) {
	}

	/**
	 * One learning path.
	 *
	 * @param path its entityId
	 * @param name its name
	 * @param requiredBadges how many of its badges earn the micro degree
	 * @param heldBadges how many of them the learner holds (valid)
	 * @param percent progress, 0 to 100
	 * @param completed whether the learner holds the micro degree
	 */
	public record PathProgress(String path, String name, int requiredBadges, int heldBadges, int percent,
			boolean completed) {
	}

}
