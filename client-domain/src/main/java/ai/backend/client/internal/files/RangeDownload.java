package ai.backend.client.internal.files;

import ai.backend.client.ProgressListener;
import ai.backend.client.internal.Sleeper;
import java.io.Closeable;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.util.function.BooleanSupplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A resumable download into a {@code .part} file: after a broken connection it asks for {@code
 * Range: bytes=<what is on disk>-} with {@code If-Range: <validator>}, appends on 206 and starts over
 * on 200 (the content changed). The validator (ETag, else Last-Modified) is kept next to the part file
 * ({@code <part>.validator}), so a later call, even from another process, resumes too; without one a
 * leftover part is discarded. Memory use is four 64 KiB buffers (the digest is computed on a
 * thread of its own, {@link DigestPipe}).
 */
public final class RangeDownload {
  private static final int BUFFER = 64 * 1024;
  private static final int PIPE_BUFFERS = 4;
  private static final Pattern CONTENT_RANGE =
      Pattern.compile("bytes\\s+(\\d+)-(\\d+)/(\\d+|\\*)", Pattern.CASE_INSENSITIVE);

  private RangeDownload() {}

  /** Where the bytes come from. */
  public interface Source {
    /**
     * A {@code GET}, with {@code Range: bytes=from-} when {@code from > 0} and {@code If-Range} when
     * {@code validator} is not null. Error statuses other than 416 are reported by throwing (an
     * {@link IOException} for transient ones).
     */
    Reply get(long from, String validator) throws IOException;
  }

  /**
   * An answer.
   *
   * @param status 200, 206 or 416
   * @param contentLength {@code Content-Length}, or -1
   * @param contentRange {@code Content-Range}, or null
   * @param validator the {@code ETag}, else the {@code Last-Modified}, or null
   * @param body the content; closing the reply closes it
   */
  public record Reply(
      int status, long contentLength, String contentRange, String validator, InputStream body)
      implements Closeable {
    @Override
    public void close() throws IOException {
      body.close();
    }
  }

  /**
   * @param size the bytes in the part file at the end
   * @param resumes how many times the download went on after a failure (or a leftover part)
   */
  public record Outcome(long size, int resumes) {}

  /** The side file holding the validator of {@code part}. */
  public static Path validatorFile(Path part) {
    return part.resolveSibling(part.getFileName() + ".validator");
  }

