package ai.backend.client.internal.files;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.backend.client.ProgressListener;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Range resume logic against a scripted source: what it asks for, what ends up on disk. */
class RangeDownloadTest {
  private static final Retry RETRY = new Retry(true, 3, Duration.ofMillis(1), Duration.ofMillis(2));

  @TempDir
  Path dir;

  static byte[] content(int n) {
    byte[] b = new byte[n];
    new Random(42).nextBytes(b);
    return b;
  }

  static byte[] sha(byte[] b) throws Exception {
    return MessageDigest.getInstance("SHA-256").digest(b);
  }

  /** Serves {@code content} with ETag {@code etag}; the first {@code cuts} bodies break after {@code cutAfter} bytes. */
  static class Source implements RangeDownload.Source {
    byte[] content;
    String etag;
    int cuts;
    final int cutAfter;
    final List<String> log = new ArrayList<>();

    Source(byte[] content, String etag, int cuts, int cutAfter) {
      this.content = content;
      this.etag = etag;
      this.cuts = cuts;
      this.cutAfter = cutAfter;
    }

    @Override
    public RangeDownload.Reply get(long from, String validator) {
      log.add("GET " + from + " " + validator);
      boolean partial = from > 0 && (validator == null || validator.equals(etag));
      if (partial && from >= content.length) {
        return new RangeDownload.Reply(416, 0, null, null, InputStream.nullInputStream());
      }
      int start = partial ? (int) from : 0;
      byte[] slice = Arrays.copyOfRange(content, start, content.length);
      InputStream body = new ByteArrayInputStream(slice);
      if (cuts > 0) {
        cuts--;
        body = cut(body, cutAfter);
      }
      return new RangeDownload.Reply(
          partial ? 206 : 200,
          slice.length,
          partial ? "bytes " + start + "-" + (content.length - 1) + "/" + content.length : null,
          etag,
          body);
    }
  }

  static InputStream cut(InputStream in, int after) {
    return new InputStream() {
      int n;

      @Override
      public int read() throws IOException {
        if (n >= after) {
          throw new IOException("connection reset");
        }
        n++;
        return in.read();
      }

      @Override
      public int read(byte[] b, int off, int len) throws IOException {
        if (n >= after) {
          throw new IOException("connection reset");
        }
        int r = in.read(b, off, Math.min(len, after - n));
        n += Math.max(r, 0);
        return r;
      }
    };
  }

  private RangeDownload.Outcome run(Source s, Path part, MessageDigest md) throws IOException {
    return RangeDownload.run(
        s, part, RETRY, new TusUploadTest.Waits(), () -> false, ProgressListener.NONE, md);
  }

  @Test
  void resumesWithRangeAndIfRangeAfterACut() throws Exception {
    byte[] data = content(300_000);
    Source s = new Source(data, "\"v1\"", 2, 100_000);
    Path part = dir.resolve("f.part");
    MessageDigest md = MessageDigest.getInstance("SHA-256");
    RangeDownload.Outcome out = run(s, part, md);
    assertEquals(new RangeDownload.Outcome(300_000, 2), out);
    assertEquals(List.of("GET 0 null", "GET 100000 \"v1\"", "GET 200000 \"v1\""), s.log);
    assertArrayEquals(data, Files.readAllBytes(part));
    assertArrayEquals(sha(data), md.digest());
    assertFalse(Files.exists(RangeDownload.validatorFile(part)));
  }

  @Test
  void aChangedFileStartsOver() throws Exception {
    byte[] data = content(50_000);
    Source s = new Source(data, "\"v1\"", 1, 20_000) {
      @Override
      public RangeDownload.Reply get(long from, String validator) {
        if (from > 0) { // the file changed on the server between the attempts
          content = content(40_000);
          content[0] ^= 1;
          etag = "\"v2\"";
        }
        return super.get(from, validator);
      }
    };
    Path part = dir.resolve("g.part");
    MessageDigest md = MessageDigest.getInstance("SHA-256");
    assertEquals(40_000, run(s, part, md).size());
    assertEquals(List.of("GET 0 null", "GET 20000 \"v1\""), s.log);
    assertArrayEquals(s.content, Files.readAllBytes(part));
    assertArrayEquals(sha(s.content), md.digest());
  }

