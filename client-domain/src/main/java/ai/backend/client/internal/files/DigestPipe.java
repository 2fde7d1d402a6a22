package ai.backend.client.internal.files;

import java.io.Closeable;
import java.io.InterruptedIOException;
import java.security.MessageDigest;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;

/**
 * Feeds a {@link MessageDigest} on a thread of its own while the caller goes on receiving: SHA-256
 * costs about as much CPU as receiving and writing a download from a near-by server (1.5 GiB/s
 * against 1 GiB/s here), so hashing in line made downloads up to a third slower. The caller fills
 * the pipe's few buffers in turn ({@link #buffer()}, {@link #submit}); when the hasher is behind it
 * waits, so memory stays at {@code buffers × size}. {@link #close()} returns once every submitted byte
 * is in the digest, also after a failure, so a resumed download can count on it.
 */
final class DigestPipe implements Closeable {
  private static final byte[] END = new byte[0];

  private final MessageDigest digest;
  private final BlockingQueue<byte[]> free;
  private final BlockingQueue<Object[]> full;
  private final Thread hasher;
  private boolean closed;

  DigestPipe(MessageDigest digest, int buffers, int size) {
    this.digest = digest;
    this.free = new ArrayBlockingQueue<>(buffers);
    this.full = new ArrayBlockingQueue<>(buffers + 1);
    for (int i = 0; i < buffers; i++) {
      free.add(new byte[size]);
    }
    hasher = new Thread(this::hash, "backend.ai-digest");
    hasher.setDaemon(true);
    hasher.start();
  }

  /** A buffer to fill, waiting while all of them are queued for hashing. */
  byte[] buffer() throws InterruptedIOException {
    try {
      return free.take();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new InterruptedIOException("interrupted while waiting for the digest");
    }
  }

  /** Queues the first {@code n} bytes of {@code buf} (from {@link #buffer()}) for the digest. */
  void submit(byte[] buf, int n) {
    full.add(new Object[] {buf, n}); // never full: at most `buffers` are out, plus END
  }

  /** Gives a buffer from {@link #buffer()} back unused. */
  void release(byte[] buf) {
    free.add(buf);
  }

  private void hash() {
    while (true) {
      Object[] item;
      try {
        item = full.take();
      } catch (InterruptedException e) {
        return; // not interrupted by this class; close() would then wait in vain, so it does not
      }
      byte[] buf = (byte[]) item[0];
      if (buf == END) {
        return;
      }
      digest.update(buf, 0, (int) item[1]);
      free.add(buf);
    }
  }

  /** Waits until everything submitted is hashed (uninterruptibly: at most a few buffers' worth). */
  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    full.add(new Object[] {END, 0});
    boolean interrupted = false;
    while (hasher.isAlive()) {
      try {
        hasher.join();
      } catch (InterruptedException e) {
        interrupted = true;
      }
    }
    if (interrupted) {
      Thread.currentThread().interrupt();
    }
  }
}
