package ai.backend.local;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class MainOptionsTest {
  @Test
  void binaryStreamFramesIsAFlag() throws Exception {
    assertFalse(Main.parse(new String[] {}).binaryStreamFrames());
    assertTrue(
        Main.parse(new String[] {"--binary-stream-frames", "--port", "0"}).binaryStreamFrames());
    assertThrows(
        Main.UsageException.class, () -> Main.parse(new String[] {"--binary-stream-frames=yes"}));
  }
}
