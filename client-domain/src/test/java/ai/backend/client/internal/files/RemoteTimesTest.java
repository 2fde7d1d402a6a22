package ai.backend.client.internal.files;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import org.junit.jupiter.api.Test;

class RemoteTimesTest {
  @Test
  void v4FloatSeconds() {
    assertEquals(Instant.ofEpochSecond(1544846706, 100_000_000), RemoteTimes.parse("1544846706.1"));
    assertEquals(Instant.ofEpochSecond(1544846706), RemoteTimes.parse("1544846706.0"));
    assertEquals(Instant.ofEpochSecond(1544846706), RemoteTimes.parse("1544846706"));
    assertEquals(
        Instant.ofEpochSecond(1733465665, 123_456_700), RemoteTimes.parse("1733465665.1234567"));
    // what an older local-server (Gson's Double.toString) sent
    assertEquals(
        Instant.ofEpochSecond(1544846706, 100_000_000), RemoteTimes.parse("1.5448467061E9"));
    assertEquals(Instant.ofEpochSecond(-2, 500_000_000), RemoteTimes.parse("-1.5"));
  }

  @Test
  void isoWithAndWithoutOffset() {
    Instant t = Instant.parse("2025-07-22T10:11:12.123456789Z");
    assertEquals(t, RemoteTimes.parse("2025-07-22T10:11:12.123456789Z"));
    assertEquals(t, RemoteTimes.parse("2025-07-22T19:11:12.123456789+09:00"));
    assertEquals(t, RemoteTimes.parse("2025-07-22T10:11:12.123456789"));
  }

  @Test
  void absentOrUnknownIsNull() {
    assertNull(RemoteTimes.parse(null));
    assertNull(RemoteTimes.parse(" "));
    assertNull(RemoteTimes.parse("yesterday"));
    assertNull(RemoteTimes.parse("1e999999999999"));
    assertNull(RemoteTimes.parse("1e999999"));
    assertNull(RemoteTimes.parse("-1e13"));
  }

  @Test
  void sameToTheMicrosecond() {
    Instant t = Instant.ofEpochSecond(1733465665, 123_456_789);
    assertTrue(RemoteTimes.same(Instant.ofEpochSecond(1733465665, 123_456_000), t));
    assertFalse(RemoteTimes.same(Instant.ofEpochSecond(1733465665, 123_457_000), t));
    assertFalse(RemoteTimes.same(Instant.ofEpochSecond(1733465666, 123_456_789), t));
  }
}
