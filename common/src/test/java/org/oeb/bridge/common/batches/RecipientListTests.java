package org.oeb.bridge.common.batches;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The recipient lists operators upload, in the shapes spreadsheets and scripts write them. */
class RecipientListTests {

	private final RecipientList list = new RecipientList(10, 20);

	@Test
	void quotedFieldsMayHoldCommasDoubledQuotesAndLineBreaksAndKeepTheirFileLines() {
		RecipientList.Parsed parsed = this.list.fromCsv("""
				email,name
				"Anna@Example.org","Muster, Anna"
				b@example.org,"Bernd ""Bob"" Beispiel"
				c@example.org,"Carla
				Zweizeilig"
				d@example.org,Dora
				""");

		assertThat(parsed.recipients()).containsExactly(
				new RecipientList.Recipient(2, "anna@example.org", "Muster, Anna"),
				new RecipientList.Recipient(3, "b@example.org", "Bernd \"Bob\" Beispiel"),
				new RecipientList.Recipient(6, "d@example.org", "Dora"));
		assertThat(parsed.problems()).containsExactly(
				new RecipientList.Problem(4, "the name contains a line break or another control character"));
	}

	@Test
	void aByteOrderMarkCrlfLinesBlankLinesAndAHeaderInOtherOrderAndCaseAreRead() {
		RecipientList.Parsed parsed = this.list.fromCsv("\uFEFFNAME,Email\r\n\r\nAnna,  A@example.org \r\n\r\nBernd,b@example.org\r\n");
		assertThat(parsed.problems()).isEmpty();
		assertThat(parsed.recipients()).containsExactly(new RecipientList.Recipient(3, "a@example.org", "Anna"),
				new RecipientList.Recipient(5, "b@example.org", "Bernd"));
	}

	@Test
	void aHeaderWithoutTheNameColumnOrNoHeaderAtAllRefusesTheWholeFile() {
		assertThatThrownBy(() -> this.list.fromCsv("email,first name\na@example.org,Anna\n"))
			.isInstanceOf(RecipientList.Refused.class)
			.hasMessageContaining("no 'name' column");
		assertThatThrownBy(() -> this.list.fromCsv("a@example.org,Anna\n"))
			.isInstanceOf(RecipientList.Refused.class)
			.hasMessageContaining("header email,name");
		assertThatThrownBy(() -> this.list.fromCsv("\n\n")).isInstanceOf(RecipientList.Refused.class);
	}

	@Test
	void invalidRowsAreReportedByLineAndTheValidOnesGoOn() {
		RecipientList.Parsed parsed = this.list.fromCsv(String.join("\n", "email,name", "a@example.org", ",Nobody",
				"not-an-address,Nora", "c@example.org," + "x".repeat(21), "a@example.org,Anna again",
				"d@example.org,Dora"));

		assertThat(parsed.recipients()).extracting(RecipientList.Recipient::line).containsExactly(6, 7);
		assertThat(parsed.problems()).extracting(RecipientList.Problem::line).containsExactly(2, 3, 4, 5);
		assertThat(parsed.problems()).extracting(RecipientList.Problem::error)
			.containsExactly("the row has 1 column(s); 'email' and 'name' are needed", "the e-mail is empty",
					"the e-mail is not a valid address", "the name is longer than 20 characters");
		parsed = this.list.fromCsv("email,name\na@example.org,Anna\nA@Example.org ,Anna again\n");
		assertThat(parsed.recipients()).singleElement().extracting(RecipientList.Recipient::line).isEqualTo(2);
		assertThat(parsed.problems()).containsExactly(new RecipientList.Problem(3, "duplicate of line 2 (same e-mail)"));
	}

	@Test
	void aQuotedFieldNeverClosedIsReportedAtTheLineItOpens() {
		RecipientList.Parsed parsed = this.list.fromCsv("email,name\na@example.org,Anna\nb@example.org,\"Bernd\n");

		assertThat(parsed.recipients()).hasSize(1);
		assertThat(parsed.problems()).singleElement().extracting(RecipientList.Problem::line).isEqualTo(3);
	}

	@Test
	void moreRowsThanTheLimitRefuseTheWholeSubmission() {
		StringBuilder csv = new StringBuilder("email,name\n");
		for (int i = 0; i < 11; i++) {
			csv.append("l").append(i).append("@example.org,Learner ").append(i).append('\n');
		}
		assertThatThrownBy(() -> this.list.fromCsv(csv.toString())).isInstanceOf(RecipientList.Refused.class)
			.hasMessageContaining("11 rows; at most 10");
		assertThatThrownBy(() -> this.list.fromJson(java.util.Collections.nCopies(11, Map.of())))
			.isInstanceOf(RecipientList.Refused.class);
	}

	@Test
	void jsonRecipientsAreNumberedByPositionAndWrongTypesNameTheirField() {
		RecipientList.Parsed parsed = this.list.fromJson(List.of(Map.of("email", "a@example.org", "name", "Anna"),
				"b@example.org", Map.of("email", 42, "name", "Zahl"), Map.of("email", "c@example.org", "name", 7)));

		assertThat(parsed.recipients()).containsExactly(new RecipientList.Recipient(1, "a@example.org", "Anna"));
		assertThat(parsed.problems()).extracting(RecipientList.Problem::error)
			.containsExactly("recipients[1] is not an object {\"email\": …, \"name\": …}",
					"recipients[2].email is not a string", "recipients[3].name is not a string");
	}

}
