package org.oeb.bridge.common.batches;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Reads an operator's list of recipients, from CSV text or a JSON array, into the valid
 * recipients and the rows that are not, each by its line in the file (or its position in the
 * array, from 1). A recipient listed twice is kept once, at their first line.
 */
final class RecipientList {

	private static final Pattern EMAIL = Pattern.compile("[a-z0-9!#$%&'*+/=?^_`{|}~-]+(\\.[a-z0-9!#$%&'*+/=?^_`{|}~-]+)*"
			+ "@[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?(\\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)+");

	private static final int MAX_EMAIL = 254;

	private final int maxRows;

	private final int maxNameLength;

	RecipientList(int maxRows, int maxNameLength) {
		this.maxRows = maxRows;
		this.maxNameLength = maxNameLength;
	}

	/** CSV with a header {@code email,name} (in either order, any case; more columns are ignored). */
	Parsed fromCsv(String text) {
		List<Problem> problems = new ArrayList<>();
		List<CsvRow> rows = new ArrayList<>();
		for (CsvRow row : tokenize(text, problems)) {
			if (row.fields().stream().anyMatch((field) -> !field.isBlank())) {
				rows.add(row);
			}
		}
		if (rows.isEmpty()) {
			throw new Refused("the CSV holds no rows; it starts with the header email,name");
		}
		Columns columns = columns(rows.get(0));
		List<CsvRow> data = rows.subList(columns.header() ? 1 : 0, rows.size());
		requireRowLimit(data.size());
		Accepting accepting = new Accepting(problems);
		for (CsvRow row : data) {
			int needed = Math.max(columns.email(), columns.name());
			if (row.fields().size() <= needed) {
				accepting.problem(row.line(), "the row has " + row.fields().size() + " column(s); 'email' and 'name' "
						+ "are needed");
				continue;
			}
			accepting.accept(row.line(), row.fields().get(columns.email()), row.fields().get(columns.name()));
		}
		return accepting.parsed();
	}

	/** A JSON array of {@code {"email": "…", "name": "…"}}; a recipient's line is their position, from 1. */
	Parsed fromJson(List<?> items) {
		if (items.isEmpty()) {
			throw new Refused("recipients is empty");
		}
		requireRowLimit(items.size());
		Accepting accepting = new Accepting(new ArrayList<>());
		for (int i = 0; i < items.size(); i++) {
			int line = i + 1;
			if (!(items.get(i) instanceof Map<?, ?> item)) {
				accepting.problem(line, "recipients[" + i + "] is not an object {\"email\": …, \"name\": …}");
				continue;
			}
			Object email = item.get("email");
			Object name = item.get("name");
			if (email != null && !(email instanceof String)) {
				accepting.problem(line, "recipients[" + i + "].email is not a string");
			}
			else if (name != null && !(name instanceof String)) {
				accepting.problem(line, "recipients[" + i + "].name is not a string");
			}
			else {
				accepting.accept(line, (String) email, (String) name);
			}
		}
		return accepting.parsed();
	}

	private void requireRowLimit(int rows) {
		if (rows > this.maxRows) {
			throw new Refused("the list has " + rows + " rows; at most " + this.maxRows + " are accepted in one "
					+ "submission (bridge.batches.max-rows): split it and submit the parts under the same batch id");
		}
	}

	private static Columns columns(CsvRow first) {
		int email = -1;
		int name = -1;
		for (int i = 0; i < first.fields().size(); i++) {
			String cell = first.fields().get(i).trim().toLowerCase(Locale.ROOT);
			if ((cell.equals("email") || cell.equals("e-mail")) && email < 0) {
				email = i;
			}
			else if (cell.equals("name") && name < 0) {
				name = i;
			}
		}
		if (email >= 0 && name >= 0) {
			return new Columns(true, email, name);
		}
		if (email >= 0 || name >= 0) {
			throw new Refused("line " + first.line() + ": the header has no '" + ((email < 0) ? "email" : "name")
					+ "' column; it must name both, e.g. email,name");
		}
		throw new Refused("line " + first.line() + ": the first line must be the header email,name (in either "
				+ "order)");
	}

