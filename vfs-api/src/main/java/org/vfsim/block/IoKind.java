package org.vfsim.block;

/** Whether a request carries file data or filesystem metadata, for write-amplification accounting. */
public enum IoKind { DATA, METADATA }
