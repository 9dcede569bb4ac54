/** Simulated scheduler-side state: the clock, processes, tasks and credentials. */
package org.vfsim.kernel;
