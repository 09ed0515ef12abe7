/** Test fixtures shared by every module: fakes of the external systems that behave like the real ones. */
package org.oeb.bridge.testing;
