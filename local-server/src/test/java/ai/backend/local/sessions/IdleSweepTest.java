package ai.backend.local.sessions;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.backend.local.engine.KernelLimits;
import ai.backend.local.engine.ProcessExecutionEngine;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class IdleSweepTest {
  /** A clock the test moves by hand. */
  static final class ManualClock extends Clock {
    final AtomicLong millis = new AtomicLong(System.currentTimeMillis());

    @Override
    public ZoneId getZone() {
      return ZoneId.of("UTC");
    }

    @Override
    public Clock withZone(ZoneId zone) {
      return this;
    }

    @Override
    public Instant instant() {
      return Instant.ofEpochMilli(millis.get());
    }
  }

  @Test
  void idleSessionsAreDestroyedAndKeptInHistory() throws Exception {
    ManualClock clock = new ManualClock();
    Path root = Files.createTempDirectory("idle-test");
    try (ProcessExecutionEngine engine = ProcessExecutionEngine.create();
        SessionRegistry reg = new SessionRegistry(
            engine, root, KernelLimits.defaults(), clock, Duration.ofMinutes(10), 5, 10)) {
      Session s = reg.getOrCreate(new SessionSpec(
              "AK", "idle-one", "python", null, null, Map.of(), null, 10, false, true))
          .session();
      List<Long> pids = s.kernel().pids();
      assertEquals(0, reg.sweepIdle());
      clock.millis.addAndGet(Duration.ofMinutes(11).toMillis());
      assertEquals(1, reg.sweepIdle());
      assertEquals(SessionStatus.TERMINATED, s.status());
      assertTrue(reg.find("AK", "idle-one").isEmpty());
      assertEquals("idle-one", reg.list("AK").get(0).name());
      assertFalse(Files.exists(s.workDir()));
      for (long pid : pids) {
        assertFalse(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false));
      }
    }
  }
}