  @Test
  void aLaterCallResumesTheLeftoverPart() throws Exception {
    byte[] data = content(80_000);
    Path part = dir.resolve("h.part");
    Retry noResume = new Retry(true, 0, Duration.ZERO, Duration.ZERO);
    Source first = new Source(data, "\"e\"", 1, 30_000);
    assertThrows(
        IOException.class,
        () -> RangeDownload.run(
            first,
            part,
            noResume,
            new TusUploadTest.Waits(),
            () -> false,
            ProgressListener.NONE,
            MessageDigest.getInstance("SHA-256")));
    assertEquals(30_000, Files.size(part));
    assertTrue(Files.exists(RangeDownload.validatorFile(part)));

    Source second = new Source(data, "\"e\"", 0, 0);
    MessageDigest md = MessageDigest.getInstance("SHA-256");
    RangeDownload.Outcome out = run(second, part, md);
    assertEquals(List.of("GET 30000 \"e\""), second.log);
    assertEquals(1, out.resumes());
    assertArrayEquals(data, Files.readAllBytes(part));
    assertArrayEquals(sha(data), md.digest()); // the leftover part was hashed too
  }

  @Test
  void aLeftoverPartWithoutValidatorIsDiscarded() throws Exception {
    byte[] data = content(10_000);
    Path part = dir.resolve("i.part");
    Files.write(part, new byte[] {1, 2, 3});
    Source s = new Source(data, null, 0, 0);
    run(s, part, MessageDigest.getInstance("SHA-256"));
    assertEquals(List.of("GET 0 null"), s.log);
    assertArrayEquals(data, Files.readAllBytes(part));
  }

  @Test
  void aCompletePartAnswered416StartsOver() throws Exception {
    byte[] data = content(1_000);
    Path part = dir.resolve("j.part");
    Files.write(part, data);
    Files.writeString(RangeDownload.validatorFile(part), "\"e\"");
    Source s = new Source(data, "\"e\"", 0, 0);
    MessageDigest md = MessageDigest.getInstance("SHA-256");
    assertEquals(1_000, run(s, part, md).size());
    assertEquals(List.of("GET 1000 \"e\"", "GET 0 null"), s.log);
    assertArrayEquals(sha(data), md.digest());
  }

  @Test
  void giveUpAfterTheBudgetAndKeepThePart() throws Exception {
    byte[] data = content(10_000);
    Source s = new Source(data, "\"e\"", 100, 0); // never a byte
    Path part = dir.resolve("k.part");
    assertThrows(IOException.class, () -> run(s, part, MessageDigest.getInstance("SHA-256")));
    assertEquals(4, s.log.size()); // the first attempt and 3 retries
  }

  @Test
  void cancellationEndsWithInterruptedIo() throws Exception {
    Source s = new Source(content(10_000), "\"e\"", 0, 0);
    assertThrows(
        InterruptedIOException.class,
        () -> RangeDownload.run(
            s,
            dir.resolve("l.part"),
            RETRY,
            new TusUploadTest.Waits(),
            () -> true,
            ProgressListener.NONE,
            MessageDigest.getInstance("SHA-256")));
  }

  @Test
  void parsesContentRange() {
    assertArrayEquals(new long[] {5, 9, 10}, RangeDownload.parseRange("bytes 5-9/10"));
    assertArrayEquals(new long[] {5, 9, -1}, RangeDownload.parseRange("bytes 5-9/*"));
    assertEquals(null, RangeDownload.parseRange("items 1-2/3"));
  }
}
