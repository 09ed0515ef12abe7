package org.oeb.bridge.gateway.access;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;

/** Tests for {@link CanonicalPaths}. */
class CanonicalPathsTests {

	@ParameterizedTest
	@ValueSource(strings = { "/oeb/uni-b/v2/badgeclasses/Qs4bN3yTQoa5xNmY1aV0gw/assertions",
			"/oeb/uni-b/v3/issuer/learners-badges/", "/oeb/uni-b", "/", "/oeb/uni-b/v2/issuers",
			"/oeb/uni-b/v2/badgeclasses/a_b-C~d.e" })
	void acceptsPathsThatReadTheSameToEveryParser(String path) {
		assertThat(CanonicalPaths.problem(path)).isEmpty();
	}

	@ParameterizedTest
	@ValueSource(strings = { "/oeb/uni%2Db/v2/issuers", "/%6Feb/uni-b/v2/issuers", "/oeb/uni-b/v2/%69ssuers",
			"/oeb%2Funi-b/v2/issuers", "/oeb%2funi-b/v2/issuers", "/oeb/uni-a/%2e%2e/uni-b/v2/issuers",
			"/oeb/uni-b/v2/issuers%00", "/oeb%5Cuni-b/v2/issuers", "/oeb/uni-b/v2/issuers%3Bx" })
	void refusesPercentEncodingInAnyForm(String path) {
		assertThat(CanonicalPaths.problem(path)).hasValueSatisfying((problem) -> assertThat(problem).contains("percent"));
	}

	@ParameterizedTest
	@ValueSource(strings = { "/oeb\\uni-b/v2/issuers", "/oeb/uni-b\\v2/issuers", "\\oeb/uni-b/v2/issuers" })
	void refusesBackslashes(String path) {
		assertThat(CanonicalPaths.problem(path)).isPresent();
	}

	@ParameterizedTest
	@ValueSource(strings = { "/oeb;x=1/uni-b/v2/issuers", "/oeb/uni-b;v=2/v2/issuers", "/oeb/uni-b/v2/issuers;jsessionid=1",
			"/;/oeb/uni-b/v2/issuers" })
	void refusesMatrixParameters(String path) {
		assertThat(CanonicalPaths.problem(path)).hasValueSatisfying((problem) -> assertThat(problem).contains("';'"));
	}

	@ParameterizedTest
	@ValueSource(strings = { "/oeb/./uni-b/v2/issuers", "/oeb/uni-a/../uni-b/v2/issuers", "/oeb/uni-b/v2/issuers/..",
			"/./oeb/uni-b/v2/issuers", "/oeb/uni-b/v2/issuers/." })
	void refusesDotSegments(String path) {
		assertThat(CanonicalPaths.problem(path)).hasValueSatisfying((problem) -> assertThat(problem).contains("dot"));
	}

	@ParameterizedTest
	@ValueSource(strings = { "//oeb/uni-b/v2/issuers", "/oeb//uni-b/v2/issuers", "/oeb/uni-b//v2/issuers",
			"/oeb/uni-b/v2//issuers", "/oeb/uni-b/v2/issuers//" })
	void refusesEmptySegments(String path) {
		assertThat(CanonicalPaths.problem(path)).hasValueSatisfying((problem) -> assertThat(problem).contains("empty"));
	}

	@ParameterizedTest
	@ValueSource(strings = { "/OEB/uni-b/v2/issuers", "/Oeb/uni-b/v2/issuers", "/oEb/uni-b/v2/issuers",
			"/oeb/UNI-B/v2/issuers", "/oeb/Uni-b/v2/issuers" })
	void refusesTheRoutePrefixOrInstitutionInAnotherCase(String path) {
		assertThat(CanonicalPaths.problem(path)).hasValueSatisfying((problem) -> assertThat(problem).contains("lower case"));
	}

	@ParameterizedTest
	@ValueSource(strings = { "/oeb/uni-b/v2/issuers\u0000", "/oeb/uni-b/v2/iss uers", "/oeb/uni-b/v2/issüers",
			"/oeb/uni-b/v2/issuers\t", "/oeb/uni-b/v2/{x}", "/oeb/uni-b/v2/a|b", "/oeb/uni-b/v2/a\"b" })
	void refusesCharactersOutsideTheUriPathAlphabet(String path) {
		assertThat(CanonicalPaths.problem(path)).hasValueSatisfying((problem) -> assertThat(problem).contains("U+"));
	}

	@ParameterizedTest
	@ValueSource(strings = { "", "oeb/uni-b/v2/issuers", "*" })
	void refusesPathsThatDoNotStartWithASlash(String path) {
		assertThat(CanonicalPaths.problem(path)).isPresent();
	}

}
