package ai.backend.client.internal.files;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Fuzzes {@link TarReader} with arbitrary archive bytes: each member comes with exactly {@code
 * size} data bytes, or reading ends with {@link MalformedTarException}; nothing else is thrown and
 * the reader does not loop. Whole and trickled reads must agree, as must reading every member's data
 * versus letting {@code next()} skip it. Header checksums are fixed up for even-length inputs (see
 * {@link TarFuzzInputs#withChecksums}).
 */
class TarReaderFuzzTest {

  @FuzzTest(maxDuration = "2m")
  void read(byte[] input) {
    byte[] tar = TarFuzzInputs.withChecksums(input);
    Outcome whole = read(new ByteArrayInputStream(tar), false);
    Outcome trickled = read(new TrickleInputStream(tar, Arrays.hashCode(tar)), false);
    assertEquals(whole, trickled, "members must not depend on read boundaries");
    Outcome skipping = read(new ByteArrayInputStream(tar), true);
    if (whole.error == null) {
      assertEquals(
          whole.entries.size(),
          skipping.entries.size(),
          "skipping data must not change the members");
    }
  }

  private record Outcome(List<String> entries, String error) {}

  private static Outcome read(InputStream in, boolean skipData) {
    TarReader r = new TarReader(in);
    List<String> entries = new ArrayList<>();
    try {
      TarReader.Entry e;
      while ((e = r.next()) != null) {
        assertNotNull(e.name());
        assertNotNull(e.linkName());
        assertNotNull(e.mtime());
        assertTrue(e.size() >= 0, "size is never negative");
        if (skipData) {
          entries.add(e.toString());
          continue;
        }
        byte[] data =
            r.data().readAllBytes(); // a size beyond the input ends in MalformedTarException
        assertEquals(e.size(), data.length, "a member's data is exactly its size");
        entries.add(e + "|" + Arrays.hashCode(data));
      }
      assertEquals(null, r.next(), "the end stays the end");
      return new Outcome(entries, null);
    } catch (MalformedTarException e) {
      return new Outcome(entries, e.getMessage());
    } catch (IOException e) {
      throw new AssertionError("only MalformedTarException is documented", e);
    }
  }
}
