package ai.backend.client.internal.files;

import ai.backend.client.internal.Sleeper;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.util.function.BooleanSupplier;

/**
 * The client side of a tus 1.0.0 upload whose session the storage proxy already created (spec §9.2):
 * ask the offset with {@code HEAD}, append the rest with {@code PATCH}, and after a broken connection
 * ask again and go on from what the server really has. A 409 (the offset we sent was not the server's)
 * is answered the same way. Failures in a row without progress are bounded by {@link Retry}.
 */
public final class TusUpload {
  private TusUpload() {}

  /** One upload session on the server. */
  public interface Server {
    /** {@code Upload-Offset} as {@code HEAD} reports it. */
    long offset() throws IOException;

    /**
     * {@code PATCH} from {@code offset} to the end of the content.
     *
     * @return the {@code Upload-Offset} the server answered
     * @throws OffsetConflictException on 409
     * @throws IOException when the connection broke or the server failed transiently
     */
    long append(long offset) throws IOException;
  }

  /** The server's offset differs from the one sent (409). */
  public static final class OffsetConflictException extends IOException {
    private static final long serialVersionUID = 1L;

    public OffsetConflictException(String message) {
      super(message);
    }
  }

  /**
   * @param offset the final offset, equal to the size
   * @param resumes how many times the upload went on after a failure
   */
  public record Outcome(long offset, int resumes) {}

  /**
   * Runs the upload to {@code size} bytes.
   *
   * @throws InterruptedIOException when cancelled (the thread's interrupt flag is kept)
   * @throws IOException when the failures in a row exceed the retry budget (the last one)
   */
  public static Outcome run(
      Server server, long size, Retry retry, Sleeper sleeper, BooleanSupplier cancelled)
      throws IOException {
    long offset = -1;
    int failures = 0;
    int resumes = 0;
    long mark = -1; // the highest offset the server confirmed
    while (true) {
      if (cancelled.getAsBoolean() || Thread.currentThread().isInterrupted()) {
        throw new InterruptedIOException("upload cancelled");
      }
      try {
        if (offset < 0) {
          offset = server.offset();
          if (offset > mark) {
            failures = 0; // the broken attempt still moved data: only failures in a row count
          }
        }
        mark = Math.max(mark, offset);
        if (offset >= size) {
          break;
        }
        long before = offset;
        offset = server.append(offset);
        if (offset > before) {
          failures = 0;
          mark = Math.max(mark, offset);
        }
      } catch (IOException e) {
        if (cancelled.getAsBoolean() || isInterrupt(e)) {
          InterruptedIOException c = new InterruptedIOException("upload cancelled");
          c.initCause(e);
          throw c;
        }
        failures++;
        if (!retry.allows(failures)) {
          throw e;
        }
        if (!(e instanceof OffsetConflictException)) {
          pause(sleeper, retry, failures);
        }
        resumes++;
        offset = -1; // ask the server what it has
      }
    }
    if (offset != size) {
      throw new IOException(
          "the server reports " + offset + " bytes of a " + size + "-byte upload");
    }
    return new Outcome(offset, resumes);
  }

  /** An interrupt of the calling thread, not a read timeout (which is also an InterruptedIOException). */
  public static boolean isInterrupt(IOException e) {
    return e instanceof InterruptedIOException && !(e instanceof java.net.SocketTimeoutException)
        || Thread.currentThread().isInterrupted();
  }

  static void pause(Sleeper sleeper, Retry retry, int failures) throws InterruptedIOException {
    try {
      sleeper.sleep(retry.backoff(failures));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new InterruptedIOException("transfer interrupted");
    }
  }
}
