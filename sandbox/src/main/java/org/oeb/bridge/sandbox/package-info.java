/** The local sandbox: the whole bridge on one machine against simulated OEB and Moodle. */
package org.oeb.bridge.sandbox;
