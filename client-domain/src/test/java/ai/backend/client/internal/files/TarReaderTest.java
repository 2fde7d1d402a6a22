package ai.backend.client.internal.files;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/** Header fields that the fuzzer found or that sit next to what it found (TarReaderFuzzTest). */
class TarReaderTest {

  @Test
  void base256MtimeBeyondInstantIsMalformed() {
    byte[] h = header("f", '0', 0);
    Arrays.fill(h, 136, 148, (byte) 0);
    h[136] = (byte) 0x80; // base-256: 2^60 seconds, more than an Instant holds
    h[140] = 0x10;
    MalformedTarException e =
        assertThrows(MalformedTarException.class, () -> new TarReader(archive(h)).next());
    assertEquals("tar mtime out of range: " + (1L << 60), e.getMessage());
  }

  @Test
  void paxMtimeWithFractionAndSign() throws Exception {
    assertEquals(Instant.ofEpochSecond(1_700_000_000L, 500_000_000), paxMtime("1700000000.5"));
    assertEquals(Instant.ofEpochSecond(-2, 750_000_000), paxMtime("-1.25"));
    assertEquals(Instant.ofEpochSecond(7), paxMtime("7"));
  }

  @Test
  void hugePaxMtimeIsMalformedAtOnce() {
    // BigDecimal would expand these into a billion digits before noticing
    for (String v :
        new String[] {"1e999999999", "1e-999999999", "99999999999999999999", "1e3", "x"}) {
      assertTimeoutPreemptively(
          Duration.ofSeconds(5),
          () -> assertThrows(MalformedTarException.class, () -> paxMtime(v)),
          v);
    }
  }

  private static Instant paxMtime(String value) throws Exception {
    String rec = " mtime=" + value + "\n";
    int len = rec.length() + 1;
    while (String.valueOf(len).length() + rec.length() != len) {
      len++;
    }
    byte[] records = (len + rec).getBytes(StandardCharsets.UTF_8);
    TarReader r = new TarReader(
        archive(header("pax", 'x', records.length), pad(records), header("f", '0', 0)));
    return r.next().mtime();
  }

  private static byte[] header(String name, char type, long size) {
    byte[] h = new byte[TarReader.BLOCK];
    byte[] n = name.getBytes(StandardCharsets.UTF_8);
    System.arraycopy(n, 0, h, 0, n.length);
    put(h, 100, "0000644");
    put(h, 124, String.format("%011o", size));
    put(h, 136, "00000000000");
    h[156] = (byte) type;
    put(h, 257, "ustar");
    put(h, 263, "00");
    return h;
  }

  private static void put(byte[] h, int off, String s) {
    byte[] b = s.getBytes(StandardCharsets.US_ASCII);
    System.arraycopy(b, 0, h, off, b.length);
  }

  private static byte[] pad(byte[] data) {
    return Arrays.copyOf(
        data, (data.length + TarReader.BLOCK - 1) / TarReader.BLOCK * TarReader.BLOCK);
  }

  /** The blocks, header checksums filled in, then the end-of-archive marker. */
  private static ByteArrayInputStream archive(byte[]... blocks) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (byte[] b : blocks) {
      out.writeBytes(b);
    }
    out.writeBytes(new byte[2 * TarReader.BLOCK]);
    return new ByteArrayInputStream(TarFuzzInputs.withChecksums(out.toByteArray()));
  }
}
