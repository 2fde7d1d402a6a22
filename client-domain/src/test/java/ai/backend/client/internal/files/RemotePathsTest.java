package ai.backend.client.internal.files;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RemotePathsTest {
  @TempDir
  Path root;

  @Test
  void normalizes() {
    assertEquals(".", RemotePaths.normalize(""));
    assertEquals(".", RemotePaths.normalize("./"));
    assertEquals("a/b", RemotePaths.normalize("./a//b/."));
    assertEquals("a/b", RemotePaths.join("a", "b"));
    assertEquals("b", RemotePaths.join(".", "b"));
    assertEquals("a", RemotePaths.join("a", "."));
    assertEquals("c.txt", RemotePaths.name("a/b/c.txt"));
  }

  @Test
  void refusesEscapes() {
    for (String bad : new String[] {"/etc/passwd", "../x", "a/../../x", "a/..", "a\\b", "a\0b"}) {
      assertThrows(IllegalArgumentException.class, () -> RemotePaths.normalize(bad), bad);
      assertThrows(IllegalArgumentException.class, () -> RemotePaths.local(root, bad), bad);
    }
  }

  @Test
  void mapsToLocalAndBack() {
    Path p = RemotePaths.local(root, "data/x.csv");
    assertEquals(root.toAbsolutePath().normalize().resolve("data").resolve("x.csv"), p);
    assertEquals("data/x.csv", RemotePaths.relative(root, p));
    assertEquals(root.toAbsolutePath().normalize(), RemotePaths.local(root, "."));
  }
}