  /**
   * Downloads into {@code part}, feeding every byte of the final content to {@code digest} (a resumed
   * part is read back first). The part and its validator file stay on failure, for a later resume.
   *
   * @throws InterruptedIOException when cancelled
   * @throws IOException when the failures in a row exceed the retry budget, or writing fails
   */
  public static Outcome run(
      Source source,
      Path part,
      Retry retry,
      Sleeper sleeper,
      BooleanSupplier cancelled,
      ProgressListener progress,
      MessageDigest digest)
      throws IOException {
    Path validatorFile = validatorFile(part);
    long have = 0;
    String validator = null;
    int resumes = 0;
    if (retry.resume() && Files.isRegularFile(part) && Files.isRegularFile(validatorFile)) {
      validator = Files.readString(validatorFile, StandardCharsets.UTF_8).strip();
      have = hashPrefix(part, digest);
      if (have > 0) {
        resumes++;
      }
    } else {
      Files.deleteIfExists(part);
      Files.deleteIfExists(validatorFile);
    }
    int failures = 0;
    long total = -1;
    while (true) {
      if (cancelled.getAsBoolean() || Thread.currentThread().isInterrupted()) {
        throw new InterruptedIOException("download cancelled");
      }
      long before = have;
      long[] cell = {have};
      try (Reply r = source.get(have, have > 0 ? validator : null)) {
        if (r.status() == 206 && have > 0) {
          long[] range = parseRange(r.contentRange());
          if (range == null || range[0] != have) {
            throw new IOException("unexpected Content-Range for bytes=" + have + "-: "
                + r.contentRange()); // retried from what is on disk
          }
          total = range[2] >= 0 ? range[2] : r.contentLength() < 0 ? -1 : have + r.contentLength();
        } else if (r.status() == 200 || r.status() == 206) {
          if (have > 0) { // the content changed since the part was written: start over
            digest.reset();
            have = 0;
          }
          total = r.status() == 206 ? rangeTotal(r) : r.contentLength();
        } else if (r.status() == 416) {
          digest.reset();
          have = 0;
          cell[0] = 0;
          validator = null;
          Files.deleteIfExists(validatorFile);
          throw new IOException("the server refused the range; starting over");
        } else {
          throw new IOException("unexpected status " + r.status());
        }
        validator = r.validator();
        if (validator != null) {
          Files.writeString(validatorFile, validator, StandardCharsets.UTF_8);
        } else {
          Files.deleteIfExists(validatorFile);
        }
        cell[0] = have;
        append(r.body(), part, cell, total, digest, progress);
        have = cell[0];
        if (total >= 0 && have < total) {
          throw new EOFException("the connection ended after " + have + " of " + total + " bytes");
        }
        if (total >= 0 && have > total) {
          throw new IOException("received " + have + " bytes of a " + total + "-byte file");
        }
        break;
      } catch (IOException e) {
        if (cell[0] > have) {
          have = cell[0]; // what reached the part file (and the digest) before the failure
        }
        if (cancelled.getAsBoolean() || TusUpload.isInterrupt(e)) {
          InterruptedIOException c = new InterruptedIOException("download cancelled");
          c.initCause(e);
          throw c;
        }
        if (have > before) {
          failures = 0;
        }
        failures++;
        if (!retry.allows(failures)) {
          throw e;
        }
        TusUpload.pause(sleeper, retry, failures);
        resumes++;
      }
    }
    Files.deleteIfExists(validatorFile);
    return new Outcome(have, resumes);
  }

  private static long rangeTotal(Reply r) {
    long[] range = parseRange(r.contentRange());
    return range != null && range[2] >= 0 ? range[2] : r.contentLength();
  }

  /** {@code [first, last, total]} of a {@code Content-Range} (total -1 for {@code *}), or null. */
  static long[] parseRange(String contentRange) {
    if (contentRange == null) {
      return null;
    }
    Matcher m = CONTENT_RANGE.matcher(contentRange.strip());
    if (!m.matches()) {
      return null;
    }
    return new long[] {
      Long.parseLong(m.group(1)),
      Long.parseLong(m.group(2)),
      m.group(3).equals("*") ? -1 : Long.parseLong(m.group(3))
    };
  }

  /** Appends at {@code have[0]}, advancing it with every byte written and digested. */
  private static void append(
      InputStream in,
      Path part,
      long[] have,
      long total,
      MessageDigest digest,
      ProgressListener progress)
      throws IOException {
    try (FileChannel out =
        FileChannel.open(part, StandardOpenOption.CREATE, StandardOpenOption.WRITE)) {
      out.truncate(have[0]); // a write cut short or a changed content: nothing past what counts
      out.position(have[0]);
      // closed before `have` is read by the caller: every byte counted is then in the digest
      try (DigestPipe pipe = new DigestPipe(digest, PIPE_BUFFERS, BUFFER)) {
        while (true) {
          byte[] buf = pipe.buffer();
          int n = in.read(buf);
          if (n <= 0) {
            pipe.release(buf);
            break;
          }
          ByteBuffer bb = ByteBuffer.wrap(buf, 0, n);
          while (bb.hasRemaining()) {
            out.write(bb);
          }
          pipe.submit(buf, n);
          have[0] += n;
          progress.onProgress(have[0], total);
        }
      }
    }
  }

  private static long hashPrefix(Path part, MessageDigest digest) throws IOException {
    long n = 0;
    try (InputStream in = Files.newInputStream(part)) {
      byte[] buf = new byte[BUFFER];
      int r;
      while ((r = in.read(buf)) > 0) {
        digest.update(buf, 0, r);
        n += r;
      }
    }
    return n;
  }
}
