package org.oeb.bridge.common.wallet;

import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Optional;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.oeb.bridge.common.lti.LaunchedLearnerPage;
import org.oeb.bridge.common.lti.VerifiedLaunch;
import org.springframework.web.util.HtmlUtils;

/**
 * The "My badges" page a learner sees after a verified LTI launch: their wallet from this
 * institution, and OEB's own page of their badges in an iframe (a single-use URL, fetched for
 * this page view only).
 */
class WalletLaunchPage implements LaunchedLearnerPage {

	private static final Logger logger = LoggerFactory.getLogger(WalletLaunchPage.class);

	private static final DateTimeFormatter DAY = DateTimeFormatter.ISO_LOCAL_DATE.withZone(ZoneOffset.UTC);

	private final Wallets wallets;

	WalletLaunchPage(Wallets wallets) {
		this.wallets = wallets;
	}

	@Override
	public String render(VerifiedLaunch launch) {
		StringBuilder html = new StringBuilder();
		String language = "de".equals(launch.locale()) || (launch.locale() != null && launch.locale().startsWith("de"))
				? "de" : "en";
		html.append("<!DOCTYPE html><html lang=\"").append(language).append("\"><head><meta charset=\"utf-8\">")
			.append("<title>My badges</title><style>body{font-family:sans-serif;margin:1.5rem}li{margin:.3rem 0}")
			.append(".gone{color:#888;text-decoration:line-through}iframe{width:100%;height:32rem;border:0}</style>")
			.append("</head><body><h1>My badges</h1>");
		if (!this.wallets.knowsInstitution(launch.institution()) || launch.lmsUserId() == null
				|| !launch.lmsUserId().matches("[A-Za-z0-9_-]{1,64}")) {
			return html.append("<p>This LMS is not connected to a badge wallet.</p></body></html>").toString();
		}
		this.wallets.rememberLearner(launch.institution(), launch.lmsUserId(), launch.email());
		LearnerWallet wallet = this.wallets.of(launch.institution(), launch.lmsUserId());
		if (launch.name() != null) {
			html.append("<p>").append(escape(launch.name())).append("</p>");
		}
		html.append("<h2>Badges</h2>");
		if (wallet.badges().isEmpty()) {
			html.append("<p>No badges yet.</p>");
		}
		else {
			html.append("<ul>");
			for (LearnerWallet.Badge badge : wallet.badges()) {
				boolean gone = badge.revoked() || badge.expired();
				html.append("<li").append(gone ? " class=\"gone\"" : "").append(">");
				html.append("<a href=\"").append(escape(badge.publicUrl())).append("\" target=\"_blank\" rel=\"noopener\">")
					.append(escape((badge.name() != null) ? badge.name() : badge.badgeClass()))
					.append("</a> (").append(escape(badge.category())).append(")");
				if (badge.issuedOn() != null) {
					html.append(", issued ").append(DAY.format(badge.issuedOn()));
				}
				if (badge.revoked()) {
					html.append(", revoked");
					if (badge.revocationReason() != null) {
						html.append(": ").append(escape(badge.revocationReason()));
					}
				}
				else if (badge.expired()) {
					html.append(", expired");
				}
				html.append(" &middot; <a href=\"").append(escape(badge.credentialUrl()))
					.append("\" target=\"_blank\" rel=\"noopener\">Open Badges 3.0</a></li>");
			}
			html.append("</ul>");
		}
		if (!wallet.competencies().isEmpty()) {
			html.append("<h2>Competencies</h2><ul>");
			for (LearnerWallet.CompetencyTotal competency : wallet.competencies()) {
				html.append("<li>").append(escape(String.valueOf(competency.name()))).append(": ")
					.append(competency.minutes()).append(" min</li>");
			}
			html.append("</ul>");
		}
		if (!wallet.learningPaths().isEmpty()) {
			html.append("<h2>Learning paths</h2><ul>");
			for (LearnerWallet.PathProgress path : wallet.learningPaths()) {
				html.append("<li>").append(escape(String.valueOf(path.name()))).append(": ").append(path.percent())
					.append("%").append(path.completed() ? " (micro degree earned)" : "").append("</li>");
			}
			html.append("</ul>");
		}
		embed(launch, language).ifPresent((url) -> html.append("<h2>In Open Educational Badges</h2><iframe src=\"")
			.append(escape(url))
			.append("\" title=\"My badges in Open Educational Badges\" referrerpolicy=\"no-referrer\"></iframe>"));
		return html.append("</body></html>").toString();
	}

	private Optional<String> embed(VerifiedLaunch launch, String language) {
		try {
			return this.wallets.embedUrl(launch.institution(), launch.lmsUserId(), "badges", language);
		}
		catch (OebReads.OebReadException ex) {
			logger.warn("OEB gave no embed URL for a launch of institution '{}': {}", launch.institution(),
					ex.getMessage());
			return Optional.empty();
		}
	}

	private static String escape(String text) {
		return (text != null) ? HtmlUtils.htmlEscape(text) : "";
	}

}
