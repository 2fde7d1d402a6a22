package ai.backend.client.internal.files;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.Objects;

/** Counts the bytes read (and skipped) through it and reports them to a {@link TransferListener}. */
public final class ProgressInputStream extends FilterInputStream {
  private final TransferListener listener;
  private final long total;
  private long transferred;

  /**
   * @param in the stream to count
   * @param total the expected number of bytes, or {@code -1} when unknown
   * @param listener told after every read that returned data
   */
  public ProgressInputStream(InputStream in, long total, TransferListener listener) {
    super(Objects.requireNonNull(in, "in"));
    this.total = total;
    this.listener = listener == null ? TransferListener.NONE : listener;
  }

  /** Bytes read or skipped so far. */
  public long transferred() {
    return transferred;
  }

  @Override
  public int read() throws IOException {
    int b = in.read();
    if (b >= 0) {
      advance(1);
    }
    return b;
  }

  @Override
  public int read(byte[] b, int off, int len) throws IOException {
    int n = in.read(b, off, len);
    if (n > 0) {
      advance(n);
    }
    return n;
  }

  @Override
  public long skip(long n) throws IOException {
    long skipped = in.skip(n);
    if (skipped > 0) {
      advance(skipped);
    }
    return skipped;
  }

  // Re-reading after reset() would double-count, so marks are not offered.
  @Override
  public boolean markSupported() {
    return false;
  }

  @Override
  public synchronized void mark(int readlimit) {}

  @Override
  public synchronized void reset() throws IOException {
    throw new IOException("mark/reset not supported");
  }

  private void advance(long n) {
    transferred += n;
    listener.onProgress(transferred, total);
  }
}
