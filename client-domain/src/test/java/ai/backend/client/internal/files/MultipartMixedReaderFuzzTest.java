package ai.backend.client.internal.files;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * Fuzzes {@link MultipartMixedReader} (the session download body) with an arbitrary Content-Type
 * (the input's first line) and body (the rest): it either returns parts or throws {@link
 * MalformedMultipartException}, never another exception, and never loops. Reading whole and
 * trickled, and reading every part versus skipping every other one, must agree on what is read.
 */
class MultipartMixedReaderFuzzTest {

  @FuzzTest(maxDuration = "2m")
  void read(byte[] input) {
    int nl = indexOf(input, (byte) '\n');
    String contentType =
        new String(input, 0, nl < 0 ? input.length : nl, StandardCharsets.ISO_8859_1);
    byte[] body = nl < 0 ? new byte[0] : Arrays.copyOfRange(input, nl + 1, input.length);
    Outcome whole = read(contentType, new ByteArrayInputStream(body), false);
    Outcome trickled =
        read(contentType, new TrickleInputStream(body, Arrays.hashCode(body)), false);
    assertEquals(whole, trickled, "parts must not depend on read boundaries");
    Outcome skipping = read(contentType, new ByteArrayInputStream(body), true);
    if (whole.error == null) {
      assertEquals(
          whole.parts.size(),
          skipping.parts.size(),
          "skipping a part's body must not change the parts");
    }
  }

  /** Headers and body of each part read, then the error that ended reading (null at a clean end). */
  private record Outcome(List<String> parts, String error) {}

  private static Outcome read(String contentType, InputStream in, boolean skipOdd) {
    List<String> parts = new ArrayList<>();
    try (MultipartMixedReader r = new MultipartMixedReader(contentType, in)) {
      MultipartMixedReader.Part p;
      while ((p = r.next()) != null) {
        assertNotNull(p.headers());
        Map<String, String> h = p.headers();
        if (skipOdd && parts.size() % 2 == 1) {
          parts.add(h.toString()); // body left unread: next() must skip it
          continue;
        }
        byte[] data = p.body().readAllBytes();
        parts.add(h + "|" + Arrays.toString(data));
      }
      return new Outcome(parts, null);
    } catch (MalformedMultipartException e) {
      return new Outcome(parts, e.getMessage());
    } catch (IOException e) {
      throw new AssertionError("only MalformedMultipartException is documented", e);
    }
  }

  private static int indexOf(byte[] b, byte x) {
    for (int i = 0; i < b.length; i++) {
      if (b[i] == x) {
        return i;
      }
    }
    return -1;
  }
}
