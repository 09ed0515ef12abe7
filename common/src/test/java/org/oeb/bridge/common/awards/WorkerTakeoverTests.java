package org.oeb.bridge.common.awards;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.oeb.bridge.common.AwardsTestApplication;
import org.oeb.bridge.testing.FakeOeb;

import org.springframework.boot.WebApplicationType;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** A connector replica that dies in the middle of an issue call leaves its job to another. */
class WorkerTakeoverTests {

	private static final String REDIS_PREFIX = "test-takeover-" + UUID.randomUUID();

	private static final FakeOeb oeb = FakeOeb.start();

	@AfterAll
	static void stopOeb() {
		oeb.close();
	}

	@Test
	void jobOfAWorkerStoppedMidCallIsReclaimedByAnotherInstanceAndIssuedExactlyOnce() {
		PipelineFixture.prepare(oeb);
		// long enough that the first replica is gone before OEB answers it
		oeb.issueDelay(Duration.ofSeconds(4));
		String user = "takeover-" + UUID.randomUUID().toString().substring(0, 8);
		String email = user + "@uni-a.example";

		ConfigurableApplicationContext dying = engine();
		dying.getBean(AwardEngine.class).observe(PipelineFixture.completed("uni-a", "42", user, email));
		await().atMost(Duration.ofSeconds(10)).until(() -> oeb.issueCallsFor(email).size() == 1);
		dying.close();
		oeb.issueDelay(Duration.ZERO);

		try (ConfigurableApplicationContext survivor = engine()) {
			AwardLedger ledger = survivor.getBean(AwardLedger.class);
			await().atMost(Duration.ofSeconds(30))
				.untilAsserted(() -> assertThat(ledger.award("uni-a", "course-42", user)).containsEntry("state", "issued"));

			Map<String, String> award = ledger.award("uni-a", "course-42", user);
			assertThat(oeb.issueCallsFor(email)).hasSize(1);
			assertThat(oeb.assertionsFor(email)).singleElement()
				.satisfies((stored) -> assertThat(stored.entityId()).isEqualTo(award.get("assertion")));
			assertThat(award).containsEntry("issuedBy", "look-up");
		}
	}

	private static ConfigurableApplicationContext engine() {
		Map<String, String> properties = PipelineFixture.properties(oeb, REDIS_PREFIX);
		properties.put("bridge.issuance.request-timeout", "5s");
		properties.put("bridge.issuance.claim-timeout", "6s");
		List<String> args = new ArrayList<>();
		properties.forEach((key, value) -> args.add("--" + key + "=" + value));
		return new SpringApplicationBuilder(AwardsTestApplication.class).web(WebApplicationType.NONE)
			.run(args.toArray(String[]::new));
	}

}
