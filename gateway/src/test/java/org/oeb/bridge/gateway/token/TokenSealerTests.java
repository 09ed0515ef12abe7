package org.oeb.bridge.gateway.token;

import java.time.Instant;
import java.util.Base64;
import java.util.List;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** Tests for {@link TokenSealer}. */
class TokenSealerTests {

	private static final byte[] NEW_KEY = Base64.getDecoder().decode("x5w8r2Yy0G3Q9oJpL1m6cN4vT7bZsE0aK3dF8hU2qWo=");

	private static final byte[] OLD_KEY = Base64.getDecoder().decode("Vb3nM6xZ9kQ2wE5rT8yU1iO4pA7sD0fG3hJ6kL9zX2c=");

	private static final Instant EXPIRY = Instant.parse("2026-12-03T10:00:00Z");

	@Test
	void aSealedTokenDoesNotContainTheTokenAndOpensAgain() {
		TokenSealer sealer = new TokenSealer(List.of(NEW_KEY));

		String sealed = sealer.seal("uni-a", "secret-token-value", EXPIRY);

		assertThat(sealed).doesNotContain("secret-token-value");
		assertThat(sealer.open("uni-a", sealed)).hasValueSatisfying((opened) -> {
			assertThat(opened.token()).isEqualTo("secret-token-value");
			assertThat(opened.expiresAt()).isEqualTo(EXPIRY);
		});
	}

	@Test
	void sealingTwiceGivesDifferentCiphertexts() {
		TokenSealer sealer = new TokenSealer(List.of(NEW_KEY));

		assertThat(sealer.seal("uni-a", "t", EXPIRY)).isNotEqualTo(sealer.seal("uni-a", "t", EXPIRY));
	}

	@Test
	void aTokenSealedWithTheOldKeyStillOpensAfterRotation() {
		String sealedBefore = new TokenSealer(List.of(OLD_KEY)).seal("uni-a", "old-token", EXPIRY);
		TokenSealer rotated = new TokenSealer(List.of(NEW_KEY, OLD_KEY));

		assertThat(rotated.open("uni-a", sealedBefore)).map(TokenSealer.Opened::token).contains("old-token");
		assertThat(rotated.seal("uni-a", "new-token", EXPIRY)).contains("." + TokenSealer.keyId(NEW_KEY) + ".");
	}

	@Test
	void aTokenSealedWithARemovedKeyDoesNotOpen() {
		String sealed = new TokenSealer(List.of(OLD_KEY)).seal("uni-a", "old-token", EXPIRY);

		assertThat(new TokenSealer(List.of(NEW_KEY)).open("uni-a", sealed)).isEmpty();
	}

	@Test
	void aTokenCopiedToAnotherInstitutionDoesNotOpen() {
		TokenSealer sealer = new TokenSealer(List.of(NEW_KEY));
		String sealedForA = sealer.seal("uni-a", "token-of-a", EXPIRY);

		assertThat(sealer.open("uni-b", sealedForA)).isEmpty();
	}

	@Test
	void aTokenWhoseExpiryWasLengthenedDoesNotOpen() {
		TokenSealer sealer = new TokenSealer(List.of(NEW_KEY));
		String sealed = sealer.seal("uni-a", "token", EXPIRY);
		String[] parts = sealed.split("\\.");
		String lengthened = parts[0] + "." + parts[1] + "." + (EXPIRY.toEpochMilli() + 86_400_000L) + "." + parts[3];

		assertThat(sealer.open("uni-a", lengthened)).isEmpty();
	}

	@Test
	void plainOrAlteredValuesDoNotOpen() {
		TokenSealer sealer = new TokenSealer(List.of(NEW_KEY));
		String sealed = sealer.seal("uni-a", "token", EXPIRY);
		char last = sealed.charAt(sealed.length() - 1);
		String altered = sealed.substring(0, sealed.length() - 1) + (last == 'A' ? 'B' : 'A');

		assertThat(sealer.open("uni-a", "plain-token-written-by-someone-else")).isEmpty();
		assertThat(sealer.open("uni-a", altered)).isEmpty();
		assertThat(sealer.open("uni-a", "v1.x.y.z")).isEmpty();
		assertThat(sealer.open("uni-a", "v1." + TokenSealer.keyId(NEW_KEY) + ".12.AAAA")).isEmpty();
	}

}
