package org.oeb.bridge.common.awards;

import java.util.Optional;

/** Finds the OEB badge class a rule names by its badge-catalog key; the catalog implements it. */
@FunctionalInterface
public interface CatalogBadges {

	/** None configured: no key names a badge class. */
	CatalogBadges NONE = (institution, key) -> Optional.empty();

	/** The badge class of {@code key}, once the catalog was applied; empty before. */
	Optional<String> badgeClass(String institution, String key);

}
