package ai.backend.client.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class ProgressTest {
  @Test
  void lineShowsBytesRateAndTimeLeft() {
    assertEquals(
        "Uploading x [###############               ]  50% 1.0 MiB / 2.0 MiB  512.0 KiB/s  ETA 0:02",
        Progress.line("Uploading x", 1 << 20, 2 << 20, 512 * 1024));
  }

  @Test
  void unknownTotalAndNoRateYet() {
    assertEquals("Downloading 10 B", Progress.line("Downloading", 10, -1, -1));
    assertEquals(
        "Downloading [##############################] 100% 10 B / 10 B  5 B/s",
        Progress.line("Downloading", 10, 10, 5));
  }

  @Test
  void durations() {
    assertEquals("0:59", Progress.duration(59));
    assertEquals("1:01:01", Progress.duration(3661));
    assertEquals("--:--", Progress.duration(1_000_000));
  }
}
