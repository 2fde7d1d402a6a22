package ai.backend.client.internal.files;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import ai.backend.client.internal.Sleeper;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

/** The tus client's decisions against a scripted server: where it resumes, when it gives up. */
class TusUploadTest {
  private static final Retry RETRY =
      new Retry(true, 3, Duration.ofMillis(100), Duration.ofMillis(250));

  /** Records the waits instead of sleeping. */
  static final class Waits implements Sleeper {
    final List<Duration> waits = new ArrayList<>();

    @Override
    public void sleep(Duration d) {
      waits.add(d);
    }

    @Override
    public CompletableFuture<Void> delay(Duration d) {
      waits.add(d);
      return CompletableFuture.completedFuture(null);
    }
  }

  /**
   * A server holding {@code have} bytes; each PATCH stores up to {@code perPatch} bytes and then,
   * while {@code cuts} lasts, the connection breaks after storing {@code cutAfter} of them.
   */
  static class Server implements TusUpload.Server {
    long have;
    final long perPatch;
    int cuts;
    final long cutAfter;
    final List<String> log = new ArrayList<>();
    long size = Long.MAX_VALUE;

    Server(long have, long perPatch, int cuts, long cutAfter) {
      this.have = have;
      this.perPatch = perPatch;
      this.cuts = cuts;
      this.cutAfter = cutAfter;
    }

    @Override
    public long offset() {
      log.add("HEAD " + have);
      return have;
    }

    @Override
    public long append(long offset) throws IOException {
      log.add("PATCH " + offset);
      if (offset != have) {
        throw new TusUpload.OffsetConflictException("409");
      }
      if (cuts > 0) {
        cuts--;
        have += cutAfter;
        throw new IOException("connection reset");
      }
      have = Math.min(size, have + perPatch);
      return have;
    }
  }

  @Test
  void uploadsInChunksFromTheServersOffset() throws IOException {
    Server s = new Server(30, 40, 0, 0);
    Waits w = new Waits();
    TusUpload.Outcome out = TusUpload.run(s, 110, RETRY, w, () -> false);
    assertEquals(new TusUpload.Outcome(110, 0), out);
    assertEquals(List.of("HEAD 30", "PATCH 30", "PATCH 70"), s.log);
    assertEquals(List.of(), w.waits);
  }

  @Test
  void aBrokenConnectionResumesFromWhatTheServerHas() throws IOException {
    Server s = new Server(0, 100, 2, 25);
    s.size = 100;
    Waits w = new Waits();
    TusUpload.Outcome out = TusUpload.run(s, 100, RETRY, w, () -> false);
    assertEquals(2, out.resumes());
    assertEquals(List.of("HEAD 0", "PATCH 0", "HEAD 25", "PATCH 25", "HEAD 50", "PATCH 50"), s.log);
    // progress resets the count of failures in a row: each wait is the first one
    assertEquals(List.of(Duration.ofMillis(100), Duration.ofMillis(100)), w.waits);
  }

  @Test
  void failuresWithoutProgressAreBoundedWithBackoff() {
    Server s = new Server(0, 100, 10, 0);
    Waits w = new Waits();
    IOException e =
        assertThrows(IOException.class, () -> TusUpload.run(s, 100, RETRY, w, () -> false));
    assertEquals("connection reset", e.getMessage());
    assertEquals(
        List.of(Duration.ofMillis(100), Duration.ofMillis(200), Duration.ofMillis(250)), w.waits);
  }

  @Test
  void withoutResumeTheFirstFailureEnds() {
    Server s = new Server(0, 100, 1, 10);
    Retry off = new Retry(false, 3, Duration.ZERO, Duration.ZERO);
    assertThrows(IOException.class, () -> TusUpload.run(s, 100, off, new Waits(), () -> false));
    assertEquals(List.of("HEAD 0", "PATCH 0"), s.log);
  }

  @Test
  void anOffsetConflictAsksAgainWithoutWaiting() throws IOException {
    Server s = new Server(0, 100, 0, 0) {
      boolean once = true;

      @Override
      public long offset() {
        if (once) {
          once = false;
          log.add("HEAD stale");
          return 5; // a stale answer: the PATCH gets 409
        }
        return super.offset();
      }
    };
    Waits w = new Waits();
    TusUpload.run(s, 100, RETRY, w, () -> false);
    assertEquals(List.of("HEAD stale", "PATCH 5", "HEAD 0", "PATCH 0"), s.log);
    assertEquals(List.of(), w.waits);
  }

  @Test
  void anEmptyOrCompleteUploadSendsNothing() throws IOException {
    Server s = new Server(100, 100, 0, 0);
    assertEquals(0, TusUpload.run(s, 100, RETRY, new Waits(), () -> false).resumes());
    assertEquals(List.of("HEAD 100"), s.log);
  }

  @Test
  void aServerAheadOfTheSizeIsAnError() {
    Server s = new Server(120, 100, 0, 0);
    assertThrows(IOException.class, () -> TusUpload.run(s, 100, RETRY, new Waits(), () -> false));
  }

  @Test
  void cancellationStopsBetweenRequests() {
    AtomicBoolean cancelled = new AtomicBoolean();
    Server s = new Server(0, 10, 0, 0) {
      @Override
      public long append(long offset) throws IOException {
        cancelled.set(offset >= 20);
        return super.append(offset);
      }
    };
    assertThrows(
        InterruptedIOException.class,
        () -> TusUpload.run(s, 100, RETRY, new Waits(), cancelled::get));
    assertEquals(30, s.have);
  }
}
