package ai.backend.client.internal.files;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class ProgressInputStreamTest {

  @Test
  void reportsCumulativeBytesAndTotal() throws IOException {
    byte[] data = new byte[100];
    for (int i = 0; i < data.length; i++) {
      data[i] = (byte) i;
    }
    List<long[]> calls = new ArrayList<>();
    try (ProgressInputStream in = new ProgressInputStream(
        new TrickleInputStream(data, 1), 100, (t, total) -> calls.add(new long[] {t, total}))) {
      byte[] first = new byte[1];
      first[0] = (byte) in.read();
      in.skip(9);
      byte[] rest = in.readAllBytes();
      assertEquals(90, rest.length);
      assertEquals(0, first[0]);
      assertArrayEquals(java.util.Arrays.copyOfRange(data, 10, 100), rest);
      assertEquals(100, in.transferred());
    }
    long prev = 0;
    for (long[] c : calls) {
      assertEquals(100, c[1]);
      assertEquals(true, c[0] > prev);
      prev = c[0];
    }
    assertEquals(100, prev);
  }
}
