package org.vfsim.block;

/**
 * A simple device cost model: a fixed cost per request, a positioning cost for a request that
 * does not start where the previous one ended (a seek and rotation on a disk), and transfer time
 * at a fixed bandwidth. Crude on purpose: it ranks layouts the way real devices do without
 * pretending to predict absolute times.
 */
public record DiskModel(String name, long perRequestNanos, long positioningNanos,
    long bytesPerSecond) {
  /** A 7200 rpm disk: ~8 ms to reposition, 150 MB/s streaming. */
  public static final DiskModel HDD = new DiskModel("hdd", 0, 8_000_000L, 150_000_000L);
  /** A SATA SSD: no positioning cost, 20 us per request, 500 MB/s. */
  public static final DiskModel SSD = new DiskModel("ssd", 20_000L, 0, 500_000_000L);

  /** Simulated service time of one request. */
  public long costNanos(IoRequest r, int blockSize) {
    if (r.op() == IoRequest.Op.FLUSH || r.op() == IoRequest.Op.DISCARD) {
      return perRequestNanos;
    }
    long bytes = r.nblocks() * blockSize;
    return perRequestNanos + (r.discontiguous() ? positioningNanos : 0)
        + (long) (bytes * 1e9 / bytesPerSecond);
  }

  /** A listener that sums this model's cost over the requests it sees. */
  public Timer timer() {
    return new Timer(this);
  }

  /** Accumulates a model's service time. */
  public static final class Timer implements IoListener {
    private final DiskModel model;
    private long readNanos;
    private long writeNanos;

    Timer(DiskModel model) {
      this.model = model;
    }

    @Override
    public synchronized void onRequest(IoRequest request, int blockSize) {
      long c = model.costNanos(request, blockSize);
      if (request.op() == IoRequest.Op.READ) {
        readNanos += c;
      } else {
        writeNanos += c;
      }
    }

    public synchronized long readNanos() {
      return readNanos;
    }

    public synchronized long writeNanos() {
      return writeNanos;
    }

    public synchronized void reset() {
      readNanos = 0;
      writeNanos = 0;
    }

    public DiskModel model() {
      return model;
    }
  }
}
