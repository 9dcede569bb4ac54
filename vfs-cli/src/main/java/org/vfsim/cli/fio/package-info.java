/**
 * Reads fio job files, the subset of fio 3.33's options that matters for allocation studies,
 * into immutable {@link org.vfsim.cli.fio.FioJob} values; see {@link org.vfsim.cli.fio.FioJobFile}.
 */
package org.vfsim.cli.fio;
