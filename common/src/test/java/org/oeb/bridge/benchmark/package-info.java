/** Benchmark harnesses: programs that measure and print, run on demand and never as tests. */
package org.oeb.bridge.benchmark;