	/**
	 * Splits CSV into rows (RFC 4180: quoted fields may hold commas, line breaks and doubled
	 * quotes), each with the line it starts on; a UTF-8 byte-order mark is skipped, and CRLF, LF
	 * and CR all end a line.
	 */
	static List<CsvRow> tokenize(String text, List<Problem> problems) {
		List<CsvRow> rows = new ArrayList<>();
		List<String> fields = new ArrayList<>();
		StringBuilder field = new StringBuilder();
		boolean inQuotes = false;
		boolean quotedField = false;
		int line = 1;
		int rowLine = 1;
		int i = (!text.isEmpty() && text.charAt(0) == '\uFEFF') ? 1 : 0;
		while (i < text.length()) {
			char c = text.charAt(i);
			boolean crlf = c == '\r' && i + 1 < text.length() && text.charAt(i + 1) == '\n';
			if (inQuotes) {
				if (c == '"' && i + 1 < text.length() && text.charAt(i + 1) == '"') {
					field.append('"');
					i += 2;
				}
				else if (c == '"') {
					inQuotes = false;
					i++;
				}
				else if (c == '\n' || c == '\r') {
					field.append('\n');
					line++;
					i += crlf ? 2 : 1;
				}
				else {
					field.append(c);
					i++;
				}
			}
			else if (c == '"' && !quotedField && field.toString().isBlank()) {
				field.setLength(0);
				inQuotes = true;
				quotedField = true;
				i++;
			}
			else if (c == ',') {
				fields.add(field.toString());
				field.setLength(0);
				quotedField = false;
				i++;
			}
			else if (c == '\n' || c == '\r') {
				fields.add(field.toString());
				rows.add(new CsvRow(rowLine, List.copyOf(fields)));
				fields.clear();
				field.setLength(0);
				quotedField = false;
				line++;
				rowLine = line;
				i += crlf ? 2 : 1;
			}
			else {
				field.append(c);
				i++;
			}
		}
		if (inQuotes) {
			problems.add(new Problem(rowLine, "a quoted field opened here is never closed; the rest of the file "
					+ "was not read"));
		}
		else if (!fields.isEmpty() || field.length() > 0) {
			fields.add(field.toString());
			rows.add(new CsvRow(rowLine, List.copyOf(fields)));
		}
		return rows;
	}

	/** Collects valid recipients and problems, and keeps each recipient once. */
	private final class Accepting {

		private final List<Recipient> recipients = new ArrayList<>();

		private final List<Problem> problems;

		private final Map<String, Integer> lineOf = new HashMap<>();

		Accepting(List<Problem> problems) {
			this.problems = problems;
		}

		void problem(int line, String error) {
			this.problems.add(new Problem(line, error));
		}

		void accept(int line, String rawEmail, String rawName) {
			String email = (rawEmail != null) ? rawEmail.trim().toLowerCase(Locale.ROOT) : "";
			String name = (rawName != null) ? rawName.trim() : "";
			if (email.isEmpty()) {
				problem(line, "the e-mail is empty");
			}
			else if (email.length() > MAX_EMAIL || !EMAIL.matcher(email).matches()) {
				problem(line, "the e-mail is not a valid address");
			}
			else if (name.isEmpty()) {
				problem(line, "the name is empty (OEB's certificate shows it)");
			}
			else if (name.codePointCount(0, name.length()) > RecipientList.this.maxNameLength) {
				problem(line, "the name is longer than " + RecipientList.this.maxNameLength + " characters");
			}
			else if (name.chars().anyMatch(Character::isISOControl)) {
				problem(line, "the name contains a line break or another control character");
			}
			else if (this.lineOf.containsKey(email)) {
				problem(line, "duplicate of line " + this.lineOf.get(email) + " (same e-mail)");
			}
			else {
				this.lineOf.put(email, line);
				this.recipients.add(new Recipient(line, email, name));
			}
		}

		Parsed parsed() {
			List<Problem> sorted = new ArrayList<>(this.problems);
			sorted.sort(java.util.Comparator.comparingInt(Problem::line));
			return new Parsed(List.copyOf(this.recipients), List.copyOf(sorted));
		}

	}

	/** One recipient: e-mail trimmed and lower-cased, name trimmed. */
	record Recipient(int line, String email, String name) {
	}

	/** A row that is not a recipient, and why. */
	record Problem(int line, String error) {
	}

	/** What a list holds. */
	record Parsed(List<Recipient> recipients, List<Problem> problems) {
	}

	record CsvRow(int line, List<String> fields) {
	}

	private record Columns(boolean header, int email, int name) {
	}

	/** The whole list is refused: no header, too many rows, an empty list. */
	static final class Refused extends RuntimeException {

		Refused(String message) {
			super(message);
		}

	}

}
