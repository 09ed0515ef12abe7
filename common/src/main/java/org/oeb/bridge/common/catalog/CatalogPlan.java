package org.oeb.bridge.common.catalog;

import java.util.List;

/**
 * What an apply would do to OEB, or did: one change per badge class and learning path.
 *
 * @param institution the institution
 * @param issuer its OEB issuer
 * @param changes in the order an apply makes them
 */
public record CatalogPlan(String institution, String issuer, List<Change> changes) {

	/** Whether an apply would change anything in OEB or in what the bridge records. */
	public boolean hasChanges() {
		return this.changes.stream().anyMatch((change) -> change.action().changes());
	}

	/**
	 * One badge class or learning path.
	 *
	 * @param kind {@code badge} or {@code learning-path}
	 * @param key its catalog key
	 * @param action what happens to it
	 * @param entityId its OEB entityId, when known
	 * @param fields for an update, what changes field by field
	 * @param note why, in words, where the action alone does not say it
	 * @param outcome after an apply: {@code done}, {@code failed: …} or {@code unknown: …}
	 */
	public record Change(String kind, String key, Action action, String entityId, List<FieldChange> fields,
			String note, String outcome) {

		Change withOutcome(String outcome) {
			return new Change(this.kind, this.key, this.action, this.entityId, this.fields, this.note, outcome);
		}

		Change withEntityId(String entityId) {
			return new Change(this.kind, this.key, this.action, entityId, this.fields, this.note, this.outcome);
		}

	}

	/**
	 * One field that differs.
	 *
	 * @param field the OEB field
	 * @param from what OEB holds
	 * @param to what the catalog says
	 */
	public record FieldChange(String field, Object from, Object to) {
	}

	/** What happens to one badge class or learning path. */
	public enum Action {

		/** Created in OEB. */
		CREATE(true),
		/** Edited in OEB, field by field. */
		UPDATE(true),
		/** OEB holds it as the catalog says. */
		UNCHANGED(false),
		/** Removed from the catalog, with active awards: kept in OEB, no longer used. */
		RETIRE(true),
		/** Retired earlier and still with active awards. */
		RETIRED(false),
		/** Removed from the catalog and without active awards: deleted in OEB. */
		DELETE(true),
		/** A learning path removed from the catalog that awarded micro degrees: archived in OEB. */
		ARCHIVE(true),
		/** Archived earlier. */
		ARCHIVED(false),
		/** Gone from OEB already: the bridge forgets it. */
		FORGET(true),
		/** A create whose answer was lost may still be stored by OEB: wait before looking it up. */
		WAIT(false),
		/** OEB could not be read, or the change depends on one that failed. */
		BLOCKED(false);

		private final boolean changes;

		Action(boolean changes) {
			this.changes = changes;
		}

		public boolean changes() {
			return this.changes;
		}

	}

}
