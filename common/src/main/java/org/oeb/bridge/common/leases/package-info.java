/** Leases in Redis that give one replica at a time a piece of work, renewed while it runs. */
package org.oeb.bridge.common.leases;
