package ai.backend.client.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class WorkDirTest {
  @Test
  void pathsUnderHomeWorkBecomeRelative() {
    assertEquals(".", WorkDir.relative("/home/work"));
    assertEquals(".", WorkDir.relative("/home/work/"));
    assertEquals(".", WorkDir.relative("."));
    assertEquals(".", WorkDir.relative(""));
    assertEquals("src", WorkDir.relative("/home/work/src"));
    assertEquals("src/a", WorkDir.relative("//home//work/./src/a/"));
    assertEquals("src", WorkDir.relative("src"));
    assertEquals("b", WorkDir.relative("a/../b"));
    assertEquals("x", WorkDir.relative("/home/work/../work/x"));
  }

  @Test
  void pathsOutsideAreUsageErrors() {
    for (String p :
        new String[] {"/etc", "/home", "/home/workshop", "..", "../x", "/home/work/..", "a/../../b"
        }) {
      CliException e = assertThrows(CliException.class, () -> WorkDir.relative(p), p);
      assertEquals(ExitCode.USAGE, e.exitCode(), p);
    }
  }
}
