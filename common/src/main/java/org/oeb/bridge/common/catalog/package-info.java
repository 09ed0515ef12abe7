/** The badge catalog: an institution's badge classes and learning paths as reviewed configuration, planned and applied to OEB. */
package org.oeb.bridge.common.catalog;
